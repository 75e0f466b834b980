// The schema history through the real Kafka broker (label `services`).
#include "connectors/kafka_history_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "connectors/schema_history.h"
#include "kafka/admin.h"

namespace tributary::connectors {
namespace {

kafka::ClientConfig Client() {
  kafka::ClientConfig c;
  const char* bootstrap = std::getenv("TRIBUTARY_KAFKA_BOOTSTRAP");
  c.Set("bootstrap.servers", bootstrap != nullptr ? bootstrap : "127.0.0.1:9092");
  return c;
}

std::string UniqueTopic(std::string_view what) {
  static int n = 0;
  return fmt::format("test-history-{}-{}-{}", what, ::getpid(), ++n);
}

KafkaHistoryStoreOptions Options(std::string topic) {
  KafkaHistoryStoreOptions o;
  o.producer = o.consumer = o.admin = Client();
  o.topic = std::move(topic);
  o.timeout = std::chrono::seconds(20);
  return o;
}

class KafkaHistoryStoreTest : public ::testing::Test {
 protected:
  void TearDown() override {
    auto admin = kafka::Admin::Open(Client());
    if (admin) (void)(*admin)->DeleteTopics(topics_, std::chrono::seconds(10));
  }
  std::string Topic(std::string_view what) {
    topics_.push_back(UniqueTopic(what));
    return topics_.back();
  }
  std::vector<std::string> topics_;
};

BinlogPosition Pos(uint64_t pos) {
  BinlogPosition p;
  p.file = "bin.000001";
  p.pos = pos;
  return p;
}

TEST_F(KafkaHistoryStoreTest, RoundTripsTheSchemaThroughTheBroker) {
  std::string topic = Topic("roundtrip");
  schema::SchemaTracker tracker({});
  {
    auto store = KafkaHistoryStore::Open(Options(topic));
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    EXPECT_EQ((*store)->Exists().value(), false);
    SchemaHistory history(std::move(*store), "shop-server");
    uint64_t pos = 100;
    for (const char* sql : {"CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY, note TEXT CHARACTER SET latin1)",
                            "ALTER TABLE orders ADD COLUMN qty INT NOT NULL DEFAULT 1 AFTER id",
                            "CREATE TABLE t2 (a INT)", "DROP TABLE t2"}) {
      auto r = tracker.OnQuery("shop", sql, "f");
      ASSERT_TRUE(r.has_value() && r->has_value()) << sql;
      ASSERT_TRUE(history.Record(**r, Pos(pos += 100), 0).ok());
    }
  }
  // The topic is what Debezium needs: one partition, nothing expires.
  auto admin = kafka::Admin::Open(Client());
  ASSERT_TRUE(admin.has_value());
  auto desc = (*admin)->DescribeTopic(topic, std::chrono::seconds(10));
  ASSERT_TRUE(desc.has_value());
  EXPECT_EQ(desc->partitions, 1);
  auto configs = (*admin)->DescribeTopicConfigs(topic, std::chrono::seconds(10));
  ASSERT_TRUE(configs.has_value());
  EXPECT_EQ(configs->at("retention.ms"), "-1");

  auto store = KafkaHistoryStore::Open(Options(topic));
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ((*store)->Exists().value(), true);
  SchemaHistory history(std::move(*store), "shop-server");
  schema::SchemaTracker restored({});
  auto stats = history.Recover(restored, std::nullopt);
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  EXPECT_EQ(stats->records, 4u);
  auto orders = restored.Table({"shop", "orders"});
  ASSERT_NE(orders, nullptr);
  ASSERT_EQ(orders->columns.size(), 3u);
  EXPECT_EQ(orders->columns[1].name, "qty");
  EXPECT_TRUE(orders->columns[0].is_unsigned);
  EXPECT_EQ(orders->columns[2].charset, "latin1");
  EXPECT_EQ(restored.Table({"shop", "t2"}), nullptr);

  // Replaying up to an earlier position leaves the ALTER out.
  auto again = KafkaHistoryStore::Open(Options(topic));
  ASSERT_TRUE(again.has_value());
  SchemaHistory early(std::move(*again), "shop-server");
  schema::SchemaTracker partial({});
  ASSERT_TRUE(early.Recover(partial, Pos(250)).has_value());
  EXPECT_EQ(partial.Table({"shop", "orders"})->columns.size(), 2u);
}

TEST_F(KafkaHistoryStoreTest, RefusesATopicWithSeveralPartitions) {
  std::string topic = Topic("multi");
  auto admin = kafka::Admin::Open(Client());
  ASSERT_TRUE(admin.has_value());
  kafka::NewTopic t;
  t.name = topic;
  t.partitions = 3;
  ASSERT_TRUE((*admin)->CreateTopicIfMissing(t, std::chrono::seconds(10)).has_value());
  auto store = KafkaHistoryStore::Open(Options(topic));
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("has 3 partitions"), std::string::npos);
}

TEST_F(KafkaHistoryStoreTest, UnreachableBrokersAreReportedAsUnavailable) {
  auto o = Options("never-created");
  kafka::ClientConfig dead;
  dead.Set("bootstrap.servers", "127.0.0.1:1");
  o.producer = o.consumer = o.admin = dead;
  o.timeout = std::chrono::seconds(3);
  auto store = KafkaHistoryStore::Open(o);
  ASSERT_FALSE(store.has_value());
  EXPECT_TRUE(store.error().retryable()) << store.error().ToString();
}

}  // namespace
}  // namespace tributary::connectors
