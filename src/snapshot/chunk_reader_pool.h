// ChunkReaderPool: worker threads that read snapshot chunks ahead of the connector's
// thread (snapshot.max.threads), each on its own database connection.
//
// A chunk is read in its own consistent view at a binlog position S, and the connector
// emits chunk i at S_i of the stream, in chunk order, so the views must be opened in chunk
// order (S_1 <= S_2 <= ...): a job runs in three phases, OpenView() strictly in submission
// order across all workers (job i's starts after job i-1's returned), Prepare() in
// submission order too (job i's after job i-1's returned: a chunk's range may start where
// the previous chunk's ends), then Read() concurrently with the other jobs. What a job
// reads and where its results go is the job's business (the connector's
// source_snapshot.cc); the pool orders, runs, cancels.
//
// Tables are first touched in Prepare(), never in OpenView(): a transaction that read a
// table holds the table's metadata lock until it ends, and a worker holding one must not
// wait for another worker's statement. Another client's LOCK TABLES WRITE or DDL queued
// for that lock makes every later statement on the table wait behind it; if a worker kept
// the lock while waiting for such a statement of another worker, neither would ever be
// granted (the server sees only the lock queue, not the wait in this process). So a job
// that ran Prepare() goes on to Read() without waiting for anyone, and waits for its
// turn to Prepare() (job i-1's Prepare) before it reads any table.
//
// Views apart from reads (PoolOptions::views_apart_from_reads, the lock method): a view
// opened under FLUSH TABLES WITH READ LOCK must not wait for a SELECT still running on
// another worker (FTWRL waits for running statements while it already blocks every
// writer of the server). Then OpenView() runs only while no job is in Prepare() or
// Read(), and those start only once no taken job still waits to open its view: views
// open in a batch (holding no table), then the batch's jobs seek and read. Without it,
// Prepare() runs right after the job's OpenView(), in the same turn (job i+1's OpenView
// starts after job i's Prepare returned).
//
// Errors: a job's Status is kept and returned by WaitView()/WaitDone() for that job; a
// worker whose job failed drops its connection (any open view with it) and connects
// again for its next job. A failure never blocks the jobs behind it.
//
// Cancel: a job's stop token is checked per row by its Read(); a statement the server
// holds (FLUSH TABLES WITH READ LOCK behind another client's long query, a SELECT waiting
// for a metadata lock) cannot see it, so a worker still busy `kill_after` after Cancel()
// asked has its statement ended by KILL QUERY from a connection of Cancel()'s own.
//
// Threading: one owner thread calls every method; `threads` workers run the jobs. A job
// object is shared with its worker until WaitDone() returned for it or Cancel() did.
// Lifetime: the destructor cancels what is in flight and joins the workers; it waits for
// a job's Read() to notice its stop token (checked per row by the connector's reader).
#pragma once

#include <chrono>
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
  // Opens the chunk's consistent view on `conn` (in submission order across workers),
  // touching no table (see above).
  virtual Status OpenView(mysql::SqlConnection& conn) = 0;
  // The view's first statements on tables (the connector: the chunk's boundary seek), in
  // submission order, after this job's OpenView succeeded; Read follows without a wait.
  virtual Status Prepare(mysql::SqlConnection&) { return Status::Ok(); }
  // Reads the chunk inside the view and ends the view (COMMIT/ROLLBACK); returns early
  // when `stop` is requested (Cancel(), the pool's destruction). Runs only when OpenView
  // and Prepare succeeded.
  virtual Status Read(mysql::SqlConnection& conn, std::stop_token stop) = 0;
};

struct PoolOptions {
  bool views_apart_from_reads = false;  // see above (the lock method)
  std::chrono::milliseconds kill_after{500};  // Cancel(): KILL QUERY after this long
};

class ChunkReaderPool {
 public:
  // Opens a worker's connection with its session settings; called on the worker's thread
  // before its first job and after a failed one, and by Cancel() for KILL QUERY.
  using Connect = std::function<Result<std::unique_ptr<mysql::SqlConnection>>()>;

  // Starts `threads` (>= 1) workers; connections are opened at their first job.
  ChunkReaderPool(int threads, Connect connect, PoolOptions options = {});
  ~ChunkReaderPool();
  ChunkReaderPool(const ChunkReaderPool&) = delete;
  ChunkReaderPool& operator=(const ChunkReaderPool&) = delete;

  // Queues `job`; returns its sequence number (increasing). Never blocks: the owner
  // bounds how many jobs it keeps in flight (in_flight()).
  uint64_t Submit(std::shared_ptr<ChunkJob> job);

  // Waits until job `seq`'s OpenView() and Prepare() returned; their Status. Unavailable
  // when `stop` is requested first; NotFound for a sequence not in flight (cancelled, or
  // done and waited for).
  Status WaitView(uint64_t seq, std::stop_token stop);

  // Waits until job `seq` is done; its Status (OpenView's failure, or Read's). The job is
  // then no longer in flight. Unavailable when `stop` is requested first (the job stays).
  Status WaitDone(uint64_t seq, std::stop_token stop);

  // Jobs submitted and not yet waited for by WaitDone.
  size_t in_flight() const;

  // Abandons every job in flight: requests their stop, drops the queued ones, and waits
  // until no worker runs one of them any more (their results are discarded); a worker
  // still busy after options.kill_after has its statement killed (KILL QUERY). The pool
  // is usable again afterwards.
  void Cancel();

  int threads() const { return static_cast<int>(workers_.size()); }
  // Statements ended by Cancel()'s KILL QUERY so far (tests, the log).
  uint64_t queries_killed() const;

 private:
  struct Slot {
    std::shared_ptr<ChunkJob> job;
    std::stop_source stop;
    bool view_done = false;  // OpenView and Prepare returned
    bool done = false;
    bool running = false;  // a worker holds it
    uint64_t connection_id = 0;  // the server's id of that worker's connection (0: none)
    Status view_status;
    Status status;
  };
  void WorkerLoop(std::stop_token worker_stop);
  // KILL QUERY for each id, from a connection of its own (errors logged, not returned).
  void KillQueries(const std::vector<uint64_t>& ids);

  Connect connect_;
  PoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::map<uint64_t, std::shared_ptr<Slot>> slots_;  // in flight, by sequence
  std::deque<uint64_t> queue_;                       // submitted, not yet taken by a worker
  uint64_t next_seq_ = 1;
  uint64_t next_view_ = 1;     // the sequence whose OpenView may run now
  uint64_t next_prepare_ = 1;  // the sequence whose Prepare may run now
  // views_apart_from_reads: jobs taken whose OpenView has not returned; jobs in Prepare()
  // or Read().
  int views_pending_ = 0;
  int reading_ = 0;
  uint64_t queries_killed_ = 0;
  std::vector<std::jthread> workers_;
};

}  // namespace tributary::snapshot
