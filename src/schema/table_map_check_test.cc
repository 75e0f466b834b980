#include "schema/table_map_check.h"

#include <gtest/gtest.h>

#include "mysql/value_text.h"

namespace tributary::schema {
namespace {

using event::Column;
using event::SqlType;
using mysql::ColumnType;

mysql::TableMapColumn MapColumn(ColumnType type, uint16_t meta = 0) {
  mysql::TableMapColumn c;
  c.meta.type = type;
  c.meta.meta = meta;
  c.real_type = type;
  return c;
}

Column SchemaColumn(std::string name, SqlType type, std::string type_name) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.type_name = std::move(type_name);
  return c;
}

// orders(id INT UNSIGNED PK, note VARCHAR(20) latin1, price DECIMAL(10,2), at DATETIME(3))
event::TableSchema Orders() {
  event::TableSchema s;
  s.id = {"shop", "orders"};
  Column id = SchemaColumn("id", SqlType::kInt, "INT");
  id.is_unsigned = true;
  id.nullable = false;
  Column note = SchemaColumn("note", SqlType::kVarchar, "VARCHAR");
  note.length = 20;
  note.charset = "latin1";
  Column price = SchemaColumn("price", SqlType::kDecimal, "DECIMAL");
  price.length = 10;
  price.scale = 2;
  Column at = SchemaColumn("at", SqlType::kDateTime, "DATETIME");
  at.length = 3;
  s.columns = {id, note, price, at};
  s.primary_key = {"id"};
  return s;
}

mysql::TableMap OrdersMap() {
  mysql::TableMap m;
  m.database = "shop";
  m.table = "orders";
  m.columns = {MapColumn(ColumnType::kLong), MapColumn(ColumnType::kVarchar, 20),
               MapColumn(ColumnType::kNewDecimal, 10 << 8 | 2),
               MapColumn(ColumnType::kDateTime2, 3)};
  return m;
}

TEST(CompareTableMap, AgreesWithoutOptionalMetadata) {
  EXPECT_TRUE(CompareTableMap(OrdersMap(), Orders()).empty());
}

TEST(CompareTableMap, ReportsAColumnCountMismatchWithTheSchemasColumns) {
  auto map = OrdersMap();
  map.columns.push_back(MapColumn(ColumnType::kLong));
  auto diffs = CompareTableMap(map, Orders());
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0], "the binlog row has 5 columns, the schema has 4 (id, note, price, at)");
}

TEST(CompareTableMap, ReportsShiftedColumnsByType) {
  auto map = OrdersMap();
  std::swap(map.columns[1], map.columns[2]);
  auto diffs = CompareTableMap(map, Orders());
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(diffs[0], "column 2 `note`: binlog type NEWDECIMAL(10,2), schema says VARCHAR(20)");
  EXPECT_EQ(diffs[1], "column 3 `price`: binlog type VARCHAR(20 bytes), schema says DECIMAL(10,2)");
}

TEST(CompareTableMap, ReportsPrecisionAndFractionalSecondsChanges) {
  auto map = OrdersMap();
  map.columns[2].meta.meta = 12 << 8 | 2;
  map.columns[3].meta.meta = 6;
  auto diffs = CompareTableMap(map, Orders());
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(diffs[0], "column 3 `price`: binlog type NEWDECIMAL(12,2), schema says DECIMAL(10,2)");
  EXPECT_EQ(diffs[1], "column 4 `at`: binlog type DATETIME2(6), schema says DATETIME(3)");
}

TEST(CompareTableMap, ChecksFullMetadataNamesSignednessCharsetAndKey) {
  auto map = OrdersMap();
  map.columns[0].name = "ID";  // column names compare case-insensitively
  map.columns[1].name = "comment";
  map.columns[0].signedness_known = true;
  map.columns[0].meta.is_unsigned = false;
  map.columns[1].charset_known = true;
  map.columns[1].meta.charset = mysql::CollationIdForCharset("utf8mb4");
  map.primary_key = {1};
  auto diffs = CompareTableMap(map, Orders());
  ASSERT_EQ(diffs.size(), 4u);
  EXPECT_EQ(diffs[0], "column 1 `id`: signed in the binlog, UNSIGNED in the schema");
  EXPECT_EQ(diffs[1], "column 2: named `comment` in the binlog, `note` in the schema");
  EXPECT_EQ(diffs[2], "column 2 `note`: character set utf8mb4 in the binlog, latin1 in the schema");
  EXPECT_EQ(diffs[3], "primary key (note) in the binlog, (id) in the schema");
}

TEST(CompleteTableMap, FillsSignednessCharsetNamesAndKeyFromTheSchema) {
  auto map = OrdersMap();
  CompleteTableMap(Orders(), &map);
  EXPECT_TRUE(map.columns[0].meta.is_unsigned);
  EXPECT_TRUE(map.columns[0].signedness_known);
  EXPECT_EQ(mysql::CollationCharsetName(map.columns[1].meta.charset), "latin1");
  EXPECT_EQ(map.columns[2].name, "price");
  EXPECT_TRUE(map.has_column_names);
  EXPECT_EQ(map.primary_key, std::vector<uint32_t>{0});
}

TEST(CompleteTableMap, MarksBinaryStringsBinaryAndCopiesEnumMembers) {
  event::TableSchema s;
  s.id = {"d", "t"};
  Column b = SchemaColumn("b", SqlType::kVarbinary, "VARBINARY");
  Column e = SchemaColumn("e", SqlType::kEnum, "ENUM");
  e.enum_values = {"a", "b"};
  e.charset = "utf8mb4";
  s.columns = {b, e};
  mysql::TableMap map;
  map.columns = {MapColumn(ColumnType::kVarchar, 10), MapColumn(ColumnType::kString)};
  map.columns[1].real_type = ColumnType::kEnum;
  CompleteTableMap(s, &map);
  EXPECT_EQ(map.columns[0].meta.charset, mysql::kBinaryCollation);
  EXPECT_EQ(map.columns[1].enum_values, (std::vector<std::string>{"a", "b"}));
}

TEST(SchemaFromTableMap, BuildsTypesLengthsAndKeyFromFullMetadata) {
  auto map = OrdersMap();
  const char* names[] = {"id", "note", "price", "at"};
  for (size_t i = 0; i < 4; ++i) map.columns[i].name = names[i];
  map.columns[0].signedness_known = true;
  map.columns[0].meta.is_unsigned = true;
  map.columns[1].charset_known = true;
  map.columns[1].meta.charset = mysql::CollationIdForCharset("utf8mb4");
  map.columns[1].meta.meta = 80;  // VARCHAR(20) in utf8mb4 = 80 bytes
  map.primary_key = {0};
  auto s = SchemaFromTableMap(map);
  ASSERT_EQ(s.columns.size(), 4u);
  EXPECT_EQ(DescribeColumnType(s.columns[0]), "INT UNSIGNED");
  EXPECT_EQ(DescribeColumnType(s.columns[1]), "VARCHAR(20)");
  EXPECT_EQ(s.columns[1].charset, "utf8mb4");
  EXPECT_EQ(DescribeColumnType(s.columns[2]), "DECIMAL(10,2)");
  EXPECT_EQ(DescribeColumnType(s.columns[3]), "DATETIME(3)");
  EXPECT_EQ(s.primary_key, std::vector<std::string>{"id"});
  EXPECT_FALSE(s.columns[0].nullable);
  EXPECT_TRUE(CompareTableMap(map, s).empty());
}

}  // namespace
}  // namespace tributary::schema

namespace tributary::schema {
namespace {

TEST(CompareTableMap, ANotNullUniqueKeyStandsInForAMissingPrimaryKey) {
  event::TableSchema s;
  s.id = {"d", "uniqonly"};
  event::Column a;
  a.name = "a";
  a.type = event::SqlType::kInt;
  a.type_name = "INT";
  a.nullable = false;
  event::Column b = a;
  b.name = "b";
  b.nullable = true;
  s.columns = {a, b};
  s.unique_keys = {{"b", {"b"}}, {"a", {"a"}}};  // b is nullable: not an identity
  mysql::TableMap m;
  m.database = "d";
  m.table = "uniqonly";
  mysql::TableMapColumn c;
  c.meta.type = c.real_type = mysql::ColumnType::kLong;
  m.columns = {c, c};
  m.primary_key = {0};  // what MariaDB logs for such a table
  EXPECT_TRUE(CompareTableMap(m, s).empty());
  EXPECT_EQ(s.IdentityKey(), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace tributary::schema
