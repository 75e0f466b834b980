#include "connectors/sink_parquet_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
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


// The Debezium change events of bench/e2e/sink_to_s3.sh (an envelope of two 8-field rows,
// a 10-field source, op, ts_ms), each with its schema, as JsonConverter writes them.
std::vector<std::string> BenchEnvelopes(int n) {
  std::string row = R"({"type":"struct","optional":true,"name":"bench.inventory.customers.Value","fields":[)"
                    R"({"field":"id","type":"int64","optional":false},{"field":"first_name","type":"string","optional":true},)"
                    R"({"field":"last_name","type":"string","optional":true},{"field":"email","type":"string","optional":true},)"
                    R"({"field":"city","type":"string","optional":true},{"field":"balance","type":"int64","optional":true},)"
                    R"({"field":"score","type":"double","optional":true},{"field":"active","type":"boolean","optional":true}])";
  std::string schema =
      R"({"type":"struct","optional":false,"name":"bench.inventory.customers.Envelope","version":1,"fields":[)" +
      row + R"(,"field":"before"},)" + row + R"(,"field":"after"},)" +
      R"({"type":"struct","optional":false,"field":"source","name":"io.debezium.connector.mysql.Source","fields":[)"
      R"({"field":"version","type":"string","optional":false},{"field":"connector","type":"string","optional":false},)"
      R"({"field":"name","type":"string","optional":false},{"field":"ts_ms","type":"int64","optional":false},)"
      R"({"field":"db","type":"string","optional":false},{"field":"table","type":"string","optional":false},)"
      R"({"field":"server_id","type":"int64","optional":false},{"field":"file","type":"string","optional":false},)"
      R"({"field":"pos","type":"int64","optional":false},{"field":"row","type":"int32","optional":false}]},)"
      R"({"field":"op","type":"string","optional":false},{"field":"ts_ms","type":"int64","optional":true}]})";
  const char* first[] = {"Anne", "Bob", "Chen", "Dana", "Eve"};
  const char* last[] = {"Kretchmar", "Walker", "Smith", "Ng", "Ito"};
  const char* city[] = {"Paris", "Lima", "Oslo", "Pune"};
  std::vector<std::string> out;
  uint64_t x = 1;
  auto rnd = [&] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  for (int i = 0; i < n; ++i) {
    std::string score = std::to_string(rnd() % 100000);
    while (score.size() < 4) score.insert(0, "0");
    score.insert(score.size() - 3, ".");
    std::string ii = std::to_string(i);
    out.push_back(R"({"schema":)" + schema + R"(,"payload":{"before":null,"after":{"id":)" + ii +
                  R"(,"first_name":")" + first[rnd() % 5] + R"(","last_name":")" + last[rnd() % 5] +
                  R"(","email":"user)" + ii + R"(@example.com","city":")" + city[rnd() % 4] +
                  R"(","balance":)" + std::to_string(rnd() % 10000000) + R"(,"score":)" + score +
                  R"(,"active":)" + (rnd() % 2 ? "true" : "false") +
                  R"(},"source":{"version":"2.7.0.Final","connector":"mysql","name":"bench","ts_ms":)" +
                  std::to_string(1714564800000 + i) +
                  R"(,"db":"inventory","table":"customers","server_id":1,"file":"binlog.000001","pos":)" +
                  std::to_string(4 + i * 100) + R"(,"row":0},"op":"c","ts_ms":)" +
                  std::to_string(1714564800005 + i) + "}}");
  }
  return out;
}

// The sink bench's envelopes (every column shape it writes) through the one-pass row
// conversion: every record lands, the file is framed. Timing lives in bench/e2e/sink_to_s3.sh.
TEST(SinkParquetFormatTest, WritesTheBenchEnvelopesInOnePass) {
  const int64_t n = 2500;
  auto values = BenchEnvelopes(1000);
  SinkParquetOptions o;
  o.writer.row_group_size = 1 << 20;
  o.writer.page_size = 64 << 10;
  o.writer.dictionary_page_size_limit = 64 << 10;
  auto w = MakeSinkParquetFormat(o);
  std::string out;
  ASSERT_TRUE(w->Begin(&out).ok());
  format::RecordValueParser parser;
  std::vector<format::SinkRecord> records(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    records[i].topic = "bench";
    records[i].value = values[i];
  }
  for (int64_t i = 0; i < n; ++i) {
    format::SinkRecord& r = records[static_cast<size_t>(i) % records.size()];
    r.offset = i;
    auto p = parser.Parse(r);
    ASSERT_TRUE(p.has_value());
    Status s = w->Append(r, *p);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  ASSERT_TRUE(w->Finish().ok());
  EXPECT_EQ(w->record_count(), static_cast<uint64_t>(n));
  ASSERT_GT(out.size(), 8u);
  EXPECT_EQ(out.substr(0, 4), "PAR1");
  EXPECT_EQ(out.substr(out.size() - 4), "PAR1");
}

}  // namespace
}  // namespace tributary::connectors
