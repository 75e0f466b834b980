#include "format/debezium/schema_change.h"

#include <gtest/gtest.h>

#include "format/debezium/test_util.h"

namespace tributary::format::debezium {
namespace {

using namespace testing;  // NOLINT
using event::SqlType;

std::shared_ptr<event::TableSchema> TestTable() {
  auto t = std::make_shared<event::TableSchema>();
  t->id = {"debezium", "test_table"};
  event::Column id = Col("id", SqlType::kBigInt, "BIGINT", false);
  id.auto_increment = true;
  event::Column msg = Col("msg", SqlType::kVarchar, "VARCHAR", false);
  msg.length = 255;
  msg.charset = "utf8mb4";
  msg.collation = "utf8mb4_bin";
  t->columns = {id, msg};
  t->primary_key = {"id"};
  t->default_charset = "utf8mb4";
  return t;
}

TEST(SchemaHistoryTest, CreateRecordMatchesDebeziumLine) {
  HistoryRecord r;
  r.server = "local-test";
  r.position_json = R"({"ts_sec":1694612319,"file":"binlog.000002","pos":3803,"snapshot":true})";
  r.ts_ms = 1694612319230;
  r.database = "debezium";
  r.ddl =
      "CREATE TABLE `test_table` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  `msg` varchar(255) "
      "COLLATE utf8mb4_bin NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=4 "
      "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
  r.changes.push_back({TableChangeType::kCreate, {"debezium", "test_table"}, std::nullopt, TestTable()});
  EXPECT_EQ(HistoryRecordJson(r, {}), ReadTestData("history_test_table.json"));
}

TEST(SchemaHistoryTest, DropRecordRoundTrips) {
  std::string line = ReadTestData("history_drop.json");
  auto r = ParseHistoryRecord(line);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->server, "embeddedconnector");
  ASSERT_EQ(r->changes.size(), 1u);
  EXPECT_EQ(r->changes[0].type, TableChangeType::kDrop);
  EXPECT_EQ(r->changes[0].id.table, "orders");
  EXPECT_EQ(HistoryRecordJson(*r, {}), line);
}

void ExpectSameTable(const event::TableSchema& a, const event::TableSchema& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.primary_key, b.primary_key);
  EXPECT_EQ(a.default_charset, b.default_charset);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t i = 0; i < a.columns.size(); ++i) {
    const auto& x = a.columns[i];
    const auto& y = b.columns[i];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.type_name, y.type_name);
    EXPECT_EQ(x.length, y.length);
    EXPECT_EQ(x.scale, y.scale);
    EXPECT_EQ(x.is_unsigned, y.is_unsigned);
    EXPECT_EQ(x.zerofill, y.zerofill);
    EXPECT_EQ(x.charset, y.charset);
    EXPECT_EQ(x.enum_values, y.enum_values);
    EXPECT_EQ(x.nullable, y.nullable);
    EXPECT_EQ(x.auto_increment, y.auto_increment);
    EXPECT_EQ(x.default_value, y.default_value);
    EXPECT_EQ(x.default_is_null, y.default_is_null);
  }
}

TEST(SchemaHistoryTest, EveryTypeRoundTrips) {
  auto t = std::make_shared<event::TableSchema>();
  t->id = {"shop", "all_types"};
  t->default_charset = "utf8mb4";
  auto add = [&](event::Column c) { t->columns.push_back(std::move(c)); };
  event::Column c = Col("id", SqlType::kInt, "INT", false);
  c.is_unsigned = true;
  c.auto_increment = true;
  add(c);
  c = Col("z", SqlType::kSmallInt, "SMALLINT");
  c.zerofill = true;
  c.is_unsigned = true;
  c.length = 5;
  add(c);
  c = Col("price", SqlType::kDecimal, "DECIMAL", false);
  c.length = 10;
  c.scale = 2;
  c.default_value = "0.00";
  add(c);
  c = Col("e", SqlType::kEnum, "ENUM");
  c.enum_values = {"a", "b,c", "d'e"};
  c.charset = "latin1";
  c.default_is_null = true;
  add(c);
  c = Col("s", SqlType::kSet, "SET");
  c.enum_values = {"x", "y"};
  c.charset = "utf8mb4";
  add(c);
  c = Col("ts", SqlType::kTimestamp, "TIMESTAMP", false);
  c.length = 3;
  c.default_value = "1970-01-01 00:00:00";
  add(c);
  for (auto [n, ty, tn] : {std::tuple{"b", SqlType::kBoolean, "BOOLEAN"},
                           {"bits", SqlType::kBit, "BIT"},
                           {"f", SqlType::kFloat, "FLOAT"},
                           {"d", SqlType::kDouble, "DOUBLE"},
                           {"dt", SqlType::kDateTime, "DATETIME"},
                           {"da", SqlType::kDate, "DATE"},
                           {"ti", SqlType::kTime, "TIME"},
                           {"y", SqlType::kYear, "YEAR"},
                           {"bl", SqlType::kBlob, "BLOB"},
                           {"j", SqlType::kJson, "JSON"},
                           {"g", SqlType::kGeometry, "POINT"},
                           {"tx", SqlType::kLongText, "LONGTEXT"}}) {
    add(Col(n, ty, tn));
  }
  t->columns.back().charset = "utf8mb4";
  t->primary_key = {"id"};
  HistoryRecord r;
  r.server = "p";
  r.position_json = R"({"file":"b.000001","pos":4})";
  r.database = "shop";
  r.ddl = "CREATE TABLE all_types (...)";
  r.changes.push_back({TableChangeType::kCreate, t->id, std::nullopt, t});
  std::string line = HistoryRecordJson(r, {});
  EXPECT_NE(line.find(R"({"name":"e","jdbcType":1,"typeName":"ENUM","typeExpression":"ENUM","charsetName":"latin1","length":1,"position":4,"optional":true,"autoIncremented":false,"generated":false,"comment":null,"hasDefaultValue":true,"enumValues":["'a'","'b,c'","'d''e'"]})"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find(R"("name":"z","jdbcType":5,"typeName":"SMALLINT UNSIGNED ZEROFILL")"), std::string::npos);
  EXPECT_NE(line.find(R"("name":"ts","jdbcType":2014,)"), std::string::npos);
  auto parsed = ParseHistoryRecord(line);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  ASSERT_EQ(parsed->changes.size(), 1u);
  ASSERT_TRUE(parsed->changes[0].table);
  ExpectSameTable(*parsed->changes[0].table, *t);
  EXPECT_EQ(HistoryRecordJson(*parsed, {}), line);
}

TEST(SchemaHistoryTest, RenameAndCorruptInput) {
  HistoryRecord r;
  r.server = "p";
  r.database = "db";
  r.ddl = "RENAME TABLE a TO b";
  auto t = TestTable();
  t->id = {"db", "b"};
  r.changes.push_back({TableChangeType::kAlter, {"db", "b"}, event::TableId{"db", "a"}, t});
  std::string line = HistoryRecordJson(r, {});
  EXPECT_NE(line.find(R"("type":"ALTER","id":"\"db\".\"b\"","previousId":"\"db\".\"a\"")"), std::string::npos);
  auto back = ParseHistoryRecord(line);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->changes[0].previous_id->table, "a");
  EXPECT_EQ(ParseHistoryRecord("{").error().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseHistoryRecord(R"({"tableChanges":[{"type":"CREATE","id":"\"a\".\"b\""}]})").error().code(),
            StatusCode::kCorruption);
}

TEST(SchemaChangeTopicTest, PayloadLikeDocumentedExample) {
  EncoderOptions o;
  o.topic_prefix = "mysql";
  o.debezium_version = "3.0.7.Final";
  o.key_converter.schemas_enable = false;
  o.value_converter.schemas_enable = false;
  auto t = std::make_shared<event::TableSchema>();
  t->id = {"inventory", "customers"};
  t->default_charset = "utf8mb4";
  event::Column id = Col("id", SqlType::kInt, "INT", false);
  id.auto_increment = true;
  event::Column fn = Col("first_name", SqlType::kVarchar, "VARCHAR", false);
  fn.length = 255;
  fn.charset = "utf8mb4";
  t->columns = {id, fn};
  t->primary_key = {"id"};
  SourceInfo s;
  s.ts_us = 1651535750218000;
  s.db = "inventory";
  s.table = "customers";
  s.server_id = 223344;
  s.file = "mysql-bin.000003";
  s.pos = 570;
  TableChange ch{TableChangeType::kAlter, t->id, std::nullopt, t};
  EncodedRecord rec;
  ASSERT_TRUE(EncodeSchemaChangeRecord(o, s, 1651535750218, "inventory",
                                       "ALTER TABLE customers ADD middle_name varchar(255) AFTER first_name",
                                       std::span(&ch, 1), &rec)
                  .ok());
  EXPECT_EQ(rec.key, R"({"databaseName":"inventory"})");
  EXPECT_EQ(rec.value,
            R"({"source":{"version":"3.0.7.Final","connector":"mysql","name":"mysql","ts_ms":1651535750218,"snapshot":"false","db":"inventory","sequence":null,"ts_us":1651535750218000,"ts_ns":1651535750218000000,"table":"customers","server_id":223344,"gtid":null,"file":"mysql-bin.000003","pos":570,"row":0,"thread":null,"query":null},"ts_ms":1651535750218,"databaseName":"inventory","schemaName":null,"ddl":"ALTER TABLE customers ADD middle_name varchar(255) AFTER first_name","tableChanges":[{"type":"ALTER","id":"\"inventory\".\"customers\"","table":{"defaultCharsetName":"utf8mb4","primaryKeyColumnNames":["id"],"columns":[{"name":"id","jdbcType":4,"nativeType":null,"typeName":"INT","typeExpression":"INT","charsetName":null,"length":null,"scale":null,"position":1,"optional":false,"autoIncremented":true,"generated":true,"comment":null,"defaultValueExpression":null,"enumValues":null},{"name":"first_name","jdbcType":12,"nativeType":null,"typeName":"VARCHAR","typeExpression":"VARCHAR","charsetName":"utf8mb4","length":255,"scale":null,"position":2,"optional":false,"autoIncremented":false,"generated":false,"comment":null,"defaultValueExpression":null,"enumValues":null}],"comment":null}}]})");
  o.key_converter.schemas_enable = true;
  o.value_converter.schemas_enable = true;
  ASSERT_TRUE(EncodeSchemaChangeRecord(o, s, 1, "inventory", "x", std::span(&ch, 1), &rec).ok());
  EXPECT_EQ(rec.key,
            R"({"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"databaseName"}],"optional":false,"name":"io.debezium.connector.mysql.SchemaChangeKey","version":1},"payload":{"databaseName":"inventory"}})");
  EXPECT_NE(rec.value.find(R"("optional":false,"name":"io.debezium.connector.mysql.SchemaChangeValue","version":1},"payload":)"),
            std::string::npos);
}

TEST(MetadataRecordsTest, HeartbeatAndTransaction) {
  EncoderOptions o;
  o.topic_prefix = "srv";
  EncodedRecord r;
  EncodeHeartbeatRecord(o, 1486500577125, &r);
  EXPECT_EQ(r.key,
            R"({"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"serverName"}],"optional":false,"name":"io.debezium.connector.common.ServerNameKey","version":1},"payload":{"serverName":"srv"}})");
  EXPECT_EQ(r.value,
            R"({"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,"name":"io.debezium.connector.common.Heartbeat","version":1},"payload":{"ts_ms":1486500577125}})");
  o.key_converter.schemas_enable = false;
  o.value_converter.schemas_enable = false;
  TransactionMarker m;
  m.id = "0e4d5dcd-a33b-11ea-80f1-02010a22a99e:10";
  m.ts_ms = 1486500577125;
  EncodeTransactionRecord(o, m, &r);
  EXPECT_EQ(r.key, R"({"id":"0e4d5dcd-a33b-11ea-80f1-02010a22a99e:10"})");
  EXPECT_EQ(r.value,
            R"({"status":"BEGIN","id":"0e4d5dcd-a33b-11ea-80f1-02010a22a99e:10","event_count":null,"data_collections":null,"ts_ms":1486500577125})");
  m.begin = false;
  m.ts_ms = 1486500577691;
  m.event_count = 2;
  m.data_collections = {{"s1.a", 1}, {"s2.a", 1}};
  EncodeTransactionRecord(o, m, &r);
  EXPECT_EQ(r.value,
            R"({"status":"END","id":"0e4d5dcd-a33b-11ea-80f1-02010a22a99e:10","event_count":2,"data_collections":[{"data_collection":"s1.a","event_count":1},{"data_collection":"s2.a","event_count":1}],"ts_ms":1486500577691})");
}

}  // namespace
}  // namespace tributary::format::debezium
