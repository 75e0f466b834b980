#include "format/debezium/envelope.h"

#include <gtest/gtest.h>

#include "format/debezium/schema_builder.h"
#include "format/debezium/test_util.h"

namespace tributary::format::debezium {
namespace {

using namespace testing;  // NOLINT
using event::SqlType;

class EnvelopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = std::make_shared<event::TableSchema>();
    t->id = {"test", "t_test"};
    t->columns.push_back(Col("id", SqlType::kInt, "INT", false));
    t->primary_key = {"id"};
    table_ = t;
    options_.topic_prefix = "test";
    options_.debezium_version = "3.0.7.Final";
    options_.extended_headers = false;
  }

  std::shared_ptr<const TableEncoding> Encoding() {
    auto f = ColumnFilters::Create(options_.filters);
    EXPECT_TRUE(f.has_value());
    auto e = BuildTableEncoding(table_, options_, *f);
    EXPECT_TRUE(e.has_value());
    return *e;
  }

  ChangeEvent Event(Operation op) {
    ChangeEvent e;
    e.op = op;
    e.source.ts_us = 1741000296000000;
    e.source.db = "test";
    e.source.table = "t_test";
    e.source.server_id = 1;
    e.source.file = "binlog.000004";
    e.source.pos = 3134;
    e.source.row = 0;
    e.source.thread = 12;
    e.ts_ns = 1741000296823752600;
    return e;
  }

  std::shared_ptr<const event::TableSchema> table_;
  EncoderOptions options_;
};

TEST_F(EnvelopeTest, CreateEventMatchesCapturedDebeziumBytes) {
  auto enc = Encoding();
  EventEncoder encoder(options_);
  std::vector<event::Value> row = {Int(14)};
  ChangeEvent e = Event(Operation::kCreate);
  e.after = row;
  RecordBuffer out;
  ASSERT_TRUE(encoder.Encode(*enc, e, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, ReadTestData("create_event_schemas.json"));
  EXPECT_EQ(out[0].key,
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,"
            "\"field\":\"id\"}],\"optional\":false,\"name\":\"test.test.t_test.Key\"},"
            "\"payload\":{\"id\":14}}");
  EXPECT_EQ(enc->topic, "test.test.t_test");
}

TEST_F(EnvelopeTest, SchemasDisabled) {
  options_.key_converter.schemas_enable = false;
  options_.value_converter.schemas_enable = false;
  auto enc = Encoding();
  EventEncoder encoder(options_);
  std::vector<event::Value> row = {Int(14)};
  ChangeEvent e = Event(Operation::kCreate);
  e.after = row;
  RecordBuffer out;
  ASSERT_TRUE(encoder.Encode(*enc, e, &out).ok());
  EXPECT_EQ(out[0].value, ReadTestData("create_event_payload.json"));
  EXPECT_EQ(out[0].key, "{\"id\":14}");
}

class EnvelopeRowTest : public EnvelopeTest {
 protected:
  void SetUp() override {
    EnvelopeTest::SetUp();
    auto t = std::make_shared<event::TableSchema>();
    t->id = {"inventory", "customers"};
    t->columns.push_back(Col("id", SqlType::kInt, "INT", false));
    t->columns.push_back(Col("first_name", SqlType::kVarchar, "VARCHAR", false));
    t->columns.back().charset = "utf8mb4";
    t->primary_key = {"id"};
    table_ = t;
    options_.topic_prefix = "mysql-server-1";
    options_.key_converter.schemas_enable = false;
    options_.value_converter.schemas_enable = false;
  }
  std::string Source() const {
    return "{\"version\":\"3.0.7.Final\",\"connector\":\"mysql\",\"name\":\"mysql-server-1\","
           "\"ts_ms\":1741000296000,\"snapshot\":\"false\",\"db\":\"test\",\"sequence\":null,"
           "\"ts_us\":1741000296000000,\"ts_ns\":1741000296000000000,\"table\":\"t_test\","
           "\"server_id\":1,\"gtid\":null,\"file\":\"binlog.000004\",\"pos\":3134,\"row\":0,"
           "\"thread\":12,\"query\":null}";
  }
  std::string Tail(char op) const {
    return std::string(",\"transaction\":null,\"op\":\"") + op +
           "\",\"ts_ms\":1741000296823,\"ts_us\":1741000296823752,\"ts_ns\":1741000296823752600}";
  }
};

TEST_F(EnvelopeRowTest, UpdateDeleteTombstone) {
  auto enc = Encoding();
  EventEncoder encoder(options_);
  std::vector<event::Value> before = {Int(1004), Str("Anne")};
  std::vector<event::Value> after = {Int(1004), Str("Anne Marie")};
  ChangeEvent u = Event(Operation::kUpdate);
  u.before = before;
  u.after = after;
  RecordBuffer out;
  ASSERT_TRUE(encoder.Encode(*enc, u, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, "{\"before\":{\"id\":1004,\"first_name\":\"Anne\"},\"after\":{\"id\":1004,"
                          "\"first_name\":\"Anne Marie\"},\"source\":" +
                              Source() + Tail('u'));
  EXPECT_EQ(out[0].key, "{\"id\":1004}");

  ChangeEvent d = Event(Operation::kDelete);
  d.before = after;
  out.Clear();
  ASSERT_TRUE(encoder.Encode(*enc, d, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].value, "{\"before\":{\"id\":1004,\"first_name\":\"Anne Marie\"},\"after\":null,"
                          "\"source\":" + Source() + Tail('d'));
  EXPECT_TRUE(out[1].has_key);
  EXPECT_EQ(out[1].key, "{\"id\":1004}");
  EXPECT_FALSE(out[1].has_value);

  options_.tombstones_on_delete = false;
  EventEncoder no_tomb(options_);
  out.Clear();
  ASSERT_TRUE(no_tomb.Encode(*enc, d, &out).ok());
  EXPECT_EQ(out.size(), 1u);
}

TEST_F(EnvelopeRowTest, TruncateHasNullKey) {
  auto enc = Encoding();
  EventEncoder encoder(options_);
  ChangeEvent t = Event(Operation::kTruncate);
  RecordBuffer out;
  ASSERT_TRUE(encoder.Encode(*enc, t, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].has_key);
  EXPECT_EQ(out[0].value, "{\"before\":null,\"after\":null,\"source\":" + Source() + Tail('t'));
}

TEST_F(EnvelopeRowTest, PrimaryKeyChangeIsDeleteTombstoneCreate) {
  options_.extended_headers = true;
  options_.run_id = "6f1c2e1a-0000-4000-8000-000000000001";
  auto enc = Encoding();
  EventEncoder encoder(options_);
  std::vector<event::Value> before = {Int(1), Str("a")};
  std::vector<event::Value> after = {Int(2), Str("a")};
  ChangeEvent u = Event(Operation::kUpdate);
  u.before = before;
  u.after = after;
  RecordBuffer out;
  ASSERT_TRUE(encoder.Encode(*enc, u, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].key, "{\"id\":1}");
  EXPECT_EQ(out[0].value, "{\"before\":{\"id\":1,\"first_name\":\"a\"},\"after\":null,\"source\":" +
                              Source() + Tail('d'));
  ASSERT_EQ(out[0].headers.size(), 5u);
  EXPECT_EQ(out[0].headers[0].key, "__debezium.newkey");
  EXPECT_EQ(out[0].headers[0].value, "{\"id\":2}");
  EXPECT_EQ(out[0].headers[1].key, "__debezium.context.connectorLogicalName");
  EXPECT_EQ(out[0].headers[1].value, "mysql-server-1");
  EXPECT_EQ(out[0].headers[2].value, "0");
  EXPECT_EQ(out[0].headers[3].value, "mysql");
  EXPECT_EQ(out[0].headers[4].value, options_.run_id);
  EXPECT_EQ(out[1].key, "{\"id\":1}");
  EXPECT_FALSE(out[1].has_value);
  EXPECT_EQ(out[1].headers.size(), 5u);  // the tombstone copies the delete's headers
  EXPECT_EQ(out[2].key, "{\"id\":2}");
  EXPECT_EQ(out[2].value, "{\"before\":null,\"after\":{\"id\":2,\"first_name\":\"a\"},\"source\":" +
                              Source() + Tail('c'));
  EXPECT_EQ(out[2].headers[0].key, "__debezium.oldkey");
  EXPECT_EQ(out[2].headers[0].value, "{\"id\":1}");
}

TEST_F(EnvelopeRowTest, GtidQueryTransactionAndSnapshot) {
  options_.include_query = true;
  options_.provide_transaction_metadata = true;
  auto enc = Encoding();
  EventEncoder encoder(options_);
  std::vector<event::Value> row = {Int(1), Str("x\"y")};
  ChangeEvent e = Event(Operation::kRead);
  e.after = row;
  e.source.snapshot = "first";
  e.source.gtid = "3E11FA47-71CA-11E1-9E33-C80AA9429562:23";
  e.source.query = "INSERT INTO t VALUES (1)";
  e.source.thread.reset();
  TransactionInfo tx{"3E11FA47-71CA-11E1-9E33-C80AA9429562:23", 1, 1};
  e.transaction = &tx;
  RecordBuffer out;
  ASSERT_TRUE(encoder.Encode(*enc, e, &out).ok());
  EXPECT_NE(out[0].value.find("\"snapshot\":\"first\""), std::string::npos);
  EXPECT_NE(out[0].value.find("\"gtid\":\"3E11FA47-71CA-11E1-9E33-C80AA9429562:23\""),
            std::string::npos);
  EXPECT_NE(out[0].value.find("\"thread\":null,\"query\":\"INSERT INTO t VALUES (1)\"}"),
            std::string::npos);
  EXPECT_NE(out[0].value.find("\"transaction\":{\"id\":\"3E11FA47-71CA-11E1-9E33-C80AA9429562:23\","
                              "\"total_order\":1,\"data_collection_order\":1},\"op\":\"r\""),
            std::string::npos);
  EXPECT_NE(out[0].value.find("\"first_name\":\"x\\\"y\""), std::string::npos);
}

TEST_F(EnvelopeRowTest, KeylessTableHasNullKey) {
  auto t = std::make_shared<event::TableSchema>(*table_);
  t->primary_key.clear();
  table_ = t;
  auto enc = Encoding();
  EXPECT_FALSE(enc->has_key);
  EventEncoder encoder(options_);
  std::vector<event::Value> row = {Int(1), Str("a")};
  ChangeEvent e = Event(Operation::kCreate);
  e.after = row;
  RecordBuffer out;
  ASSERT_TRUE(encoder.Encode(*enc, e, &out).ok());
  EXPECT_FALSE(out[0].has_key);
}

TEST_F(EnvelopeRowTest, MessageKeyColumnsAndMariaDbFlavour) {
  options_.message_key_columns = "inventory.cust.*:first_name";
  options_.flavor = Flavor::kMariaDb;
  options_.key_converter.schemas_enable = true;
  auto enc = Encoding();
  EventEncoder encoder(options_);
  std::vector<event::Value> row = {Int(7), Str("Zoë")};
  ChangeEvent e = Event(Operation::kCreate);
  e.after = row;
  RecordBuffer out;
  ASSERT_TRUE(encoder.Encode(*enc, e, &out).ok());
  EXPECT_EQ(out[0].key,
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,"
            "\"field\":\"first_name\"}],\"optional\":false,\"name\":"
            "\"mysql-server-1.inventory.customers.Key\"},\"payload\":{\"first_name\":\"Zoë\"}}");
  EXPECT_NE(out[0].value.find("\"connector\":\"mariadb\""), std::string::npos);
  EXPECT_NE(enc->envelope_schema_json.find("\"name\":\"io.debezium.connector.mariadb.Source\""),
            std::string::npos);
}

TEST_F(EnvelopeRowTest, WrongRowSizeIsAnError) {
  auto enc = Encoding();
  EventEncoder encoder(options_);
  std::vector<event::Value> row = {Int(7)};
  ChangeEvent e = Event(Operation::kCreate);
  e.after = row;
  RecordBuffer out;
  Status s = encoder.Encode(*enc, e, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

// The times are rendered once and cut (fast path) for normal clocks, and computed one by
// one (floor division) below 1 ms / 1 s and for negative values: both give Debezium's text.
TEST_F(EnvelopeRowTest, TimesAtTheEdgesOfTheFastPath) {
  auto enc = Encoding();
  EventEncoder encoder(options_);
  std::vector<event::Value> row = {Int(1), Str("a")};
  struct Case {
    int64_t ts_ns, ts_us;
    std::string envelope, source;
  };
  const Case cases[] = {
      {1000000, 1000, "\"ts_ms\":1,\"ts_us\":1000,\"ts_ns\":1000000",
       "\"ts_ms\":1,\"snapshot\":\"false\",\"db\":\"test\",\"sequence\":null,\"ts_us\":1000,"
       "\"ts_ns\":1000000,"},
      {999999, 999, "\"ts_ms\":0,\"ts_us\":999,\"ts_ns\":999999",
       "\"ts_ms\":0,\"snapshot\":\"false\",\"db\":\"test\",\"sequence\":null,\"ts_us\":999,"
       "\"ts_ns\":999000,"},
      {0, 0, "\"ts_ms\":0,\"ts_us\":0,\"ts_ns\":0",
       "\"ts_ms\":0,\"snapshot\":\"false\",\"db\":\"test\",\"sequence\":null,\"ts_us\":0,"
       "\"ts_ns\":0,"},
      {-1, -1, "\"ts_ms\":-1,\"ts_us\":-1,\"ts_ns\":-1",
       "\"ts_ms\":-1,\"snapshot\":\"false\",\"db\":\"test\",\"sequence\":null,\"ts_us\":-1,"
       "\"ts_ns\":-1000,"},
      {1741000296823752600, 1741000296000999,
       "\"ts_ms\":1741000296823,\"ts_us\":1741000296823752,\"ts_ns\":1741000296823752600",
       "\"ts_ms\":1741000296000,\"snapshot\":\"false\",\"db\":\"test\",\"sequence\":null,"
       "\"ts_us\":1741000296000999,\"ts_ns\":1741000296000999000,"},
  };
  RecordBuffer out;
  for (const Case& c : cases) {
    ChangeEvent e = Event(Operation::kCreate);
    e.after = row;
    e.ts_ns = c.ts_ns;
    e.source.ts_us = c.ts_us;
    out.Clear();
    ASSERT_TRUE(encoder.Encode(*enc, e, &out).ok());
    const std::string& v = out[0].value;
    EXPECT_TRUE(v.ends_with(",\"op\":\"c\"," + c.envelope + "}")) << v;
    EXPECT_NE(v.find("\"name\":\"mysql-server-1\"," + c.source), std::string::npos) << v;
  }
}

// A RecordBuffer reused across events gives the same records as a fresh one, headers
// included (their strings are recycled, not reallocated).
TEST_F(EnvelopeRowTest, ReusedBufferGivesTheSameRecordsAndHeaders) {
  options_.extended_headers = true;
  options_.run_id = "6f1c2e1a-0000-4000-8000-000000000001";
  options_.task_id = "0";
  auto enc = Encoding();
  EventEncoder encoder(options_);
  std::vector<event::Value> a = {Int(1), Str("Anne")};
  std::vector<event::Value> b = {Int(2), Str("Bob")};
  std::vector<event::Value> b2 = {Int(2), Str("Bobby")};
  ChangeEvent create = Event(Operation::kCreate);
  create.after = a;
  ChangeEvent key_change = Event(Operation::kUpdate);
  key_change.before = a;
  key_change.after = b;
  ChangeEvent update = Event(Operation::kUpdate);
  update.before = b;
  update.after = b2;
  ChangeEvent del = Event(Operation::kDelete);
  del.before = b2;
  const ChangeEvent* events[] = {&create, &key_change, &update, &del, &create, &key_change};

  RecordBuffer reused;
  for (const ChangeEvent* e : events) {
    RecordBuffer fresh;
    ASSERT_TRUE(encoder.Encode(*enc, *e, &fresh).ok());
    reused.Clear();
    ASSERT_TRUE(encoder.Encode(*enc, *e, &reused).ok());
    ASSERT_EQ(reused.size(), fresh.size());
    for (size_t i = 0; i < fresh.size(); ++i) {
      EXPECT_EQ(reused[i].has_key, fresh[i].has_key);
      EXPECT_EQ(reused[i].key, fresh[i].key);
      EXPECT_EQ(reused[i].has_value, fresh[i].has_value);
      EXPECT_EQ(reused[i].value, fresh[i].value);
      ASSERT_EQ(reused[i].headers.size(), fresh[i].headers.size()) << "record " << i;
      for (size_t h = 0; h < fresh[i].headers.size(); ++h) {
        EXPECT_EQ(reused[i].headers[h].key, fresh[i].headers[h].key);
        EXPECT_EQ(reused[i].headers[h].has_value, fresh[i].headers[h].has_value);
        EXPECT_EQ(reused[i].headers[h].value, fresh[i].headers[h].value);
      }
    }
  }
  // The delete's tombstone carries the delete's key and headers.
  reused.Clear();
  ASSERT_TRUE(encoder.Encode(*enc, del, &reused).ok());
  ASSERT_EQ(reused.size(), 2u);
  EXPECT_FALSE(reused[1].has_value);
  EXPECT_EQ(reused[1].key, reused[0].key);
  ASSERT_EQ(reused[1].headers.size(), 4u);
  EXPECT_EQ(reused[1].headers[0].key, "__debezium.context.connectorLogicalName");
  EXPECT_EQ(reused[1].headers[0].value, "mysql-server-1");
  EXPECT_EQ(reused[1].headers[3].key, "__debezium.context.runId");
  EXPECT_EQ(reused[1].headers[3].value, options_.run_id);
  // A copy of a record does not carry the spare headers along.
  EncodedRecord copy = reused[0];
  EXPECT_TRUE(copy.spare_headers.items.empty());
  EXPECT_EQ(copy.headers.size(), 4u);
}

TEST(TopicNameTest, SanitisedLikeDebezium) {
  EncoderOptions o;
  o.topic_prefix = "srv";
  EXPECT_EQ(DataTopicName(o, {"my db", "tä$ble"}), "srv.my_db.t__ble");
  EXPECT_EQ(SanitizeTopicName(".."), "__");
  EXPECT_EQ(SanitizeTopicName(std::string(300, 'a')).size(), 249u);
}

}  // namespace
}  // namespace tributary::format::debezium
