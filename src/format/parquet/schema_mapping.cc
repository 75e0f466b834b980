#include "format/parquet/schema_mapping.h"

#include <fmt/format.h>

#include "common/json_text.h"

namespace tributary::format::parquet {

using event::SqlType;

Result<ColumnType> MapColumnType(const event::Column& c, const MappingOptions& options) {
  ColumnType t;
  auto integer = [&](PhysicalType p, int bits, bool is_signed) {
    t.type = p;
    t.logical = LogicalType::Int(bits, is_signed);
  };
  auto text = [&](LogicalType l) {
    t.type = PhysicalType::kByteArray;
    t.logical = l;
  };
  switch (c.type) {
    case SqlType::kBoolean: t.type = PhysicalType::kBoolean; break;
    // Unsigned types widen as Debezium's Connect schemas do; BIGINT UNSIGNED stays 64 bits
    // and is annotated unsigned so values above 2^63 read back exactly.
    case SqlType::kTinyInt:
      c.is_unsigned ? integer(PhysicalType::kInt32, 16, true)
                    : integer(PhysicalType::kInt32, 8, true);
      break;
    case SqlType::kSmallInt:
      c.is_unsigned ? integer(PhysicalType::kInt32, 32, true)
                    : integer(PhysicalType::kInt32, 16, true);
      break;
    case SqlType::kMediumInt: integer(PhysicalType::kInt32, 32, true); break;
    case SqlType::kInt:
      c.is_unsigned ? integer(PhysicalType::kInt64, 64, true)
                    : integer(PhysicalType::kInt32, 32, true);
      break;
    case SqlType::kBigInt: integer(PhysicalType::kInt64, 64, !c.is_unsigned); break;
    case SqlType::kDecimal: {
      int32_t p = c.length.value_or(10);
      int32_t s = c.scale.value_or(0);
      if (p < 1 || p > 65 || s < 0 || s > 30 || s > p) {
        return Error(
            Status::InvalidArgument(fmt::format("column {}: bad DECIMAL({},{})", c.name, p, s)));
      }
      if (p > 38 && options.wide_decimal_as_string) {
        text(LogicalType::String());
      } else {
        t.logical = LogicalType::Decimal(p, s);
        if (p <= 9) {
          t.type = PhysicalType::kInt32;
        } else if (p <= 18) {
          t.type = PhysicalType::kInt64;
        } else {
          t.type = PhysicalType::kFixedLenByteArray;
          t.type_length = DecimalByteWidth(p);
        }
      }
      break;
    }
    case SqlType::kFloat: t.type = PhysicalType::kFloat; break;
    case SqlType::kDouble: t.type = PhysicalType::kDouble; break;
    case SqlType::kBit:
      if (c.length.value_or(1) == 1) {
        t.type = PhysicalType::kBoolean;
      } else {
        t.type = PhysicalType::kByteArray;  // Debezium's io.debezium.data.Bits bytes
      }
      break;
    case SqlType::kYear: t.type = PhysicalType::kInt32; break;
    case SqlType::kDate:
      t.type = PhysicalType::kInt32;
      t.logical = LogicalType::Date();
      break;
    case SqlType::kTime:
      t.type = PhysicalType::kInt64;
      t.logical = LogicalType::Time(false, TimeUnit::kMicros);
      break;
    case SqlType::kDateTime:
      t.type = PhysicalType::kInt64;
      t.logical = LogicalType::Timestamp(false, TimeUnit::kMicros);
      break;
    case SqlType::kTimestamp:
      t.type = PhysicalType::kInt64;
      t.logical = LogicalType::Timestamp(true, TimeUnit::kMicros);
      break;
    case SqlType::kChar:
    case SqlType::kVarchar:
    case SqlType::kTinyText:
    case SqlType::kText:
    case SqlType::kMediumText:
    case SqlType::kLongText:
    case SqlType::kSet:
    case SqlType::kUuid:
    case SqlType::kInet4:
    case SqlType::kInet6: text(LogicalType::String()); break;
    case SqlType::kEnum: text(LogicalType::Enum()); break;
    case SqlType::kJson: text(LogicalType::Json()); break;
    case SqlType::kBinary:
    case SqlType::kVarbinary:
    case SqlType::kTinyBlob:
    case SqlType::kBlob:
    case SqlType::kMediumBlob:
    case SqlType::kLongBlob:
    case SqlType::kGeometry:
    case SqlType::kVector: t.type = PhysicalType::kByteArray; break;
    case SqlType::kUnknown:
      return Error(Status::Unsupported(
          fmt::format("column {}: type '{}' has no Parquet mapping", c.name, c.type_name)));
  }
  return t;
}

namespace {

Status AddColumns(const event::TableSchema& table, const MappingOptions& options,
                  ParquetSchema* schema, int parent, std::vector<int>* nodes) {
  for (const event::Column& c : table.columns) {
    auto t = MapColumnType(c, options);
    if (!t) return t.error();
    nodes->push_back(schema->AddLeaf(parent, c.name, t->type,
                                     c.nullable ? Repetition::kOptional : Repetition::kRequired,
                                     t->logical, t->type_length));
  }
  return Status::Ok();
}

struct SourceField {
  const char* name;
  PhysicalType type;
  bool optional;
};

// Debezium MySQL connector `source` block (2.x field set).
constexpr SourceField kSourceFields[] = {
    {"version", PhysicalType::kByteArray, false}, {"connector", PhysicalType::kByteArray, false},
    {"name", PhysicalType::kByteArray, false},    {"ts_ms", PhysicalType::kInt64, false},
    {"snapshot", PhysicalType::kByteArray, true}, {"db", PhysicalType::kByteArray, false},
    {"sequence", PhysicalType::kByteArray, true}, {"ts_us", PhysicalType::kInt64, true},
    {"ts_ns", PhysicalType::kInt64, true},        {"table", PhysicalType::kByteArray, true},
    {"server_id", PhysicalType::kInt64, false},   {"gtid", PhysicalType::kByteArray, true},
    {"file", PhysicalType::kByteArray, false},    {"pos", PhysicalType::kInt64, false},
    {"row", PhysicalType::kInt32, false},         {"thread", PhysicalType::kInt64, true},
    {"query", PhysicalType::kByteArray, true},
};

}  // namespace

Result<MappedSchema> MapTableSchema(const event::TableSchema& table,
                                    const MappingOptions& options) {
  MappedSchema m;
  ParquetSchema& s = m.schema;
  std::vector<int> before_nodes, after_nodes, flat_nodes;
  std::vector<std::pair<std::string, int>> source_nodes;
  int op_node = -1, ts_node = -1;
  if (!options.envelope) {
    Status st = AddColumns(table, options, &s, ParquetSchema::kRoot, &flat_nodes);
    if (!st.ok()) return Error(st);
  } else {
    m.before_group = s.AddGroup(ParquetSchema::kRoot, "before", Repetition::kOptional);
    Status st = AddColumns(table, options, &s, m.before_group, &before_nodes);
    if (!st.ok()) return Error(st);
    m.after_group = s.AddGroup(ParquetSchema::kRoot, "after", Repetition::kOptional);
    st = AddColumns(table, options, &s, m.after_group, &after_nodes);
    if (!st.ok()) return Error(st);
    m.source_group = s.AddGroup(ParquetSchema::kRoot, "source", Repetition::kRequired);
    for (const SourceField& f : kSourceFields) {
      LogicalType l =
          f.type == PhysicalType::kByteArray ? LogicalType::String() : LogicalType::None();
      int id = s.AddLeaf(m.source_group, f.name, f.type,
                         f.optional ? Repetition::kOptional : Repetition::kRequired, l);
      source_nodes.emplace_back(f.name, id);
    }
    op_node = s.AddLeaf(ParquetSchema::kRoot, "op", PhysicalType::kByteArray, Repetition::kRequired,
                        LogicalType::String());
    ts_node = s.AddLeaf(ParquetSchema::kRoot, "ts_ms", PhysicalType::kInt64, Repetition::kOptional);
  }
  Status st = s.Finalize();
  if (!st.ok()) return Error(st);
  for (int n : flat_nodes) m.leaf.push_back(s.LeafIndex(n));
  for (int n : before_nodes) m.before_leaf.push_back(s.LeafIndex(n));
  for (int n : after_nodes) m.after_leaf.push_back(s.LeafIndex(n));
  for (auto& [name, n] : source_nodes) m.source_leaf.emplace_back(name, s.LeafIndex(n));
  if (op_node >= 0) m.op_leaf = s.LeafIndex(op_node);
  if (ts_node >= 0) m.ts_ms_leaf = s.LeafIndex(ts_node);
  return m;
}

std::string SourceSchemaJson(const event::TableSchema& table) {
  std::string out = "{\"database\":";
  AppendJsonString(table.id.database, &out);
  out += ",\"table\":";
  AppendJsonString(table.id.table, &out);
  out += ",\"columns\":[";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const event::Column& c = table.columns[i];
    if (i > 0) out += ',';
    out += "{\"name\":";
    AppendJsonString(c.name, &out);
    out += ",\"type\":";
    AppendJsonString(c.type_name, &out);
    if (c.length) out += fmt::format(",\"length\":{}", *c.length);
    if (c.scale) out += fmt::format(",\"scale\":{}", *c.scale);
    if (c.is_unsigned) out += ",\"unsigned\":true";
    out += c.nullable ? ",\"nullable\":true}" : ",\"nullable\":false}";
  }
  out += "]}";
  return out;
}

}  // namespace tributary::format::parquet
