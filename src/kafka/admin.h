// Admin: create, describe and delete topics (librdkafka admin API).
//
// Used for the topics Tributary creates the way Kafka Connect does: per-table topics with
// `topic.creation.default.*`, the schema history topic (1 partition, retention.ms=-1,
// cleanup.policy=delete) and the connect-offsets topic (cleanup.policy=compact).
// Threading: one thread at a time. Every call blocks up to its timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "kafka/kafka_config.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::kafka {

struct NewTopic {
  std::string name;
  int32_t partitions = -1;          // -1: the broker's num.partitions
  int32_t replication_factor = -1;  // -1: the broker's default.replication.factor
  std::map<std::string, std::string> configs;  // topic-level: cleanup.policy, retention.ms ...
};

struct TopicDescription {
  std::string name;
  int32_t partitions = 0;
  int32_t replication_factor = 0;  // of partition 0
};

// The topic Kafka Connect's `topic.creation.default.*` keys describe for `topic`.
NewTopic TopicFromCreationDefaults(const config::ConnectorConfig& cfg, std::string topic);
// The schema history topic: 1 partition, retention.ms=-1, retention.bytes=-1, delete policy.
NewTopic HistoryTopic(std::string topic);
// A connect-offsets topic: 25 partitions (Kafka Connect's default), compacted.
NewTopic OffsetsTopic(std::string topic);

class Admin {
 public:
  static Result<std::unique_ptr<Admin>> Open(const ClientConfig& client);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // Creates the topic unless it exists. Returns true when it was created now, false when
  // it existed already (its settings are not compared). Errors: InvalidArgument for a
  // refused config/partition count, Unavailable when the cluster does not answer.
  Result<bool> CreateTopicIfMissing(const NewTopic& topic, std::chrono::milliseconds timeout);

  // NotFound when the topic does not exist.
  Result<TopicDescription> DescribeTopic(std::string_view topic, std::chrono::milliseconds timeout);

  // The topic's configuration entries as the broker reports them (defaults included).
  Result<std::map<std::string, std::string>> DescribeTopicConfigs(std::string_view topic,
                                                                  std::chrono::milliseconds timeout);

  // Deletes topics; a missing topic is not an error.
  Status DeleteTopics(const std::vector<std::string>& topics, std::chrono::milliseconds timeout);

  struct Impl;

 private:
  explicit Admin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::kafka
