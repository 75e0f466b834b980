// From binlog rows to Debezium change events: what the MySQL source needs between the
// decoder and the EventEncoder.
//
//   SkippedOperations  `skipped.operations` (c, u, d, t; default t; `none`).
//   OperationOf        the envelope op of a rows event kind.
//   TruncatedTable     the table a `TRUNCATE [TABLE] t` QUERY event empties (op t).
//   TableEncodings     per-table cache of the TableEncoding of the schema version in force
//                      (rebuilt when the tracker publishes a new TableSchema object).
//   ToDebeziumChanges  tracker table changes as the schema-change topic encoder takes them.
//
// Single-thread (the connector's streaming thread); nothing here does I/O.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"
#include "format/debezium/envelope.h"
#include "format/debezium/schema_change.h"
#include "mysql/events.h"
#include "schema/catalog.h"

namespace tributary::connectors {

struct SkippedOperations {
  bool create = false;
  bool update = false;
  bool remove = false;
  bool truncate = true;

  // Items of the list: c, u, d, t or none (case-insensitive). Errors: InvalidArgument.
  static Result<SkippedOperations> Parse(const std::vector<std::string>& items);
  bool Skips(format::debezium::Operation op) const;
};

format::debezium::Operation OperationOf(mysql::RowsKind kind);

// The table of a TRUNCATE statement (`default_database` when the name is unqualified),
// or nullopt when `sql` is not a TRUNCATE TABLE.
std::optional<event::TableId> TruncatedTable(std::string_view sql,
                                             std::string_view default_database);

class TableEncodings {
 public:
  TableEncodings(const format::debezium::EncoderOptions& options,
                 const format::debezium::ColumnFilters& filters)
      : options_(options), filters_(filters) {}

  // The encoding of `schema` (same object as last time: cached). Logs the encoding's
  // notes once per version. Errors: BuildTableEncoding's.
  Result<const format::debezium::TableEncoding*> For(
      const std::shared_ptr<const event::TableSchema>& schema);

 private:
  const format::debezium::EncoderOptions& options_;
  const format::debezium::ColumnFilters& filters_;
  std::map<event::TableId, std::shared_ptr<const format::debezium::TableEncoding>> cache_;
  const format::debezium::TableEncoding* last_ = nullptr;  // the last answer, owned by cache_
};

}  // namespace tributary::connectors
