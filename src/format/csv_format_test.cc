#include "format/csv_format.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::format {
namespace {

SinkRecord Record(std::string_view value, int64_t offset = 0) {
  SinkRecord r;
  r.topic = "db.inv.customers";
  r.offset = offset;
  r.value = value;
  return r;
}

std::string WriteAll(const std::vector<std::string>& msgs, CsvOptions options = {}) {
  CsvFormat writer(options);
  RecordValueParser parser;
  std::string out;
  EXPECT_TRUE(writer.Begin(&out).ok());
  int64_t offset = 0;
  for (const std::string& m : msgs) {
    auto v = parser.Parse(Record(m, offset));
    EXPECT_TRUE(v.has_value()) << v.error().ToString();
    EXPECT_FALSE(writer.RequiresNewObject(*v)) << m;
    Status s = writer.Append(Record(m, offset++), *v);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_TRUE(writer.Finish().ok());
  return out;
}

TEST(CsvCell, QuotingEdgeCases) {
  auto cell = [](std::string_view s, std::string_view null_token = "") {
    std::string out;
    AppendCsvText(s, null_token, &out);
    return out;
  };
  EXPECT_EQ(cell("plain"), "plain");
  EXPECT_EQ(cell(""), "\"\"");
  EXPECT_EQ(cell("a,b"), "\"a,b\"");
  EXPECT_EQ(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(cell("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(cell("cr\rlf"), "\"cr\rlf\"");
  EXPECT_EQ(cell(" padded "), "\" padded \"");
  EXPECT_EQ(cell("\xf0\x9f\x98\x80 emoji"), "\xf0\x9f\x98\x80 emoji");
  EXPECT_EQ(cell("\\N", "\\N"), "\"\\N\"");
}

TEST(CsvFormat, DebeziumRowsWithMetadata) {
  const std::string source =
      R"("source":{"version":"2.7","connector":"mysql","name":"db","ts_ms":1465491411000,"db":"inv","table":"customers","server_id":1,"gtid":null,"file":"mysql-bin.000003","pos":154,"row":0})";
  std::vector<std::string> msgs = {
      R"({"before":null,"after":{"id":1,"name":"Anne, \"A\"","note":""},)" + source +
          R"(,"op":"c","ts_ms":1465491411815})",
      R"({"before":{"id":1,"name":"x","note":null},"after":null,)" + source +
          R"(,"op":"d","ts_ms":1465491411900})",
  };
  CsvOptions o;
  o.metadata = {CsvMetadata::kOp,  CsvMetadata::kTsMs,  CsvMetadata::kSourceTsMs,
                CsvMetadata::kDb,  CsvMetadata::kTable, CsvMetadata::kFile,
                CsvMetadata::kPos, CsvMetadata::kGtid};
  EXPECT_EQ(WriteAll(msgs, o),
            "id,name,note,__op,__ts_ms,__source_ts_ms,__db,__table,__file,__pos,__gtid\n"
            "1,\"Anne, "
            "\"\"A\"\"\",\"\",c,1465491411815,1465491411000,inv,customers,mysql-bin.000003,154,\n"
            "1,x,,d,1465491411900,1465491411000,inv,customers,mysql-bin.000003,154,\n");
}

TEST(CsvFormat, TypedCellsWithSchema) {
  std::string schema = R"({"type":"struct","fields":[
    {"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"},"field":"price"},
    {"type":"bytes","field":"raw"},{"type":"struct","fields":[{"type":"int32","field":"x"}],"field":"nested"},
    {"type":"string","optional":true,"field":"s"},{"type":"boolean","field":"b"},
    {"type":"struct","name":"io.debezium.data.VariableScaleDecimal","fields":[{"type":"int32","field":"scale"},{"type":"bytes","field":"value"}],"field":"v"}]})";
  std::string msg =
      "{\"schema\":" + schema +
      R"(,"payload":{"price":"z8c=","raw":"AQID","nested":{"x":1},"s":null,"b":true,"v":{"scale":3,"value":"AdTA"}}})";
  CsvOptions o;
  o.metadata = {};
  o.null_value = "\\N";
  EXPECT_EQ(WriteAll({msg}, o),
            "price,raw,nested,s,b,v\n-123.45,AQID,\"{\"\"x\"\":1}\",\\N,true,120.000\n");
}

TEST(CsvFormat, ColumnChangeNeedsANewObject) {
  CsvFormat writer({});
  RecordValueParser parser;
  std::string out;
  ASSERT_TRUE(writer.Begin(&out).ok());
  auto a = parser.Parse(Record(R"({"id":1,"x":2})"));
  ASSERT_TRUE(a.has_value());
  EXPECT_FALSE(writer.RequiresNewObject(*a));
  ASSERT_TRUE(writer.Append(Record("", 0), *a).ok());
  auto b = parser.Parse(Record(R"({"id":1,"x":2,"y":3})"));
  ASSERT_TRUE(b.has_value());
  EXPECT_TRUE(writer.RequiresNewObject(*b));
  EXPECT_EQ(writer.Append(Record("", 1), *b).code(), StatusCode::kFailedPrecondition);
  auto same = parser.Parse(Record(R"({"id":5,"x":null})"));
  EXPECT_FALSE(writer.RequiresNewObject(*same));
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(out, "id,x,__op,__source_ts_ms\n1,2,,\n");
}

TEST(CsvFormat, GzipRoundTripAndCrlf) {
  CsvOptions o;
  o.compression = Compression::kGzip;
  o.metadata = {};
  o.line_separator = "\r\n";
  std::string gz = WriteAll({R"({"a":"x"})", R"({"a":"y\nz"})"}, o);
  auto plain = GunzipAll(gz);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(*plain, "a\r\nx\r\n\"y\nz\"\r\n");
}

TEST(CsvFormat, MetadataNames) {
  auto cols = ParseCsvMetadataColumns({"__table", "op", "source.ts_ms"});
  ASSERT_TRUE(cols.has_value());
  ASSERT_EQ(cols->size(), 3u);
  EXPECT_EQ((*cols)[0], CsvMetadata::kOp);
  EXPECT_EQ((*cols)[1], CsvMetadata::kSourceTsMs);
  EXPECT_EQ((*cols)[2], CsvMetadata::kTable);
  EXPECT_FALSE(ParseCsvMetadataColumns({"nope"}).has_value());
}

}  // namespace
}  // namespace tributary::format
