// From a captured table (event::TableSchema) to the Parquet schema of the lake files:
// one leaf per column with the physical and logical type docs/formats.md lists
// ("Parquet (sink)"), optional when the column is nullable. Two shapes:
//  - flat (the default, what ExtractNewRecordState-style rows need): the columns at the
//    root;
//  - envelope: Debezium's change event as nested optional groups `before` and `after`
//    (the columns), a required `source` group (Debezium's MySQL source block), `op` and
//    `ts_ms`.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"
#include "format/parquet/schema.h"

namespace tributary::format::parquet {

struct MappingOptions {
  bool envelope = false;
  // DECIMAL with precision > 38 (MySQL allows 65): Parquet allows it on
  // FIXED_LEN_BYTE_ARRAY, pyarrow reads it as decimal256, but DuckDB, Spark and Athena stop
  // at 38 (DuckDB reads such a column as DOUBLE). true = write those as exact STRING text.
  bool wide_decimal_as_string = false;
};

struct ColumnType {
  PhysicalType type = PhysicalType::kByteArray;
  LogicalType logical;
  int32_t type_length = 0;
};

// The Parquet type of one MySQL column. Unsupported for kUnknown.
Result<ColumnType> MapColumnType(const event::Column& column, const MappingOptions& options);

struct MappedSchema {
  ParquetSchema schema;   // finalized
  std::vector<int> leaf;  // flat: leaf index per table column
  int before_group = -1;  // envelope: node ids of the groups
  int after_group = -1;
  int source_group = -1;
  std::vector<int> before_leaf;  // envelope: leaf index per table column
  std::vector<int> after_leaf;
  std::vector<std::pair<std::string, int>> source_leaf;  // envelope: source field -> leaf
  int op_leaf = -1;
  int ts_ms_leaf = -1;
};

Result<MappedSchema> MapTableSchema(const event::TableSchema& table, const MappingOptions& options);

// The table as JSON text for the file's key-value metadata ("tributary.source.schema"):
// database, table, and per column name, MySQL type name, length, scale, unsigned,
// nullable.
std::string SourceSchemaJson(const event::TableSchema& table);

}  // namespace tributary::format::parquet
