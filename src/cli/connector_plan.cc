#include "cli/connector_plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <regex>
#include <set>

#include "kafka/kafka_config.h"

namespace tributary::cli {
namespace {

using config::ConnectorConfig;
using config::ConnectorKind;

std::string OrAll(const std::vector<std::string>& list, std::string_view all) {
  return list.empty() ? std::string(all) : fmt::format("{}", fmt::join(list, ", "));
}

std::string SimpleName(const std::string& cls) { return std::string(config::JavaSimpleName(cls)); }

std::string DescribeSource(const ConnectorConfig& c) {
  std::string out;
  bool mariadb = SimpleName(c.connector_class) == "MariaDbConnector";
  out += fmt::format("  read the binlog of {}@{}:{} as replica server id {} ({} flavour, TLS {})\n",
                     c.GetString("database.user"), c.GetString("database.hostname"),
                     c.GetString("database.port"), c.GetString("database.server.id"),
                     mariadb ? "MariaDB" : "MySQL", c.GetString("database.ssl.mode"));
  auto dbs = c.GetList("database.include.list");
  auto dbx = c.GetList("database.exclude.list");
  auto tbls = c.GetList("table.include.list");
  auto tblx = c.GetList("table.exclude.list");
  out += fmt::format("  capture databases: {}{}; tables: {}{}\n",
                     OrAll(dbs, "all but the system ones"),
                     dbx.empty() ? "" : fmt::format(" except {}", fmt::join(dbx, ", ")),
                     OrAll(tbls, "all"),
                     tblx.empty() ? "" : fmt::format(" except {}", fmt::join(tblx, ", ")));
  std::string mode = c.GetString("snapshot.mode");
  std::string what = "read the existing rows once, then stream changes";
  if (mode == "initial_only") what = "read the existing rows, then stop";
  if (mode == "no_data" || mode == "schema_only") what = "schema only, then stream changes";
  if (mode == "never") what = "no snapshot: stream the whole binlog";
  if (mode == "when_needed") what = "read the existing rows when there is no usable offset";
  if (mode == "always") what = "read the existing rows at every start";
  if (mode == "recovery" || mode == "schema_only_recovery") what = "rebuild a lost schema history";
  out += fmt::format("  snapshot mode {}: {}\n", mode, what);
  std::string prefix = c.GetString("topic.prefix");
  std::string delim = c.GetString("topic.delimiter");
  out += fmt::format("  write change events to topics {}{}<database>{}<table> on Kafka {}\n",
                     prefix, delim, delim, c.GetString("bootstrap.servers"));
  if (c.GetBool("include.schema.changes")) {
    out += fmt::format("  write schema change events to topic {}\n", prefix);
  }
  if (SimpleName(c.GetString("schema.history.internal")) == "KafkaSchemaHistory") {
    out += fmt::format("  keep schema history in topic {} on {}\n",
                       c.GetString("schema.history.internal.kafka.topic"),
                       c.GetString("schema.history.internal.kafka.bootstrap.servers"));
  } else {
    out += fmt::format("  keep schema history in file {}\n",
                       c.GetString("schema.history.internal.file.filename"));
  }
  std::string offsets = c.GetString("offset.storage.file.filename");
  out += offsets.empty()
             ? fmt::format("  keep source offsets in topic {}\n", c.GetString("offset.storage.topic"))
             : fmt::format("  keep source offsets in file {}\n", offsets);
  out += fmt::format("  value format: JSON{}, delete tombstones {}\n",
                     c.GetBool("value.converter.schemas.enable") ? " with schemas" : "",
                     c.GetBool("tombstones.on.delete") ? "on" : "off");
  return out;
}

std::string DescribeSink(const ConnectorConfig& c) {
  std::string out;
  std::string topics = c.GetList("topics").empty()
                           ? fmt::format("topics matching /{}/", c.GetString("topics.regex"))
                           : fmt::format("topics {}", fmt::join(c.GetList("topics"), ", "));
  out += fmt::format("  consume {} from Kafka {} (consumer group connect-{})\n", topics,
                     c.GetString("bootstrap.servers"), c.name);
  std::string url = c.GetString("store.url");
  std::string where = url.starts_with("file://")
                          ? fmt::format("the local folder {}", url.substr(7))
                          : fmt::format("bucket {} at {}", c.GetString("s3.bucket.name"),
                                        url.empty() ? fmt::format("AWS S3 ({})", c.GetString("s3.region")) : url);
  out += fmt::format("  write {} objects to {} under {}/<topic>/ ({})\n",
                     SimpleName(c.GetString("format.class")), where, c.GetString("topics.dir"),
                     SimpleName(c.GetString("partitioner.class")));
  out += fmt::format("  commit an object every {} records per topic partition\n",
                     c.GetString("flush.size"));
  if (c.IsExplicit("behavior.on.null.values")) {
    out += fmt::format("  null values (tombstones): {}\n", c.GetString("behavior.on.null.values"));
  } else {
    out += "  null values (tombstones): ignore (behavior.on.null.values not set: Tributary skips "
           "them with one warning; Confluent's sink would stop at the first)\n";
  }
  return out;
}

}  // namespace

std::string DescribeConnector(const ConnectorConfig& c) {
  std::string out = fmt::format("{} '{}' ({}, from {}):\n", config::ConnectorKindName(c.kind),
                                c.name, c.connector_class, c.path);
  out += c.kind == ConnectorKind::kMySqlSource ? DescribeSource(c) : DescribeSink(c);
  return out;
}

std::string DescribeSettings(const ConnectorConfig& c) {
  std::string out;
  for (const auto& [key, v] : c.values) {
    if (!v.is_explicit) continue;
    std::string shown = key == v.written_key ? key : fmt::format("{} (written {})", key, v.written_key);
    out += fmt::format("  {} = {}\n", shown, c.Display(key));
  }
  return out;
}

std::vector<config::Diagnostic> CheckPipeline(const std::vector<ConnectorConfig>& all) {
  std::vector<config::Diagnostic> out;
  std::set<std::string> names;
  for (const auto& c : all) {
    if (!names.insert(c.name).second) {
      out.push_back({config::Diagnostic::Severity::kError, "name",
                     fmt::format("connector name '{}' ({}) is used by another file; names must "
                                 "be unique",
                                 c.name, c.path)});
    }
  }
  for (const auto& src : all) {
    if (src.kind != ConnectorKind::kMySqlSource || !src.GetBool("tombstones.on.delete")) continue;
    std::string prefix = src.GetString("topic.prefix") + src.GetString("topic.delimiter");
    for (const auto& sink : all) {
      if (sink.kind != ConnectorKind::kS3Sink ||
          sink.GetString("behavior.on.null.values") != "fail" ||
          !sink.IsExplicit("behavior.on.null.values")) {
        continue;
      }
      bool reads_source = false;
      for (const auto& t : sink.GetList("topics")) reads_source |= t.starts_with(prefix);
      // A regex is tried on a topic name this source would write.
      std::string re = sink.GetString("topics.regex");
      if (!re.empty()) {
        auto dbs = src.GetList("database.include.list");
        if (dbs.empty()) dbs.push_back("db");
        try {
          std::regex compiled(re);
          for (const auto& db : dbs) {
            reads_source |= std::regex_match(prefix + db + src.GetString("topic.delimiter") + "table",
                                             compiled);
          }
        } catch (const std::regex_error&) {
          // Validate() has reported it.
        }
      }
      if (!reads_source) continue;
      out.push_back({config::Diagnostic::Severity::kWarning, "behavior.on.null.values",
                     fmt::format("sink '{}' reads topics of source '{}', which writes a tombstone "
                                 "after every delete (tombstones.on.delete=true), and "
                                 "behavior.on.null.values=fail stops the sink at the first "
                                 "DELETE; set behavior.on.null.values=ignore in {} or "
                                 "tombstones.on.delete=false in {}",
                                 sink.name, src.name, sink.path, src.path)});
    }
  }
  return out;
}

std::vector<config::Diagnostic> CheckKafkaClients(const ConnectorConfig& c) {
  using kafka::ClientRole;
  std::vector<config::Diagnostic> out;
  auto check = [&](std::string_view what, const Result<kafka::ClientConfig>& r) {
    if (r) return;
    // The message names the setting as written (kafka_config.cc) and never a secret value.
    out.push_back({config::Diagnostic::Severity::kError, "",
                   fmt::format("Kafka {}: {}", what, r.error().message())});
  };
  // The same clients the connectors open (mysql_source.cc, s3_sink.cc).
  if (c.kind == ConnectorKind::kMySqlSource) {
    check("producer", kafka::ClientConfigFor(c, ClientRole::kProducer));
    check("admin client", kafka::ClientConfigFor(c, ClientRole::kAdmin));
    if (SimpleName(c.GetString("schema.history.internal")) == "KafkaSchemaHistory") {
      for (ClientRole role : {ClientRole::kProducer, ClientRole::kConsumer, ClientRole::kAdmin}) {
        check(fmt::format("schema history {}", kafka::ClientRoleName(role)),
              kafka::HistoryClientConfigFor(c, role));
      }
    }
  } else {
    check("consumer", kafka::ClientConfigFor(c, ClientRole::kConsumer));
    if (c.GetString("errors.tolerance") == "all" &&
        !c.GetString("errors.deadletterqueue.topic.name").empty()) {
      check("dead letter queue producer", kafka::ClientConfigFor(c, ClientRole::kProducer));
    }
  }
  return out;
}

}  // namespace tributary::cli
