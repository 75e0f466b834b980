#include "format/json_lines_format.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace tributary::format {
namespace {

SinkRecord Record(std::string_view value, int64_t offset = 0) {
  SinkRecord r;
  r.topic = "t";
  r.offset = offset;
  r.value = value;
  return r;
}

std::string Encode(std::string_view msg, JsonLinesOptions options = {}) {
  RecordValueParser parser;
  auto v = parser.Parse(Record(msg));
  EXPECT_TRUE(v.has_value()) << v.error().ToString();
  if (!v) return "";
  std::string out;
  Status s = EncodeConfluentJson(*v, options, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(JavaText, DoubleAndFloat) {
  EXPECT_EQ(JavaDoubleText(1.0), "1.0");
  EXPECT_EQ(JavaDoubleText(1e10), "1.0E10");
  EXPECT_EQ(JavaDoubleText(1e-5), "1.0E-5");
  EXPECT_EQ(JavaDoubleText(0.001), "0.001");
  EXPECT_EQ(JavaDoubleText(1234567.0), "1234567.0");
  EXPECT_EQ(JavaDoubleText(12345678.0), "1.2345678E7");
  EXPECT_EQ(JavaDoubleText(-0.0), "-0.0");
  EXPECT_EQ(JavaDoubleText(100.5), "100.5");
  EXPECT_EQ(JavaDoubleText(4.9e-324), "4.9E-324");
  EXPECT_EQ(JavaDoubleText(2e23), "2.0E23");
  EXPECT_EQ(JavaDoubleText(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(JavaFloatText(1.1f), "1.1");
  EXPECT_EQ(JavaFloatText(1.4e-45f), "1.4E-45");
  EXPECT_EQ(JavaFloatText(3.0e10f), "3.0E10");
}

TEST(JavaText, StringHashMatchesJava) {
  // Values of "x".hashCode() in Java.
  EXPECT_EQ(JavaStringHash(""), 0);
  EXPECT_EQ(JavaStringHash("a"), 97);
  EXPECT_EQ(JavaStringHash("before"), -1392885889);
  EXPECT_EQ(JavaStringHash("hello world"), 1794106052);
  EXPECT_EQ(JavaStringHash("\xf0\x9f\x98\x80"), 1772899);  // U+1F600 = \uD83D\uDE00
}

// formats.md 2.4 → 3.7: the JsonFormat line of the Debezium 3.0.7 create event is its
// schemas.enable=false payload, byte for byte.
TEST(JsonLines, DebeziumEventWithSchemaIsThePayloadBytes) {
  const std::string schema =
      R"({"type":"struct","fields":[{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":true,"name":"test.test.t_test.Value","field":"before"},{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":true,"name":"test.test.t_test.Value","field":"after"},{"type":"struct","fields":[{"type":"string","optional":false,"field":"version"},{"type":"string","optional":false,"field":"connector"},{"type":"string","optional":false,"field":"name"},{"type":"int64","optional":false,"field":"ts_ms"},{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"default":"false","field":"snapshot"},{"type":"string","optional":false,"field":"db"},{"type":"string","optional":true,"field":"sequence"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"},{"type":"string","optional":true,"field":"table"},{"type":"int64","optional":false,"field":"server_id"},{"type":"string","optional":true,"field":"gtid"},{"type":"string","optional":false,"field":"file"},{"type":"int64","optional":false,"field":"pos"},{"type":"int32","optional":false,"field":"row"},{"type":"int64","optional":true,"field":"thread"},{"type":"string","optional":true,"field":"query"}],"optional":false,"name":"io.debezium.connector.mysql.Source","field":"source"},{"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"total_order"},{"type":"int64","optional":false,"field":"data_collection_order"}],"optional":true,"name":"event.block","version":1,"field":"transaction"},{"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"}],"optional":false,"name":"test.test.t_test.Envelope","version":2})";
  const std::string payload =
      R"({"before":null,"after":{"id":14},"source":{"version":"3.0.7.Final","connector":"mysql","name":"test","ts_ms":1741000296000,"snapshot":"false","db":"test","sequence":null,"ts_us":1741000296000000,"ts_ns":1741000296000000000,"table":"t_test","server_id":1,"gtid":null,"file":"binlog.000004","pos":3134,"row":0,"thread":12,"query":null},"transaction":null,"op":"c","ts_ms":1741000296823,"ts_us":1741000296823752,"ts_ns":1741000296823752600})";
  EXPECT_EQ(Encode("{\"schema\":" + schema + ",\"payload\":" + payload + "}"), payload);

  // A streaming event whose source.snapshot is null/missing gets the schema default
  // "false"; missing members are written as null in schema order; spaces go away.
  std::string sparse = payload;
  sparse.replace(sparse.find("\"snapshot\":\"false\""), 18, "\"snapshot\":null");
  sparse.replace(sparse.find("\"transaction\":null,"), 19, "");
  std::string pretty = "{ \"schema\" : " + schema + " , \"payload\" : " + sparse + " }";
  EXPECT_EQ(Encode(pretty), payload);
}

TEST(JsonLines, SchemalessUsesJavaHashMapOrder) {
  // Jackson writes the schemaless Map in java.util.HashMap order (16 buckets here):
  // "a" 97 → 1, "big" 97536 → 1 (after h ^ h >>> 16), "s" 115 → 3, "id" 3355 → 11.
  std::string line = Encode(R"({"id":1,"a":2.50,"big":123456789012345678901,"s":"x\u0001y"})");
  // Numbers: integers as longs (BigInteger.longValue wraps), others via Double.toString.
  EXPECT_NE(line.find("\"a\":2.5"), std::string::npos) << line;
  EXPECT_NE(line.find("\"big\":-5670419503621182411"), std::string::npos) << line;
  EXPECT_NE(line.find("\"s\":\"x\\u0001y\""), std::string::npos) << line;
  EXPECT_EQ(line, R"({"a":2.5,"big":-5670419503621182411,"s":"x\u0001y","id":1})");
  JsonLinesOptions keep;
  keep.java_map_order = false;
  EXPECT_EQ(Encode(R"({"z":1,"a":2})", keep), R"({"z":1,"a":2})");
  // "a" hashes to bucket 1, "z" (122) to bucket 10: Java writes a first.
  EXPECT_EQ(Encode(R"({"z":1,"a":2})"), R"({"a":2,"z":1})");
  // Collisions keep insertion order: "Aa" and "BB" share hashCode 2112.
  EXPECT_EQ(Encode(R"({"BB":1,"Aa":2})"), R"({"BB":1,"Aa":2})");
  EXPECT_EQ(Encode(R"({"Aa":1,"BB":2})"), R"({"Aa":1,"BB":2})");
  // Duplicate names: first position, last value (Jackson ObjectNode).
  EXPECT_EQ(Encode(R"({"a":1,"a":3})"), R"({"a":3})");
  EXPECT_EQ(Encode(R"("plain string")"), R"("plain string")");
  EXPECT_EQ(Encode("[1,1.0,1e2,-0]"), "[1,1.0,100.0,0]");
}

TEST(JsonLines, TypedValues) {
  std::string schema = R"({"type":"struct","fields":[
    {"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"price"},
    {"type":"float","field":"f"},{"type":"double","field":"d"},{"type":"int16","field":"small"},
    {"type":"bytes","optional":true,"field":"raw"},
    {"type":"map","keys":{"type":"string"},"values":{"type":"int32"},"field":"m"},
    {"type":"array","items":{"type":"string"},"field":"tags"},
    {"type":"string","optional":true,"default":"PENDING","field":"status"}]})";
  std::string msg =
      "{\"schema\":" + schema +
      R"(,"payload":{"price":"AdTA","f":1.1,"d":1e10,"small":7,"raw":"AQID","m":{"z":1,"a":2},"tags":["x"],"status":null}})";
  EXPECT_EQ(
      Encode(msg),
      R"({"price":"AdTA","f":1.1,"d":1.0E10,"small":7,"raw":"AQID","m":{"a":2,"z":1},"tags":["x"],"status":"PENDING"})");
  JsonLinesOptions numeric;
  numeric.decimal_format = DecimalFormat::kNumeric;
  EXPECT_EQ(Encode(msg, numeric).substr(0, 18), R"({"price":1200.00,")");
}

TEST(JsonLines, SchemaMismatchIsAnError) {
  RecordValueParser parser;
  auto v = parser.Parse(Record(
      R"({"schema":{"type":"struct","fields":[{"type":"int32","field":"id"}]},"payload":{"id":"x"}})",
      41));
  ASSERT_TRUE(v.has_value());
  JsonLinesFormat writer({});
  std::string out;
  ASSERT_TRUE(writer.Begin(&out).ok());
  Status s = writer.Append(Record("", 41), *v);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("offset 41"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("field id"), std::string::npos) << s.message();
}

TEST(JsonLines, WriterLinesAndGzipRoundTrip) {
  for (Compression c : {Compression::kNone, Compression::kGzip}) {
    JsonLinesOptions o;
    o.compression = c;
    o.compression_level = 9;
    JsonLinesFormat writer(o);
    EXPECT_EQ(writer.Extension(), c == Compression::kGzip ? ".json.gz" : ".json");
    RecordValueParser parser;
    std::string out;
    ASSERT_TRUE(writer.Begin(&out).ok());
    std::string expected;
    for (int i = 0; i < 2000; ++i) {
      std::string msg = "{\"schema\":null,\"payload\":{\"n\":" + std::to_string(i) + "}}";
      auto v = parser.Parse(Record(msg, i));
      ASSERT_TRUE(v.has_value());
      ASSERT_TRUE(writer.Append(Record(msg, i), *v).ok());
      expected += "{\"n\":" + std::to_string(i) + "}\n";
    }
    SinkRecord tomb = Record("", 2000);
    tomb.value.reset();
    auto t = parser.Parse(tomb);
    ASSERT_TRUE(writer.Append(tomb, *t).ok());
    expected += "null\n";
    EXPECT_EQ(writer.record_count(), 2001u);
    ASSERT_TRUE(writer.Finish().ok());
    if (c == Compression::kGzip) {
      ASSERT_GE(out.size(), 18u);
      // Java's GZIPOutputStream header: no mtime, no flags, OS 255 (unknown).
      EXPECT_EQ(out.substr(0, 10), std::string("\x1f\x8b\x08\0\0\0\0\0\0\xff", 10));
      EXPECT_LT(out.size(), expected.size() / 3);
      auto plain = GunzipAll(out);
      ASSERT_TRUE(plain.has_value()) << plain.error().ToString();
      EXPECT_EQ(*plain, expected);
    } else {
      EXPECT_EQ(out, expected);
    }
  }
}

// Byte-compatibility with the real Confluent path: every line of testdata/confluent_json
// went through Kafka 4.1.1's JsonConverter and Jackson (Golden.java there).
void CheckGolden(const std::string& input, const std::string& golden, EnvelopeMode mode,
                 DecimalFormat decimal_format) {
  std::string dir = std::string(TRIBUTARY_FORMAT_TESTDATA) + "/confluent_json/";
  std::ifstream in(dir + input);
  std::ifstream want(dir + golden);
  ASSERT_TRUE(in && want) << dir;
  RecordValueParser parser({.envelope = mode});
  JsonLinesOptions options;
  options.decimal_format = decimal_format;
  std::string line, expected;
  int lines = 0, errors = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ASSERT_TRUE(std::getline(want, expected));
    ++lines;
    SinkRecord r = Record(line, lines);
    auto v = parser.Parse(r);
    std::string out;
    Status s = v ? EncodeConfluentJson(*v, options, &out) : v.error();
    if (expected == "ERROR") {
      ++errors;
      EXPECT_FALSE(s.ok()) << "line " << lines << " gave " << out;
    } else {
      EXPECT_TRUE(s.ok()) << "line " << lines << ": " << s.ToString();
      EXPECT_EQ(out, expected) << "line " << lines;
    }
  }
  EXPECT_GE(lines, 10);
  EXPECT_LT(errors, lines);
}

TEST(JsonLines, GoldenSchemaless) {
  CheckGolden("plain.jsonl", "plain.golden", EnvelopeMode::kNever, DecimalFormat::kBase64);
}

TEST(JsonLines, GoldenWithSchemas) {
  CheckGolden("schemas.jsonl", "schemas.golden", EnvelopeMode::kRequired, DecimalFormat::kBase64);
  CheckGolden("schemas.jsonl", "schemas.numeric.golden", EnvelopeMode::kRequired,
              DecimalFormat::kNumeric);
}


// Object shapes are cached with their encoded member names (MemberOrderCache): a writer
// that has seen many shapes (more than it keeps, nested, repeated, names needing escapes)
// writes every record as a fresh encoder does.
TEST(JsonLines, CachedShapesMatchFreshEncoding) {
  std::mt19937 rnd(7);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rnd); };
  const std::vector<std::string> names = {"a", "b", "id", "é", "q\\\"uote", "line\\n", "Aa", "BB",
                                          "payload", "x1", "x2", "x3", "x4", "x5", "x6", "x7"};
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    switch (pick(depth > 0 ? 6 : 4)) {
      case 0: return "null";
      case 1: return pick(2) ? "12" : "-1.50";
      case 2: return "\"s\\u00e9\"";
      case 3: return "true";
      case 4: {
        std::string o = "{";
        size_t n = pick(6);
        for (size_t i = 0; i < n; ++i) {
          if (i) o += ",";
          o += "\"" + names[pick(names.size())] + "\":" + value(depth - 1);
        }
        return o + "}";
      }
      default: return "[" + value(depth - 1) + "," + value(depth - 1) + "]";
    }
  };
  for (bool java_order : {true, false}) {
    JsonLinesOptions o;
    o.java_map_order = java_order;
    JsonLinesFormat writer(o);
    std::string out, expected;
    ASSERT_TRUE(writer.Begin(&out).ok());
    RecordValueParser parser;
    for (int i = 0; i < 3000; ++i) {
      std::string msg = value(3);
      auto v = parser.Parse(Record(msg, i));
      ASSERT_TRUE(v.has_value()) << msg;
      ASSERT_TRUE(writer.Append(Record(msg, i), *v).ok());
      std::string line;
      ASSERT_TRUE(EncodeConfluentJson(*v, o, &line).ok());
      expected += line + "\n";
    }
    ASSERT_TRUE(writer.Finish().ok());
    EXPECT_EQ(out, expected);
  }
}

}  // namespace
}  // namespace tributary::format
