// Producer: librdkafka producer with ordered acknowledgement.
//
// Settings forced on top of the caller's ClientConfig: acks=all, enable.idempotence=true,
// partitioner=murmur2_random (keyed records land where the Java producer puts them; null
// keys are spread), max.in.flight.requests.per.connection 1 unless set (Kafka Connect's
// source producer default; at most 5, a larger value is an error). compression.type,
// linger.ms, batch.size ... come from the ClientConfig.
//
// Ordered acknowledgement: every Send() gets the next sequence number (1, 2, 3, ...).
// AckedThrough() is the highest n such that records 1..n are all acknowledged by Kafka
// (acks=all). A source connector advances its stored offset only up to the record with
// that sequence. A delivery failure stops the count below the failed record for good:
// the failure is kept (FirstFailure()), later Send() calls return it, and the caller must
// restart from its last stored offset (nothing after it was lost, some may be resent).
// A success report without an offset (librdkafka's "implicit ack" of an earlier failed
// request, which a broker with no state for this producer may not have written) counts
// as a delivery failure.
//
// Bounded memory: librdkafka's local queue holds at most `queue_max_messages` records and
// `queue_max_kbytes`; Send() blocks while it is full (waiting for acks, up to
// `send_timeout`, or until the stop token is triggered) and then returns Unavailable.
// An unreachable broker is retried by librdkafka until `delivery.timeout.ms` (default
// 300000, Kafka's default) and logged (WARN) as it happens; records wait, none are lost.
//
// Transactions (exactly-once source: events and offsets in one transaction): set
// `transactional_id`, call InitTransactions() once, then Begin/Commit/Abort.
//
// Threading: Send, Flush, the transaction calls and Close must come from one thread at a
// time (the owner's). AckedThrough, FirstFailure and stats() may be read from any thread.
// Delivery reports are served by an internal thread, which also runs the callbacks of
// ProducerOptions (keep them short; they must not call back into the Producer).
// Lifetime: destroying a Producer purges what was not delivered (call Flush first).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/status.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_types.h"

namespace tributary::kafka {

// One record to send. All views only need to live during the Send() call (librdkafka
// copies them).
struct OutgoingRecord {
  std::string_view topic;
  std::optional<std::string_view> key;    // nullopt: null key
  std::optional<std::string_view> value;  // nullopt: null value (a tombstone)
  std::span<const RecordHeader> headers;
  int32_t partition = kAnyPartition;
  int64_t timestamp_ms = 0;  // 0: now
  uint64_t token = 0;        // the caller's tag, handed back in a DeliveryFailure
};

struct DeliveryFailure {
  uint64_t sequence = 0;
  uint64_t token = 0;
  std::string topic;
  int32_t partition = kAnyPartition;
  Status status;  // InvalidArgument: record too large / invalid; Unavailable: timed out
                  // or broker errors (restart and resend); FailedPrecondition: fatal
                  // producer error (fenced, idempotence gap).
};

struct ProducerStats {
  uint64_t sent = 0;            // records handed to librdkafka
  uint64_t acked = 0;           // delivery reports with success
  uint64_t failed = 0;          // delivery reports with an error
  uint64_t queue_full_waits = 0;
  uint64_t bytes_sent = 0;      // key + value bytes handed to librdkafka
};

struct ProducerOptions {
  ClientConfig client;               // from ClientConfigFor(cfg, ClientRole::kProducer)
  std::string transactional_id;      // non-empty: transactional producer
  int queue_max_messages = 100000;   // queue.buffering.max.messages
  int queue_max_kbytes = 65536;      // queue.buffering.max.kbytes (64 MiB)
  std::chrono::milliseconds send_timeout{std::chrono::minutes(5)};
  // How long BeginTransaction spends finishing an abort that returned unfinished (see
  // AbortTransaction) before it gives up with Unavailable.
  std::chrono::milliseconds txn_abort_resume_timeout{std::chrono::seconds(10)};
  // Called on the delivery thread each time AckedThrough() advances (new value).
  std::function<void(uint64_t acked_through)> on_acked;
  // Called on the delivery thread for every failed record.
  std::function<void(const DeliveryFailure&)> on_failure;
};

class Producer {
 public:
  // Creates the client (no network round trip yet). Errors: InvalidArgument for bad
  // settings.
  static Result<std::unique_ptr<Producer>> Open(ProducerOptions options);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Asks the cluster for its metadata: ok once a broker answered, Unavailable with the
  // last connection error (e.g. "Connect to ipv4#127.0.0.1:1 failed: Connection refused")
  // after `timeout`.
  Status CheckBrokers(std::chrono::milliseconds timeout);

  // Queues one record; returns its sequence number. Blocks while the local queue is full
  // (see above). Errors: the first delivery failure, if any; Unavailable when the queue
  // stayed full for send_timeout or `stop` was requested; InvalidArgument for a record
  // librdkafka refuses at once (too large: the message names the topic and size).
  Result<uint64_t> Send(const OutgoingRecord& record, std::stop_token stop = {});

  // Highest n with records 1..n acknowledged (0 before the first ack).
  uint64_t AckedThrough() const;
  // Sequence of the last record sent (0 before the first).
  uint64_t LastSequence() const;
  // The first delivery failure, if any.
  std::optional<DeliveryFailure> FirstFailure() const;

  // Waits until every sent record is acknowledged or failed. Unavailable after `timeout`
  // with records still outstanding; the first failure if one happened.
  Status Flush(std::chrono::milliseconds timeout);

  // Partition count of `topic` from the cluster metadata (NotFound for a missing topic).
  Result<int32_t> PartitionCount(std::string_view topic, std::chrono::milliseconds timeout);

  // Transactions (REQUIRES: transactional_id set). Retriable librdkafka errors are
  // retried inside each call until `timeout`. CommitTransaction on an abortable error
  // aborts the transaction itself and returns Unavailable ("transaction aborted: ...";
  // the caller resends from its last committed offset in a new transaction). Fatal errors
  // (fenced by another instance with the same transactional id, ...) return
  // FailedPrecondition: the producer is unusable, stop.
  Status InitTransactions(std::chrono::milliseconds timeout);
  Status BeginTransaction();
  Status CommitTransaction(std::chrono::milliseconds timeout);
  Status AbortTransaction(std::chrono::milliseconds timeout);
  // True when a CommitTransaction error says the transaction was aborted (its records
  // never become visible to read_committed consumers). Any other error leaves the outcome
  // open: calling CommitTransaction again resumes the commit and tells.
  // An abort that times out (coordinator unreachable, records still in flight) is resumed
  // by the next BeginTransaction, which returns Unavailable until the abort completed;
  // the transaction's records are aborted either way.
  static bool IsAbortedTransaction(const Status& s);

  ProducerStats stats() const;

  // Flushes up to `timeout`, then stops the delivery thread. Idempotent.
  Status Close(std::chrono::milliseconds timeout);

  struct Impl;

 private:
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::kafka
