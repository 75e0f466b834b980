#include "connectors/sink_parquet_format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tributary::connectors {
namespace {

constexpr const char* kSchemaA =
    R"({"schema":{"type":"struct","optional":false,"name":"v","fields":[
  {"field":"id","type":"int32","optional":false},
  {"field":"price","type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2","connect.decimal.precision":"10"}},
  {"field":"note","type":"string","optional":true}]},"payload":)";

TEST(SinkParquetFormatTest, WritesAFileAndRefusesAnotherSchema) {
  SinkParquetOptions o;
  auto w = MakeSinkParquetFormat(o);
  EXPECT_EQ(w->Extension(), ".snappy.parquet");
  std::string out;
  ASSERT_TRUE(w->Begin(&out).ok());
  format::RecordValueParser parser;
  std::string v1 = std::string(kSchemaA) + R"({"id":1,"price":"AQ==","note":null}})";
  std::string v2 = std::string(kSchemaA) + R"({"id":2,"price":null,"note":"x"}})";
  format::SinkRecord r;
  r.topic = "t";
  r.value = v1;
  auto p = parser.Parse(r);
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(w->Append(r, *p).ok());
  r.value = v2;
  p = parser.Parse(r);
  ASSERT_TRUE(w->Append(r, *p).ok());
  EXPECT_EQ(w->record_count(), 2u);

  // A required field null: refused, and the file stays usable.
  std::string bad = std::string(kSchemaA) + R"({"id":null,"price":null,"note":"x"}})";
  r.value = bad;
  p = parser.Parse(r);
  EXPECT_FALSE(w->Append(r, *p).ok());

  std::string other = R"({"schema":{"type":"struct","optional":false,"fields":[{"field":"id","type":"int64","optional":false}]},"payload":{"id":3}})";
  r.value = other;
  p = parser.Parse(r);
  EXPECT_TRUE(w->RequiresNewObject(*p));

  ASSERT_TRUE(w->Finish().ok());
  ASSERT_GT(out.size(), 8u);
  EXPECT_EQ(out.substr(0, 4), "PAR1");
  EXPECT_EQ(out.substr(out.size() - 4), "PAR1");
}

TEST(SinkParquetFormatTest, SchemalessValuesAreRefused) {
  SinkParquetOptions o;
  auto w = MakeSinkParquetFormat(o);
  std::string out;
  ASSERT_TRUE(w->Begin(&out).ok());
  format::RecordValueParser parser;
  std::string v = R"({"id":1})";
  format::SinkRecord r;
  r.topic = "t";
  r.offset = 4;
  r.value = v;
  auto p = parser.Parse(r);
  Status s = w->Append(r, *p);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("offset 4"), std::string::npos);
}


// The bytes of a Parquet object holding `payloads` under `schema_prefix` (ends in "payload":).
std::string ParquetOf(std::string_view schema_prefix, const std::vector<std::string>& payloads) {
  SinkParquetOptions o;
  auto w = MakeSinkParquetFormat(o);
  std::string out;
  EXPECT_TRUE(w->Begin(&out).ok());
  format::RecordValueParser parser;
  for (const std::string& payload : payloads) {
    std::string v = std::string(schema_prefix) + payload + "}";
    format::SinkRecord r;
    r.topic = "t";
    r.value = v;
    auto p = parser.Parse(r);
    EXPECT_TRUE(p.has_value());
    if (!p) continue;
    Status s = w->Append(r, *p);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_TRUE(w->Finish().ok());
  return out;
}

// Members in schema order are read by position; any other spelling by name. Both must
// write the same file.
TEST(SinkParquetFormatTest, PositionalAndNamedReadsAgree) {
  constexpr std::string_view kNested =
      R"({"schema":{"type":"struct","optional":false,"fields":[
  {"field":"id","type":"int64","optional":false},
  {"field":"row","type":"struct","optional":true,"fields":[
    {"field":"a","type":"string","optional":true},{"field":"b","type":"double","optional":true}]},
  {"field":"ok","type":"boolean","optional":true}]},"payload":)";
  std::vector<std::string> in_order = {
      R"({"id":1,"row":{"a":"x","b":1.5},"ok":true})",
      R"({"id":2,"row":null,"ok":null})",
      R"({"id":3,"row":{"a":null,"b":-2},"ok":false})"};
  std::vector<std::string> other_spellings = {
      R"({"ok":true,"row":{"b":1.5,"a":"x"},"id":1})",               // reversed
      R"({"id":9,"row":null,"ok":null,"id":2})",                      // repeated: last wins
      R"({"id":3,"row":{"a":null,"b":-2,"extra":7},"ok":false})"};    // an extra member
  std::string a = ParquetOf(kNested, in_order);
  std::string b = ParquetOf(kNested, other_spellings);
  ASSERT_GT(a.size(), 8u);
  EXPECT_EQ(a, b);

  // A schema that names a field twice: every read is by name (the last member wins for
  // both fields), never by position.
  constexpr std::string_view kTwice =
      R"({"schema":{"type":"struct","optional":false,"fields":[
  {"field":"a","type":"int64","optional":false},{"field":"a","type":"int64","optional":false}]},"payload":)";
  EXPECT_EQ(ParquetOf(kTwice, {R"({"a":1,"a":2})"}), ParquetOf(kTwice, {R"({"a":2,"a":2})"}));

  // Payloads that are not objects are refused, whatever their size.
  SinkParquetOptions o;
  auto w = MakeSinkParquetFormat(o);
  std::string out;
  ASSERT_TRUE(w->Begin(&out).ok());
  format::RecordValueParser parser;
  for (std::string_view payload : {"null", "[1,2,3]", "7"}) {
    std::string v = std::string(kNested) + std::string(payload) + "}";
    format::SinkRecord r;
    r.topic = "t";
    r.value = v;
    auto p = parser.Parse(r);
    ASSERT_TRUE(p.has_value());
    EXPECT_FALSE(w->Append(r, *p).ok()) << payload;
  }
}

}  // namespace
}  // namespace tributary::connectors
