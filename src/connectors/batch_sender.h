// A second thread for the producer calls of a snapshot chunk: the connector's thread reads
// and encodes rows while this one hands the previous batch to Kafka (SendRecords).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "common/status.h"
#include "format/debezium/envelope.h"

namespace tributary::connectors {

// Sends batches of encoded records in the order they were pushed, one at a time, on a
// thread of its own (started by the constructor, joined by Finish or the destructor).
// Threading: one thread calls Push and Finish; `send` runs on the sender thread only and
// must not touch state that the pushing thread uses before Finish returns (Finish is the
// synchronisation point: after it, everything `send` did is visible to the caller).
// Memory: at most kDepth batches wait, plus the one being sent; the buffers circulate
// (Push swaps in a sent, cleared one), so their records keep their allocations.
class BatchSender {
 public:
  using SendFn = std::function<Status(const format::debezium::RecordBuffer&)>;
  static constexpr size_t kDepth = 2;

  // `stop`: once requested, batches not yet sent are dropped and Push returns at once.
  BatchSender(SendFn send, std::stop_token stop);
  ~BatchSender();
  BatchSender(const BatchSender&) = delete;
  BatchSender& operator=(const BatchSender&) = delete;

  // Queues *batch for sending and leaves an empty buffer in its place; waits while kDepth
  // batches are queued. Returns the first error of `send` so far (nothing is sent after
  // one).
  Status Push(format::debezium::RecordBuffer* batch);
  // Waits until every queued batch is sent (or dropped at a stop or after an error) and
  // stops the thread; the first error of `send`. Idempotent.
  Status Finish();

 private:
  void Run();

  SendFn send_;
  std::stop_token stop_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<format::debezium::RecordBuffer> queue_;  // guarded by mu_
  std::vector<format::debezium::RecordBuffer> spare_;  // guarded by mu_
  Status failed_;                                      // guarded by mu_
  bool closing_ = false;                               // guarded by mu_
  std::thread thread_;
};

}  // namespace tributary::connectors
