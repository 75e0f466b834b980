#include "format/debezium/unwrap.h"

#include <gtest/gtest.h>

#include "format/debezium/envelope.h"
#include "format/debezium/schema_builder.h"
#include "format/debezium/test_util.h"

namespace tributary::format::debezium {
namespace {

using namespace testing;  // NOLINT
using event::SqlType;

class UnwrapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = std::make_shared<event::TableSchema>();
    t->id = {"inventory", "customers"};
    t->columns.push_back(Col("id", SqlType::kInt, "INT", false));
    for (const char* n : {"first_name", "last_name", "email"}) {
      t->columns.push_back(Col(n, SqlType::kVarchar, "VARCHAR", false));
      t->columns.back().charset = "utf8mb4";
    }
    t->primary_key = {"id"};
    table_ = t;
    options_.topic_prefix = "mysql-server-1";
    options_.extended_headers = false;
    options_.key_converter.schemas_enable = false;
    options_.value_converter.schemas_enable = false;
    row_ = {Int(1004), Str("Anne"), Str("Kretchmar"), Str("annek@noanswer.org")};
  }

  void Configure(std::map<std::string, std::string> keys) {
    auto u = ParseUnwrapOptions(keys);
    ASSERT_TRUE(u.has_value());
    options_.unwrap = *u;
  }

  RecordBuffer Encode(Operation op) {
    auto f = ColumnFilters::Create(options_.filters);
    auto enc = BuildTableEncoding(table_, options_, *f);
    EXPECT_TRUE(enc.has_value());
    enc_ = *enc;
    EventEncoder encoder(options_);
    ChangeEvent e;
    e.op = op;
    if (op == Operation::kDelete) e.before = row_;
    else e.after = row_;
    e.source.ts_us = 1465491411815000;
    e.source.db = "inventory";
    e.source.table = "customers";
    e.source.file = "mysql-bin.000003";
    e.ts_ns = 1465491411815000000;
    RecordBuffer out;
    Status s = encoder.Encode(*enc_, e, &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  std::shared_ptr<const event::TableSchema> table_;
  std::shared_ptr<const TableEncoding> enc_;
  EncoderOptions options_;
  std::vector<event::Value> row_;
};

TEST_F(UnwrapTest, RewriteWithAddFieldsMatchesDocumentedExample) {
  Configure({{"delete.tombstone.handling.mode", "rewrite"}, {"add.fields", "op,table,source.ts_ms"}});
  RecordBuffer out = Encode(Operation::kCreate);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value,
            R"({"id":1004,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org","__deleted":"false","__op":"c","__table":"customers","__source_ts_ms":1465491411815})");
  EXPECT_EQ(enc_->unwrap_schema_json,
            R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":false,"field":"first_name"},{"type":"string","optional":false,"field":"last_name"},{"type":"string","optional":false,"field":"email"},{"type":"string","optional":true,"field":"__deleted"},{"type":"string","optional":false,"field":"__op"},{"type":"string","optional":true,"field":"__table"},{"type":"int64","optional":false,"field":"__source_ts_ms"}],"optional":false,"name":"mysql-server-1.inventory.customers.Value"})");
  out = Encode(Operation::kDelete);
  ASSERT_EQ(out.size(), 1u);  // Debezium's tombstone is dropped in rewrite mode
  EXPECT_EQ(out[0].value,
            R"({"id":1004,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org","__deleted":"true","__op":"d","__table":"customers","__source_ts_ms":1465491411815})");
}

TEST_F(UnwrapTest, DefaultTombstoneModeWithSchemas) {
  options_.value_converter.schemas_enable = true;
  Configure({});
  RecordBuffer out = Encode(Operation::kCreate);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, "{\"schema\":" + enc_->value_schema_json +
                              R"(,"payload":{"id":1004,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"}})");
  EXPECT_NE(enc_->value_schema_json.find("\"optional\":true,\"name\":\"mysql-server-1.inventory.customers.Value\""),
            std::string::npos);
  out = Encode(Operation::kDelete);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, "{\"id\":1004}");
  EXPECT_EQ(out[0].value, "{\"schema\":" + enc_->value_schema_json + ",\"payload\":null}");
  options_.value_converter.schemas_enable = false;
  out = Encode(Operation::kDelete);
  EXPECT_EQ(out[0].value, "null");
  EXPECT_TRUE(out[0].has_value);
}

TEST_F(UnwrapTest, DropDeleteToTombstoneAndRewriteWithTombstone) {
  Configure({{"delete.tombstone.handling.mode", "drop"}});
  EXPECT_EQ(Encode(Operation::kDelete).size(), 0u);
  EXPECT_EQ(Encode(Operation::kTruncate).size(), 0u);
  Configure({{"delete.tombstone.handling.mode", "delete-to-tombstone"}});
  RecordBuffer out = Encode(Operation::kDelete);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].has_value);
  Configure({{"delete.tombstone.handling.mode", "rewrite-with-tombstone"}});
  out = Encode(Operation::kDelete);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].value.find("\"__deleted\":\"true\""), std::string::npos);
  EXPECT_FALSE(out[1].has_value);
  EXPECT_EQ(out[1].key, "{\"id\":1004}");
}

TEST_F(UnwrapTest, LegacyOptionsMap) {
  Configure({{"drop.tombstones", "false"}, {"delete.handling.mode", "rewrite"}});
  EXPECT_EQ(options_.unwrap->mode, DeleteTombstoneMode::kRewriteWithTombstone);
  Configure({{"delete.handling.mode", "none"}});
  EXPECT_EQ(options_.unwrap->mode, DeleteTombstoneMode::kTombstone);
  Configure({{"delete.handling.mode", "drop"}});
  EXPECT_EQ(options_.unwrap->mode, DeleteTombstoneMode::kDrop);
  EXPECT_FALSE(ParseUnwrapOptions({{"delete.tombstone.handling.mode", "bogus"}}).has_value());
}

TEST_F(UnwrapTest, AddHeadersAndRenamedFields) {
  Configure({{"add.headers", "db,op,source.gtid"}, {"add.fields", "ts_ms:processed,name"},
             {"add.fields.prefix", "_"}});
  RecordBuffer out = Encode(Operation::kCreate);
  ASSERT_EQ(out[0].headers.size(), 3u);
  EXPECT_EQ(out[0].headers[0].key, "__db");
  EXPECT_EQ(out[0].headers[0].value, "inventory");
  EXPECT_EQ(out[0].headers[1].key, "__op");
  EXPECT_EQ(out[0].headers[1].value, "c");
  EXPECT_EQ(out[0].headers[2].key, "__source_gtid");
  EXPECT_FALSE(out[0].headers[2].has_value);
  EXPECT_NE(out[0].value.find(R"("_processed":1465491411815,"_name":"mysql-server-1"})"),
            std::string::npos);
}

TEST(FieldReferenceTest, DebeziumNaming) {
  auto refs = ParseFieldReferences("op, source.ts_ms ,table,id,ts_ms:t", "__");
  ASSERT_TRUE(refs.has_value());
  ASSERT_EQ(refs->size(), 5u);
  EXPECT_EQ((*refs)[0].new_name, "__op");
  EXPECT_EQ((*refs)[0].from, FieldReference::Struct::kEnvelope);
  EXPECT_EQ((*refs)[1].new_name, "__source_ts_ms");
  EXPECT_EQ((*refs)[2].new_name, "__table");
  EXPECT_EQ((*refs)[2].from, FieldReference::Struct::kSource);
  EXPECT_EQ((*refs)[3].from, FieldReference::Struct::kTransaction);
  EXPECT_EQ((*refs)[4].new_name, "__t");
  EXPECT_FALSE(ParseFieldReferences("a:b:c", "__").has_value());
}

}  // namespace
}  // namespace tributary::format::debezium
