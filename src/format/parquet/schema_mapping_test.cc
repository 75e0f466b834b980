#include "format/parquet/schema_mapping.h"

#include <gtest/gtest.h>

namespace tributary::format::parquet {
namespace {

using event::Column;
using event::SqlType;
using K = LogicalType::Kind;

Column Col(std::string name, SqlType t, bool is_unsigned = false, std::optional<int32_t> len = {},
           std::optional<int32_t> scale = {}) {
  Column c;
  c.name = std::move(name);
  c.type = t;
  c.is_unsigned = is_unsigned;
  c.length = len;
  c.scale = scale;
  return c;
}

ColumnType Map(const Column& c, MappingOptions o = {}) {
  auto r = MapColumnType(c, o);
  EXPECT_TRUE(r.has_value()) << c.name;
  return r.value_or(ColumnType{});
}

TEST(SchemaMapping, Integers) {
  EXPECT_EQ(Map(Col("a", SqlType::kTinyInt)).logical.bit_width, 8);
  EXPECT_EQ(Map(Col("a", SqlType::kTinyInt, true)).logical.bit_width, 16);
  EXPECT_EQ(Map(Col("a", SqlType::kSmallInt, true)).logical.bit_width, 32);
  EXPECT_EQ(Map(Col("a", SqlType::kInt)).type, PhysicalType::kInt32);
  EXPECT_EQ(Map(Col("a", SqlType::kInt, true)).type, PhysicalType::kInt64);
  ColumnType ubig = Map(Col("a", SqlType::kBigInt, true));
  EXPECT_EQ(ubig.type, PhysicalType::kInt64);
  EXPECT_FALSE(ubig.logical.is_signed);
  EXPECT_EQ(Map(Col("a", SqlType::kBoolean)).type, PhysicalType::kBoolean);
  EXPECT_EQ(Map(Col("a", SqlType::kBit, false, 1)).type, PhysicalType::kBoolean);
  EXPECT_EQ(Map(Col("a", SqlType::kBit, false, 12)).type, PhysicalType::kByteArray);
}

TEST(SchemaMapping, DecimalsByPrecision) {
  EXPECT_EQ(Map(Col("d", SqlType::kDecimal, false, 9, 2)).type, PhysicalType::kInt32);
  EXPECT_EQ(Map(Col("d", SqlType::kDecimal, false, 18, 2)).type, PhysicalType::kInt64);
  ColumnType d19 = Map(Col("d", SqlType::kDecimal, false, 19, 0));
  EXPECT_EQ(d19.type, PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(d19.type_length, 9);
  ColumnType d38 = Map(Col("d", SqlType::kDecimal, false, 38, 10));
  EXPECT_EQ(d38.type_length, 16);
  ColumnType d65 = Map(Col("d", SqlType::kDecimal, false, 65, 30));
  EXPECT_EQ(d65.type_length, 28);
  EXPECT_EQ(d65.logical.precision, 65);
  MappingOptions as_string;
  as_string.wide_decimal_as_string = true;
  EXPECT_EQ(Map(Col("d", SqlType::kDecimal, false, 65, 30), as_string).logical.kind, K::kString);
  EXPECT_EQ(Map(Col("d", SqlType::kDecimal, false, 38, 30), as_string).logical.kind, K::kDecimal);
  ColumnType dflt = Map(Col("d", SqlType::kDecimal));  // DECIMAL = DECIMAL(10,0)
  EXPECT_EQ(dflt.logical.precision, 10);
  EXPECT_EQ(dflt.type, PhysicalType::kInt64);
}

TEST(SchemaMapping, TemporalAndText) {
  EXPECT_EQ(Map(Col("t", SqlType::kDate)).logical.kind, K::kDate);
  ColumnType dt = Map(Col("t", SqlType::kDateTime, false, 6));
  EXPECT_EQ(dt.logical.kind, K::kTimestamp);
  EXPECT_FALSE(dt.logical.adjusted_to_utc);
  EXPECT_TRUE(Map(Col("t", SqlType::kTimestamp)).logical.adjusted_to_utc);
  EXPECT_EQ(Map(Col("t", SqlType::kTime)).logical.kind, K::kTime);
  EXPECT_EQ(Map(Col("s", SqlType::kVarchar)).logical.kind, K::kString);
  EXPECT_EQ(Map(Col("s", SqlType::kEnum)).logical.kind, K::kEnum);
  EXPECT_EQ(Map(Col("s", SqlType::kJson)).logical.kind, K::kJson);
  EXPECT_EQ(Map(Col("s", SqlType::kBlob)).logical.kind, K::kNone);
  EXPECT_FALSE(MapColumnType(Col("u", SqlType::kUnknown), {}).has_value());
}

event::TableSchema Table() {
  event::TableSchema t;
  t.id = {"shop", "orders"};
  t.columns.push_back(Col("id", SqlType::kBigInt));
  t.columns.back().nullable = false;
  t.columns.push_back(Col("note", SqlType::kText));
  return t;
}

TEST(SchemaMapping, FlatTable) {
  auto m = MapTableSchema(Table(), {});
  ASSERT_TRUE(m) << m.error().ToString();
  ASSERT_EQ(m->leaf.size(), 2u);
  EXPECT_EQ(m->schema.leaf(m->leaf[0]).repetition, Repetition::kRequired);
  EXPECT_EQ(m->schema.leaf(m->leaf[0]).def_level, 0);
  EXPECT_EQ(m->schema.leaf(m->leaf[1]).def_level, 1);
}

TEST(SchemaMapping, EnvelopeLevels) {
  MappingOptions o;
  o.envelope = true;
  auto m = MapTableSchema(Table(), o);
  ASSERT_TRUE(m) << m.error().ToString();
  const ParquetSchema& s = m->schema;
  // before.id: required inside optional `before` -> max def 1; before.note -> 2.
  EXPECT_EQ(s.leaf(m->before_leaf[0]).def_level, 1);
  EXPECT_EQ(s.leaf(m->before_leaf[1]).def_level, 2);
  EXPECT_EQ(s.Path(s.leaf_node(m->after_leaf[1])), (std::vector<std::string>{"after", "note"}));
  EXPECT_EQ(s.node(m->before_group).leaf_count, 2);
  EXPECT_EQ(s.node(m->after_group).first_leaf, 2);
  EXPECT_GE(m->op_leaf, 0);
  EXPECT_EQ(s.leaf(m->op_leaf).def_level, 0);
  bool has_pos = false;
  for (auto& [name, leaf] : m->source_leaf) has_pos |= name == "pos" && s.leaf(leaf).def_level == 0;
  EXPECT_TRUE(has_pos);
}

TEST(SchemaMapping, SourceSchemaJson) {
  EXPECT_EQ(
      SourceSchemaJson(Table()),
      R"({"database":"shop","table":"orders","columns":[{"name":"id","type":"","nullable":false},)"
      R"({"name":"note","type":"","nullable":true}]})");
}

}  // namespace
}  // namespace tributary::format::parquet
