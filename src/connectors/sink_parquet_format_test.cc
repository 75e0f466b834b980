#include "connectors/sink_parquet_format.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace tributary::connectors
