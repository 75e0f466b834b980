#include "snapshot/chunk_reader_pool.h"

#include <mysql.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "mysql/sql_connection.h"

namespace tributary::snapshot {

ChunkReaderPool::ChunkReaderPool(int threads, Connect connect, PoolOptions options)
    : connect_(std::move(connect)), options_(options) {
  threads = std::max(1, threads);
  workers_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    workers_.emplace_back([this](std::stop_token st) { WorkerLoop(st); });
  }
}

ChunkReaderPool::~ChunkReaderPool() {
  Cancel();
  for (auto& w : workers_) w.request_stop();
  workers_.clear();  // joins
}

uint64_t ChunkReaderPool::Submit(std::shared_ptr<ChunkJob> job) {
  std::lock_guard lock(mu_);
  uint64_t seq = next_seq_++;
  auto slot = std::make_shared<Slot>();
  slot->job = std::move(job);
  slots_.emplace(seq, std::move(slot));
  queue_.push_back(seq);
  cv_.notify_all();
  return seq;
}

Status ChunkReaderPool::WaitView(uint64_t seq, std::stop_token stop) {
  std::unique_lock lock(mu_);
  auto it = slots_.find(seq);
  if (it == slots_.end()) {
    return Status::NotFound("snapshot reader: no chunk " + std::to_string(seq) + " in flight");
  }
  std::shared_ptr<Slot> slot = it->second;
  cv_.wait(lock, stop, [&] { return slot->view_done; });
  if (!slot->view_done) return Status::Unavailable("snapshot reader: stopping");
  return slot->view_status;
}

Status ChunkReaderPool::WaitDone(uint64_t seq, std::stop_token stop) {
  std::unique_lock lock(mu_);
  auto it = slots_.find(seq);
  if (it == slots_.end()) {
    return Status::NotFound("snapshot reader: no chunk " + std::to_string(seq) + " in flight");
  }
  std::shared_ptr<Slot> slot = it->second;
  cv_.wait(lock, stop, [&] { return slot->done; });
  if (!slot->done) return Status::Unavailable("snapshot reader: stopping");
  slots_.erase(seq);
  return slot->status;
}

size_t ChunkReaderPool::in_flight() const {
  std::lock_guard lock(mu_);
  return slots_.size();
}

uint64_t ChunkReaderPool::queries_killed() const {
  std::lock_guard lock(mu_);
  return queries_killed_;
}

void ChunkReaderPool::Cancel() {
  std::unique_lock lock(mu_);
  for (auto& [seq, slot] : slots_) slot->stop.request_stop();
  queue_.clear();
  next_view_ = next_prepare_ = next_seq_;  // nobody waits for a cancelled job's turn
  cv_.notify_all();
  auto idle = [&] {
    return std::none_of(slots_.begin(), slots_.end(),
                        [](const auto& kv) { return kv.second->running; });
  };
  if (!cv_.wait_for(lock, options_.kill_after, idle)) {
    // A statement the server holds does not see the stop token: end it.
    std::vector<uint64_t> ids;
    for (const auto& [seq, slot] : slots_) {
      if (slot->running && slot->connection_id != 0) ids.push_back(slot->connection_id);
    }
    lock.unlock();
    KillQueries(ids);
    lock.lock();
  }
  cv_.wait(lock, idle);
  slots_.clear();
}

void ChunkReaderPool::KillQueries(const std::vector<uint64_t>& ids) {
  if (ids.empty()) return;
  auto conn = connect_();
  if (!conn) {
    spdlog::warn("snapshot readers: cannot connect to end their statements ({}); waiting",
                 conn.error().message());
    return;
  }
  for (uint64_t id : ids) {
    // An error means the statement (or the connection) already ended.
    if ((*conn)->Execute("KILL QUERY " + std::to_string(id)).ok()) {
      std::lock_guard lock(mu_);
      ++queries_killed_;
    }
  }
}

void ChunkReaderPool::WorkerLoop(std::stop_token worker_stop) {
  std::unique_ptr<mysql::SqlConnection> conn;
  while (!worker_stop.stop_requested()) {
    uint64_t seq = 0;
    std::shared_ptr<Slot> slot;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, worker_stop, [&] { return !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      seq = queue_.front();
      queue_.pop_front();
      slot = slots_.at(seq);
      slot->running = true;
      if (options_.views_apart_from_reads) ++views_pending_;
    }
    const std::stop_token job_stop = slot->stop.get_token();
    const bool apart = options_.views_apart_from_reads;
    Status view;
    // Connecting overlaps the wait for this job's turn.
    if (!conn) {
      auto c = connect_();
      if (c) {
        conn = std::move(*c);
      } else {
        view = c.error();
      }
    }
    {
      std::unique_lock lock(mu_);
      if (conn) slot->connection_id = mysql_thread_id(conn->handle());
      cv_.wait(lock, worker_stop, [&] {
        return (next_view_ >= seq && (!apart || reading_ == 0)) || job_stop.stop_requested();
      });
    }
    // A phase runs only while the job is live and the phases before it succeeded.
    auto run = [&](auto phase) {
      if (view.ok() && (job_stop.stop_requested() || worker_stop.stop_requested())) {
        view = Status::Unavailable("snapshot reader: chunk abandoned");
      }
      if (view.ok()) view = phase();
    };
    // OpenView and Prepare returned: WaitView's answer, and the turn of the next job.
    auto publish_view = [&](uint64_t* next_turn) {
      std::lock_guard lock(mu_);
      *next_turn = std::max(*next_turn, seq + 1);
      slot->view_done = true;
      slot->view_status = view;
      cv_.notify_all();
    };
    run([&] { return slot->job->OpenView(*conn); });
    bool counted = false;  // in reading_
    if (!apart) {
      // Prepare in the view's turn: the next job's OpenView waits for it.
      run([&] { return slot->job->Prepare(*conn); });
      publish_view(&next_view_);
    } else {
      {
        std::unique_lock lock(mu_);
        next_view_ = std::max(next_view_, seq + 1);
        --views_pending_;
        cv_.notify_all();
        if (view.ok()) {
          // The batch's views first: no FTWRL may wait for this job's statements. A job
          // of the batch already past this point closed the batch (views wait for it).
          cv_.wait(lock, worker_stop, [&] {
            return views_pending_ == 0 || reading_ > 0 || job_stop.stop_requested();
          });
          ++reading_;
          counted = true;
          cv_.notify_all();
        }
        // Prepare in submission order; this job holds no table while it waits.
        cv_.wait(lock, worker_stop,
                 [&] { return next_prepare_ >= seq || job_stop.stop_requested(); });
      }
      run([&] { return slot->job->Prepare(*conn); });
      publish_view(&next_prepare_);
    }
    Status status = view;
    if (status.ok()) status = slot->job->Read(*conn, job_stop);
    if (counted) {
      std::lock_guard lock(mu_);
      --reading_;
      cv_.notify_all();
    }
    if (!status.ok() || job_stop.stop_requested()) {
      conn.reset();  // whatever state the failure left the session in goes with it
    }
    {
      std::lock_guard lock(mu_);
      slot->status = std::move(status);
      slot->done = true;
      slot->running = false;
      slot->job.reset();
      cv_.notify_all();
    }
  }
}

}  // namespace tributary::snapshot
