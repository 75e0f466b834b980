// The Kafka signal channel against the real local broker (scripts/services.sh;
// TRIBUTARY_KAFKA_BOOTSTRAP). Topics are named test-signal-<pid>-<n>, groups likewise;
// topics are deleted at the end.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "config/connector_config.h"
#include "config/loader.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "snapshot/kafka_signal_channel.h"

namespace tributary::snapshot {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Bootstrap() {
  const char* env = std::getenv("TRIBUTARY_KAFKA_BOOTSTRAP");
  return env != nullptr && *env != '\0' ? env : "127.0.0.1:9092";
}

kafka::ClientConfig Client() {
  kafka::ClientConfig c;
  c.Set("bootstrap.servers", Bootstrap());
  return c;
}

std::string UniqueName(std::string_view what) {
  static std::atomic<int> n{0};
  return fmt::format("test-signal-{}-{}-{}", ::getpid(), what, ++n);
}

std::vector<std::string>& CreatedTopics() {
  static std::vector<std::string> topics;
  return topics;
}

std::string NewTopic() {
  std::string name = UniqueName("topic");
  auto admin = kafka::Admin::Open(Client());
  EXPECT_TRUE(admin.has_value());
  kafka::NewTopic t;
  t.name = name;
  t.partitions = 1;
  t.replication_factor = 1;
  auto created = (*admin)->CreateTopicIfMissing(t, seconds(30));
  EXPECT_TRUE(created.has_value()) << created.error().ToString();
  CreatedTopics().push_back(name);
  return name;
}

class DeleteTopicsAtExit : public ::testing::Environment {
 public:
  void TearDown() override {
    auto admin = kafka::Admin::Open(Client());
    if (!admin) return;
    Status s = (*admin)->DeleteTopics(CreatedTopics(), seconds(30));
    if (!s.ok()) fmt::print(stderr, "deleting test topics: {}\n", s.ToString());
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new DeleteTopicsAtExit);

// Produces (key, value) records to partition 0, in order, and waits for the acks.
void Produce(const std::string& topic,
             const std::vector<std::pair<std::optional<std::string>, std::string>>& records) {
  kafka::ProducerOptions o;
  o.client = Client();
  auto p = kafka::Producer::Open(std::move(o));
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  for (const auto& [key, value] : records) {
    kafka::OutgoingRecord r;
    r.topic = topic;
    r.partition = 0;
    if (key) r.key = std::string_view(*key);
    r.value = std::string_view(value);
    auto sent = (*p)->Send(r);
    ASSERT_TRUE(sent.has_value()) << sent.error().ToString();
  }
  ASSERT_TRUE((*p)->Flush(seconds(30)).ok());
}

KafkaSignalOptions Options(const std::string& topic, const std::string& group) {
  KafkaSignalOptions o;
  o.topic = topic;
  o.connector_key = "dbserver1";
  o.group_id = group;
  o.client.worker["bootstrap.servers"] = Bootstrap();
  return o;
}

// Polls until `want` signals arrived or `patience` ran out; then one more short poll so
// extra signals would show.
std::vector<Signal> PollFor(KafkaSignalChannel& channel, size_t want,
                            milliseconds patience = milliseconds(20000)) {
  std::vector<Signal> out;
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
    auto got = channel.Poll();
    EXPECT_TRUE(got.has_value()) << got.error().ToString();
    if (!got) break;
    for (Signal& s : *got) out.push_back(std::move(s));
  }
  auto settle = std::chrono::steady_clock::now() + milliseconds(1500);
  while (std::chrono::steady_clock::now() < settle) {
    auto got = channel.Poll();
    if (!got) break;
    for (Signal& s : *got) out.push_back(std::move(s));
  }
  return out;
}

int64_t CommittedOffset(const std::string& topic, const std::string& group) {
  kafka::ConsumerOptions o;
  o.client = Client();
  o.group_id = group;
  auto c = kafka::Consumer::Open(std::move(o));
  EXPECT_TRUE(c.has_value());
  auto committed = (*c)->Committed({{topic, 0}}, seconds(10));
  EXPECT_TRUE(committed.has_value()) << committed.error().ToString();
  return committed && !committed->empty() ? (*committed)[0].offset : -1;
}

TEST(KafkaSignalChannelTest, KeepsOnlyTheConnectorsSignalsInOrderAndNeverRepeatsThem) {
  std::string topic = NewTopic();
  std::string group = UniqueName("group");
  // Debezium's Kafka channel example: key = topic.prefix, value = {"type", "data"}.
  Produce(
      topic,
      {{"dbserver1",
        R"({"type":"execute-snapshot","data": {"data-collections": ["schema1.table1", "schema1.table2"], "type": "INCREMENTAL"}})"},
       {"another-connector",
        R"({"type":"execute-snapshot","data": {"data-collections": ["x.y"]}})"},
       {std::nullopt, R"({"type":"log","data":{"message":"null key"}})"},
       {"dbserver1", R"({"id":"log-1","type":"log","data":{"message":"hello"}})"},
       {"dbserver1", "{not json"},
       {"dbserver1", R"({"type":"execute-snapshot","data":{}})"},  // invalid: skipped
       {"dbserver1", R"({"id":"p-1","type":"pause-snapshot"})"},
       {"dbserver1", R"({"id":"o-1","type":"something-new","data":{"a":1}})"}});

  {
    auto channel = KafkaSignalChannel::Open(Options(topic, group));
    ASSERT_TRUE(channel.has_value()) << channel.error().ToString();
    EXPECT_EQ((*channel)->next_offset(), -1);  // a new group, no stored position
    std::vector<Signal> got = PollFor(**channel, 4);
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0].type, SignalType::kExecuteSnapshot);
    EXPECT_EQ(got[0].id, "kafka-0");  // no id in the value: the record offset stands in
    EXPECT_EQ(got[0].data_collections,
              (std::vector<std::string>{"schema1.table1", "schema1.table2"}));
    EXPECT_EQ(got[0].snapshot_type, "incremental");
    EXPECT_EQ(got[1].type, SignalType::kLog);
    EXPECT_EQ(got[1].id, "log-1");
    EXPECT_EQ(got[1].message, "hello");
    EXPECT_EQ(got[2].type, SignalType::kPauseSnapshot);
    EXPECT_EQ(got[2].id, "p-1");
    EXPECT_EQ(got[3].type, SignalType::kOther);
    EXPECT_EQ(got[3].type_text, "something-new");
    EXPECT_EQ((*channel)->next_offset(), 8);
    // Committed right after the poll, before any Close: a kill -9 now loses nothing.
    EXPECT_EQ(CommittedOffset(topic, group), 8);
  }

  // Reopened (same group): the consumed signals do not come back.
  {
    auto channel = KafkaSignalChannel::Open(Options(topic, group));
    ASSERT_TRUE(channel.has_value()) << channel.error().ToString();
    EXPECT_EQ((*channel)->next_offset(), 8);
    EXPECT_TRUE(PollFor(**channel, 0, milliseconds(0)).empty());
    Produce(topic, {{"dbserver1", R"({"id":"r-1","type":"resume-snapshot","data":{}})"}});
    std::vector<Signal> got = PollFor(**channel, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].id, "r-1");
    EXPECT_EQ(got[0].type, SignalType::kResumeSnapshot);
    EXPECT_EQ((*channel)->next_offset(), 9);
  }
  {
    auto channel = KafkaSignalChannel::Open(Options(topic, group));
    ASSERT_TRUE(channel.has_value());
    EXPECT_TRUE(PollFor(**channel, 0, milliseconds(0)).empty());
  }

  // An explicit start offset (e.g. from the source offset) wins over the group's.
  {
    KafkaSignalOptions o = Options(topic, group);
    o.start_offset = 6;
    auto channel = KafkaSignalChannel::Open(o);
    ASSERT_TRUE(channel.has_value());
    EXPECT_EQ((*channel)->next_offset(), 6);
    std::vector<Signal> got = PollFor(**channel, 3);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].id, "p-1");
    EXPECT_EQ(got[1].id, "o-1");
    EXPECT_EQ(got[2].id, "r-1");
  }
}

TEST(KafkaSignalChannelTest, OpensFromAConnectorConfig) {
  std::string topic = NewTopic();
  std::string group = UniqueName("group");
  std::string json = fmt::format(R"({{"name": "src", "config": {{
    "connector.class": "io.debezium.connector.mysql.MySqlConnector",
    "database.hostname": "127.0.0.1", "database.user": "cdc", "database.password": "pw",
    "database.server.id": "184054", "topic.prefix": "dbserver1",
    "schema.history.internal.kafka.bootstrap.servers": "{0}",
    "schema.history.internal.kafka.topic": "history",
    "signal.enabled.channels": "source,kafka",
    "signal.kafka.topic": "{1}", "signal.kafka.bootstrap.servers": "{0}",
    "signal.kafka.groupId": "{2}", "signal.kafka.poll.timeout.ms": "50",
    "signal.consumer.fetch.wait.max.ms": "50"}}}})",
                                 Bootstrap(), topic, group);
  auto raw = config::LoadConfigText("signal.json", json);
  ASSERT_TRUE(raw.has_value()) << raw.error().ToString();
  auto validated = config::Validate(*raw);
  for (const auto& d : validated.diagnostics) ADD_FAILURE() << d.key << ": " << d.message;
  ASSERT_TRUE(validated.config.has_value());

  auto options = KafkaSignalOptionsFrom(*validated.config);
  ASSERT_TRUE(options.has_value()) << options.error().ToString();
  EXPECT_EQ(options->topic, topic);
  EXPECT_EQ(options->group_id, group);
  EXPECT_EQ(options->connector_key, "dbserver1");
  EXPECT_EQ(options->poll_timeout, milliseconds(50));
  EXPECT_EQ(options->client.overrides.at("fetch.wait.max.ms"), "50");

  Produce(
      topic,
      {{"dbserver1",
        R"({"id":"e-1","type":"execute-snapshot","data":{"data-collections":["inv.orders"],"additional-conditions":[{"data-collection":"inv.orders","filter":"id < 10"}]}})"}});
  auto channel = KafkaSignalChannel::Open(*validated.config);
  ASSERT_TRUE(channel.has_value()) << channel.error().ToString();
  std::vector<Signal> got = PollFor(**channel, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, "e-1");
  ASSERT_EQ(got[0].additional_conditions.size(), 1u);
  EXPECT_EQ(got[0].additional_conditions[0].filter, "id < 10");
}

TEST(KafkaSignalChannelTest, DefaultTopicIsPrefixDashSignal) {
  auto raw = config::LoadConfigText("d.json", R"({"name": "src", "config": {
    "connector.class": "io.debezium.connector.mysql.MySqlConnector",
    "database.hostname": "127.0.0.1", "database.user": "cdc", "database.password": "pw",
    "database.server.id": "184054", "topic.prefix": "shop",
    "bootstrap.servers": "127.0.0.1:9092",
    "schema.history.internal.kafka.topic": "history"}})");
  ASSERT_TRUE(raw.has_value());
  auto validated = config::Validate(*raw);
  ASSERT_TRUE(validated.config.has_value());
  auto options = KafkaSignalOptionsFrom(*validated.config);
  ASSERT_TRUE(options.has_value()) << options.error().ToString();
  EXPECT_EQ(options->topic, "shop-signal");
  EXPECT_EQ(options->group_id, "kafka-signal");
  EXPECT_EQ(options->poll_timeout, milliseconds(0));
  EXPECT_EQ(options->client.worker.at("bootstrap.servers"), "127.0.0.1:9092");
}

}  // namespace
}  // namespace tributary::snapshot

namespace tributary::snapshot {
namespace {

TEST(KafkaSignalChannelTest, TopicCreatedAfterOpenIsPickedUp) {
  std::string topic = UniqueName("late");
  CreatedTopics().push_back(topic);
  auto channel = KafkaSignalChannel::Open(Options(topic, UniqueName("group")));
  ASSERT_TRUE(channel.has_value()) << channel.error().ToString();
  auto start = std::chrono::steady_clock::now();
  auto first = (*channel)->Poll();
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_TRUE(first->empty());
  // Poll does not block the engine's loop.
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  EXPECT_TRUE(PollFor(**channel, 0, milliseconds(0)).empty());

  auto admin = kafka::Admin::Open(Client());
  ASSERT_TRUE(admin.has_value());
  kafka::NewTopic t;
  t.name = topic;
  t.partitions = 1;
  t.replication_factor = 1;
  ASSERT_TRUE((*admin)->CreateTopicIfMissing(t, seconds(30)).has_value());
  Produce(topic, {{"dbserver1", R"({"id":"late-1","type":"log","data":{"message":"m"}})"}});
  std::vector<Signal> got = PollFor(**channel, 1, milliseconds(60000));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, "late-1");
}

}  // namespace
}  // namespace tributary::snapshot
