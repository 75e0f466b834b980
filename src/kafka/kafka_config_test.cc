#include "kafka/kafka_config.h"

#include <gtest/gtest.h>

#include "config/connector_config.h"
#include "config/loader.h"

namespace tributary::kafka {
namespace {

Result<ClientConfig> Map(std::map<std::string, std::string> worker,
                         std::map<std::string, std::string> overrides = {},
                         std::map<std::string, std::string> raw = {},
                         ClientRole role = ClientRole::kProducer) {
  ConnectClientSettings s;
  s.worker = std::move(worker);
  s.overrides = std::move(overrides);
  s.overrides_prefix = "producer.override.";
  s.raw = std::move(raw);
  return MapClientSettings(s, role);
}

TEST(KafkaConfigTest, PlainSettingsPassThrough) {
  auto c = Map({{"bootstrap.servers", "b1:9092,b2:9092"}, {"security.protocol", "PLAINTEXT"}},
               {{"compression.type", "zstd"}, {"linger.ms", "20"}, {"batch.size", "1000000"}});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->Get("bootstrap.servers"), "b1:9092,b2:9092");
  EXPECT_EQ(c->Get("security.protocol"), "plaintext");
  EXPECT_EQ(c->Get("compression.type"), "zstd");
  EXPECT_EQ(c->Get("linger.ms"), "20");
  EXPECT_EQ(c->Get("batch.size"), "1000000");
}

TEST(KafkaConfigTest, RenamedJavaKeys) {
  auto c = Map({{"bootstrap.servers", "b:9092"}, {"sasl.mechanism", "PLAIN"}},
               {{"max.request.size", "2097152"},
                {"send.buffer.bytes", "131072"},
                {"fetch.max.wait.ms", "100"}});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->Get("sasl.mechanisms"), "PLAIN");
  EXPECT_FALSE(c->Has("sasl.mechanism"));
  EXPECT_EQ(c->Get("message.max.bytes"), "2097152");
  EXPECT_EQ(c->Get("socket.send.buffer.bytes"), "131072");
  EXPECT_EQ(c->Get("fetch.wait.max.ms"), "100");
}

TEST(KafkaConfigTest, JavaOnlyKeysIgnored) {
  auto c = Map({{"bootstrap.servers", "b:9092"}},
               {{"key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer"},
                {"buffer.memory", "33554432"},
                {"max.block.ms", "60000"},
                {"interceptor.classes", "x.Y"}});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->entries().size(), 1u);
}

TEST(KafkaConfigTest, OverridesWinOverWorker) {
  auto c = Map({{"bootstrap.servers", "b:9092"}, {"client.id", "worker"}}, {{"client.id", "mine"}});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->Get("client.id"), "mine");
}

TEST(KafkaConfigTest, UnknownKeyIsAClearError) {
  auto c = Map({{"bootstrap.servers", "b:9092"}}, {{"linger.msx", "5"}});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.error().message().find("producer.override.linger.msx"), std::string::npos)
      << c.error().message();

  auto raw = Map({{"bootstrap.servers", "b:9092"}}, {}, {{"no.such.property", "1"}});
  ASSERT_FALSE(raw.has_value());
  EXPECT_NE(raw.error().message().find("kafka.no.such.property"), std::string::npos)
      << raw.error().message();
}

TEST(KafkaConfigTest, BadValueNamesKey) {
  auto c = Map({{"bootstrap.servers", "b:9092"}}, {{"compression.type", "brotli"}});
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message().find("producer.override.compression.type"), std::string::npos)
      << c.error().message();
}

TEST(KafkaConfigTest, RawPassThroughUnmapped) {
  auto c = Map({{"bootstrap.servers", "b:9092"}}, {{"linger.ms", "5"}},
               {{"linger.ms", "7"}, {"queue.buffering.max.ms", "9"}, {"statistics.interval.ms", "0"}});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  // librdkafka's linger.ms is an alias of queue.buffering.max.ms; the raw value is applied last.
  EXPECT_EQ(c->entries().back().key, "statistics.interval.ms");
  EXPECT_EQ(c->Get("queue.buffering.max.ms"), "9");
}

TEST(KafkaConfigTest, SaslJaasPlain) {
  auto c = Map({{"bootstrap.servers", "b:9093"},
                {"security.protocol", "SASL_SSL"},
                {"sasl.mechanism", "SCRAM-SHA-512"},
                {"sasl.jaas.config",
                 "org.apache.kafka.common.security.scram.ScramLoginModule required "
                 "username=\"alice\" password=\"s3cr\\\"et\";"}});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->Get("security.protocol"), "sasl_ssl");
  EXPECT_EQ(c->Get("sasl.mechanisms"), "SCRAM-SHA-512");
  EXPECT_EQ(c->Get("sasl.username"), "alice");
  EXPECT_EQ(c->Get("sasl.password"), "s3cr\"et");
  EXPECT_FALSE(c->Has("sasl.jaas.config"));
  // The password never appears in the log form.
  std::string log = c->ToLogString();
  EXPECT_EQ(log.find("s3cr"), std::string::npos) << log;
  EXPECT_NE(log.find("sasl.password=[hidden]"), std::string::npos) << log;
  EXPECT_NE(log.find("sasl.username=alice"), std::string::npos) << log;
}

TEST(KafkaConfigTest, SaslJaasErrorsHideSecrets) {
  auto c = Map({{"bootstrap.servers", "b:9093"},
                {"sasl.jaas.config",
                 "org.apache.kafka.common.security.plain.PlainLoginModule required "
                 "username=\"alice\" password=\"topsecret"}});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.error().message().find("topsecret"), std::string::npos) << c.error().message();
  EXPECT_NE(c.error().message().find("sasl.jaas.config"), std::string::npos);

  auto unknown = Map({{"bootstrap.servers", "b:9093"},
                      {"sasl.jaas.config", "com.example.MyLoginModule required;"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), StatusCode::kUnsupported);
}

TEST(KafkaConfigTest, ParseJaasConfig) {
  auto j = ParseJaasConfig(
      "  com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true "
      "storeKey=true keyTab=\"/etc/kafka.keytab\" principal=\"kafka/host@REALM\";  ");
  ASSERT_TRUE(j.has_value()) << j.error().ToString();
  EXPECT_EQ(j->login_module, "com.sun.security.auth.module.Krb5LoginModule");
  EXPECT_EQ(j->control_flag, "required");
  EXPECT_EQ(j->options.at("useKeyTab"), "true");
  EXPECT_EQ(j->options.at("keyTab"), "/etc/kafka.keytab");
  EXPECT_EQ(j->options.at("principal"), "kafka/host@REALM");

  EXPECT_FALSE(ParseJaasConfig("").has_value());
  EXPECT_FALSE(ParseJaasConfig("x.Y mandatory a=b;").has_value());
  EXPECT_FALSE(ParseJaasConfig("x.Y required a b;").has_value());
  EXPECT_FALSE(ParseJaasConfig("x.Y required a=b; z.W required;").has_value());
}

TEST(KafkaConfigTest, TlsStores) {
  auto pem = Map({{"bootstrap.servers", "b:9093"},
                  {"security.protocol", "SSL"},
                  {"ssl.truststore.type", "PEM"},
                  {"ssl.truststore.location", "/etc/ca.bundle"},
                  {"ssl.truststore.password", "ignored"},
                  {"ssl.keystore.type", "PKCS12"},
                  {"ssl.keystore.location", "/etc/client.p12"},
                  {"ssl.keystore.password", "kspass"},
                  {"ssl.endpoint.identification.algorithm", ""}});
  ASSERT_TRUE(pem.has_value()) << pem.error().ToString();
  EXPECT_EQ(pem->Get("ssl.ca.location"), "/etc/ca.bundle");
  EXPECT_EQ(pem->Get("ssl.keystore.location"), "/etc/client.p12");
  EXPECT_EQ(pem->Get("ssl.keystore.password"), "kspass");
  EXPECT_EQ(pem->Get("ssl.endpoint.identification.algorithm"), "none");
  EXPECT_FALSE(pem->Has("ssl.truststore.password"));
  EXPECT_EQ(pem->ToLogString().find("kspass"), std::string::npos);

  // A .pem file is taken as PEM without ssl.truststore.type.
  auto by_name = Map({{"bootstrap.servers", "b:9093"}, {"ssl.truststore.location", "/etc/ca.pem"}});
  ASSERT_TRUE(by_name.has_value());
  EXPECT_EQ(by_name->Get("ssl.ca.location"), "/etc/ca.pem");

  auto inline_pem = Map({{"bootstrap.servers", "b:9093"},
                         {"ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----"},
                         {"ssl.keystore.certificate.chain", "CHAIN"},
                         {"ssl.keystore.key", "KEY"},
                         {"ssl.key.password", "kp"}});
  ASSERT_TRUE(inline_pem.has_value()) << inline_pem.error().ToString();
  EXPECT_TRUE(inline_pem->Has("ssl.ca.pem"));
  EXPECT_EQ(inline_pem->Get("ssl.certificate.pem"), "CHAIN");
  EXPECT_EQ(inline_pem->Get("ssl.key.pem"), "KEY");
  EXPECT_EQ(inline_pem->Get("ssl.key.password"), "kp");
  std::string log = inline_pem->ToLogString();
  EXPECT_EQ(log.find("KEY"), std::string::npos) << log;
  EXPECT_EQ(log.find("kp"), std::string::npos) << log;

  auto jks = Map({{"bootstrap.servers", "b:9093"}, {"ssl.truststore.location", "/etc/truststore.jks"},
                  {"ssl.truststore.password", "changeit"}});
  ASSERT_FALSE(jks.has_value());
  EXPECT_EQ(jks.error().code(), StatusCode::kUnsupported);
  EXPECT_NE(jks.error().message().find("JKS"), std::string::npos);
  EXPECT_EQ(jks.error().message().find("changeit"), std::string::npos);
}

TEST(KafkaConfigTest, AutoOffsetResetNone) {
  auto c = Map({{"bootstrap.servers", "b:9092"}}, {{"auto.offset.reset", "none"}}, {},
               ClientRole::kConsumer);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->Get("auto.offset.reset"), "error");
}

config::ConfigValue Value(std::string v, bool secret = false) {
  config::ConfigValue cv;
  cv.value = std::move(v);
  cv.is_explicit = true;
  cv.secret = secret;
  return cv;
}

TEST(KafkaConfigTest, FromConnectorConfigPicksRoleOverrides) {
  config::ConnectorConfig cfg;
  cfg.values["bootstrap.servers"] = Value("k1:9092");
  cfg.values["security.protocol"] = Value("SASL_PLAINTEXT");
  cfg.values["sasl.mechanism"] = Value("PLAIN");
  cfg.values["sasl.jaas.config"] =
      Value("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";", true);
  cfg.values["producer.override.compression.type"] = Value("lz4");
  cfg.values["consumer.override.fetch.min.bytes"] = Value("1024");
  cfg.values["kafka.statistics.interval.ms"] = Value("0");
  cfg.values["database.ssl.mode"] = Value("required");  // not a Kafka key
  cfg.values["schema.history.internal.kafka.bootstrap.servers"] = Value("h1:9092");
  cfg.values["schema.history.internal.producer.linger.ms"] = Value("1");
  cfg.values["schema.history.internal.consumer.fetch.min.bytes"] = Value("1");

  auto p = ClientConfigFor(cfg, ClientRole::kProducer);
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_EQ(p->Get("bootstrap.servers"), "k1:9092");
  EXPECT_EQ(p->Get("compression.type"), "lz4");
  EXPECT_FALSE(p->Has("fetch.min.bytes"));
  EXPECT_EQ(p->Get("sasl.username"), "u");
  EXPECT_EQ(p->Get("statistics.interval.ms"), "0");
  EXPECT_FALSE(p->Has("database.ssl.mode"));

  auto c = ClientConfigFor(cfg, ClientRole::kConsumer);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->Get("fetch.min.bytes"), "1024");
  EXPECT_FALSE(c->Has("compression.type"));

  auto h = HistoryClientConfigFor(cfg, ClientRole::kProducer);
  ASSERT_TRUE(h.has_value()) << h.error().ToString();
  EXPECT_EQ(h->Get("bootstrap.servers"), "h1:9092");
  EXPECT_EQ(h->Get("linger.ms"), "1");
  EXPECT_EQ(h->Get("sasl.password"), "p");
  auto hc = HistoryClientConfigFor(cfg, ClientRole::kConsumer);
  ASSERT_TRUE(hc.has_value());
  EXPECT_EQ(hc->Get("fetch.min.bytes"), "1");
}

TEST(KafkaConfigTest, FromValidatedSinkFile) {
  auto raw = config::LoadConfigText("sink.json", R"({
    "name": "s3-sink",
    "config": {
      "connector.class": "io.confluent.connect.s3.S3SinkConnector",
      "topics": "a,b",
      "bootstrap.servers": "127.0.0.1:9092",
      "s3.bucket.name": "bucket",
      "s3.region": "us-east-1",
      "flush.size": "100",
      "storage.class": "io.confluent.connect.s3.storage.S3Storage",
      "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
      "consumer.override.max.partition.fetch.bytes": "2097152"
    }})");
  ASSERT_TRUE(raw.has_value()) << raw.error().ToString();
  auto validated = config::Validate(*raw);
  ASSERT_TRUE(validated.config.has_value());
  auto c = ClientConfigFor(*validated.config, ClientRole::kConsumer);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->Get("bootstrap.servers"), "127.0.0.1:9092");
  EXPECT_EQ(c->Get("max.partition.fetch.bytes"), "2097152");
}

TEST(KafkaConfigTest, ClientConfigSetReplaces) {
  ClientConfig c;
  c.Set("a", "1");
  c.Set("b", "2", true);
  c.Set("a", "3");
  c.SetDefault("a", "4");
  c.SetDefault("c", "5");
  EXPECT_EQ(c.ToLogString(), "a=3, b=[hidden], c=5");
  c.Erase("b");
  EXPECT_FALSE(c.Has("b"));
}

}  // namespace
}  // namespace tributary::kafka
