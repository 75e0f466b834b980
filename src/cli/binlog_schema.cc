#include "cli/binlog_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "schema/server_schema.h"

namespace tributary::cli {

Result<std::unique_ptr<BinlogSchema>> BinlogSchema::Create(
    const BinlogSchemaArgs& args, std::unique_ptr<mysql::SqlConnection> owned) {
  mysql::SqlConnection* conn = owned.get();
  schema::SchemaTrackerOptions o;
  auto mode = schema::ParseInconsistentSchemaMode(args.inconsistent_mode);
  if (!mode) return Error(mode.error());
  o.inconsistent_mode = *mode;
  o.skip_unparseable_ddl = args.skip_unparseable_ddl;
  if (!args.databases.empty()) {
    auto dbs = args.databases;
    o.capture_database = [dbs](std::string_view db) {
      return std::find(dbs.begin(), dbs.end(), db) != dbs.end();
    };
    o.capture_table = [dbs](const event::TableId& id) {
      return std::find(dbs.begin(), dbs.end(), id.database) != dbs.end();
    };
  }
  if (conn != nullptr) {
    o.fetch_create_table = [conn](const event::TableId& id) {
      return schema::ReadCreateTable(*conn, id);
    };
  }
  std::unique_ptr<BinlogSchema> self(new BinlogSchema(o));
  self->conn_ = std::move(owned);
  self->start_.file = args.start_file;
  self->start_.pos = args.start_pos;
  if (!args.history_file.empty()) {
    self->history_ = std::make_unique<connectors::SchemaHistory>(
        std::make_unique<schema::FileHistoryStore>(args.history_file), "tributary-binlog");
    auto exists = self->history_->Exists();
    if (!exists) return Error(exists.error());
    if (*exists) {
      std::optional<connectors::BinlogPosition> resume;
      if (!args.start_file.empty()) resume = self->start_;
      auto stats = self->history_->Recover(self->tracker_, resume);
      if (!stats) return Error(stats.error());
      spdlog::info("schema history {}: {} of {} records replayed, {} tables known", args.history_file,
                   stats->replayed, stats->records, stats->tables);
      return self;  // the history defines the schema; the server's current one may be newer
    }
  }
  if (args.from_server) {
    if (conn == nullptr) {
      return Error(Status::InvalidArgument("--schema-from-server needs a server (--host)"));
    }
    auto server = schema::ReadServerSchema(
        *conn, [&](const std::string& db) { return self->tracker_.IsCapturedDatabase(db); },
        [&](const event::TableId& id) { return self->tracker_.IsCaptured(id); });
    if (!server) return Error(server.error().WithContext("reading the server's schema"));
    auto loaded = self->tracker_.LoadServerSchema(*server);
    if (!loaded) return Error(loaded.error());
    if (self->start_.file.empty()) {
      // Decoding starts at the current end of the binlog: that is where the schema is.
      if (auto st = conn->Query("SHOW MASTER STATUS"); st && !st->empty() && st->front().size() >= 2) {
        self->start_.file = st->front()[0].value_or("");
        self->start_.pos = std::strtoull(st->front()[1].value_or("4").c_str(), nullptr, 10);
      }
    }
    for (const auto& rec : *loaded) {
      if (Status s = self->Store(rec, nullptr, self->start_.file); !s.ok()) return Error(s);
    }
  }
  return self;
}

void BinlogSchema::Install(mysql::EventDecoder& decoder, const std::string* file) {
  decoder.SetTableMapHook(
      [this, file](mysql::TableMap& map, uint64_t offset) {
        return tracker_.OnTableMap(map, *file, offset);
      },
      [this] { return tracker_.generation(); });
}

Status BinlogSchema::Store(const schema::SchemaChangeRecord& record,
                           const mysql::DecodedEvent* event, std::string_view file) {
  if (!history_) return Status::Ok();
  connectors::BinlogPosition at = start_;
  at.snapshot = event == nullptr;
  if (event != nullptr) {
    at.file = std::string(file);
    at.pos = event->header.log_pos;  // the end of the event: where decoding resumes
    at.ts_sec = event->header.timestamp;
  }
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return history_->Record(record, at, now);
}

Result<bool> BinlogSchema::OnEvent(const mysql::DecodedEvent& e, std::string_view file) {
  for (const auto& rec : tracker_.TakePendingRecords()) {
    if (Status s = Store(rec, &e, file); !s.ok()) return Error(s);
  }
  if (const auto* q = std::get_if<mysql::QueryEvent>(&e.body)) {
    if (q->error_code != 0) return true;  // the statement failed on the server: no change
    auto r = tracker_.OnQuery(q->database, q->sql, fmt::format("{}:{}", file, e.offset));
    if (!r) return Error(r.error());
    if (*r) {
      if (Status s = Store(**r, &e, file); !s.ok()) return Error(s);
    }
    return true;
  }
  if (const auto* rows = std::get_if<mysql::RowsEvent>(&e.body)) {
    return !tracker_.IsSkipped(rows->table_id);
  }
  return true;
}

}  // namespace tributary::cli
