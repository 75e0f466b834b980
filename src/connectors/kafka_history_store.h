// KafkaHistoryStore: the schema history in a Kafka topic, as Debezium keeps it.
//
// `schema.history.internal.kafka.topic`: one partition (an existing topic with more is
// refused: the history's order would be lost), retention.ms=-1 and retention.bytes=-1 so
// nothing expires, created when missing. Each record is one message with a null key and
// the history record's JSON text as value, written with acks=all and idempotence, and
// Append returns after the acknowledgement. Recover reads the partition from the
// beginning to the end offset it had when recovery started.
//
// Threading: one thread (the connector's decode thread).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "kafka/consumer.h"
#include "kafka/kafka_config.h"
#include "kafka/producer.h"
#include "schema/history_store.h"

namespace tributary::connectors {

struct KafkaHistoryStoreOptions {
  kafka::ClientConfig producer;  // kafka::HistoryClientConfigFor(cfg, kProducer)
  kafka::ClientConfig consumer;  // ... kConsumer
  kafka::ClientConfig admin;     // ... kAdmin
  std::string topic;
  bool create_topic = true;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

class KafkaHistoryStore final : public schema::HistoryStore {
 public:
  // Creates the topic if missing and checks it has one partition. Errors: Unavailable
  // when the brokers do not answer within the timeout; FailedPrecondition for a topic
  // with several partitions.
  static Result<std::unique_ptr<KafkaHistoryStore>> Open(KafkaHistoryStoreOptions options);
  ~KafkaHistoryStore() override;

  Result<bool> Exists() override;
  Status Recover(const std::function<Status(std::string_view record)>& fn) override;
  Status Append(std::string_view record) override;
  std::string Describe() const override { return "schema history topic " + options_.topic; }

 private:
  KafkaHistoryStore(KafkaHistoryStoreOptions options, std::unique_ptr<kafka::Producer> producer)
      : options_(std::move(options)), producer_(std::move(producer)) {}
  Result<std::unique_ptr<kafka::Consumer>> OpenReader();

  KafkaHistoryStoreOptions options_;
  std::unique_ptr<kafka::Producer> producer_;
};

}  // namespace tributary::connectors
