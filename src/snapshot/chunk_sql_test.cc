#include "snapshot/chunk_sql.h"

#include <gtest/gtest.h>

#include "mysql/decimal.h"

namespace tributary::snapshot {
namespace {

using event::Value;
using event::ValueKind;

event::TableSchema Table(std::vector<std::string> columns) {
  event::TableSchema t;
  t.id = {"shop", "orders"};
  for (auto& c : columns) {
    event::Column col;
    col.name = c;
    col.type = event::SqlType::kInt;
    t.columns.push_back(col);
  }
  return t;
}

std::string Sql(const ChunkSpec& spec) {
  auto r = BuildChunkSelect(spec);
  EXPECT_TRUE(r) << r.error().ToString();
  return r ? *r : "";
}

TEST(ChunkSql, NoKeyIsOneScan) {
  auto t = Table({"id", "name"});
  ChunkSpec spec;
  spec.table = &t;
  EXPECT_EQ(Sql(spec), "SELECT `id`,`name` FROM `shop`.`orders`");
  spec.additional_condition = "name <> 'x'";
  EXPECT_EQ(Sql(spec), "SELECT `id`,`name` FROM `shop`.`orders` WHERE (name <> 'x')");
}

TEST(ChunkSql, OneColumnKey) {
  auto t = Table({"id", "name"});
  ChunkSpec spec;
  spec.table = &t;
  spec.key_columns = {"ID"};  // column names compare case-insensitively
  spec.limit = 100;
  EXPECT_EQ(Sql(spec), "SELECT `id`,`name` FROM `shop`.`orders` ORDER BY `id` LIMIT 100");
  spec.after_key = "[42]";
  EXPECT_EQ(Sql(spec),
            "SELECT `id`,`name` FROM `shop`.`orders` WHERE `id` > 42 ORDER BY `id` LIMIT 100");
  spec.additional_condition = "name LIKE 'a%' OR id < 0";
  EXPECT_EQ(Sql(spec),
            "SELECT `id`,`name` FROM `shop`.`orders` WHERE `id` > 42 AND (name LIKE 'a%' OR "
            "id < 0) ORDER BY `id` LIMIT 100");
}

TEST(ChunkSql, CompositeKeys) {
  auto t = Table({"a", "b", "c", "v"});
  ChunkSpec spec;
  spec.table = &t;
  spec.key_columns = {"a", "b"};
  spec.after_key = R"([1,{"cs":"utf8mb4","hex":"4162"}])";
  EXPECT_EQ(Sql(spec),
            "SELECT `a`,`b`,`c`,`v` FROM `shop`.`orders` WHERE (`a` > 1 OR (`a` = 1 AND `b` > "
            "_utf8mb4 X'4162')) ORDER BY `a`,`b`");
  spec.key_columns = {"a", "b", "c"};
  spec.after_key = R"([-5,{"hex":"00ff"},"2024-01-02 03:04:05.123000"])";
  spec.limit = 10;
  EXPECT_EQ(Sql(spec),
            "SELECT `a`,`b`,`c`,`v` FROM `shop`.`orders` WHERE (`a` > -5 OR (`a` = -5 AND `b` > "
            "X'00ff') OR (`a` = -5 AND `b` = X'00ff' AND `c` > '2024-01-02 03:04:05.123000')) "
            "ORDER BY `a`,`b`,`c` LIMIT 10");
  spec.after_key = R"([null,{"dec":"-1.50"},18446744073709551615])";
  EXPECT_EQ(Sql(spec),
            "SELECT `a`,`b`,`c`,`v` FROM `shop`.`orders` WHERE (`a` IS NOT NULL OR (`a` IS NULL "
            "AND `b` > -1.50) OR (`a` IS NULL AND `b` = -1.50 AND `c` > 18446744073709551615)) "
            "ORDER BY `a`,`b`,`c` LIMIT 10");
}

TEST(ChunkSql, ClosedRangesAndBoundarySeeks) {
  auto t = Table({"id", "name"});
  ChunkSpec spec;
  spec.table = &t;
  spec.key_columns = {"id"};
  spec.after_key = "[42]";
  spec.through_key = "[99]";
  EXPECT_EQ(Sql(spec),
            "SELECT `id`,`name` FROM `shop`.`orders` WHERE `id` > 42 AND `id` <= 99 ORDER BY "
            "`id`");
  spec.after_key.reset();
  spec.additional_condition = "name <> 'x'";
  EXPECT_EQ(Sql(spec),
            "SELECT `id`,`name` FROM `shop`.`orders` WHERE `id` <= 99 AND (name <> 'x') ORDER BY "
            "`id`");
  // The boundary seek: the key of the n-th row after `after_key`, and whether one follows.
  auto keys_only = Table({"id"});
  ChunkSpec seek;
  seek.table = &keys_only;
  seek.key_columns = {"id"};
  seek.after_key = "[42]";
  seek.limit = 2;
  seek.offset = 999;
  EXPECT_EQ(Sql(seek), "SELECT `id` FROM `shop`.`orders` WHERE `id` > 42 ORDER BY `id` LIMIT 2 "
                       "OFFSET 999");
  // Composite: every disjunct a range on a key prefix, the last one inclusive.
  auto c = Table({"a", "b", "c", "v"});
  ChunkSpec comp;
  comp.table = &c;
  comp.key_columns = {"a", "b", "c"};
  comp.through_key = R"([7,{"hex":"00ff"},null])";
  EXPECT_EQ(Sql(comp),
            "SELECT `a`,`b`,`c`,`v` FROM `shop`.`orders` WHERE (`a` < 7 OR (`a` = 7 AND `b` < "
            "X'00ff') OR (`a` = 7 AND `b` = X'00ff' AND `c` IS NULL)) ORDER BY `a`,`b`,`c`");
  comp.through_key = R"([null,1,2])";
  EXPECT_EQ(Sql(comp),
            "SELECT `a`,`b`,`c`,`v` FROM `shop`.`orders` WHERE (FALSE OR (`a` IS NULL AND `b` < "
            "1) OR (`a` IS NULL AND `b` = 1 AND `c` <= 2)) ORDER BY `a`,`b`,`c`");
  // Errors: a key of the wrong length, a closed range without a key.
  comp.through_key = "[1]";
  EXPECT_FALSE(BuildChunkSelect(comp));
  ChunkSpec keyless;
  keyless.table = &t;
  keyless.through_key = "[1]";
  EXPECT_FALSE(BuildChunkSelect(keyless));
}

TEST(ChunkSql, OddIdentifiersAreQuoted) {
  event::TableSchema t = Table({"we`ird", "sp ace", "ü"});
  t.id = {"d`b", "t.x"};
  ChunkSpec spec;
  spec.table = &t;
  spec.key_columns = {"we`ird"};
  EXPECT_EQ(Sql(spec),
            "SELECT `we``ird`,`sp ace`,`ü` FROM `d``b`.`t.x` ORDER BY `we``ird`");
}

TEST(ChunkSql, SelectOverrideIsTheRowSource) {
  auto t = Table({"id", "name"});
  ChunkSpec spec;
  spec.table = &t;
  spec.key_columns = {"id"};
  spec.select_override = "SELECT * FROM shop.orders WHERE deleted = 0;\n";
  spec.after_key = "[7]";
  spec.limit = 5;
  EXPECT_EQ(Sql(spec),
            "SELECT `id`,`name` FROM (SELECT * FROM shop.orders WHERE deleted = 0) AS "
            "`tributary_snapshot_rows` WHERE `id` > 7 ORDER BY `id` LIMIT 5");
}

TEST(ChunkSql, Errors) {
  auto t = Table({"id", "name"});
  ChunkSpec spec;
  EXPECT_EQ(BuildChunkSelect(spec).error().code(), StatusCode::kInvalidArgument);
  spec.table = &t;
  spec.key_columns = {"nope"};
  auto r = BuildChunkSelect(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("nope"), std::string::npos);
  spec.key_columns = {"id"};
  for (const char* bad : {"[1", "{}", "[1,2]", R"([{"cs":"utf8'","hex":"41"}])",
                          R"([{"hex":"4"}])", R"([{"hex":"zz"}])", R"([{"dec":"1; DROP"}])",
                          R"(["it's\\"])", "[1.5]", "[true]"}) {
    spec.after_key = bad;
    auto e = BuildChunkSelect(spec);
    EXPECT_FALSE(e) << bad;
    if (!e) {
      EXPECT_EQ(e.error().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

TEST(ChunkSql, QuotesInTextElementsAreDoubled) {
  auto lits = KeyLiterals(R"(["it's"])");
  ASSERT_TRUE(lits);
  EXPECT_EQ((*lits)[0], "'it''s'");
}

// Key JSON of values, and back to literals.
TEST(ChunkSql, KeyElementsRoundTrip) {
  auto json = [](const Value& v) {
    std::string out;
    Status s = AppendKeyElementJson(v, &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  };
  Value i;
  i.kind = ValueKind::kInt;
  i.s.i = -9223372036854775807 - 1;
  EXPECT_EQ(json(i), "-9223372036854775808");
  Value u;
  u.kind = ValueKind::kUInt;
  u.s.u = 18446744073709551615u;
  EXPECT_EQ(json(u), "18446744073709551615");
  Value s;
  s.kind = ValueKind::kString;
  s.charset = 45;  // utf8mb4_general_ci
  s.bytes = "aB\xF0\x9F\x98\x80";
  EXPECT_EQ(json(s), R"({"cs":"utf8mb4","hex":"6142f09f9880"})");
  s.charset = 33;  // utf8mb3_general_ci
  EXPECT_EQ(json(s), R"({"cs":"utf8","hex":"6142f09f9880"})");
  s.charset = 8;  // latin1
  s.bytes = "";
  EXPECT_EQ(json(s), R"({"cs":"latin1","hex":""})");
  Value b;
  b.kind = ValueKind::kBytes;
  b.bytes = std::string_view("\x00\xff", 2);
  EXPECT_EQ(json(b), R"({"hex":"00ff"})");
  Value d;
  d.kind = ValueKind::kDecimal;
  d.precision = 10;
  d.scale = 2;
  std::string dbin;
  ASSERT_TRUE(mysql::AppendDecimalBinary("-12.5", 10, 2, &dbin).ok());
  d.bytes = dbin;
  EXPECT_EQ(json(d), R"({"dec":"-12.50"})");
  Value dt_text = d;  // the snapshot reader's form of the same value: the same key JSON
  dt_text.kind = ValueKind::kDecimalText;
  dt_text.bytes = "-12.50";
  EXPECT_EQ(json(dt_text), json(d));
  Value f;
  f.kind = ValueKind::kFloat;
  f.s.f = 0.1f;
  EXPECT_EQ(json(f), R"("0.10000000149011612")");
  Value dt;
  dt.kind = ValueKind::kDateTime;
  dt.fsp = 3;
  dt.s.datetime = {2024, 2, 29, 23, 59, 58, 123000};
  EXPECT_EQ(json(dt), R"("2024-02-29 23:59:58.123000")");
  dt.s.datetime = {0, 0, 0, 0, 0, 0, 0};
  dt.fsp = 0;
  EXPECT_EQ(json(dt), R"("0000-00-00 00:00:00")");
  Value tm;
  tm.kind = ValueKind::kTime;
  tm.s.time = {true, 838, 59, 59, 0};
  EXPECT_EQ(json(tm), R"("-838:59:59")");
  Value ts;
  ts.kind = ValueKind::kTimestamp;
  ts.fsp = 6;
  ts.s.timestamp = {2147483647, 999999};
  EXPECT_EQ(json(ts), R"("2038-01-19 03:14:07.999999")");
  Value date;
  date.kind = ValueKind::kDate;
  date.s.date = {2020, 0, 15};
  EXPECT_EQ(json(date), R"("2020-00-15")");
  Value bit;
  bit.kind = ValueKind::kBit;
  bit.bits = 12;
  bit.bytes = std::string_view("\x0f\x01", 2);
  EXPECT_EQ(json(bit), "3841");

  std::string key = "[" + json(i) + "," + json(s) + "," + json(b) + "," + json(d) + "," +
                    json(dt) + ",null]";
  auto lits = KeyLiterals(key);
  ASSERT_TRUE(lits) << lits.error().ToString();
  EXPECT_EQ(*lits, (std::vector<std::string>{"-9223372036854775808", "_latin1 X''", "X'00ff'",
                                             "-12.50", "'0000-00-00 00:00:00'", "NULL"}));
}

}  // namespace
}  // namespace tributary::snapshot
