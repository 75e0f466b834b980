#include "connectors/batch_sender.h"

#include <utility>

namespace tributary::connectors {

namespace dbz = format::debezium;

BatchSender::BatchSender(SendFn send, std::stop_token stop)
    : send_(std::move(send)), stop_(std::move(stop)) {
  thread_ = std::thread([this] { Run(); });
}

BatchSender::~BatchSender() { (void)Finish(); }

Status BatchSender::Push(dbz::RecordBuffer* batch) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] {
    return queue_.size() < kDepth || !failed_.ok() || stop_.stop_requested();
  });
  if (!failed_.ok()) return failed_;
  if (stop_.stop_requested()) return Status::Ok();  // the caller sees the stop itself
  dbz::RecordBuffer empty;
  if (!spare_.empty()) {
    empty = std::move(spare_.back());
    spare_.pop_back();
  }
  queue_.push_back(std::move(*batch));
  *batch = std::move(empty);
  cv_.notify_all();
  return Status::Ok();
}

Status BatchSender::Finish() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return failed_;
}

void BatchSender::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    // A stop is seen here within one batch: `send` itself returns at a stop too.
    cv_.wait_for(lock, std::chrono::milliseconds(100),
                 [&] { return !queue_.empty() || closing_ || stop_.stop_requested(); });
    if (!failed_.ok() || stop_.stop_requested()) {
      // Nothing more is sent; Push returns at once from now on.
      queue_.clear();
      cv_.notify_all();
      cv_.wait(lock, [&] { return closing_; });
      return;
    }
    if (queue_.empty()) {
      if (closing_) return;
      continue;
    }
    dbz::RecordBuffer batch = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    cv_.notify_all();  // a slot is free: a waiting Push goes on while this batch is sent
    Status s = send_(batch);
    batch.Clear();
    lock.lock();
    if (!s.ok() && failed_.ok()) failed_ = std::move(s);
    spare_.push_back(std::move(batch));
    cv_.notify_all();
  }
}

}  // namespace tributary::connectors
