#include <gtest/gtest.h>

#include <algorithm>

#include "config/connector_config.h"
#include "config/loader.h"

namespace tributary::config {
namespace {

ValidationResult ValidateText(const std::string& json) {
  auto raw = LoadConfigText("t.json", json);
  EXPECT_TRUE(raw.has_value()) << raw.error().ToString();
  return Validate(*raw);
}

std::vector<std::string> Lines(const ValidationResult& r, Diagnostic::Severity sev) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) {
    if (d.severity == sev) out.push_back(d.key + ": " + d.message);
  }
  return out;
}

bool AnyContains(const std::vector<std::string>& lines, const std::string& needle) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

const char* kSource = R"({"name": "src", "config": {
  "connector.class": "io.debezium.connector.mysql.MySqlConnector",
  "database.hostname": "127.0.0.1", "database.user": "cdc", "database.password": "pw",
  "database.server.id": "184054", "database.server.name": "dbserver1",
  "database.history.kafka.bootstrap.servers": "k1:9092",
  "database.history.kafka.topic": "history" %s}})";

std::string Source(const std::string& extra = "") {
  std::string s = kSource;
  return s.replace(s.find("%s"), 2, extra);
}

TEST(ValidatorTest, SeedSourceReportsEveryPlaceholderWithoutSecrets) {
  auto raw = LoadConfigFile("examples/mysql_connector.json");
  ASSERT_TRUE(raw.has_value()) << raw.error().ToString();
  auto r = Validate(*raw);
  EXPECT_FALSE(r.config.has_value());
  auto errors = Lines(r, Diagnostic::Severity::kError);
  std::vector<std::string> want = {
      "database.hostname: still holds the template placeholder <YOUR_RDS_ENDPOINT>; put the real value here",
      "database.user: still holds the template placeholder <YOUR_DB_USERNAME>; put the real value here",
      "database.password: still holds a template placeholder; put the real value here (or ${env:NAME})",
      "database.server.name: still holds the template placeholder <LOGICAL_SERVER_NAME>; put the real value here",
      "database.include.list: still holds the template placeholder <YOUR_DATABASE_NAME>; put the real value here",
      "database.history.kafka.bootstrap.servers: still holds the template placeholder <KAFKA_BROKER>; put the real value here",
      "database.history.kafka.topic: still holds the template placeholder <HISTORY_TOPIC_NAME>; put the real value here",
  };
  EXPECT_EQ(errors, want);
  EXPECT_TRUE(Lines(r, Diagnostic::Severity::kWarning).empty());
}

TEST(ValidatorTest, SeedSinkReportsPlaceholders) {
  auto raw = LoadConfigFile("examples/sink_connector_cdc.json");
  ASSERT_TRUE(raw.has_value());
  auto r = Validate(*raw);
  auto errors = Lines(r, Diagnostic::Severity::kError);
  std::vector<std::string> want = {
      "topics: still holds the template placeholder <your-kafka-topic-name>; put the real value here",
      "s3.bucket.name: still holds the template placeholder <your-s3-bucket-name>; put the real value here",
      "s3.region: still holds the template placeholder <your-aws-region>; put the real value here",
  };
  EXPECT_EQ(errors, want);
}

TEST(ValidatorTest, OldSpellingsAreAliasesAndDefaultsFilled) {
  auto r = ValidateText(Source());
  ASSERT_TRUE(r.config.has_value()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  const ConnectorConfig& c = *r.config;
  EXPECT_EQ(c.kind, ConnectorKind::kMySqlSource);
  EXPECT_EQ(c.GetString("topic.prefix"), "dbserver1");
  EXPECT_EQ(c.values.at("topic.prefix").written_key, "database.server.name");
  EXPECT_EQ(c.GetString("schema.history.internal.kafka.topic"), "history");
  EXPECT_EQ(c.GetLong("database.port"), 3306);
  EXPECT_TRUE(c.GetBool("tombstones.on.delete"));
  EXPECT_EQ(c.GetString("snapshot.mode"), "initial");
  // Without a worker config, the history's brokers are the brokers.
  EXPECT_EQ(c.GetString("bootstrap.servers"), "k1:9092");
  EXPECT_EQ(c.Display("database.password"), "[hidden]");
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(ValidatorTest, TypesRangesAndAllowedValues) {
  auto r = ValidateText(Source(R"(, "database.port": "70000", "snapshot.max.threads": "two",
      "include.query": "yes", "snapshot.mode": "INITIAL_ONLY", "decimal.handling.mode": "float",
      "time.precision.mode": "nanoseconds", "value.converter": "io.confluent.connect.avro.AvroConverter",
      "key.converter": "JsonConverter")"));
  auto errors = Lines(r, Diagnostic::Severity::kError);
  EXPECT_TRUE(AnyContains(errors, "database.port: 70000 is above the maximum 65535"));
  EXPECT_TRUE(AnyContains(errors, "snapshot.max.threads: 'two' is not a whole number"));
  EXPECT_TRUE(AnyContains(errors, "include.query: 'yes' is not a boolean"));
  EXPECT_TRUE(AnyContains(errors, "decimal.handling.mode: 'float' is not one of: precise, double, string"));
  EXPECT_TRUE(AnyContains(errors, "time.precision.mode: 'nanoseconds' is not supported"));
  EXPECT_TRUE(AnyContains(errors, "value.converter: io.confluent.connect.avro.AvroConverter is not supported: needs a schema registry"));
  EXPECT_EQ(errors.size(), 6u) << ::testing::PrintToString(errors);
}

TEST(ValidatorTest, EnumsNormaliseAndClassesTakeSimpleNames) {
  auto r = ValidateText(Source(R"(, "snapshot.mode": "INITIAL_ONLY", "key.converter": "JsonConverter")"));
  ASSERT_TRUE(r.config.has_value());
  EXPECT_EQ(r.config->GetString("snapshot.mode"), "initial_only");
  EXPECT_EQ(r.config->GetString("key.converter"), "org.apache.kafka.connect.json.JsonConverter");
}

TEST(ValidatorTest, UnknownKeysWarnWithSuggestions) {
  auto r = ValidateText(Source(R"(, "database.hostnme": "x", "flush.size": "3", "frobnicate": "1")"));
  ASSERT_TRUE(r.config.has_value());
  auto warnings = Lines(r, Diagnostic::Severity::kWarning);
  EXPECT_TRUE(AnyContains(warnings, "database.hostnme: unknown key, ignored (did you mean 'database.hostname'?)"));
  EXPECT_TRUE(AnyContains(warnings, "flush.size: is a S3 sink key; ignored in a MySQL source config"));
  EXPECT_TRUE(AnyContains(warnings, "frobnicate: unknown key, ignored"));
}

TEST(ValidatorTest, RequiredKeysOnePerProblem) {
  auto r = ValidateText(R"({"config": {"connector.class": "MySqlConnector"}})");
  auto errors = Lines(r, Diagnostic::Severity::kError);
  for (const char* key : {"database.hostname: missing", "database.user: missing",
                          "database.server.id: missing", "topic.prefix: missing required key (older spelling: database.server.name)",
                          "schema.history.internal.kafka.topic: missing"}) {
    EXPECT_TRUE(AnyContains(errors, key)) << key << " in " << ::testing::PrintToString(errors);
  }
  EXPECT_EQ(errors.size(), 5u) << ::testing::PrintToString(errors);
}

TEST(ValidatorTest, ConnectorClassMissingOrUnknown) {
  auto missing = ValidateText(R"({"config": {"topics": "a"}})");
  ASSERT_EQ(Lines(missing, Diagnostic::Severity::kError).size(), 1u);
  EXPECT_TRUE(AnyContains(Lines(missing, Diagnostic::Severity::kError), "connector.class: missing required key"));
  auto unknown = ValidateText(R"({"config": {"connector.class": "io.debezium.connector.postgresql.PostgresConnector"}})");
  EXPECT_TRUE(AnyContains(Lines(unknown, Diagnostic::Severity::kError),
                          "unknown connector class 'io.debezium.connector.postgresql.PostgresConnector'"));
}

TEST(ValidatorTest, CrossKeyRulesOfTheSource) {
  auto r = ValidateText(Source(R"(, "database.include.list": "a", "database.exclude.list": "b",
      "table.include.list": "inv\\.(", "max.queue.size": "10", "max.batch.size": "10",
      "skipped.operations": "t,x", "database.history.kafka.topic": "h",
      "schema.history.internal.kafka.topic": "other", "topic.prefix": "bad prefix!")"));
  auto errors = Lines(r, Diagnostic::Severity::kError);
  EXPECT_TRUE(AnyContains(errors, "database.exclude.list: cannot be used together with 'database.include.list'"));
  EXPECT_TRUE(AnyContains(errors, "table.include.list: 'inv\\.(' is not a valid regular expression"));
  EXPECT_TRUE(AnyContains(errors, "max.queue.size: must be larger than max.batch.size (10)"));
  EXPECT_TRUE(AnyContains(errors, "skipped.operations: 'x' is not an operation"));
  EXPECT_TRUE(AnyContains(errors, "schema.history.internal.kafka.topic: conflicts with 'database.history.kafka.topic'"));
  EXPECT_TRUE(AnyContains(errors, "topic.prefix: conflicts with 'database.server.name'"));
}

TEST(ValidatorTest, SinkRules) {
  const std::string base = R"({"name":"s","config":{"connector.class":"S3SinkConnector",
      "s3.bucket.name":"b","flush.size":"3","format.class":"io.confluent.connect.s3.format.json.JsonFormat" %s}})";
  auto with = [&](const std::string& extra) {
    std::string s = base;
    return ValidateText(s.replace(s.find("%s"), 2, extra));
  };
  auto ok = with(R"(, "topics": "a,b", "aws.secret.access.key": "sekrit", "store.url": "http://127.0.0.1:9000")");
  ASSERT_TRUE(ok.config.has_value());
  EXPECT_EQ(ok.config->GetList("topics"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ok.config->Display("aws.secret.access.key"), "[hidden]");
  EXPECT_EQ(ok.config->GetString("behavior.on.null.values"), "fail");

  auto both = with(R"(, "topics": "a", "topics.regex": "a.*")");
  EXPECT_TRUE(AnyContains(Lines(both, Diagnostic::Severity::kError), "topics.regex: cannot be used together"));
  auto time = with(R"(, "topics": "a", "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner")");
  auto errors = Lines(time, Diagnostic::Severity::kError);
  EXPECT_TRUE(AnyContains(errors, "path.format: missing required key"));
  EXPECT_TRUE(AnyContains(errors, "locale: missing required key"));
  EXPECT_TRUE(AnyContains(errors, "timezone: missing required key"));
  EXPECT_TRUE(AnyContains(errors, "partition.duration.ms: the TimeBasedPartitioner needs"));
  auto avro = with(R"(, "topics": "a", "format.class": "io.confluent.connect.s3.format.avro.AvroFormat")");
  EXPECT_TRUE(AnyContains(Lines(avro, Diagnostic::Severity::kError), "Avro is not supported"));
  auto part = with(R"(, "topics": "a", "s3.part.size": "1024", "store.url": "ftp://x",
      "behavior.on.null.values": "write", "storage.class": "S3Storage", "s3.wan.mode": "false")");
  errors = Lines(part, Diagnostic::Severity::kError);
  EXPECT_TRUE(AnyContains(errors, "s3.part.size: 1024 is below the minimum 5242880"));
  EXPECT_TRUE(AnyContains(errors, "store.url: 'ftp://x' must start with"));
  EXPECT_TRUE(AnyContains(errors, "behavior.on.null.values: 'write' needs store.kafka.keys=true"));
  EXPECT_TRUE(AnyContains(Lines(part, Diagnostic::Severity::kWarning),
                          "s3.wan.mode: accepted for compatibility; it has no effect"));
}

TEST(ValidatorTest, TransformsNeedTypesAndUnwrapParametersAreKnown) {
  auto r = ValidateText(Source(R"(, "transforms": "unwrap,route",
      "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
      "transforms.unwrap.delete.tombstone.handling.mode": "rewrite",
      "transforms.unwrap.add.fields": "op,source.ts_ms",
      "transforms.other.type": "io.debezium.transforms.ExtractNewRecordState")"));
  auto errors = Lines(r, Diagnostic::Severity::kError);
  EXPECT_TRUE(AnyContains(errors, "transforms: transform 'route' has no transforms.route.type"));
  EXPECT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  EXPECT_TRUE(AnyContains(Lines(r, Diagnostic::Severity::kWarning),
                          "transforms.other.type: 'other' is not listed in transforms"));
  auto router = ValidateText(Source(R"(, "transforms": "r",
      "transforms.r.type": "org.apache.kafka.connect.transforms.RegexRouter")"));
  EXPECT_TRUE(AnyContains(Lines(router, Diagnostic::Severity::kError),
                          "transforms.r.type: org.apache.kafka.connect.transforms.RegexRouter is not supported"));
}

TEST(ValidatorTest, SecretsNeverAppearInMessages) {
  auto r = ValidateText(Source(R"(, "database.ssl.keystore.password": "<MY_SECRET_PW>",
      "producer.override.sasl.jaas.config": "org.apache... password=\"hunter2\";")"));
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.message.find("MY_SECRET_PW"), std::string::npos) << d.message;
    EXPECT_EQ(d.message.find("hunter2"), std::string::npos) << d.message;
  }
  auto ok = ValidateText(Source(R"(, "producer.override.sasl.jaas.config": "password=hunter2")"));
  ASSERT_TRUE(ok.config.has_value());
  EXPECT_EQ(ok.config->Display("producer.override.sasl.jaas.config"), "[hidden]");
  EXPECT_EQ(ok.config->WithPrefix("producer.override.").at("sasl.jaas.config"), "password=hunter2");
}

}  // namespace
}  // namespace tributary::config
