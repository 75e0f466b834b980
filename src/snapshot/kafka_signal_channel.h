// KafkaSignalChannel: Debezium's Kafka signal channel (signal.enabled.channels=kafka).
//
// As Debezium's KafkaSignalChannel does (checked against debezium-core
// io.debezium.pipeline.signal.channels.KafkaSignalChannel):
//   - topic `signal.kafka.topic` (default "<topic.prefix>-signal"), partition 0 only,
//     assigned explicitly (no group membership); brokers `signal.kafka.bootstrap.servers`
//     (default: the connector's `bootstrap.servers`), consumer group id
//     `signal.kafka.groupId` (default "kafka-signal") used only to store the position,
//     `signal.consumer.*` passed to the consumer (Java client keys, mapped like
//     `consumer.override.*`) on top of the connector's security.protocol / ssl.* /
//     sasl.* / kafka.* settings;
//   - a record is a signal only when its key equals `topic.prefix` (others are logged at
//     info and skipped); value = {"id": "...", "type": "...", "data": {...}} (id optional:
//     the record offset "kafka-<offset>" stands in when absent);
//   - the position survives restarts: Debezium commits the consumer position to the group
//     when the channel closes (enable.auto.commit=false, commitSync() in close()), and its
//     read-only incremental snapshot (read.only=true) also keeps the offset of the
//     execute-snapshot record in the source offset (`incremental_snapshot_signal_offset`,
//     MySqlReadOnlyIncrementalSnapshotContext) and seeks to offset + 1 on restart. After a
//     crash Debezium can therefore re-read signals since the last clean close. We commit
//     the group position after every Poll that consumed records (so even kill -9 does not
//     re-run an old signal) and on Close; Open() can also be given an explicit start
//     offset (next offset to read, e.g. kept in the source offset), which wins over the
//     group's. A new group starts at the beginning of the topic (auto.offset.reset=earliest,
//     as Debezium).
// A record that is not valid JSON or not an object is skipped with a warning (as Debezium
// does); a signal whose data is invalid for its type is skipped with a warning too (the
// channel never fails on user input). Errors from Poll are consumer errors only.
//
// Threading: one thread (the engine's) calls everything. Lifetime: owns its consumer;
// the destructor commits and closes.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "kafka/kafka_config.h"
#include "snapshot/signal.h"

namespace tributary::config {
class ConnectorConfig;
}
namespace tributary::kafka {
class Consumer;
}

namespace tributary::snapshot {

// The settings of the channel, from a connector config (KafkaSignalOptionsFrom) or built
// by tests.
struct KafkaSignalOptions {
  std::string topic;          // signal.kafka.topic
  std::string connector_key;  // topic.prefix: records with another key are ignored
  std::string group_id = "kafka-signal";
  std::chrono::milliseconds poll_timeout{0};  // signal.kafka.poll.timeout.ms (Debezium: 0)
  // Java client settings (bootstrap servers, the connector's security settings and
  // kafka.* keys, signal.consumer.* overrides), mapped as every client of the connector.
  kafka::ConnectClientSettings client;
  // Next offset to read; unset: the group's committed offset, else the beginning.
  std::optional<int64_t> start_offset;
};

// Reads the signal.kafka.* / signal.consumer.* / topic.prefix keys. Errors:
// InvalidArgument when no brokers are known or the topic name is empty.
Result<KafkaSignalOptions> KafkaSignalOptionsFrom(const config::ConnectorConfig& cfg);

class KafkaSignalChannel {
 public:
  // Open(cfg) = Open(KafkaSignalOptionsFrom(cfg)). The topic need not exist yet (Poll then
  // returns nothing until it does). Errors: InvalidArgument (settings), Unavailable.
  static Result<std::unique_ptr<KafkaSignalChannel>> Open(const config::ConnectorConfig& cfg);
  static Result<std::unique_ptr<KafkaSignalChannel>> Open(KafkaSignalOptions options);
  ~KafkaSignalChannel();
  KafkaSignalChannel(const KafkaSignalChannel&) = delete;
  KafkaSignalChannel& operator=(const KafkaSignalChannel&) = delete;

  // Signals received since the last call, in topic order. Waits at most `poll_timeout`
  // (a few ms when 0) for the first record. Commits the position when records were read.
  Result<std::vector<Signal>> Poll();

  // The next offset of partition 0 this channel will read (after the records returned so
  // far); -1 before any record was read and no start offset was known. The engine may
  // keep it in the source offset and pass it back as start_offset after a restart.
  int64_t next_offset() const { return next_offset_; }

  // Commits the position and closes the consumer. Idempotent.
  Status Close();

 private:
  KafkaSignalChannel(KafkaSignalOptions options, std::unique_ptr<kafka::Consumer> consumer);
  Status CommitPosition();

  KafkaSignalOptions options_;
  std::unique_ptr<kafka::Consumer> consumer_;
  int64_t next_offset_ = -1;
  int64_t committed_offset_ = -1;
};

}  // namespace tributary::snapshot
