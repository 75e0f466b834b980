// Private to src/kafka/: RAII handles for librdkafka objects, configuration building,
// logging and error conversion shared by the producer, consumer and admin wrappers.
// Not for use outside src/kafka/ (it pulls in librdkafka's C header).
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_types.h"

namespace tributary::kafka::internal {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
struct ErrorDeleter {
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using KafkaPtr = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

// Per-client state reachable from librdkafka callbacks through the client's opaque.
// Lives as long as the rd_kafka_t (the wrapper owns both and destroys the client first).
struct ClientContext {
  std::string bootstrap;  // for messages
  void* owner = nullptr;  // the wrapper's Impl

  void RecordError(std::string text);
  std::string LastError() const;

 private:
  mutable std::mutex mu_;
  std::string last_error_;
};

// A librdkafka conf holding `config` (checked key by key), with the log callback and
// `context` as opaque installed. Errors name the key; secret values are never shown.
Result<ConfPtr> MakeConf(const ClientConfig& config, ClientContext* context);

// Creates the client; consumes `conf` on success.
Result<KafkaPtr> NewClient(rd_kafka_type_t type, ConfPtr conf);

// librdkafka error code → Status with `context` in front.
Status StatusFromError(rd_kafka_resp_err_t err, std::string_view context);
// Consumes nothing; `error` may be null (→ ok).
Status StatusFromError(const rd_kafka_error_t* error, std::string_view context);
StatusCode CodeForError(rd_kafka_resp_err_t err);

// Partition count of `topic` from a metadata request (NotFound when missing).
Result<int32_t> PartitionCount(rd_kafka_t* rk, std::string_view topic,
                               std::chrono::milliseconds timeout);

// A metadata round trip: ok once a broker answered; Unavailable naming the bootstrap
// servers and the last connection error otherwise.
Status ProbeBrokers(rd_kafka_t* rk, const ClientContext& context,
                    std::chrono::milliseconds timeout);

PartitionListPtr ToList(const std::vector<TopicPartition>& partitions);
PartitionListPtr ToList(const std::vector<TopicPartitionOffset>& partitions);
std::vector<TopicPartitionOffset> FromList(const rd_kafka_topic_partition_list_t* list);
// First per-partition error in `list`, as a Status.
Status ListError(const rd_kafka_topic_partition_list_t* list, std::string_view context);

int TimeoutMs(std::chrono::milliseconds timeout);

}  // namespace tributary::kafka::internal
