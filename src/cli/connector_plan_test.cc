#include "cli/connector_plan.h"

#include <gtest/gtest.h>

#include "config/loader.h"

namespace tributary::cli {
namespace {

config::ConnectorConfig Load(const std::string& path, const std::string& json) {
  auto raw = config::LoadConfigText(path, json);
  EXPECT_TRUE(raw.has_value());
  auto r = config::Validate(*raw);
  EXPECT_TRUE(r.config.has_value());
  return *r.config;
}

const char* kSource = R"({"name":"src","config":{"connector.class":"MySqlConnector",
  "database.hostname":"db","database.user":"u","database.password":"topsecret","database.server.id":"7",
  "topic.prefix":"app","database.include.list":"shop","schema.history.internal.kafka.topic":"h"}})";

TEST(ConnectorPlanTest, DescribesWithoutSecrets) {
  auto src = Load("src.json", kSource);
  std::string text = DescribeConnector(src) + DescribeSettings(src);
  EXPECT_NE(text.find("read the binlog of u@db:3306 as replica server id 7"), std::string::npos) << text;
  EXPECT_NE(text.find("topics app.<database>.<table>"), std::string::npos) << text;
  EXPECT_NE(text.find("database.password = [hidden]"), std::string::npos) << text;
  EXPECT_EQ(text.find("topsecret"), std::string::npos) << text;
}

TEST(ConnectorPlanTest, KafkaClientSettingsAreCheckedBeforeAnythingStarts) {
  EXPECT_TRUE(CheckKafkaClients(Load("src.json", kSource)).empty());
  // A JKS truststore (librdkafka reads PEM/PKCS12 only) in the schema history's clients.
  auto jks = Load("src.json", R"({"name":"src","config":{"connector.class":"MySqlConnector",
    "database.hostname":"db","database.user":"u","database.password":"p","database.server.id":"7",
    "topic.prefix":"app","schema.history.internal.kafka.topic":"h",
    "schema.history.internal.consumer.ssl.truststore.location":"/etc/trust.jks",
    "schema.history.internal.consumer.ssl.truststore.password":"changeit"}})");
  auto d = CheckKafkaClients(jks);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].severity, config::Diagnostic::Severity::kError);
  EXPECT_NE(d[0].message.find("schema history consumer"), std::string::npos) << d[0].message;
  EXPECT_NE(d[0].message.find("JKS"), std::string::npos) << d[0].message;
  EXPECT_EQ(d[0].message.find("changeit"), std::string::npos) << d[0].message;
  // A sink: an unknown librdkafka property under kafka.*; the DLQ producer only when used.
  auto sink = Load("sink.json", R"({"name":"sink","config":{"connector.class":"S3SinkConnector",
    "topics":"t","s3.bucket.name":"b","flush.size":"3","kafka.no.such.property":"1",
    "format.class":"io.confluent.connect.s3.format.json.JsonFormat"}})");
  d = CheckKafkaClients(sink);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("no.such.property"), std::string::npos) << d[0].message;
  auto dlq = Load("sink.json", R"({"name":"sink","config":{"connector.class":"S3SinkConnector",
    "topics":"t","s3.bucket.name":"b","flush.size":"3","errors.tolerance":"all",
    "errors.deadletterqueue.topic.name":"dlq","kafka.no.such.property":"1",
    "format.class":"io.confluent.connect.s3.format.json.JsonFormat"}})");
  d = CheckKafkaClients(dlq);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NE(d[1].message.find("Kafka dead letter queue producer: "), std::string::npos) << d[1].message;
}

TEST(ConnectorPlanTest, WarnsWhenSinkWouldStopOnTombstones) {
  auto src = Load("src.json", kSource);
  auto sink = Load("sink.json", R"({"name":"sink","config":{"connector.class":"S3SinkConnector",
    "topics":"app.shop.orders","s3.bucket.name":"b","flush.size":"3",
    "format.class":"io.confluent.connect.s3.format.json.JsonFormat"}})");
  // Key absent: Tributary ignores tombstones (warning once at run time), no trap.
  EXPECT_TRUE(CheckPipeline({src, sink}).empty());
  EXPECT_NE(DescribeConnector(sink).find("null values (tombstones): ignore"), std::string::npos);
  sink = Load("sink.json", R"({"name":"sink","config":{"connector.class":"S3SinkConnector",
    "topics":"app.shop.orders","s3.bucket.name":"b","flush.size":"3","behavior.on.null.values":"fail",
    "format.class":"io.confluent.connect.s3.format.json.JsonFormat"}})");
  auto d = CheckPipeline({src, sink});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_FALSE(d[0].error());
  EXPECT_NE(d[0].message.find("stops the sink at the first DELETE"), std::string::npos);

  auto regex_sink = Load("sink2.json", R"({"name":"sink2","config":{"connector.class":"S3SinkConnector",
    "topics.regex":"app\\.shop\\..*","s3.bucket.name":"b","flush.size":"3","behavior.on.null.values":"fail",
    "format.class":"io.confluent.connect.s3.format.json.JsonFormat"}})");
  EXPECT_EQ(CheckPipeline({src, regex_sink}).size(), 1u);

  auto ignoring = Load("sink3.json", R"({"name":"sink3","config":{"connector.class":"S3SinkConnector",
    "topics":"app.shop.orders","s3.bucket.name":"b","flush.size":"3","behavior.on.null.values":"ignore",
    "format.class":"io.confluent.connect.s3.format.json.JsonFormat"}})");
  EXPECT_TRUE(CheckPipeline({src, ignoring}).empty());
  auto dup = CheckPipeline({src, src});
  ASSERT_FALSE(dup.empty());
  EXPECT_TRUE(dup[0].error());
}

}  // namespace
}  // namespace tributary::cli
