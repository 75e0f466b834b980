#include "connectors/sink_schema_topic.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "connectors/sink_parquet_format.h"
#include "format/debezium/schema_change.h"

namespace tributary::connectors {
namespace {

namespace dbz = format::debezium;
using event::SqlType;

event::Column Col(std::string name, SqlType type, std::string type_name, bool nullable = true,
                  std::optional<int32_t> length = std::nullopt,
                  std::optional<int32_t> scale = std::nullopt) {
  event::Column c;
  c.name = std::move(name);
  c.type = type;
  c.type_name = std::move(type_name);
  c.nullable = nullable;
  c.length = length;
  c.scale = scale;
  return c;
}

SchemaTopicOptions Options(std::map<std::string, std::string> extra = {}) {
  SchemaTopicOptions o;
  o.topic = "srv";
  extra["topic.prefix"] = "srv";
  o.encoder = *dbz::ParseEncoderOptions(extra);
  return o;
}

// The schema-change record the source writes (schemas.enable=false) for `table` at `pos`.
std::string ChangeRecord(const event::TableSchema& table, int64_t pos,
                         dbz::TableChangeType type = dbz::TableChangeType::kCreate) {
  dbz::EncoderOptions eo = *dbz::ParseEncoderOptions(
      {{"topic.prefix", "srv"}, {"value.converter.schemas.enable", "false"},
       {"key.converter.schemas.enable", "false"}});
  dbz::SourceInfo src;
  src.db = table.id.database;
  src.file = "binlog.000002";
  src.pos = pos;
  src.server_id = 1;
  dbz::TableChange ch;
  ch.type = type;
  ch.id = table.id;
  if (type != dbz::TableChangeType::kDrop) ch.table = std::make_shared<event::TableSchema>(table);
  dbz::EncodedRecord out;
  EXPECT_TRUE(dbz::EncodeSchemaChangeRecord(eo, src, 1700000000000, table.id.database, "DDL", {&ch, 1}, &out).ok());
  return out.value;
}

event::TableSchema Orders() {
  event::TableSchema t;
  t.id = {"shop", "orders"};
  t.columns.push_back(Col("id", SqlType::kInt, "INT", false));
  t.columns.push_back(Col("price", SqlType::kDecimal, "DECIMAL", true, 10, 2));
  t.columns.push_back(Col("at", SqlType::kTimestamp, "TIMESTAMP", true, 6));
  t.primary_key = {"id"};
  return t;
}

std::string Envelope(std::string_view op, std::string_view row_json, int64_t pos) {
  std::string row(row_json);
  std::string before = op == "d" ? row : "null";
  std::string after = op == "d" ? "null" : row;
  return fmt::format(
      R"({{"before":{},"after":{},"source":{{"version":"3.6.1.Final","connector":"mysql","name":"srv","ts_ms":1,"snapshot":"false","db":"shop","sequence":null,"ts_us":1,"ts_ns":1,"table":"orders","server_id":1,"gtid":null,"file":"binlog.000002","pos":{},"row":0,"thread":7,"query":null}},"transaction":null,"op":"{}","ts_ms":2,"ts_us":2,"ts_ns":2}})",
      before, after, pos, op);
}

struct Parsed {
  format::RecordValueParser parser;
  format::SinkRecord record;
  std::string text;
  std::string topic;
  Result<format::ParsedValue> Parse(std::string topic_name, std::string value) {
    text = std::move(value);
    topic = std::move(topic_name);
    record.topic = topic;
    record.value = text;
    return parser.Parse(record);
  }
};

TEST(BinlogPointTest, OrdersByFileNumberThenPosition) {
  EXPECT_LT(CompareBinlogPoints({"b.000009", 500}, {"b.000010", 4}), 0);
  EXPECT_GT(CompareBinlogPoints({"b.1000000", 4}, {"b.999999", 900}), 0);
  EXPECT_LT(CompareBinlogPoints({"b.000010", 4}, {"b.000010", 5}), 0);
  EXPECT_EQ(CompareBinlogPoints({"b.000010", 5}, {"b.000010", 5}), 0);
}

TEST(SchemaTopicTablesTest, EnvelopeGetsTheSchemaDebeziumWouldHaveSent) {
  auto tables = SchemaTopicTables::Offline(Options());
  ASSERT_TRUE(tables->AddRecord(ChangeRecord(Orders(), 100)).ok());
  EXPECT_EQ(tables->stats().table_versions, 1u);

  Parsed p;
  auto v = p.Parse("srv.shop.orders",
                   Envelope("c", R"({"id":1,"price":"MDk=","at":"2024-03-01T10:00:00.5Z"})", 200));
  ASSERT_TRUE(v.has_value());
  ASSERT_FALSE(v->schema);
  ASSERT_TRUE(tables->Attach(p.record, &*v).ok());
  ASSERT_TRUE(v->schema);
  EXPECT_EQ(v->schema->name, "srv.shop.orders.Envelope");
  const format::ConnectField* after = v->schema->FindField("after");
  ASSERT_NE(after, nullptr);
  ASSERT_EQ(after->schema.fields.size(), 3u);
  EXPECT_EQ(after->schema.fields[0].schema.type, format::ConnectType::kInt32);
  EXPECT_TRUE(after->schema.fields[1].schema.is_decimal());
  EXPECT_EQ(after->schema.fields[1].schema.Parameter("connect.decimal.precision"), "10");
  EXPECT_EQ(after->schema.fields[2].schema.name, "io.debezium.time.ZonedTimestamp");
  ASSERT_NE(v->debezium->row_schema, nullptr);
  EXPECT_EQ(v->debezium->row_schema->fields.size(), 3u);

  // The same shape shares the schema object; the Parquet writer takes the record.
  auto schema = v->schema;
  SinkParquetOptions po;
  po.writer.codec = format::parquet::Codec::kUncompressed;
  auto w = MakeSinkParquetFormat(po);
  std::string out;
  ASSERT_TRUE(w->Begin(&out).ok());
  ASSERT_TRUE(w->Append(p.record, *v).ok());
  auto v2 = p.Parse("srv.shop.orders", Envelope("d", R"({"id":1,"price":null,"at":null})", 300));
  ASSERT_TRUE(v2.has_value());
  ASSERT_TRUE(tables->Attach(p.record, &*v2).ok());
  EXPECT_EQ(v2->schema.get(), schema.get());
  EXPECT_FALSE(w->RequiresNewObject(*v2));
  ASSERT_TRUE(w->Append(p.record, *v2).ok());
  ASSERT_TRUE(w->Finish().ok());
  EXPECT_EQ(w->record_count(), 2u);
  EXPECT_EQ(out.substr(0, 4), "PAR1");
}

TEST(SchemaTopicTablesTest, TheVersionInForceAtTheRecordsPositionIsUsed) {
  auto tables = SchemaTopicTables::Offline(Options());
  event::TableSchema v1 = Orders();
  event::TableSchema v2 = Orders();
  v2.columns.push_back(Col("note", SqlType::kVarchar, "VARCHAR", true, 20));
  event::TableSchema v3 = v2;  // same columns, another type: only the position tells
  v3.columns[0] = Col("id", SqlType::kBigInt, "BIGINT", false);
  ASSERT_TRUE(tables->AddRecord(ChangeRecord(v1, 100)).ok());
  ASSERT_TRUE(tables->AddRecord(ChangeRecord(v2, 1000, dbz::TableChangeType::kAlter)).ok());
  ASSERT_TRUE(tables->AddRecord(ChangeRecord(v3, 2000, dbz::TableChangeType::kAlter)).ok());

  Parsed p;
  auto a = p.Parse("srv.shop.orders", Envelope("c", R"({"id":1,"price":null,"at":null})", 500));
  ASSERT_TRUE(tables->Attach(p.record, &*a).ok());
  EXPECT_EQ(a->schema->FindField("after")->schema.fields.size(), 3u);
  auto s1 = a->schema;

  auto b = p.Parse("srv.shop.orders",
                   Envelope("u", R"({"id":1,"price":null,"at":null,"note":"x"})", 1500));
  ASSERT_TRUE(tables->Attach(p.record, &*b).ok());
  ASSERT_EQ(b->schema->FindField("after")->schema.fields.size(), 4u);
  EXPECT_EQ(b->schema->FindField("after")->schema.fields[0].schema.type, format::ConnectType::kInt32);
  EXPECT_FALSE(format::SameSchema(*s1, *b->schema));

  auto c = p.Parse("srv.shop.orders",
                   Envelope("u", R"({"id":1,"price":null,"at":null,"note":"x"})", 2500));
  ASSERT_TRUE(tables->Attach(p.record, &*c).ok());
  EXPECT_EQ(c->schema->FindField("after")->schema.fields[0].schema.type, format::ConnectType::kInt64);

  // Fields that match no version: the record's fault, named.
  auto d = p.Parse("srv.shop.orders", Envelope("c", R"({"id":1,"zzz":2})", 2600));
  Status s = tables->Attach(p.record, &*d);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("shop.orders"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("[id,zzz]"), std::string::npos) << s.message();
}

TEST(SchemaTopicTablesTest, FlatRowsWithAddedFields) {
  auto tables = SchemaTopicTables::Offline(Options({{"decimal.handling.mode", "string"}}));
  ASSERT_TRUE(tables->AddRecord(ChangeRecord(Orders(), 100)).ok());
  Parsed p;
  auto v = p.Parse("srv.shop.orders",
                   R"({"id":1,"price":"12.50","at":null,"__op":"c","__source_ts_ms":5,"__deleted":"false"})");
  ASSERT_TRUE(v.has_value());
  ASSERT_TRUE(tables->Attach(p.record, &*v).ok());
  ASSERT_TRUE(v->schema);
  ASSERT_EQ(v->schema->fields.size(), 6u);
  EXPECT_EQ(v->schema->fields[1].schema.type, format::ConnectType::kString);  // decimal string mode
  EXPECT_EQ(v->schema->fields[3].name, "__op");
  EXPECT_EQ(v->schema->fields[3].schema.type, format::ConnectType::kString);
  EXPECT_EQ(v->schema->fields[4].schema.type, format::ConnectType::kInt64);
  EXPECT_TRUE(v->schema->fields[4].schema.optional);
  EXPECT_EQ(v->schema->fields[5].name, "__deleted");

  auto bad = p.Parse("srv.shop.orders", R"({"id":1,"price":"1","at":null,"__nope":1})");
  EXPECT_FALSE(tables->Attach(p.record, &*bad).ok());
  auto other = p.Parse("srv.shop.unknown", R"({"id":1})");
  Status s = tables->Attach(p.record, &*other);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("srv.shop.unknown"), std::string::npos) << s.message();
}

TEST(SchemaTopicTablesTest, DroppedTablesAndEnvelopedSchemaRecords) {
  auto tables = SchemaTopicTables::Offline(Options());
  std::string rec = ChangeRecord(Orders(), 100);
  // With the source's value.converter.schemas.enable=true the record is enveloped.
  ASSERT_TRUE(tables->AddRecord(R"({"schema":{"type":"struct"},"payload":)" + rec + "}").ok());
  ASSERT_TRUE(tables->AddRecord(ChangeRecord(Orders(), 300, dbz::TableChangeType::kDrop)).ok());
  EXPECT_FALSE(tables->AddRecord("[1]").ok());
  Parsed p;
  auto before_drop = p.Parse("srv.shop.orders", Envelope("c", R"({"id":1,"price":null,"at":null})", 200));
  EXPECT_TRUE(tables->Attach(p.record, &*before_drop).ok());
  auto after_drop = p.Parse("srv.shop.orders", Envelope("c", R"({"id":1,"price":null,"at":null})", 400));
  // The version at 400 is the drop; an older version with the same fields is used.
  EXPECT_TRUE(tables->Attach(p.record, &*after_drop).ok());
}

TEST(ZonedTimestampTest, IsoInstantsToMicros) {
  EXPECT_EQ(ParseZonedTimestampMicros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseZonedTimestampMicros("2024-03-01T10:00:00.5Z"), 1709287200500000);
  EXPECT_EQ(ParseZonedTimestampMicros("2024-03-01T10:00:00.123456Z"), 1709287200123456);
  EXPECT_EQ(ParseZonedTimestampMicros("2024-03-01T12:00:00+02:00"), 1709287200000000);
  EXPECT_EQ(ParseZonedTimestampMicros("2024-03-01T10:00Z"), 1709287200000000);
  EXPECT_EQ(ParseZonedTimestampMicros("1969-12-31T23:59:59.999999Z"), -1);
  EXPECT_EQ(ParseZonedTimestampMicros("2038-01-19T03:14:07.123456789Z"), 2147483647123456);
  EXPECT_FALSE(ParseZonedTimestampMicros("2024-03-01 10:00:00Z"));
  EXPECT_FALSE(ParseZonedTimestampMicros("2024-03-01T10:00:00"));
  EXPECT_FALSE(ParseZonedTimestampMicros("2024-13-01T10:00:00Z"));
  EXPECT_FALSE(ParseZonedTimestampMicros("2024-03-01T10:00:00.Z"));
}

}  // namespace
}  // namespace tributary::connectors
