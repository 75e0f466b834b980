#include "schema/schema_tracker.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <cctype>

#include "schema/ddl_lexer.h"
#include "schema/ddl_parser.h"
#include "schema/table_map_check.h"

namespace tributary::schema {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A statement shortened for messages.
std::string Excerpt(std::string_view sql) {
  constexpr size_t kMax = 300;
  if (sql.size() <= kMax) return std::string(sql);
  return fmt::format("{}... ({} bytes)", sql.substr(0, kMax), sql.size());
}

std::string TableName(const event::TableId& id) {
  return fmt::format("`{}`.`{}`", id.database, id.table);
}

}  // namespace

Result<InconsistentSchemaMode> ParseInconsistentSchemaMode(std::string_view text) {
  std::string t = Lower(text);
  if (t == "fail") return InconsistentSchemaMode::kFail;
  if (t == "warn") return InconsistentSchemaMode::kWarn;
  if (t == "skip") return InconsistentSchemaMode::kSkip;
  return Error(Status::InvalidArgument(fmt::format(
      "inconsistent.schema.handling.mode '{}' is not one of fail, warn, skip", text)));
}

SchemaTracker::SchemaTracker(SchemaTrackerOptions options)
    : options_(std::move(options)), catalog_(options_.catalog) {}

bool SchemaTracker::IsCapturedDatabase(std::string_view database) const {
  if (options_.capture_database) return options_.capture_database(database);
  return !IsSystemDatabase(database);
}

bool SchemaTracker::IsCaptured(const event::TableId& id) const {
  if (options_.capture_table) return options_.capture_table(id);
  return IsCapturedDatabase(id.database);
}

void SchemaTracker::Invalidate(const event::TableId& id) {
  ++generation_;
  versions_.erase(id);
  warned_.erase(id);
}

std::shared_ptr<const event::TableSchema> SchemaTracker::Table(const event::TableId& id) {
  auto it = versions_.find(id);
  if (it != versions_.end()) return it->second;
  const event::TableSchema* t = catalog_.FindTable(id);
  if (t == nullptr) return nullptr;
  auto shared = std::make_shared<const event::TableSchema>(*t);
  versions_.emplace(id, shared);
  return shared;
}

bool SchemaTracker::ShouldStore(const SchemaChangeRecord& record) const {
  if (options_.store_only_captured_databases_ddl && !record.database.empty() &&
      !IsCapturedDatabase(record.database)) {
    bool touches_captured_db = false;
    for (const auto& c : record.changes) touches_captured_db |= IsCapturedDatabase(c.id.database);
    if (!touches_captured_db) return false;
  }
  if (options_.store_only_captured_tables_ddl && !record.changes.empty()) {
    for (const auto& c : record.changes) {
      if (IsCaptured(c.id) || (c.previous_id && IsCaptured(*c.previous_id))) return true;
    }
    return false;
  }
  return true;
}

bool SchemaTracker::MayTouchCaptured(std::string_view database, std::string_view sql) const {
  // The statement could not be parsed, so which tables it names is a guess: any
  // identifier that is a captured table's (or captured database's) name counts.
  auto tokens = TokenizeDdl(sql);
  if (!tokens) return !database.empty() && IsCapturedDatabase(database);
  for (const auto& id : catalog_.TableIds()) {
    if (!IsCaptured(id)) continue;
    for (const Token& t : *tokens) {
      if ((t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier) &&
          EqualsIgnoreCase(t.text, id.table)) {
        return true;
      }
    }
  }
  return false;
}

Status SchemaTracker::CompleteUnknownShapes(ApplyResult* result, std::string_view position) {
  for (auto& change : result->changes) {
    if (change.schema_complete || change.type == TableChange::Type::kDrop) continue;
    if (!options_.fetch_create_table) {
      // Leave the table out: a FULL TABLE_MAP can still define it, else OnTableMap
      // reports that no schema is known.
      catalog_.RemoveTable(change.id);
      spdlog::warn("{}: the shape of {} cannot be told from its DDL (CREATE ... SELECT); it "
                   "will be taken from the binlog's table metadata if present",
                   position, TableName(change.id));
      continue;
    }
    auto create = options_.fetch_create_table(change.id);
    if (!create) return create.error().WithContext(fmt::format("{}: reading {}", position, TableName(change.id)));
    auto applied = catalog_.ApplySql(*create, change.id.database);
    if (!applied) return applied.error().WithContext(fmt::format("{}: SHOW CREATE TABLE {}", position, TableName(change.id)));
    if (const event::TableSchema* t = catalog_.FindTable(change.id)) {
      change.schema = *t;
      change.schema_complete = true;
    }
    spdlog::warn("{}: {} was created by CREATE ... SELECT; its shape was read from the server "
                 "now (right unless it changed again since)",
                 position, TableName(change.id));
  }
  return Status::Ok();
}

Result<std::vector<SchemaChangeRecord>> SchemaTracker::LoadServerSchema(const ServerSchema& server) {
  ++generation_;
  std::vector<SchemaChangeRecord> records;
  for (const auto& db : server.databases) {
    if (!db.create_database.empty()) {
      auto r = catalog_.ApplySql(db.create_database, db.name);
      if (!r) return Error(r.error().WithContext("SHOW CREATE DATABASE " + db.name));
      records.push_back({db.name, db.create_database, {}});
    } else {
      catalog_.PutDatabase(db.name, "", "");
    }
    for (const auto& t : db.tables) {
      auto r = catalog_.ApplySql(t.create_table, db.name);
      if (!r) {
        return Error(r.error().WithContext(fmt::format("SHOW CREATE TABLE {}", TableName(t.id))));
      }
      Invalidate(t.id);
      records.push_back({db.name, t.create_table, std::move(r->changes)});
    }
  }
  return records;
}

Status SchemaTracker::Replay(const SchemaChangeRecord& record) {
  ++generation_;
  if (!record.ddl.empty()) {
    auto applied = catalog_.ApplySql(record.ddl, record.database);
    if (!applied) {
      // The stored tableChanges say what the statement did; a statement our parser no
      // longer reads the same way must not stop recovery.
      spdlog::debug("history replay: {} ({})", applied.error().message(), Excerpt(record.ddl));
    }
  }
  for (const auto& change : record.changes) {
    if (change.previous_id && !(*change.previous_id == change.id)) {
      catalog_.RemoveTable(*change.previous_id);
      Invalidate(*change.previous_id);
    }
    if (change.type == TableChange::Type::kDrop) {
      catalog_.RemoveTable(change.id);
    } else {
      catalog_.PutTable(change.schema);
    }
    Invalidate(change.id);
  }
  return Status::Ok();
}

Result<std::optional<SchemaChangeRecord>> SchemaTracker::OnQuery(std::string_view database,
                                                                 std::string_view sql,
                                                                 std::string_view position) {
  ++generation_;  // the catalog may change below (also without a record to store)
  auto parsed = ParseDdl(sql);
  if (!parsed) {
    if (options_.skip_unparseable_ddl || !MayTouchCaptured(database, sql)) {
      spdlog::warn("{}: skipping a statement Tributary cannot parse ({}): {}", position,
                   parsed.error().message(), Excerpt(sql));
      return std::optional<SchemaChangeRecord>();
    }
    return Error(Status::FailedPrecondition(fmt::format(
        "{}: cannot parse a DDL statement that may change a captured table: {}; statement: {} "
        "(report it; to go on without it set schema.history.internal.skip.unparseable.ddl=true, "
        "which risks decoding that table's later rows with the wrong schema)",
        position, parsed.error().message(), Excerpt(sql))));
  }
  bool shape_statement = false;
  for (const auto& st : *parsed) {
    shape_statement |= !std::holds_alternative<SkippedStatement>(st.body) &&
                       !std::holds_alternative<UseStatement>(st.body);
  }
  if (!shape_statement) return std::optional<SchemaChangeRecord>();

  SchemaChangeRecord record{std::string(database), std::string(sql), {}};
  std::string current(database);
  for (const auto& st : *parsed) {
    auto applied = catalog_.Apply(st, current);
    if (!applied) {
      std::string_view text = sql.substr(st.offset, st.end - st.offset);
      if (options_.skip_unparseable_ddl || !MayTouchCaptured(current, text) ||
          options_.inconsistent_mode != InconsistentSchemaMode::kFail) {
        spdlog::warn("{}: a statement does not apply to the tracked schema ({}); skipping it "
                     "as configured: {}",
                     position, applied.error().message(), Excerpt(text));
        continue;
      }
      return Error(Status::FailedPrecondition(fmt::format(
          "{}: the tracked schema does not allow this DDL: {}; statement: {} (the schema "
          "history is out of step with the server; rebuild it with snapshot.mode=recovery if "
          "no other DDL ran since the stored offset)",
          position, applied.error().message(), Excerpt(text))));
    }
    if (applied->use_database) current = *applied->use_database;
    if (Status s = CompleteUnknownShapes(&*applied, position); !s.ok()) return Error(s);
    for (auto& change : applied->changes) {
      Invalidate(change.id);
      if (change.previous_id) Invalidate(*change.previous_id);
      record.changes.push_back(std::move(change));
    }
  }
  if (!ShouldStore(record)) return std::optional<SchemaChangeRecord>();
  return std::optional<SchemaChangeRecord>(std::move(record));
}

Status SchemaTracker::OnTableMap(mysql::TableMap& map, std::string_view file, uint64_t offset) {
  auto position = [&] { return fmt::format("{}:{}", file, offset); };
  event::TableId id{map.database, map.table};
  skipped_table_ids_.erase(map.table_id);
  if (!IsCaptured(id)) return Status::Ok();
  auto schema = Table(id);
  std::string problem;
  if (schema == nullptr) {
    if (map.has_column_names) {
      event::TableSchema built = SchemaFromTableMap(map);
      catalog_.PutTable(built);
      Invalidate(id);
      spdlog::info("{}: no schema history for {}; its schema was built from the binlog's table "
                   "metadata (binlog_row_metadata=FULL)",
                   position(), TableName(id));
      TableChange change;
      change.type = TableChange::Type::kCreate;
      change.id = id;
      change.schema = std::move(built);
      pending_.push_back({id.database, "", {std::move(change)}});
      return Status::Ok();
    }
    problem = fmt::format(
        "no schema is known for {} (it is not in the schema history: created before the history "
        "began, or the history was lost). Rebuild the history with snapshot.mode=recovery (safe "
        "when no DDL ran since the stored offset), or set binlog_row_metadata=FULL on the server",
        TableName(id));
  } else {
    auto diffs = CompareTableMap(map, *schema);
    if (diffs.empty()) {
      CompleteTableMap(*schema, &map);
      return Status::Ok();
    }
    problem = fmt::format("the binlog's table map of {} does not match the tracked schema: {}",
                          TableName(id), fmt::join(diffs, "; "));
  }
  switch (options_.inconsistent_mode) {
    case InconsistentSchemaMode::kFail:
      return Status::FailedPrecondition(fmt::format(
          "{}: {} (inconsistent.schema.handling.mode=fail; `warn` decodes with the binlog's "
          "metadata only, `skip` drops the table's rows)",
          position(), problem));
    case InconsistentSchemaMode::kWarn:
      if (warned_.insert(id).second) spdlog::warn("{}: {}; going on as configured (warn)", position(), problem);
      if (schema != nullptr && schema->columns.size() == map.columns.size()) {
        CompleteTableMap(*schema, &map);
      }
      return Status::Ok();
    case InconsistentSchemaMode::kSkip:
      spdlog::warn("{}: {}; skipping the rows of this table map as configured (skip)", position(),
                   problem);
      skipped_table_ids_.insert(map.table_id);
      return Status::Ok();
  }
  return Status::Ok();
}

std::vector<SchemaChangeRecord> SchemaTracker::TakePendingRecords() {
  std::vector<SchemaChangeRecord> out;
  out.swap(pending_);
  return out;
}

}  // namespace tributary::schema
