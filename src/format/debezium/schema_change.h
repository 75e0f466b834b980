// Debezium's schema-change records: the `tableChanges` objects (formats.md 2.7), the
// schema-change topic record (`<topic.prefix>`, SchemaChangeKey/SchemaChangeValue) and the
// internal schema-history record (2.8), plus the reverse — a history record's
// `tableChanges` back into TableSchemas, to rebuild the schema on restart.
//
// Column facts follow Debezium's MySQL DDL parser: jdbcType as java.sql.Types (TINYINT
// is SMALLINT, TIMESTAMP is TIMESTAMP_WITH_TIMEZONE, ENUM/SET are CHAR, JSON/spatial
// are OTHER), typeName with " UNSIGNED"/" UNSIGNED ZEROFILL", length 1 for ENUM and
// 2n-1 for SET, generated = auto-increment, CURRENT_TIMESTAMP defaults as
// "1970-01-01 00:00:00", comments only with include.schema.comments.
//
// Not on the hot path (one record per DDL); thread-safe, no shared state.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"
#include "format/debezium/envelope.h"
#include "format/debezium/options.h"

namespace tributary::format::debezium {

enum class TableChangeType : uint8_t { kCreate, kAlter, kDrop };
std::string_view TableChangeTypeName(TableChangeType type);  // "CREATE", "ALTER", "DROP"

struct TableChange {
  TableChangeType type = TableChangeType::kCreate;
  event::TableId id;
  std::optional<event::TableId> previous_id;    // renames
  std::shared_ptr<const event::TableSchema> table;  // null for DROP
};

// java.sql.Types of a column as Debezium's MySQL parser assigns it.
int32_t JdbcTypeOf(const event::Column& column);
// Debezium's typeName: "INT UNSIGNED", "VARCHAR", "ENUM".
std::string DebeziumColumnTypeName(const event::Column& column);

// `"db"."table"` as TableId.toDoubleQuotedString writes it.
std::string DoubleQuotedTableId(const event::TableId& id);

struct SchemaTextOptions {
  bool include_schema_comments = false;
};

// Appends the history form of one change (JsonTableChangeSerializer.toDocument).
void AppendHistoryTableChange(const TableChange& change, const SchemaTextOptions& options,
                              std::string* out);

struct HistoryRecord {
  std::string server;         // source partition {"server": <topic.prefix>}
  std::string position_json;  // the source offset map as JSON, e.g. {"file":..,"pos":..}
  int64_t ts_ms = 0;
  std::string database;       // "" when none
  std::optional<std::string> schema_name;
  std::string ddl;
  std::vector<TableChange> changes;
};

// One history line (no newline): source, position, ts_ms, databaseName, [schemaName],
// ddl, tableChanges — compact, as Debezium's JSON writer.
std::string HistoryRecordJson(const HistoryRecord& record, const SchemaTextOptions& options);

// Parses a history line back (any field order). Errors: Corruption with what is wrong.
Result<HistoryRecord> ParseHistoryRecord(std::string_view json);

// Parses one `table` object of a tableChanges entry into a TableSchema with id `id`.
Result<event::TableSchema> ParseTableObject(std::string_view json, const event::TableId& id);

// The schema-change topic record: key {"databaseName"} (SchemaChangeKey), value
// SchemaChangeValue {source, ts_ms, databaseName, schemaName, ddl, tableChanges}, with
// the converters' schemas.enable settings. Goes to partition 0 of `<topic.prefix>`.
Status EncodeSchemaChangeRecord(const EncoderOptions& options, const SourceInfo& source,
                                int64_t ts_ms, std::string_view database, std::string_view ddl,
                                std::span<const TableChange> changes, EncodedRecord* out);

// Heartbeat record (2.9) for topic `__debezium-heartbeat.<prefix>`: key ServerNameKey
// {serverName}, value Heartbeat {ts_ms}.
void EncodeHeartbeatRecord(const EncoderOptions& options, int64_t ts_ms, EncodedRecord* out);

// Transaction metadata record (2.10) for topic `<prefix>.transaction`.
struct TransactionMarker {
  bool begin = true;  // BEGIN or END
  std::string_view id;
  int64_t ts_ms = 0;
  int64_t event_count = 0;  // END only
  std::vector<std::pair<std::string, int64_t>> data_collections;  // END only: "db.table"
};
void EncodeTransactionRecord(const EncoderOptions& options, const TransactionMarker& marker,
                             EncodedRecord* out);

}  // namespace tributary::format::debezium
