// SchemaTracker: the schema of every table as of the current binlog position.
//
// The source connector feeds it, in binlog order, every DDL QUERY event (OnQuery) and
// every TABLE_MAP (OnTableMap, installed as the EventDecoder's TABLE_MAP hook). It keeps a
// Catalog (catalog.h) of every table it has seen DDL for, and:
//   - applies each DDL at its position and returns a SchemaChangeRecord, which the caller
//     appends to the history (history_store.h) BEFORE emitting any row that follows it;
//   - checks each TABLE_MAP of a captured table against the tracked schema and completes
//     the map (signedness, charsets, names, ENUM/SET members) so rows decode right without
//     binlog_row_metadata=FULL; on a mismatch it fails, warns or skips the table's rows as
//     `inconsistent.schema.handling.mode` says;
//   - builds a table's schema from FULL TABLE_MAP metadata when it has no history for it;
//   - on restart, Replay()s the stored records up to the stored offset;
//   - on a first start, LoadServerSchema() takes the server's current definitions
//     (server_schema.h), read at a known position.
//
// Table schemas are handed out as shared_ptr<const TableSchema>: a new object per change,
// so encoders may keep the version a row was decoded with.
//
// Threading: one thread (the connector's decode thread) owns a tracker.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"
#include "mysql/table_map.h"
#include "schema/catalog.h"
#include "schema/server_schema.h"

namespace tributary::schema {

// `inconsistent.schema.handling.mode`.
enum class InconsistentSchemaMode : uint8_t { kFail, kWarn, kSkip };
Result<InconsistentSchemaMode> ParseInconsistentSchemaMode(std::string_view text);

struct SchemaTrackerOptions {
  // Which tables are captured (the connector's include/exclude lists). Default: every
  // table outside the system databases.
  std::function<bool(const event::TableId&)> capture_table;
  // Which databases are captured; default: every non-system database.
  std::function<bool(std::string_view database)> capture_database;
  InconsistentSchemaMode inconsistent_mode = InconsistentSchemaMode::kFail;
  // `schema.history.internal.skip.unparseable.ddl`
  bool skip_unparseable_ddl = false;
  // `schema.history.internal.store.only.captured.tables.ddl` / `...databases.ddl`
  bool store_only_captured_tables_ddl = false;
  bool store_only_captured_databases_ddl = false;
  CatalogOptions catalog;
  // Reads a table's current CREATE TABLE from the server, for statements whose result
  // the DDL cannot tell (CREATE TABLE ... SELECT). Optional.
  std::function<Result<std::string>(const event::TableId&)> fetch_create_table;
};

// What one DDL statement (or one bootstrap definition) did: the history record's content
// without its position, which the caller adds.
struct SchemaChangeRecord {
  std::string database;  // the statement's current database (Debezium's databaseName)
  std::string ddl;       // the statement text
  std::vector<TableChange> changes;
};

class SchemaTracker {
 public:
  explicit SchemaTracker(SchemaTrackerOptions options);

  // First start: applies the server's definitions and returns one record per database
  // and table, to be stored with the position they were read at.
  Result<std::vector<SchemaChangeRecord>> LoadServerSchema(const ServerSchema& server);

  // Restart: applies a stored record (its tableChanges are authoritative; its DDL is
  // replayed for database-level state). Records must come in history order.
  Status Replay(const SchemaChangeRecord& record);

  // A QUERY event's statement, with the event's current database. Returns the record to
  // store, or nullopt when the statement changes no table shape (BEGIN, DML in a
  // STATEMENT-format event, GRANT, ...) or the store-only filters exclude it.
  // `position` ("mysql-bin.000003:1234") names the event in messages.
  // Errors: kFailedPrecondition for a statement that cannot be parsed or applied and may
  // touch a captured table (unless skip_unparseable_ddl), naming the position and the
  // statement.
  Result<std::optional<SchemaChangeRecord>> OnQuery(std::string_view database, std::string_view sql,
                                                    std::string_view position);

  // The TABLE_MAP hook: checks `map` against the tracked schema and completes it.
  // `file` and `offset` name the event in messages (formatted only when one is logged:
  // this runs once per transaction). Errors (mode fail): kFailedPrecondition naming table,
  // position and differences.
  Status OnTableMap(mysql::TableMap& map, std::string_view file, uint64_t offset);

  // Records created outside OnQuery (a schema built from TABLE_MAP metadata), to store
  // before the rows of that table are emitted. Clears the list.
  std::vector<SchemaChangeRecord> TakePendingRecords();

  // True when the rows of this TABLE_MAP's table id are to be skipped (mode skip after a
  // mismatch). Valid until the next TABLE_MAP with that id.
  bool IsSkipped(uint64_t table_id) const { return skipped_table_ids_.contains(table_id); }

  // The current schema of a table, or nullptr.
  std::shared_ptr<const event::TableSchema> Table(const event::TableId& id);

  bool IsCaptured(const event::TableId& id) const;
  bool IsCapturedDatabase(std::string_view database) const;

  // Moves whenever what OnTableMap would answer may have changed (a schema loaded, replayed,
  // changed by a statement or built from a map): the decoder's TABLE_MAP cache key
  // (EventDecoder::SetTableMapHook).
  uint64_t generation() const { return generation_; }

  const Catalog& catalog() const { return catalog_; }
  const SchemaTrackerOptions& options() const { return options_; }

 private:
  void Invalidate(const event::TableId& id);
  bool ShouldStore(const SchemaChangeRecord& record) const;
  bool MayTouchCaptured(std::string_view database, std::string_view sql) const;
  Status CompleteUnknownShapes(ApplyResult* result, std::string_view position);

  SchemaTrackerOptions options_;
  Catalog catalog_;
  std::map<event::TableId, std::shared_ptr<const event::TableSchema>> versions_;
  std::set<uint64_t> skipped_table_ids_;
  // Tables already warned about (mode warn) at their current schema, to warn once.
  std::set<event::TableId> warned_;
  std::vector<SchemaChangeRecord> pending_;
  uint64_t generation_ = 0;
};

}  // namespace tributary::schema
