// ChunkReaderPool: worker threads that read snapshot chunks ahead of the connector's
// thread (snapshot.max.threads), each on its own database connection.
//
// A chunk is read in its own consistent view at a binlog position S, and the connector
// emits chunk i at S_i of the stream, in chunk order, so the views must be opened in chunk
// order (S_1 <= S_2 <= ...): a job runs in two phases, OpenView() strictly in submission
// order across all workers (job i's starts after job i-1's returned), then Read()
// concurrently with the other jobs. What a job reads and where its results go is the
// job's business (the connector's source_snapshot.cc); the pool orders, runs, cancels.
//
// Errors: a job's Status is kept and returned by WaitView()/WaitDone() for that job; a
// worker whose job failed drops its connection (any open view with it) and connects
// again for its next job. A failure never blocks the jobs behind it.
//
// Threading: one owner thread calls every method; `threads` workers run the jobs. A job
// object is shared with its worker until WaitDone() returned for it or Cancel() did.
// Lifetime: the destructor cancels what is in flight and joins the workers; it waits for
// a job's Read() to notice its stop token (checked per row by the connector's reader).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "common/status.h"

namespace tributary::mysql {
class SqlConnection;
}

namespace tributary::snapshot {

// One chunk's work, run on a worker thread with that worker's connection.
class ChunkJob {
 public:
  virtual ~ChunkJob() = default;
  // Opens the chunk's consistent view on `conn` (in submission order across workers).
  virtual Status OpenView(mysql::SqlConnection& conn) = 0;
  // Reads the chunk inside the view and ends the view (COMMIT/ROLLBACK); returns early
  // when `stop` is requested (Cancel(), the pool's destruction). Runs only when OpenView
  // succeeded.
  virtual Status Read(mysql::SqlConnection& conn, std::stop_token stop) = 0;
};

class ChunkReaderPool {
 public:
  // Opens a worker's connection with its session settings; called on the worker's thread
  // before its first job and after a failed one.
  using Connect = std::function<Result<std::unique_ptr<mysql::SqlConnection>>()>;

  // Starts `threads` (>= 1) workers; connections are opened at their first job.
  ChunkReaderPool(int threads, Connect connect);
  ~ChunkReaderPool();
  ChunkReaderPool(const ChunkReaderPool&) = delete;
  ChunkReaderPool& operator=(const ChunkReaderPool&) = delete;

  // Queues `job`; returns its sequence number (increasing). Never blocks: the owner
  // bounds how many jobs it keeps in flight (in_flight()).
  uint64_t Submit(std::shared_ptr<ChunkJob> job);

  // Waits until job `seq`'s OpenView() returned; its Status. Unavailable when `stop` is
  // requested first; NotFound for a sequence not in flight (cancelled, or done and
  // waited for).
  Status WaitView(uint64_t seq, std::stop_token stop);

  // Waits until job `seq` is done; its Status (OpenView's failure, or Read's). The job is
  // then no longer in flight. Unavailable when `stop` is requested first (the job stays).
  Status WaitDone(uint64_t seq, std::stop_token stop);

  // Jobs submitted and not yet waited for by WaitDone.
  size_t in_flight() const;

  // Abandons every job in flight: requests their stop, drops the queued ones, and waits
  // until no worker runs one of them any more (their results are discarded). The pool is
  // usable again afterwards.
  void Cancel();

  int threads() const { return static_cast<int>(workers_.size()); }

 private:
  struct Slot {
    std::shared_ptr<ChunkJob> job;
    std::stop_source stop;
    bool view_done = false;
    bool done = false;
    bool running = false;  // a worker holds it
    Status view_status;
    Status status;
  };
  void WorkerLoop(std::stop_token worker_stop);

  Connect connect_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::map<uint64_t, std::shared_ptr<Slot>> slots_;  // in flight, by sequence
  std::deque<uint64_t> queue_;                       // submitted, not yet taken by a worker
  uint64_t next_seq_ = 1;
  uint64_t next_view_ = 1;  // the sequence whose OpenView may run now
  std::vector<std::jthread> workers_;
};

}  // namespace tributary::snapshot
