#include "format/debezium/column_filters.h"

#include <gtest/gtest.h>

#include "format/debezium/envelope.h"
#include "format/debezium/options.h"
#include "format/debezium/schema_builder.h"
#include "format/debezium/test_util.h"

namespace tributary::format::debezium {
namespace {

using namespace testing;  // NOLINT
using event::SqlType;

TEST(ColumnFiltersTest, IncludeExcludeAnchoredCaseInsensitive) {
  ColumnFilterOptions o;
  o.database_include = "inv.*";
  o.table_exclude = "inventory\\.secret";
  o.column_exclude = "inventory\\.customers\\.(ssn|pin)";
  auto f = ColumnFilters::Create(o);
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->IsDatabaseCaptured("inventory"));
  EXPECT_TRUE(f->IsDatabaseCaptured("INVENTORY"));
  EXPECT_FALSE(f->IsDatabaseCaptured("xinventory"));  // anchored
  EXPECT_FALSE(f->IsTableCaptured({"inventory", "secret"}));
  EXPECT_TRUE(f->IsTableCaptured({"inventory", "secrets"}));
  EXPECT_FALSE(f->IsColumnIncluded({"inventory", "customers"}, "SSN"));
  EXPECT_TRUE(f->IsColumnIncluded({"inventory", "customers"}, "name"));

  ColumnFilterOptions builtin;
  auto g = ColumnFilters::Create(builtin);
  EXPECT_FALSE(g->IsDatabaseCaptured("mysql"));
  EXPECT_TRUE(g->IsDatabaseCaptured("shop"));
  ColumnFilterOptions bad;
  bad.table_include = "(";
  EXPECT_FALSE(ColumnFilters::Create(bad).has_value());
}

TEST(ColumnFiltersTest, SplitRegexList) {
  auto v = SplitRegexList(" a\\,b , c{1,2},[x,y] ,, d ");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], "a,b");
  EXPECT_EQ(v[1], "c{1,2}");
  EXPECT_EQ(v[2], "[x,y]");
  EXPECT_EQ(v[3], "d");
}

TEST(ColumnFiltersTest, JavaSerializedString) {
  std::string s;
  AppendJavaSerializedString("ab", &s);
  EXPECT_EQ(s, std::string("\xAC\xED\x00\x05\x74\x00\x02" "ab", 9));
  s.clear();
  AppendJavaSerializedString(std::string_view("\0", 1), &s);  // modified UTF-8 NUL
  EXPECT_EQ(s, std::string("\xAC\xED\x00\x05\x74\x00\x02\xC0\x80", 9));
  s.clear();
  AppendJavaSerializedString("\xF0\x9F\x98\x80", &s);  // U+1F600 as a surrogate pair
  EXPECT_EQ(s, std::string("\xAC\xED\x00\x05\x74\x00\x06\xED\xA0\xBD\xED\xB8\x80", 13));
}

// Expected digests are Debezium's own (MaskStringsTest, v3.6.1).
TEST(ColumnFiltersTest, HashMasksMatchDebezium) {
  auto hash = [](const char* alg, bool v2, std::string_view value, int max = 0) {
    ColumnMapper m;
    m.kind = MapperKind::kMaskHash;
    m.algorithm = alg;
    m.salt = "salt";
    m.v2 = v2;
    std::string out;
    EXPECT_TRUE(AppendHashMask(m, value, max, &out).ok());
    return out;
  };
  EXPECT_EQ(hash("SHA256", false, "hello"), "af5843a0f0e728ab0332c8888b6e1190bfb79e584f0d40538de8f10df6ef29c6");
  EXPECT_EQ(hash("SHA256", false, "world"), "4588e1f2dcdc7fefc1515d3acd5acb9033478eace68286f383c337b9ff4464a3");
  EXPECT_EQ(hash("MD5", false, "hello"), "46f48a7a5ea32efba87cbff49d46d35a");
  EXPECT_EQ(hash("MD5", false, "world"), "030f632140d9c9591b0d8c21098024b8");
  EXPECT_EQ(hash("SHA256", true, "hello"), "cd31b3b98ece60cb739c0bf770b2de892ae0ad133f645513c3d83f08757a843a");
  EXPECT_EQ(hash("SHA256", true, "world"), "e84ac3142870113ddc6710c06f76421befc8e8ca6de64e98d2993ed8d41f4085");
  EXPECT_EQ(hash("MD5", true, "hello"), "06decc8b095724f80103712c235586be");
  EXPECT_EQ(hash("MD5", true, "world"), "172c8e95398cc72ab5358ead6981e7e5");
  EXPECT_EQ(hash("MD5", true, "world", 10), "172c8e9539");
}

TEST(ColumnFiltersTest, MappersInEvents) {
  std::map<std::string, std::string> props = {
      {"topic.prefix", "p"},
      {"key.converter.schemas.enable", "false"},
      {"value.converter.schemas.enable", "false"},
      {"column.mask.with.5.chars", "db.t.secret"},
      {"column.mask.hash.SHA-256.with.salt.salt", "db.t.h"},
      {"column.truncate.to.3.chars", "db.t.(tr|secret)"},
      {"extended.headers.enabled", "false"}};
  auto o = ParseEncoderOptions(props);
  ASSERT_TRUE(o.has_value()) << o.error().ToString();
  auto t = std::make_shared<event::TableSchema>();
  t->id = {"db", "t"};
  t->columns.push_back(Col("id", SqlType::kInt, "INT", false));
  t->columns.push_back(Col("secret", SqlType::kVarchar, "VARCHAR"));
  t->columns.push_back(Col("h", SqlType::kVarchar, "VARCHAR"));
  t->columns.back().length = 10;
  t->columns.push_back(Col("tr", SqlType::kText, "TEXT"));
  t->primary_key = {"id"};
  auto f = ColumnFilters::Create(o->filters);
  ASSERT_TRUE(f.has_value());
  auto enc = BuildTableEncoding(t, *o, *f);
  ASSERT_TRUE(enc.has_value());
  // Truncate rules come first in Debezium's order, so `secret` is truncated, not masked.
  EXPECT_NE((*enc)->value_schema_json.find(R"({"type":"string","optional":true,"parameters":{"truncateLength":"3"},"field":"secret"})"),
            std::string::npos);
  EXPECT_NE((*enc)->value_schema_json.find(R"({"type":"string","optional":true,"parameters":{"masked":"true"},"field":"h"})"),
            std::string::npos);
  EventEncoder encoder(*o);
  std::vector<event::Value> row = {Int(1), Str("abcdef"), Str("hello"), Str("😀xyz")};
  ChangeEvent e;
  e.op = Operation::kCreate;
  e.after = row;
  RecordBuffer out;
  ASSERT_TRUE(encoder.Encode(**enc, e, &out).ok());
  EXPECT_NE(out[0].value.find(R"("after":{"id":1,"secret":"abc","h":"af5843a0f0","tr":"\uD83D\uDE00x"})"),
            std::string::npos)
      << out[0].value;

  std::map<std::string, std::string> mask_props = props;
  mask_props.erase("column.truncate.to.3.chars");
  auto o2 = ParseEncoderOptions(mask_props);
  auto f2 = ColumnFilters::Create(o2->filters);
  auto enc2 = BuildTableEncoding(t, *o2, *f2);
  EventEncoder encoder2(*o2);
  std::vector<event::Value> nulls = {Int(1), Null(), Null(), Null()};
  e.after = nulls;
  out.Clear();
  ASSERT_TRUE(encoder2.Encode(**enc2, e, &out).ok());
  // The fixed mask replaces nulls too (MaskingValueConverter ignores its input).
  EXPECT_NE(out[0].value.find(R"("after":{"id":1,"secret":"*****","h":null,"tr":null})"),
            std::string::npos)
      << out[0].value;
}

}  // namespace
}  // namespace tributary::format::debezium
