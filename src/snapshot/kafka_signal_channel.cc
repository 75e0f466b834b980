#include "snapshot/kafka_signal_channel.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/connector_config.h"
#include "kafka/consumer.h"
#include "kafka/kafka_config.h"

namespace tributary::snapshot {
namespace {

constexpr std::chrono::milliseconds kMinPoll{5};  // "non-blocking": a few ms at most by default
constexpr std::chrono::seconds kCommittedTimeout{10};

// What one record says, or why it is not a signal.
Result<std::optional<Signal>> SignalFromRecord(const kafka::ConsumedRecord& record,
                                               std::string_view connector_key) {
  std::optional<std::string_view> key = record.key();
  if (!key || *key != connector_key) {
    spdlog::info(
        "signal record at offset {} of '{}' skipped: key '{}' is not the connector's "
        "'{}' (topic.prefix)",
        record.offset(), record.topic(), key.value_or("<null>"), connector_key);
    return std::optional<Signal>();
  }
  std::optional<std::string_view> value = record.value();
  if (!value || value->empty()) return std::optional<Signal>();
  nlohmann::json doc = nlohmann::json::parse(*value, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error(Status::InvalidArgument(
        fmt::format("value is not a JSON object {{\"type\": .., \"data\": {{..}}}}: {}", *value)));
  }
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) {
    return Error(Status::InvalidArgument(fmt::format("value has no \"type\" string: {}", *value)));
  }
  std::string id = fmt::format("kafka-{}", record.offset());
  if (auto it = doc.find("id"); it != doc.end() && it->is_string()) {
    id = it->get<std::string>();
  }
  std::string data;
  if (auto it = doc.find("data"); it != doc.end() && !it->is_null()) {
    data = it->is_string() ? it->get<std::string>() : it->dump();
  }
  auto signal = ParseSignal(id, type->get_ref<const std::string&>(), data);
  if (!signal) return Error(signal.error());
  return std::optional<Signal>(std::move(*signal));
}

}  // namespace

Result<KafkaSignalOptions> KafkaSignalOptionsFrom(const config::ConnectorConfig& cfg) {
  KafkaSignalOptions o;
  o.connector_key = cfg.GetString("topic.prefix");
  o.topic = cfg.GetString("signal.kafka.topic");
  if (o.topic.empty()) o.topic = o.connector_key + "-signal";
  if (o.connector_key.empty()) {
    return Error(Status::InvalidArgument(
        "the Kafka signal channel needs topic.prefix: signal records are keyed by it"));
  }
  std::string group = cfg.GetString("signal.kafka.groupId");
  if (!group.empty()) o.group_id = group;
  o.poll_timeout = std::chrono::milliseconds(cfg.GetLong("signal.kafka.poll.timeout.ms"));

  std::string servers = cfg.GetString("signal.kafka.bootstrap.servers");
  if (servers.empty()) servers = cfg.GetString("bootstrap.servers");
  if (servers.empty()) {
    return Error(Status::InvalidArgument(
        "the Kafka signal channel needs signal.kafka.bootstrap.servers or bootstrap.servers"));
  }
  o.client = kafka::ConnectorClientSettings(cfg, std::move(servers), "signal.consumer.");
  return o;
}

Result<std::unique_ptr<KafkaSignalChannel>> KafkaSignalChannel::Open(
    const config::ConnectorConfig& cfg) {
  auto options = KafkaSignalOptionsFrom(cfg);
  if (!options) return Error(options.error());
  return Open(std::move(*options));
}

Result<std::unique_ptr<KafkaSignalChannel>> KafkaSignalChannel::Open(KafkaSignalOptions options) {
  if (options.topic.empty()) {
    return Error(Status::InvalidArgument("the Kafka signal channel needs a topic"));
  }
  auto client = kafka::MapClientSettings(options.client, kafka::ClientRole::kConsumer);
  if (!client) return Error(client.error().WithContext("Kafka signal channel"));
  client->SetDefault("fetch.min.bytes", "1");

  kafka::ConsumerOptions copts;
  copts.client = std::move(*client);
  copts.group_id = options.group_id;
  copts.auto_offset_reset = "earliest";  // as Debezium: a new group reads the topic's signals
  copts.max_batch_records = 500;
  auto consumer = kafka::Consumer::Open(std::move(copts));
  if (!consumer) return Error(consumer.error().WithContext("Kafka signal channel"));

  int64_t start = kafka::kOffsetStored;
  int64_t known = -1;
  if (options.start_offset && *options.start_offset >= 0) {
    start = *options.start_offset;
    known = start;
  } else {
    // Where the group left off, so next_offset() is meaningful before the first record.
    // Assigned explicitly (the committed offset, else the beginning: auto.offset.reset
    // earliest) rather than as "the stored offset": librdkafka 2.12.1 leaves a partition
    // assigned that way unfetched when its own offset lookup meets a coordinator that is
    // not ready (a broker that just started).
    auto committed = (*consumer)->Committed({{options.topic, 0}}, kCommittedTimeout);
    if (committed && !committed->empty()) {
      int64_t off = (*committed)[0].offset;
      if (off >= 0) {
        known = off;
        start = off;
      } else {
        start = kafka::kOffsetBeginning;  // the group has no position yet
      }
    } else if (!committed) {
      spdlog::warn("Kafka signal channel: {}; reading from the group's stored position",
                   committed.error().message());
    }
  }
  if (Status s = (*consumer)->Assign({{options.topic, 0, start}}); !s.ok()) {
    return Error(s.WithContext("Kafka signal channel"));
  }
  spdlog::info("reading signals from Kafka topic '{}' partition 0 (key '{}', group '{}', from {})",
               options.topic, options.connector_key, options.group_id,
               known >= 0 ? fmt::format("offset {}", known) : std::string("the group's position"));
  auto channel = std::unique_ptr<KafkaSignalChannel>(
      new KafkaSignalChannel(std::move(options), std::move(*consumer)));
  channel->next_offset_ = known;
  channel->committed_offset_ = known;
  return channel;
}

KafkaSignalChannel::KafkaSignalChannel(KafkaSignalOptions options,
                                       std::unique_ptr<kafka::Consumer> consumer)
    : options_(std::move(options)), consumer_(std::move(consumer)) {}

KafkaSignalChannel::~KafkaSignalChannel() {
  if (Status s = Close(); !s.ok()) spdlog::warn("Kafka signal channel: {}", s.ToString());
}

Result<std::vector<Signal>> KafkaSignalChannel::Poll() {
  if (!consumer_) return Error(Status::FailedPrecondition("the Kafka signal channel is closed"));
  std::vector<Signal> out;
  auto polled = consumer_->Poll(std::max(options_.poll_timeout, kMinPoll));
  if (!polled) return Error(polled.error().WithContext("Kafka signal channel"));
  for (const kafka::ConsumedRecord& record : polled->records) {
    if (record.partition() != 0) continue;
    next_offset_ = record.offset() + 1;
    auto signal = SignalFromRecord(record, options_.connector_key);
    if (!signal) {
      spdlog::warn("signal record at offset {} of '{}' skipped: {}", record.offset(),
                   record.topic(), signal.error().message());
      continue;
    }
    if (*signal) out.push_back(std::move(**signal));
  }
  if (next_offset_ > committed_offset_) {
    if (Status s = CommitPosition(); !s.ok()) {
      // Not fatal: the worst case is a signal seen again after a restart.
      spdlog::warn("Kafka signal channel: {}", s.ToString());
    }
  }
  return out;
}

Status KafkaSignalChannel::CommitPosition() {
  if (!consumer_ || next_offset_ < 0 || next_offset_ == committed_offset_) return Status::Ok();
  Status s = consumer_->Commit({{options_.topic, 0, next_offset_}});
  if (s.ok()) committed_offset_ = next_offset_;
  return s.WithContext(fmt::format("committing signal position {}", next_offset_));
}

Status KafkaSignalChannel::Close() {
  if (!consumer_) return Status::Ok();
  Status commit = CommitPosition();
  Status close = consumer_->Close();
  consumer_.reset();
  return commit.ok() ? close : commit;
}

}  // namespace tributary::snapshot
