#include "kafka/kafka_config.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include "config/connector_config.h"
#include "config/option.h"

namespace tributary::kafka {

std::string_view ClientRoleName(ClientRole role) {
  switch (role) {
    case ClientRole::kProducer: return "producer";
    case ClientRole::kConsumer: return "consumer";
    case ClientRole::kAdmin: return "admin";
  }
  return "?";
}

// ------------------------------------------------------------------ ClientConfig

void ClientConfig::Set(std::string key, std::string value, bool secret) {
  for (Entry& e : entries_) {
    if (e.key == key) {
      e.value = std::move(value);
      e.secret = e.secret || secret;
      return;
    }
  }
  entries_.push_back({std::move(key), std::move(value), secret});
}

void ClientConfig::SetDefault(std::string key, std::string value) {
  if (!Has(key)) Set(std::move(key), std::move(value));
}

void ClientConfig::Erase(std::string_view key) {
  std::erase_if(entries_, [&](const Entry& e) { return e.key == key; });
}

std::optional<std::string> ClientConfig::Get(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return e.value;
  }
  return std::nullopt;
}

std::string ClientConfig::ToLogString() const {
  std::string out;
  for (const Entry& e : entries_) {
    if (!out.empty()) out += ", ";
    out += e.key;
    out += '=';
    out += e.secret ? "[hidden]" : e.value;
  }
  return out;
}

namespace {

// ------------------------------------------------------------------ key tables

struct Rename {
  std::string_view java;
  std::string_view librdkafka;
};

// Java client keys whose librdkafka property has another name.
constexpr std::array kRenames{
    Rename{"sasl.mechanism", "sasl.mechanisms"},
    Rename{"max.request.size", "message.max.bytes"},
    Rename{"send.buffer.bytes", "socket.send.buffer.bytes"},
    Rename{"receive.buffer.bytes", "socket.receive.buffer.bytes"},
    Rename{"fetch.max.wait.ms", "fetch.wait.max.ms"},
    Rename{"ssl.key.password", "ssl.key.password"},
};

// Java client keys with no librdkafka meaning: ignored (debug log).
constexpr std::string_view kJavaOnly[] = {
    "key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
    "buffer.memory", "max.block.ms", "interceptor.classes", "metric.reporters",
    "metrics.num.samples", "metrics.recording.level", "metrics.sample.window.ms",
    "auto.include.jmx.reporter", "enable.metrics.push", "partitioner.class",
    "partitioner.ignore.keys", "partitioner.adaptive.partitioning.enable",
    "partitioner.availability.timeout.ms", "client.dns.lookup", "default.api.timeout.ms",
    "exclude.internal.topics", "max.poll.records", "internal.leave.group.on.close",
    "partition.assignment.strategy", "group.protocol", "group.remote.assignor",
    "metadata.max.idle.ms", "metadata.recovery.strategy", "retry.backoff.max.ms",
    "socket.connection.setup.timeout.max.ms", "security.providers",
    "ssl.protocol", "ssl.enabled.protocols", "ssl.provider", "ssl.keymanager.algorithm",
    "ssl.trustmanager.algorithm", "ssl.secure.random.implementation",
    "ssl.engine.factory.class", "ssl.truststore.password", "ssl.truststore.type",
    "ssl.keystore.type", "ssl.cipher.suites", "sasl.login.class",
    "sasl.login.callback.handler.class", "sasl.client.callback.handler.class",
    "sasl.kerberos.ticket.renew.jitter", "sasl.kerberos.ticket.renew.window.factor",
    "sasl.login.refresh.window.factor", "sasl.login.refresh.window.jitter",
    "sasl.login.refresh.min.period.seconds", "sasl.login.refresh.buffer.seconds",
    "transaction.two.phase.commit.enable"};

bool IsJavaOnly(std::string_view key) {
  return std::find(std::begin(kJavaOnly), std::end(kJavaOnly), key) != std::end(kJavaOnly);
}

// librdkafka properties whose values are secrets whatever the name says.
constexpr std::string_view kSecretTargets[] = {
    "sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.key.pem",
    "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config", "ssl_engine_id"};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool EndsWithAny(std::string_view s, std::initializer_list<std::string_view> suffixes) {
  std::string lower = Lower(s);
  for (std::string_view suf : suffixes) {
    if (lower.ends_with(suf)) return true;
  }
  return false;
}

struct Given {
  std::string value;
  std::string origin;  // the key as written (with its prefix)
  bool secret = false;
};

struct Mapped {
  std::string key;  // librdkafka
  std::string value;
  std::string origin;
  bool secret = false;
};

class Mapper {
 public:
  Mapper(std::map<std::string, Given> given, ClientRole role) : given_(std::move(given)), role_(role) {}

  Result<std::vector<Mapped>> Run() {
    if (Status s = Security(); !s.ok()) return Error(s);
    if (Status s = Truststore(); !s.ok()) return Error(s);
    if (Status s = Keystore(); !s.ok()) return Error(s);
    if (Status s = Jaas(); !s.ok()) return Error(s);
    for (auto& [key, g] : given_) {
      if (IsJavaOnly(key)) {
        spdlog::debug("Kafka {} client: '{}' is a Java client setting with no librdkafka "
                      "equivalent; ignored",
                      ClientRoleName(role_), g.origin);
        continue;
      }
      std::string target = key;
      for (const Rename& r : kRenames) {
        if (r.java == key) target = r.librdkafka;
      }
      std::string value = g.value;
      if (key == "auto.offset.reset" && Lower(value) == "none") value = "error";
      Emit(std::move(target), std::move(value), g.origin, g.secret);
    }
    return std::move(out_);
  }

 private:
  std::optional<Given> Take(const std::string& key) {
    auto it = given_.find(key);
    if (it == given_.end()) return std::nullopt;
    Given g = std::move(it->second);
    given_.erase(it);
    return g;
  }
  void Emit(std::string key, std::string value, std::string origin, bool secret) {
    out_.push_back({std::move(key), std::move(value), std::move(origin), secret});
  }

  Status Security() {
    if (auto g = Take("security.protocol")) {
      Emit("security.protocol", Lower(g->value), g->origin, false);
    }
    if (auto g = Take("ssl.endpoint.identification.algorithm")) {
      // Java: empty disables host name verification; librdkafka spells that "none".
      std::string v = Lower(g->value);
      Emit("ssl.endpoint.identification.algorithm", v.empty() ? "none" : v, g->origin, false);
    }
    return Status::Ok();
  }

  Status Truststore() {
    auto type = Take("ssl.truststore.type");
    if (auto pem = Take("ssl.truststore.certificates")) {
      Emit("ssl.ca.pem", pem->value, pem->origin, false);
    }
    auto loc = Take("ssl.truststore.location");
    if (!loc) return Status::Ok();
    std::string t = type ? Lower(type->value) : "";
    bool is_pem = t == "pem" || (t.empty() && EndsWithAny(loc->value, {".pem", ".crt", ".cer"}));
    if (!is_pem) {
      return Status::Unsupported(fmt::format(
          "'{}' is a {} truststore, which librdkafka cannot read; convert it to a PEM file "
          "(keytool -exportcert -rfc, or openssl pkcs12 -nokeys) and set "
          "ssl.truststore.type=PEM",
          loc->origin, t.empty() ? "JKS" : Upper(t)));
    }
    Emit("ssl.ca.location", loc->value, loc->origin, false);
    return Status::Ok();
  }

  Status Keystore() {
    auto type = Take("ssl.keystore.type");
    auto loc = Take("ssl.keystore.location");
    auto password = Take("ssl.keystore.password");
    if (auto chain = Take("ssl.keystore.certificate.chain")) {
      Emit("ssl.certificate.pem", chain->value, chain->origin, false);
    }
    if (auto key = Take("ssl.keystore.key")) {
      Emit("ssl.key.pem", key->value, key->origin, true);
    }
    if (!loc) return Status::Ok();
    std::string t = type ? Lower(type->value) : "";
    if (t.empty()) {
      if (EndsWithAny(loc->value, {".p12", ".pfx"})) t = "pkcs12";
      if (EndsWithAny(loc->value, {".pem", ".crt", ".key"})) t = "pem";
    }
    if (t == "pkcs12") {
      Emit("ssl.keystore.location", loc->value, loc->origin, false);
      if (password) Emit("ssl.keystore.password", password->value, password->origin, true);
      return Status::Ok();
    }
    if (t == "pem") {
      // One PEM file holding the certificate chain and the private key.
      Emit("ssl.certificate.location", loc->value, loc->origin, false);
      Emit("ssl.key.location", loc->value, loc->origin, false);
      return Status::Ok();
    }
    return Status::Unsupported(fmt::format(
        "'{}' is a {} keystore, which librdkafka cannot read; convert it to PKCS12 "
        "(keytool -importkeystore -deststoretype PKCS12) or PEM and set ssl.keystore.type",
        loc->origin, t.empty() ? "JKS" : Upper(t)));
  }

  Status Jaas() {
    auto g = Take("sasl.jaas.config");
    if (!g) return Status::Ok();
    auto parsed = ParseJaasConfig(g->value);
    if (!parsed) {
      // The text holds a password: say where, never what.
      return Status::InvalidArgument(
          fmt::format("'{}' is not a valid JAAS configuration: {}", g->origin,
                      parsed.error().message()));
    }
    const std::string& module = parsed->login_module;
    auto opt = [&](const char* name) -> std::optional<std::string> {
      auto it = parsed->options.find(name);
      if (it == parsed->options.end()) return std::nullopt;
      return it->second;
    };
    if (module.ends_with(".PlainLoginModule") || module.ends_with(".ScramLoginModule")) {
      auto user = opt("username");
      auto pass = opt("password");
      if (!user || !pass) {
        return Status::InvalidArgument(
            fmt::format("'{}': {} needs username and password", g->origin, module));
      }
      Emit("sasl.username", *user, g->origin, false);
      Emit("sasl.password", *pass, g->origin, true);
      return Status::Ok();
    }
    if (module.ends_with(".Krb5LoginModule")) {
      if (auto p = opt("principal")) Emit("sasl.kerberos.principal", *p, g->origin, false);
      if (auto k = opt("keyTab")) Emit("sasl.kerberos.keytab", *k, g->origin, false);
      return Status::Ok();
    }
    if (module.ends_with(".OAuthBearerLoginModule")) {
      auto id = opt("clientId");
      auto secret = opt("clientSecret");
      if (!id || !secret) {
        return Status::Unsupported(fmt::format(
            "'{}': only the OIDC client-credentials form of OAuthBearerLoginModule "
            "(clientId, clientSecret, with sasl.oauthbearer.token.endpoint.url) is supported",
            g->origin));
      }
      Emit("sasl.oauthbearer.method", "oidc", g->origin, false);
      Emit("sasl.oauthbearer.client.id", *id, g->origin, false);
      Emit("sasl.oauthbearer.client.secret", *secret, g->origin, true);
      if (auto scope = opt("scope")) Emit("sasl.oauthbearer.scope", *scope, g->origin, false);
      return Status::Ok();
    }
    return Status::Unsupported(
        fmt::format("'{}': login module {} has no librdkafka equivalent", g->origin, module));
  }

  static std::string Upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
  }

  std::map<std::string, Given> given_;
  ClientRole role_;
  std::vector<Mapped> out_;
};

bool IsSecret(const std::string& key, const std::vector<std::string>& secret_keys) {
  return config::LooksSecret(key) ||
         std::find(secret_keys.begin(), secret_keys.end(), key) != secret_keys.end();
}

}  // namespace

// ------------------------------------------------------------------ JAAS

Result<JaasConfig> ParseJaasConfig(std::string_view text) {
  JaasConfig out;
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  auto word = [&] {
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) &&
           text[i] != '=' && text[i] != ';' && text[i] != '"') {
      ++i;
    }
    return std::string(text.substr(start, i - start));
  };
  skip_ws();
  out.login_module = word();
  if (out.login_module.empty()) return Error(Status::InvalidArgument("no login module class"));
  skip_ws();
  out.control_flag = Lower(word());
  if (out.control_flag != "required" && out.control_flag != "requisite" &&
      out.control_flag != "sufficient" && out.control_flag != "optional") {
    return Error(Status::InvalidArgument(
        "expected a control flag (required, requisite, sufficient, optional) after the "
        "login module class"));
  }
  while (true) {
    skip_ws();
    if (i >= text.size()) break;  // Java needs the ';', but be lenient at the very end
    if (text[i] == ';') {
      ++i;
      skip_ws();
      if (i != text.size()) {
        return Error(Status::InvalidArgument("only one login module entry is supported"));
      }
      break;
    }
    std::string name = word();
    if (name.empty()) return Error(Status::InvalidArgument("expected an option name"));
    skip_ws();
    if (i >= text.size() || text[i] != '=') {
      return Error(Status::InvalidArgument(fmt::format("expected '=' after option '{}'", name)));
    }
    ++i;
    skip_ws();
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '\\' && i < text.size()) {
          value += text[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) {
        return Error(Status::InvalidArgument(fmt::format("unterminated quote in option '{}'", name)));
      }
    } else {
      value = word();
    }
    out.options[name] = std::move(value);
  }
  return out;
}

// ------------------------------------------------------------------ mapping

Result<ClientConfig> MapClientSettings(const ConnectClientSettings& settings, ClientRole role) {
  std::map<std::string, Given> given;
  for (const auto& [k, v] : settings.worker) {
    given[k] = {v, k, IsSecret(k, settings.secret_keys)};
  }
  for (const auto& [k, v] : settings.overrides) {
    std::string origin = settings.overrides_prefix + k;
    given[k] = {v, origin, IsSecret(k, settings.secret_keys) || IsSecret(origin, settings.secret_keys)};
  }
  auto mapped = Mapper(std::move(given), role).Run();
  if (!mapped) return Error(mapped.error());
  for (const auto& [k, v] : settings.raw) {
    std::string origin = settings.raw_prefix + k;
    mapped->push_back({k, v, origin, IsSecret(k, settings.secret_keys) || IsSecret(origin, settings.secret_keys)});
  }

  // Check every property against librdkafka now, so a typo stops the start with the key
  // as the user wrote it.
  std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)> scratch(
      rd_kafka_conf_new(), &rd_kafka_conf_destroy);
  ClientConfig out;
  char errstr[512];
  for (Mapped& m : *mapped) {
    bool secret = m.secret || std::find(std::begin(kSecretTargets), std::end(kSecretTargets), m.key) !=
                                  std::end(kSecretTargets);
    rd_kafka_conf_res_t res =
        rd_kafka_conf_set(scratch.get(), m.key.c_str(), m.value.c_str(), errstr, sizeof(errstr));
    if (res == RD_KAFKA_CONF_UNKNOWN) {
      bool from_raw = m.origin.starts_with(settings.raw_prefix) && !settings.raw_prefix.empty() &&
                      settings.raw.count(m.key) != 0;
      return Error(Status::InvalidArgument(
          from_raw ? fmt::format("'{}': '{}' is not a librdkafka property (see librdkafka's "
                                 "CONFIGURATION.md)",
                                 m.origin, m.key)
                   : fmt::format("'{}': unknown Kafka client setting (neither a Java client "
                                 "key Tributary maps nor a librdkafka property '{}')",
                                 m.origin, m.key)));
    }
    if (res != RD_KAFKA_CONF_OK) {
      return Error(Status::InvalidArgument(
          secret ? fmt::format("'{}': invalid value for librdkafka property '{}'", m.origin, m.key)
                 : fmt::format("'{}': {}", m.origin, errstr)));
    }
    out.Set(m.key, m.value, secret);
  }
  // librdkafka before 2.6.1 repeats the client nonce in SCRAM's final message, which Kafka 4
  // brokers refuse as "invalid credentials" although the password is right.
  if (auto mech = out.Get("sasl.mechanisms");
      mech && mech->starts_with("SCRAM") && rd_kafka_version() < 0x020601ff) {
    spdlog::warn(
        "Kafka {} client: sasl.mechanism={} with librdkafka {}: Kafka 4 brokers refuse its "
        "SCRAM login as invalid credentials (fixed in librdkafka 2.6.1); PLAIN over SASL_SSL "
        "or a Kafka 3 broker works",
        ClientRoleName(role), *mech, rd_kafka_version_str());
  }
  spdlog::debug("Kafka {} client settings: {}", ClientRoleName(role), out.ToLogString());
  return out;
}

namespace {

std::string_view OverridePrefix(ClientRole role) {
  switch (role) {
    case ClientRole::kProducer: return "producer.override.";
    case ClientRole::kConsumer: return "consumer.override.";
    case ClientRole::kAdmin: return "admin.override.";
  }
  return "";
}

// Top-level client keys: the ones a Kafka Connect worker config would hold.
bool IsWorkerKey(std::string_view key) {
  return key == "bootstrap.servers" || key == "security.protocol" || key == "client.id" ||
         key == "client.rack" || key.starts_with("ssl.") || key.starts_with("sasl.");
}

void CollectSecurityAndRaw(const config::ConnectorConfig& cfg, ConnectClientSettings* s) {
  for (const auto& [key, v] : cfg.values) {
    if (key != "bootstrap.servers" && IsWorkerKey(key)) {
      s->worker[key] = v.value;
    } else if (key.starts_with(s->raw_prefix)) {
      s->raw[key.substr(s->raw_prefix.size())] = v.value;
    } else {
      continue;
    }
    if (v.secret) s->secret_keys.push_back(key.starts_with(s->raw_prefix) ? key.substr(s->raw_prefix.size()) : key);
  }
}

void CollectOverrides(const config::ConnectorConfig& cfg, std::string_view prefix,
                      ConnectClientSettings* s) {
  s->overrides_prefix = std::string(prefix);
  for (const auto& [key, v] : cfg.values) {
    if (!key.starts_with(prefix)) continue;
    std::string rest = key.substr(prefix.size());
    s->overrides[rest] = v.value;
    if (v.secret) s->secret_keys.push_back(rest);
  }
}

}  // namespace

ConnectClientSettings ConnectorClientSettings(const config::ConnectorConfig& cfg,
                                              std::string bootstrap_servers,
                                              std::string_view overrides_prefix) {
  ConnectClientSettings s;
  s.worker["bootstrap.servers"] = std::move(bootstrap_servers);
  CollectSecurityAndRaw(cfg, &s);
  CollectOverrides(cfg, overrides_prefix, &s);
  return s;
}

Result<ClientConfig> ClientConfigFor(const config::ConnectorConfig& cfg, ClientRole role) {
  return MapClientSettings(
      ConnectorClientSettings(cfg, cfg.GetString("bootstrap.servers"), OverridePrefix(role)), role);
}

Result<ClientConfig> HistoryClientConfigFor(const config::ConnectorConfig& cfg, ClientRole role) {
  std::string servers = cfg.GetString("schema.history.internal.kafka.bootstrap.servers");
  if (servers.empty()) servers = cfg.GetString("bootstrap.servers");
  return MapClientSettings(
      ConnectorClientSettings(cfg, std::move(servers),
                              role == ClientRole::kConsumer ? "schema.history.internal.consumer."
                                                            : "schema.history.internal.producer."),
      role);
}

}  // namespace tributary::kafka
