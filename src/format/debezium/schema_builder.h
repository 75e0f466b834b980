// TableEncoding: everything needed to encode change events of one table schema version,
// built once when the schema tracker publishes a TableSchema and shared read-only by the
// encoder afterwards (cache it next to the TableSchema; rebuild on every schema change).
//
// It holds the Connect schemas Debezium would build (TableSchemaBuilder): the key
// `<topic>.Key` (primary key or `message.key.columns`; none for keyless tables), the row
// `<topic>.Value` and the `<topic>.Envelope` (version 2: before, after, source,
// transaction, op, ts_ms, ts_us, ts_ns), one ColumnPlan per key and value field, and
// the schema JSON already rendered (the same bytes for every event of the table).
//
// Immutable after Build; safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"
#include "format/debezium/column_filters.h"
#include "format/debezium/connect_schema.h"
#include "format/debezium/options.h"
#include "format/debezium/value_converter.h"

namespace tributary::format::debezium {

// Debezium's topic-name sanitising: characters outside [A-Za-z0-9._-] become '_', names
// longer than 249 characters are cut, "." and ".." become "_" and "__".
std::string SanitizeTopicName(std::string_view name);

// `<prefix><delimiter><db><delimiter><table>` sanitised (empty parts skipped).
std::string DataTopicName(const EncoderOptions& options, const event::TableId& id);

// io.debezium.connector.{mysql,mariadb}.Source (version 1, the 17 fields).
ConnectSchema SourceSchema(Flavor flavor);
// event.block (version 1): id, total_order, data_collection_order.
ConnectSchema TransactionBlockSchema();

struct TableEncoding {
  std::shared_ptr<const event::TableSchema> table;
  std::string topic;
  bool has_key = false;
  std::vector<ColumnPlan> key_columns;    // key converter settings
  std::vector<ColumnPlan> value_columns;  // value converter settings, filtered
  ConnectSchema key_schema;               // struct `<topic>.Key` (when has_key)
  ConnectSchema value_schema;             // optional struct `<topic>.Value`
  ConnectSchema envelope_schema;          // struct `<topic>.Envelope`
  std::string key_schema_json;
  std::string value_schema_json;     // the optional `…Value` schema alone (unwrap tombstones)
  std::string envelope_schema_json;
  // Unwrapped value schema (ExtractNewRecordState with added fields), when configured:
  // for create/update/read, and for rewritten deletes.
  std::string unwrap_schema_json;
  std::string unwrap_delete_schema_json;
  ConnectSchema unwrap_schema;
  ConnectSchema unwrap_delete_schema;
  std::vector<std::string> notes;  // defaults that could not be converted, unknown types
};

// Builds the encoding of `table` under `options`; `filters` decide the value columns
// and mappers. Errors: InvalidArgument for a key column missing from the table.
Result<std::shared_ptr<const TableEncoding>> BuildTableEncoding(
    std::shared_ptr<const event::TableSchema> table, const EncoderOptions& options,
    const ColumnFilters& filters);

// The key columns of `table` by Debezium's rules: `message.key.columns` entries whose
// `db.table.column` regex matches (in the configured order), else the primary key.
std::vector<int> KeyColumnIndexes(const event::TableSchema& table,
                                  const std::string& message_key_columns);

}  // namespace tributary::format::debezium
