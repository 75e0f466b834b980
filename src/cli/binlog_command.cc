#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "cli/binlog_schema.h"
#include "cli/commands.h"
#include "common/json_text.h"

#include "mysql/binlog_client.h"
#include "mysql/binlog_file.h"
#include "mysql/event_json.h"

namespace tributary::cli {
namespace {

struct BinlogArgs {
  std::vector<std::string> files;
  bool no_verify_checksum = false;
  bool quiet = false;
  // Live mode.
  std::string host;
  uint16_t port = 3306;
  std::string user;
  std::string password_env = "MYSQL_PWD";
  uint32_t server_id = 0;
  std::string ssl_mode = "preferred";
  std::string ssl_ca;
  std::string from;  // FILE:POS
  std::string gtid;  // MySQL GTID set or MariaDB GTID position
  bool follow = false;
  int max_reconnects = 10;
  BinlogSchemaArgs schema;
};

// The schema tracker when --track-schema is on, else nullptr (printed errors on failure).
Result<std::unique_ptr<BinlogSchema>> MakeSchema(const BinlogArgs& args,
                                                 const mysql::ConnectionOptions* server) {
  if (!args.schema.track) {
    if (args.schema.from_server || !args.schema.databases.empty() ||
        !args.schema.history_file.empty()) {
      return Error(Status::InvalidArgument(
          "--schema-from-server, --schema-history and --databases go with --track-schema"));
    }
    return std::unique_ptr<BinlogSchema>();
  }
  BinlogSchemaArgs schema_args = args.schema;
  if (size_t colon = args.from.rfind(':'); colon != std::string::npos) {
    schema_args.start_file = args.from.substr(0, colon);
    schema_args.start_pos = std::strtoull(args.from.c_str() + colon + 1, nullptr, 10);
  }
  std::unique_ptr<mysql::SqlConnection> conn;
  if (server != nullptr) {
    auto c = mysql::SqlConnection::Connect(*server);
    if (!c) return Error(c.error());
    conn = std::move(*c);
  }
  return BinlogSchema::Create(schema_args, std::move(conn));
}

// Where a live stream can resume without losing or splitting a transaction.
struct ResumePoint {
  std::string file;
  uint64_t position = 4;
};

bool EndsTransaction(const mysql::DecodedEvent& e) {
  if (std::holds_alternative<mysql::XidEvent>(e.body)) return true;
  if (const auto* q = std::get_if<mysql::QueryEvent>(&e.body)) {
    // COMMIT of non-transactional tables, and DDL (which commits implicitly).
    return q->sql != "BEGIN";
  }
  return false;
}

int RunLive(const BinlogArgs& args) {
  mysql::BinlogClientOptions o;
  o.host = args.host;
  o.port = args.port;
  o.user = args.user;
  if (const char* pw = std::getenv(args.password_env.c_str()); pw != nullptr) o.password = pw;
  auto mode = mysql::ParseSslMode(args.ssl_mode);
  if (!mode) {
    fmt::print(stderr, "tributary: error: {}\n", mode.error().message());
    return kExitUsage;
  }
  o.ssl_mode = *mode;
  o.ssl_ca = args.ssl_ca;
  o.server_id = args.server_id;
  o.non_blocking = !args.follow;
  if (!args.from.empty()) {
    size_t colon = args.from.rfind(':');
    if (colon == std::string::npos) {
      fmt::print(stderr, "tributary: error: --from takes FILE:POS, e.g. mysql-bin.000003:4\n");
      return kExitUsage;
    }
    o.file = args.from.substr(0, colon);
    o.position = std::strtoull(args.from.c_str() + colon + 1, nullptr, 10);
  }
  bool mariadb_gtid = !args.gtid.empty() && args.gtid.find_first_not_of("0123456789-, ") == std::string::npos;
  if (mariadb_gtid) o.mariadb_gtid_pos = args.gtid;
  else o.mysql_gtid_set = args.gtid;

  auto schema = MakeSchema(args, &o);
  if (!schema) {
    fmt::print(stderr, "tributary: error: {}\n", schema.error().message());
    return schema.error().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitRuntime;
  }
  ResumePoint resume;
  int reconnects = 0;
  std::string line;
  while (true) {
    auto client = mysql::BinlogClient::Connect(o);
    if (!client) {
      if (client.error().retryable() && args.follow && reconnects < args.max_reconnects) {
        int wait_ms = std::min(30000, 250 << std::min(reconnects, 7));
        fmt::print(stderr, "tributary: warning: {}; retrying in {} ms\n", client.error().message(), wait_ms);
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
        ++reconnects;
        continue;
      }
      fmt::print(stderr, "tributary: error: {}\n", client.error().message());
      return client.error().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitRuntime;
    }
    for (const auto& w : (*client)->info().warnings) fmt::print(stderr, "tributary: warning: {}\n", w);
    mysql::DecoderOptions dopts;
    dopts.verify_checksums = !args.no_verify_checksum;
    mysql::EventDecoder decoder(dopts);
    // The artificial ROTATE that opens the stream comes before any FORMAT_DESCRIPTION
    // but already carries the checksum the server announced.
    mysql::FormatDescriptionEvent initial;
    if ((*client)->info().binlog_checksum == "CRC32") initial.checksum = mysql::ChecksumAlgorithm::kCrc32;
    decoder.SetFormat(initial);
    mysql::EventJsonContext ctx;
    std::string file = o.file;
    if (*schema) (*schema)->Install(decoder, &file);
    Status failure;
    std::vector<mysql::DecodedEvent> events;  // one event and its payload's inner events
    while (true) {
      auto bytes = (*client)->Next();
      if (!bytes) {
        failure = bytes.error();
        break;
      }
      if (bytes->empty()) return kExitOk;  // end of the binlog (not following)
      auto header = mysql::EventDecoder::DecodeHeader(*bytes);
      uint64_t at = header && header->log_pos >= header->event_size ? header->log_pos - header->event_size : 0;
      auto ev = decoder.Decode(*bytes, at);
      if (!ev) {
        fmt::print(stderr, "tributary: error: {}:{}: {}\n", file, at, ev.error().message());
        return kExitRuntime;
      }
      events.clear();
      events.push_back(std::move(*ev));
      while (auto inner = decoder.NextInner()) {
        if (!inner->has_value()) {
          fmt::print(stderr, "tributary: error: {}:{}: {}\n", file, at, inner->error().message());
          return kExitRuntime;
        }
        events.push_back(std::move(**inner));
      }
      for (const auto& e : events) {
        if (const auto* rot = std::get_if<mysql::RotateEvent>(&e.body)) {
          file = std::string(rot->next_file);
          if (resume.file.empty() || (e.header.flags & mysql::kFlagArtificial) == 0) {
            resume = {file, rot->position};
          }
        }
        if (const auto* g = std::get_if<mysql::GtidEvent>(&e.body)) ctx.gtid = g->anonymous ? "" : g->ToString();
        if (const auto* mg = std::get_if<mysql::MariaGtidEvent>(&e.body)) ctx.gtid = mg->gtid.ToString();
        if (*schema) {
          auto show = (*schema)->OnEvent(e, file);
          if (!show) {
            std::fflush(stdout);
            fmt::print(stderr, "tributary: error: {}\n", show.error().message());
            return kExitRuntime;
          }
          if (!*show) continue;
        }
        if (!e.inner && e.header.log_pos != 0 && EndsTransaction(e)) resume = {file, e.header.log_pos};
        if (std::holds_alternative<mysql::HeartbeatEvent>(e.body) || args.quiet) continue;
        ctx.binlog_file = file;
        line.clear();
        if (Status s = mysql::AppendEventJson(e, ctx, &line); !s.ok()) {
          fmt::print(stderr, "tributary: error: {}:{}: {}\n", file, e.offset, s.message());
          return kExitRuntime;
        }
        line.push_back('\n');
        std::fwrite(line.data(), 1, line.size(), stdout);
      }
      std::fflush(stdout);
      for (const auto& e : events) {
        // The server lost events at this point (an INCIDENT): continuing would hide it.
        if (const auto* inc = std::get_if<mysql::IncidentEvent>(&e.body)) {
          fmt::print(stderr,
                     "tributary: error: {}:{}: the server logged an INCIDENT (code {}: {}): "
                     "changes may be missing from the binlog here; take a new snapshot\n",
                     file, e.offset, inc->incident, inc->message);
          return kExitRuntime;
        }
      }
    }
    if (!failure.retryable() || !args.follow || reconnects >= args.max_reconnects) {
      fmt::print(stderr, "tributary: error: {}\n", failure.message());
      return kExitRuntime;
    }
    // Resume after the last complete transaction; events of the transaction that was
    // cut are sent again, after this marker.
    ++reconnects;
    o.file = resume.file;
    o.position = resume.position;
    o.mysql_gtid_set.clear();
    o.mariadb_gtid_pos.clear();
    o.check_server_id_free = false;  // our own registration may still be listed
    line = "{\"type\":\"RECONNECT\",\"resume_file\":";
    AppendJsonString(resume.file, &line);
    fmt::format_to(std::back_inserter(line), ",\"resume_pos\":{}}}\n", resume.position);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    fmt::print(stderr, "tributary: warning: {}; reconnecting at {}:{}\n", failure.message(), resume.file, resume.position);
  }
}

int RunBinlog(const BinlogArgs& args) {
  if (!args.host.empty()) return RunLive(args);
  if (args.files.empty()) {
    fmt::print(stderr, "tributary: error: give --file PATH... or --host HOST\n");
    return kExitUsage;
  }
  auto schema = MakeSchema(args, nullptr);
  if (!schema) {
    fmt::print(stderr, "tributary: error: {}\n", schema.error().message());
    return schema.error().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitRuntime;
  }
  std::string line;
  size_t total = 0;
  for (const auto& path : args.files) {
    mysql::DecoderOptions options;
    options.verify_checksums = !args.no_verify_checksum;
    auto reader = mysql::BinlogFileReader::Open(path, options);
    if (!reader) {
      fmt::print(stderr, "tributary: error: {}\n", reader.error().message());
      return kExitRuntime;
    }
    mysql::EventJsonContext ctx;
    ctx.binlog_file = path;
    if (*schema) (*schema)->Install((*reader)->decoder(), &path);
    while (auto ev = (*reader)->Next()) {
      if (!ev->has_value()) {
        std::fflush(stdout);
        fmt::print(stderr, "tributary: error: {}\n", ev->error().message());
        return kExitRuntime;
      }
      const mysql::DecodedEvent& e = **ev;
      if (const auto* g = std::get_if<mysql::GtidEvent>(&e.body)) {
        ctx.gtid = g->anonymous ? "" : g->ToString();
      } else if (const auto* mg = std::get_if<mysql::MariaGtidEvent>(&e.body)) {
        ctx.gtid = mg->gtid.ToString();
      }
      if (*schema) {
        auto show = (*schema)->OnEvent(e, path);
        if (!show) {
          std::fflush(stdout);
          fmt::print(stderr, "tributary: error: {}\n", show.error().message());
          return kExitRuntime;
        }
        if (!*show) continue;
      }
      ++total;
      if (args.quiet) continue;
      line.clear();
      if (Status s = mysql::AppendEventJson(e, ctx, &line); !s.ok()) {
        std::fflush(stdout);
        fmt::print(stderr, "tributary: error: {}:{}: {}\n", path, e.offset, s.message());
        return kExitRuntime;
      }
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
  }
  if (args.quiet) fmt::print(stderr, "{} events decoded\n", total);
  return kExitOk;
}

}  // namespace

CLI::App* AddBinlogCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BinlogArgs>();
  auto* cmd = app.add_subcommand(
      "binlog", "Decode binlog files and print one JSON object per event (docs/binlog-tool.md)");
  auto* file = cmd->add_option("--file", args->files, "Binlog file(s) to decode, plain or .gz")
                   ->check(CLI::ExistingFile);
  auto* host = cmd->add_option("--host", args->host, "Read the binlog of this server as a replica");
  file->excludes(host);
  cmd->add_option("--port", args->port, "Server port")->capture_default_str();
  cmd->add_option("--user", args->user, "User with REPLICATION SLAVE and REPLICATION CLIENT");
  cmd->add_option("--password-env", args->password_env,
                  "Environment variable holding the password")->capture_default_str();
  cmd->add_option("--server-id", args->server_id, "Replica server id (unique among replicas)")
      ->check(CLI::Range(1u, 4294967295u));
  cmd->add_option("--ssl-mode", args->ssl_mode,
                  "disabled, preferred, required, verify_ca, verify_identity")->capture_default_str();
  cmd->add_option("--ssl-ca", args->ssl_ca, "CA certificate (PEM) for verify_ca / verify_identity");
  auto* from = cmd->add_option("--from", args->from, "Start at FILE:POS (default: the current end)");
  auto* gtid = cmd->add_option("--gtid", args->gtid,
                               "Start after a MySQL GTID set (uuid:1-5) or at a MariaDB GTID position (0-1-42)");
  from->excludes(gtid);
  cmd->add_flag("--follow", args->follow,
                "Keep waiting for new events; reconnect with backoff when the connection drops");
  cmd->add_flag("--no-verify-checksum", args->no_verify_checksum,
                "Do not check event CRC32s (for files known to be damaged)");
  cmd->add_flag("-q,--quiet", args->quiet, "Decode everything but print only the event count");
  cmd->add_flag("--track-schema", args->schema.track,
                "Track table schemas through the DDL in the binlog: rows get column names, "
                "signedness and charsets without binlog_row_metadata=FULL, and a row whose "
                "TABLE_MAP disagrees with the schema of its position stops decoding");
  cmd->add_flag("--schema-from-server", args->schema.from_server,
                "With --track-schema on a server: start from its current table definitions "
                "(SHOW CREATE TABLE; right when decoding from the current end of the binlog)");
  cmd->add_option("--databases", args->schema.databases,
                  "With --track-schema: the databases whose tables are checked (default: all "
                  "but the system ones)")
      ->delimiter(',');
  cmd->add_option("--inconsistent-schema", args->schema.inconsistent_mode,
                  "With --track-schema, on a TABLE_MAP that disagrees with the tracked schema: "
                  "fail, warn (decode with the binlog's metadata) or skip (drop the table's rows)")
      ->capture_default_str();
  cmd->add_flag("--skip-unparseable-ddl", args->schema.skip_unparseable_ddl,
                "With --track-schema: go on past DDL that cannot be parsed");
  cmd->add_option("--schema-history", args->schema.history_file,
                  "With --track-schema: keep the schema history in this file (Debezium history "
                  "records, one JSON per line); when it exists, start from it, replaying the "
                  "records up to --from");
  cmd->footer(
      "Exit codes: 0 ok, 1 undecodable input or server failure (the message names file and "
      "offset, or the server's error and what to change), 2 usage.");
  cmd->callback([exit_code, args] { *exit_code = RunBinlog(*args); });
  return cmd;
}

}  // namespace tributary::cli
