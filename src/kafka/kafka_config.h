// Kafka client settings: from Kafka Connect / Java client keys to librdkafka properties.
//
// A connector file carries Kafka client settings the way a Kafka Connect worker and its
// connector overrides do (Java client key names). This file turns them into librdkafka
// properties, in order of precedence (later wins):
//   1. worker-level keys: `bootstrap.servers`, `security.protocol`, `ssl.*`, `sasl.*`
//      (and any other Java client key given at top level),
//   2. the role's override map (`producer.override.*`, `consumer.override.*`,
//      `admin.override.*`, or the history's `schema.history.internal.producer.*` ...),
//   3. raw librdkafka properties: `kafka.<librdkafka key>` passed through unmapped.
// Mapping of Java keys (table in src/kafka/README.md):
//   - same name in librdkafka (`linger.ms`, `batch.size`, `compression.type`, `acks`, ...):
//     passed through;
//   - renamed: `sasl.mechanism` → `sasl.mechanisms`, `max.request.size` →
//     `message.max.bytes`, `send.buffer.bytes` → `socket.send.buffer.bytes`, ...;
//   - TLS: a PEM truststore (`ssl.truststore.type=PEM` or a .pem/.crt/.cer file) →
//     `ssl.ca.location`, `ssl.truststore.certificates` → `ssl.ca.pem`, a PKCS12 keystore →
//     `ssl.keystore.location/password`, PEM keystore parts → `ssl.certificate.pem` /
//     `ssl.key.pem` / `ssl.key.password`; JKS stores are refused (librdkafka cannot read
//     them: convert to PEM);
//   - `sasl.jaas.config`: PLAIN and SCRAM login modules give `sasl.username` /
//     `sasl.password`, Krb5LoginModule gives the Kerberos principal and keytab;
//   - Java-only keys (serializers, interceptors, `buffer.memory`, metrics, ...) are
//     ignored with a debug log.
// Every resulting property is checked against librdkafka itself, so an unknown key is a
// clear InvalidArgument naming the key as written. Secret values never reach a log or a
// message (`ClientConfig::ToLogString` redacts them).
// Pure functions and value types; thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::kafka {

enum class ClientRole { kProducer, kConsumer, kAdmin };
std::string_view ClientRoleName(ClientRole role);

// librdkafka properties, in the order they will be applied (a key appears once; Set
// replaces). Values of secret keys are remembered as such for redaction.
class ClientConfig {
 public:
  struct Entry {
    std::string key;
    std::string value;
    bool secret = false;
  };

  void Set(std::string key, std::string value, bool secret = false);
  // Set only when the key is absent.
  void SetDefault(std::string key, std::string value);
  void Erase(std::string_view key);
  std::optional<std::string> Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key).has_value(); }
  const std::vector<Entry>& entries() const { return entries_; }

  // "k=v, k2=[hidden]" for logs.
  std::string ToLogString() const;

 private:
  std::vector<Entry> entries_;
};

// Connect-style settings before mapping (Java client key names, prefixes stripped).
struct ConnectClientSettings {
  std::map<std::string, std::string> worker;     // bootstrap.servers, security.protocol, ssl.*, sasl.*
  std::map<std::string, std::string> overrides;  // the role's override map, prefix stripped
  std::map<std::string, std::string> raw;        // librdkafka names (kafka.* prefix stripped)
  // How the keys were written, for messages: "producer.override." and "kafka." say.
  std::string overrides_prefix;
  std::string raw_prefix = "kafka.";
  // Keys whose values must never be shown (besides those that look secret by name).
  std::vector<std::string> secret_keys;
};

// Maps Java-named settings to librdkafka properties and checks every result against
// librdkafka. Errors: InvalidArgument (unknown key, bad value, malformed sasl.jaas.config),
// Unsupported (JKS stores, a login module librdkafka has no equivalent for).
Result<ClientConfig> MapClientSettings(const ConnectClientSettings& settings, ClientRole role);

// The settings of a client of the connector: `bootstrap_servers`, the connector's
// `security.protocol`, `ssl.*`, `sasl.*`, `client.id` and `kafka.*` (secrets marked), and
// the keys under `overrides_prefix` (e.g. "producer.override.", "signal.consumer.").
ConnectClientSettings ConnectorClientSettings(const config::ConnectorConfig& cfg,
                                              std::string bootstrap_servers,
                                              std::string_view overrides_prefix);

// The connector's own Kafka client (the source's producer, the sink's consumer, the admin
// client of either): top-level `bootstrap.servers`, `security.protocol`, `ssl.*`, `sasl.*`,
// `client.id`, the role's `<role>.override.*` and `kafka.*`.
Result<ClientConfig> ClientConfigFor(const config::ConnectorConfig& cfg, ClientRole role);

// The schema history's client: `schema.history.internal.kafka.bootstrap.servers` (already
// defaulted to `bootstrap.servers` by validation), the connector's security settings, then
// `schema.history.internal.producer.*` / `.consumer.*` (admin uses the producer's).
Result<ClientConfig> HistoryClientConfigFor(const config::ConnectorConfig& cfg, ClientRole role);

// Parses a Java JAAS line such as
//   org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
// into its login module class and options. Exposed for tests.
struct JaasConfig {
  std::string login_module;
  std::string control_flag;  // required, requisite, sufficient, optional
  std::map<std::string, std::string> options;
};
Result<JaasConfig> ParseJaasConfig(std::string_view text);

}  // namespace tributary::kafka
