#include "snapshot/signal.h"

#include <gtest/gtest.h>

#include <vector>

#include "event/table_schema.h"
#include "event/value.h"

namespace tributary::snapshot {
namespace {

// Signal data as Debezium's signalling documentation shows it (facts about the format).
TEST(ParseSignalTest, ExecuteSnapshotFromDebeziumDocs) {
  auto s =
      ParseSignal("d139b9b7-7777-4547-917d-e1775ea61d41", "execute-snapshot",
                  R"({"data-collections": ["db1.table1", "db1.table2"], "type":"incremental"})");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->id, "d139b9b7-7777-4547-917d-e1775ea61d41");
  EXPECT_EQ(s->type, SignalType::kExecuteSnapshot);
  EXPECT_EQ(s->type_text, "execute-snapshot");
  EXPECT_EQ(s->data_collections, (std::vector<std::string>{"db1.table1", "db1.table2"}));
  EXPECT_EQ(s->snapshot_type, "incremental");
  EXPECT_TRUE(s->additional_conditions.empty());
}

TEST(ParseSignalTest, AdditionalConditionsArray) {
  auto s = ParseSignal(
      "d139b9b7", "execute-snapshot",
      R"({"data-collections": ["db1.products"],"type":"incremental", "additional-conditions":[{"data-collection": "db1.products", "filter": "color='blue'"}]})");
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_EQ(s->additional_conditions.size(), 1u);
  EXPECT_EQ(s->additional_conditions[0].data_collection, "db1.products");
  EXPECT_EQ(s->additional_conditions[0].filter, "color='blue'");
}

TEST(ParseSignalTest, SeveralConditionsAndRegexCollections) {
  auto s = ParseSignal("x", "execute-snapshot",
                       R"({"data-collections": [" inv\\.orders_.* ", "inv.customers"],
          "additional-conditions": [
            {"data-collection": "inv.customers", "filter": "id > 10 AND region = 'EU'"},
            {"data-collection": "inv\\.orders_.*", "filter": "status = 'open'"}]})");
  ASSERT_TRUE(s) << s.error().ToString();
  // Collections are trimmed and kept as written (regex text).
  EXPECT_EQ(s->data_collections, (std::vector<std::string>{"inv\\.orders_.*", "inv.customers"}));
  EXPECT_EQ(s->snapshot_type, "incremental");  // default
  ASSERT_EQ(s->additional_conditions.size(), 2u);
  EXPECT_EQ(s->additional_conditions[1].data_collection, "inv\\.orders_.*");
  EXPECT_EQ(s->additional_conditions[1].filter, "status = 'open'");
}

TEST(ParseSignalTest, Debezium1xAdditionalConditionAppliesToEveryCollection) {
  auto s = ParseSignal("y", "execute-snapshot",
                       R"({"data-collections": ["schema1.products", "schema1.items"],
                           "type": "incremental", "additional-condition": "color=blue"})");
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_EQ(s->additional_conditions.size(), 2u);
  EXPECT_EQ(s->additional_conditions[0].data_collection, "schema1.products");
  EXPECT_EQ(s->additional_conditions[0].filter, "color=blue");
  EXPECT_EQ(s->additional_conditions[1].data_collection, "schema1.items");
  EXPECT_EQ(s->additional_conditions[1].filter, "color=blue");
}

TEST(ParseSignalTest, BlockingAndUpperCaseSnapshotType) {
  auto blocking =
      ParseSignal("b", "execute-snapshot", R"({"type": "blocking", "data-collections": ["db.t"]})");
  ASSERT_TRUE(blocking);
  EXPECT_EQ(blocking->snapshot_type, "blocking");
  // The Kafka channel example in Debezium's docs spells it INCREMENTAL.
  auto upper = ParseSignal(
      "u", "execute-snapshot",
      R"({"data-collections": ["schema1.table1", "schema1.table2"], "type": "INCREMENTAL"})");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->snapshot_type, "incremental");
}

TEST(ParseSignalTest, SurrogateKey) {
  auto s = ParseSignal("k", "execute-snapshot",
                       R"({"data-collections": ["db.t"], "surrogate-key": "created_at"})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->surrogate_key, "created_at");
}

TEST(ParseSignalTest, StopSnapshotWithAndWithoutCollections) {
  auto some =
      ParseSignal("s1", "stop-snapshot",
                  R"({"data-collections": ["db1.table1", "db1.table2"], "type":"incremental"})");
  ASSERT_TRUE(some);
  EXPECT_EQ(some->type, SignalType::kStopSnapshot);
  EXPECT_EQ(some->data_collections.size(), 2u);
  auto all = ParseSignal("s2", "stop-snapshot", R"({"type":"incremental"})");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->data_collections.empty());  // stop everything
}

TEST(ParseSignalTest, PauseResumeNeedNoData) {
  for (std::string_view data : {"", "null", "{}", "  "}) {
    auto p = ParseSignal("p", "pause-snapshot", data);
    ASSERT_TRUE(p) << data;
    EXPECT_EQ(p->type, SignalType::kPauseSnapshot);
    auto r = ParseSignal("r", "resume-snapshot", data);
    ASSERT_TRUE(r) << data;
    EXPECT_EQ(r->type, SignalType::kResumeSnapshot);
  }
}

TEST(ParseSignalTest, LogMessage) {
  auto s = ParseSignal("924e3ff8", "log", R"({"message": "Signal message at offset {}"})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->type, SignalType::kLog);
  EXPECT_EQ(s->message, "Signal message at offset {}");
  auto missing = ParseSignal("l", "log", "{}");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("message"), std::string::npos);
}

TEST(ParseSignalTest, UnknownTypeIsOtherNotError) {
  auto s = ParseSignal("o", "schema-changes", "{not json at all");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->type, SignalType::kOther);
  EXPECT_EQ(s->type_text, "schema-changes");
  // Types match exactly as Debezium's lookup does.
  auto upper = ParseSignal("o", "EXECUTE-SNAPSHOT", R"({"data-collections": ["a.b"]})");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->type, SignalType::kOther);
}

TEST(ParseSignalTest, WindowMarkersIgnoreTheirData) {
  auto open = ParseSignal("chunk-1-open", "snapshot-window-open",
                          R"({"openWindowTimestamp": "2024-01-01T00:00:00Z"})");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->type, SignalType::kWindowOpen);
  auto close = ParseSignal("chunk-1-close", "snapshot-window-close", "garbage");
  ASSERT_TRUE(close);
  EXPECT_EQ(close->type, SignalType::kWindowClose);
}

TEST(ParseSignalTest, BadInputsNameTheProblem) {
  struct Case {
    std::string_view data;
    std::string_view expect;
  };
  const Case cases[] = {
      {R"({"data-collections": ["db.t"],)", "not valid JSON"},
      {R"(["db.t"])", "must be a JSON object"},
      {R"({})", "data-collections"},
      {R"({"data-collections": []})", "data-collections"},
      {R"({"data-collections": [" "]})", "data-collections"},
      {R"({"data-collections": "db.t", "type": "sideways"})", "unknown snapshot type"},
      {R"({"data-collections": [1]})", "non-string"},
      {R"({"data-collections": {"a": 1}})", "array of strings"},
      {R"({"data-collections": ["db.t"], "additional-conditions": {"filter": "x"}})",
       "additional-conditions"},
      {R"({"data-collections": ["db.t"], "additional-conditions": [{"filter": "x"}]})",
       "data-collection"},
      {R"({"data-collections": ["db.t"], "additional-conditions": [{"data-collection": "db.t"}]})",
       "filter"},
      {R"({"data-collections": ["db.t"], "additional-condition": 5})", "additional-condition"},
  };
  for (const Case& c : cases) {
    auto s = ParseSignal("bad-1", "execute-snapshot", c.data);
    ASSERT_FALSE(s) << c.data;
    EXPECT_EQ(s.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.error().message().find(c.expect), std::string::npos)
        << c.data << " -> " << s.error().message();
    EXPECT_NE(s.error().message().find("bad-1"), std::string::npos) << s.error().message();
  }
  // A single string for data-collections is accepted leniently.
  auto single = ParseSignal("s", "execute-snapshot", R"({"data-collections": "db.t"})");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->data_collections, std::vector<std::string>{"db.t"});
}

TEST(SignalTypeNameTest, RoundTrips) {
  for (SignalType t : {SignalType::kExecuteSnapshot, SignalType::kStopSnapshot,
                       SignalType::kPauseSnapshot, SignalType::kResumeSnapshot, SignalType::kLog,
                       SignalType::kWindowOpen, SignalType::kWindowClose}) {
    auto s =
        ParseSignal("i", SignalTypeName(t), R"({"data-collections": ["a.b"], "message": "m"})");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->type, t);
  }
  EXPECT_EQ(SignalTypeName(SignalType::kOther), "other");
}

// ---------------------------------------------------------------- signal table rows

event::TableSchema SignalTable(std::vector<std::string> names) {
  event::TableSchema t;
  t.id = {"inventory", "debezium_signal"};
  for (std::string& n : names) {
    event::Column c;
    c.name = std::move(n);
    c.type = event::SqlType::kVarchar;
    t.columns.push_back(std::move(c));
  }
  return t;
}

event::Value Str(std::string_view s) {
  event::Value v;
  v.kind = event::ValueKind::kString;
  v.charset = 45;  // utf8mb4_general_ci
  v.bytes = s;
  return v;
}

TEST(SignalFromRowTest, ReadsFirstThreeColumnsByPosition) {
  // Column names are arbitrary: Debezium reads by position.
  auto schema = SignalTable({"sig_id", "kind", "payload", "created_at"});
  std::vector<event::Value> row;
  row.push_back(Str("ad-hoc-1"));
  row.push_back(Str("execute-snapshot"));
  row.push_back(Str(R"({"data-collections": ["inventory.orders"], "type": "incremental"})"));
  row.push_back(event::Value::Null());
  auto s = SignalFromRow(schema, row);
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->id, "ad-hoc-1");
  EXPECT_EQ((*s)->type, SignalType::kExecuteSnapshot);
  EXPECT_EQ((*s)->data_collections, std::vector<std::string>{"inventory.orders"});
}

TEST(SignalFromRowTest, NullDataAndBytesAndIntegerId) {
  auto schema = SignalTable({"id", "type", "data"});
  std::vector<event::Value> row;
  event::Value id;
  id.kind = event::ValueKind::kInt;
  id.s.i = 42;
  row.push_back(id);
  event::Value type;
  type.kind = event::ValueKind::kBytes;  // VARBINARY column
  type.bytes = "pause-snapshot";
  row.push_back(type);
  row.push_back(event::Value::Null());
  auto s = SignalFromRow(schema, row);
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->id, "42");
  EXPECT_EQ((*s)->type, SignalType::kPauseSnapshot);
}

TEST(SignalFromRowTest, RowsThatAreNotSignals) {
  auto two = SignalTable({"id", "type"});
  std::vector<event::Value> row2;
  row2.push_back(Str("a"));
  row2.push_back(Str("log"));
  auto s2 = SignalFromRow(two, row2);
  ASSERT_TRUE(s2);
  EXPECT_FALSE(s2->has_value());

  auto schema = SignalTable({"id", "type", "data"});
  std::vector<event::Value> null_type;
  null_type.push_back(Str("a"));
  null_type.push_back(event::Value::Null());
  null_type.push_back(Str("{}"));
  auto s3 = SignalFromRow(schema, null_type);
  ASSERT_TRUE(s3);
  EXPECT_FALSE(s3->has_value());

  std::vector<event::Value> absent_id;
  absent_id.push_back(event::Value::Absent());
  absent_id.push_back(Str("log"));
  absent_id.push_back(Str(R"({"message":"m"})"));
  auto s4 = SignalFromRow(schema, absent_id);
  ASSERT_TRUE(s4);
  EXPECT_FALSE(s4->has_value());
}

TEST(SignalFromRowTest, BadDataAndBadColumnKindAreErrors) {
  auto schema = SignalTable({"id", "type", "data"});
  std::vector<event::Value> row;
  row.push_back(Str("e1"));
  row.push_back(Str("execute-snapshot"));
  row.push_back(Str("{oops"));
  auto s = SignalFromRow(schema, row);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("e1"), std::string::npos);

  std::vector<event::Value> json_row;
  json_row.push_back(Str("e2"));
  json_row.push_back(Str("log"));
  event::Value jb;
  jb.kind = event::ValueKind::kJsonBinary;
  jb.bytes = "\x00\x01";
  json_row.push_back(jb);
  auto j = SignalFromRow(schema, json_row);
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message().find("`data`"), std::string::npos) << j.error().message();
}

TEST(SignalFromRowTest, WatermarkRowsAreRecognised) {
  auto schema = SignalTable({"id", "type", "data"});
  std::vector<event::Value> row;
  row.push_back(Str("3f0a-17-open"));
  row.push_back(Str("snapshot-window-open"));
  row.push_back(Str(R"({"openWindowTimestamp": "2024-05-01T10:00:00.123456Z"})"));
  auto s = SignalFromRow(schema, row);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->type, SignalType::kWindowOpen);
  EXPECT_EQ(ChunkIdOfWindow((*s)->id), "3f0a-17");
}

// ---------------------------------------------------------------- watermarks

TEST(WatermarkTest, IdsAndData) {
  EXPECT_EQ(WindowOpenId("c-1"), "c-1-open");
  EXPECT_EQ(WindowCloseId("c-1"), "c-1-close");
  EXPECT_EQ(ChunkIdOfWindow("c-1-open"), "c-1");
  EXPECT_EQ(ChunkIdOfWindow("c-1-close"), "c-1");
  EXPECT_EQ(ChunkIdOfWindow("-open"), std::nullopt);
  EXPECT_EQ(ChunkIdOfWindow("c-1"), std::nullopt);
  EXPECT_EQ(WatermarkData("2024-05-01T10:00:00Z"),
            R"({"openWindowTimestamp": "2024-05-01T10:00:00Z"})");
  EXPECT_EQ(
      WatermarkData("2024-05-01T10:00:00Z", "2024-05-01T10:00:01Z"),
      R"({"openWindowTimestamp": "2024-05-01T10:00:00Z", "closeWindowTimestamp": "2024-05-01T10:00:01Z"})");
}

TEST(WatermarkTest, Iso8601Instant) {
  using namespace std::chrono;
  // 2024-05-01T10:00:00Z = 1714557600
  system_clock::time_point t{seconds(1714557600) + microseconds(123456)};
  EXPECT_EQ(Iso8601Instant(t), "2024-05-01T10:00:00.123456Z");
  EXPECT_EQ(Iso8601Instant(system_clock::time_point{}), "1970-01-01T00:00:00.000000Z");
}

TEST(WatermarkTest, InsertSqlPositionalAsDebezium) {
  auto open = WatermarkInsertSql("inventory.debezium_signal", SignalType::kWindowOpen, "c-1",
                                 WatermarkData("2024-05-01T10:00:00.000001Z"));
  ASSERT_TRUE(open) << open.error().ToString();
  EXPECT_EQ(
      *open,
      "INSERT INTO `inventory`.`debezium_signal` VALUES ('c-1-open', "
      "'snapshot-window-open', '{\"openWindowTimestamp\": \"2024-05-01T10:00:00.000001Z\"}')");
  auto close = WatermarkInsertSql("inventory.debezium_signal", SignalType::kWindowClose, "c-1", "");
  ASSERT_TRUE(close);
  EXPECT_EQ(*close,
            "INSERT INTO `inventory`.`debezium_signal` VALUES ('c-1-close', "
            "'snapshot-window-close', NULL)");
}

TEST(WatermarkTest, InsertSqlNamesColumnsOfWiderTablesAndQuotes) {
  auto schema = SignalTable({"sig`id", "kind", "payload", "created_at"});
  auto sql = WatermarkInsertSql("my db.sig`nals", SignalType::kWindowOpen, "it's", "a\\b", &schema);
  ASSERT_TRUE(sql) << sql.error().ToString();
  EXPECT_EQ(*sql,
            "INSERT INTO `my db`.`sig``nals` (`sig``id`, `kind`, `payload`) VALUES ('it''s-open', "
            "'snapshot-window-open', X'615C62')");
}

TEST(WatermarkTest, InsertSqlErrors) {
  auto bad_type = WatermarkInsertSql("db.t", SignalType::kLog, "c", "");
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().code(), StatusCode::kInvalidArgument);
  for (std::string_view table : {"signals", ".t", "db.", ""}) {
    auto bad_table = WatermarkInsertSql(table, SignalType::kWindowOpen, "c", "");
    ASSERT_FALSE(bad_table) << table;
    EXPECT_NE(bad_table.error().message().find("<database>.<table>"), std::string::npos);
  }
}

TEST(WatermarkTest, DeleteSql) {
  auto sql = WatermarkDeleteSql("inventory.debezium_signal", "c-9");
  ASSERT_TRUE(sql);
  EXPECT_EQ(*sql, "DELETE FROM `inventory`.`debezium_signal` WHERE `id` = 'c-9-open'");
  auto schema = SignalTable({"sig_id", "kind", "payload"});
  auto named = WatermarkDeleteSql("inventory.debezium_signal", "c-9", &schema);
  ASSERT_TRUE(named);
  EXPECT_EQ(*named, "DELETE FROM `inventory`.`debezium_signal` WHERE `sig_id` = 'c-9-open'");
}

TEST(IsSignalTableTest, MatchesDatabaseAndTable) {
  EXPECT_TRUE(IsSignalTable("inventory.debezium_signal", {"inventory", "debezium_signal"}));
  EXPECT_TRUE(IsSignalTable(" inventory.debezium_signal ", {"inventory", "debezium_signal"}));
  EXPECT_FALSE(IsSignalTable("inventory.debezium_signal", {"inventory", "orders"}));
  EXPECT_FALSE(IsSignalTable("inventory.debezium_signal", {"other", "debezium_signal"}));
  EXPECT_FALSE(IsSignalTable("", {"inventory", "debezium_signal"}));
}

}  // namespace
}  // namespace tributary::snapshot
