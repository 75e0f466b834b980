// Consumer: librdkafka consumer, as a group member or with a manual assignment.
//
// Group mode (`group_id` set, Subscribe): partition.assignment.strategy=cooperative-sticky,
// enable.auto.commit=false, enable.auto.offset.store=false; the caller commits explicitly
// (Commit) after its output is durable. Rebalances are handed to the RebalanceListener
// inside Poll(), on the polling thread, before the assignment changes:
//   - OnAssigned: new partitions (cooperative: only the added ones); the listener may set
//     each one's start offset (default: the group's committed offset, else
//     `auto_offset_reset`);
//   - OnRevoked: partitions about to move to another member; finish or drop their work and
//     Commit here: after the callback returns they are gone;
//   - OnLost: partitions already taken away (session timeout): do NOT commit, drop work.
// With a librdkafka older than 2.10 (a system build, -DTRIBUTARY_SYSTEM_RDKAFKA=ON; the
// linked 2.12.1 has the fix, confluentinc/librdkafka#4059), a Commit from the poll loop
// that races a cooperative rebalance fails with ILLEGAL_GENERATION (returned here as
// Unavailable) and librdkafka then reports the assignment lost (OnLost) and rejoins;
// records after the last successful commit are delivered again (at-least-once, nothing
// lost). Commits made inside OnRevoked are not affected.
// Manual mode (Assign): no group protocol; used to read a topic from the beginning to the
// end (offset store, schema history) with ReadToEnd-style loops over PartitionEof.
//
// Memory: Poll returns views into librdkafka's messages; they stay valid until the next
// Poll() or Close() (the batch is owned by the Consumer). Pause/Resume give backpressure.
//
// Threading: a Consumer is used by one thread (all calls, including from the listener
// callbacks, which run inside Poll on that thread). Lifetime: Close() leaves the group
// (revoking partitions through the listener); the destructor calls it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_types.h"

namespace tributary::kafka {

// A partition being assigned; the listener may change start_offset (an absolute offset,
// kOffsetBeginning, kOffsetEnd, or kOffsetStored for the committed one).
struct PartitionAssignment {
  std::string topic;
  int32_t partition = 0;
  int64_t start_offset = kOffsetStored;
};

class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void OnAssigned(std::span<PartitionAssignment> partitions) { (void)partitions; }
  virtual void OnRevoked(std::span<const TopicPartition> partitions) { (void)partitions; }
  virtual void OnLost(std::span<const TopicPartition> partitions) { (void)partitions; }
};

enum class IsolationLevel { kReadUncommitted, kReadCommitted };
enum class TimestampType { kNone, kCreateTime, kLogAppendTime };

// One consumed record: views into librdkafka's message, valid until the next Poll().
class ConsumedRecord {
 public:
  std::string_view topic() const;
  int32_t partition() const;
  int64_t offset() const;
  std::optional<std::string_view> key() const;    // nullopt: null key
  std::optional<std::string_view> value() const;  // nullopt: null value (tombstone)
  int64_t timestamp_ms() const;                   // -1 when absent
  TimestampType timestamp_type() const;
  // Headers in order (views with the same lifetime as the record).
  std::vector<RecordHeader> headers() const;
  size_t header_count() const;

  explicit ConsumedRecord(const void* message) : message_(message) {}

 private:
  const void* message_;  // rd_kafka_message_t*, owned by the Consumer's batch
};

// What a Poll returned: records, and partitions that reached their end during this poll
// (only with `report_partition_eof`).
struct PollResult {
  std::span<const ConsumedRecord> records;
  std::span<const TopicPartitionOffset> reached_end;  // offset = the end offset
};

struct ConsumerStats {
  uint64_t records = 0;
  uint64_t bytes = 0;  // key + value
  uint64_t polls = 0;
  uint64_t rebalances = 0;
  uint64_t commits = 0;
};

struct ConsumerOptions {
  ClientConfig client;   // from ClientConfigFor(cfg, ClientRole::kConsumer)
  std::string group_id;  // required for Subscribe/Commit/Committed (e.g. "connect-<name>")
  std::optional<IsolationLevel> isolation;  // unset: the ClientConfig's (Java default: uncommitted)
  std::string auto_offset_reset = "earliest";  // Kafka Connect's sink default
  size_t max_batch_records = 10000;
  bool report_partition_eof = false;
  RebalanceListener* listener = nullptr;  // not owned; must outlive the Consumer
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Open(ConsumerOptions options);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Joins the group for these topics; an entry starting with '^' is a regex.
  // REQUIRES: group_id set.
  Status Subscribe(const std::vector<std::string>& topics);

  // Manual assignment (replaces the current one); offsets as in PartitionAssignment.
  Status Assign(const std::vector<PartitionAssignment>& partitions);

  // Waits up to `timeout` for the first record, then takes what is ready, up to
  // max_batch_records. Serves rebalances (listener callbacks). Errors: fatal consumer
  // errors only (transient broker errors are logged and retried by librdkafka).
  // The previous batch's views become invalid.
  Result<PollResult> Poll(std::chrono::milliseconds timeout);

  // Synchronous commit of `offsets` (each the next offset to read).
  Status Commit(const std::vector<TopicPartitionOffset>& offsets);
  // The group's committed offsets for `partitions` (offset kOffsetInvalid when none). A
  // coordinator that is not ready yet (NOT_COORDINATOR, loading) is asked again until
  // `timeout`.
  Result<std::vector<TopicPartitionOffset>> Committed(const std::vector<TopicPartition>& partitions,
                                                      std::chrono::milliseconds timeout);

  // Moves the fetch position of assigned partitions.
  Status Seek(const std::vector<TopicPartitionOffset>& positions, std::chrono::milliseconds timeout);
  Status Pause(const std::vector<TopicPartition>& partitions);
  Status Resume(const std::vector<TopicPartition>& partitions);

  // Current assignment.
  Result<std::vector<TopicPartition>> Assignment();

  // Low and high watermark of a partition from the broker.
  Result<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& tp,
                                                 std::chrono::milliseconds timeout);
  // Partition count of `topic` (NotFound when it does not exist).
  Result<int32_t> PartitionCount(std::string_view topic, std::chrono::milliseconds timeout);

  ConsumerStats stats() const;

  // Leaves the group (listener gets OnRevoked) and releases the last batch. Idempotent.
  Status Close();

  struct Impl;

 private:
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::kafka
