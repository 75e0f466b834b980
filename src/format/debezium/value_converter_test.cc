// Every row of formats.md 2.11 in every mode: field schema JSON and payload JSON.
#include "format/debezium/value_converter.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <random>

#include "format/debezium/json_writer.h"
#include "format/debezium/schema_builder.h"
#include "format/debezium/test_util.h"
#include "mysql/decimal.h"
#include "mysql/value_text.h"
#include "mysql/json_binary_test_util.h"

namespace tributary::format::debezium {
namespace {

using namespace testing;  // NOLINT
using event::SqlType;
using event::Value;
using event::ValueKind;

// MySQL's binary DECIMAL(M,D) of `text` ("-123.45").
std::string MySqlDecimal(std::string text, int m, int d) {
  static const int kDig2Bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  bool neg = text[0] == '-';
  if (neg) text.erase(0, 1);
  size_t dot = text.find('.');
  std::string ip = dot == std::string::npos ? text : text.substr(0, dot);
  std::string fp = dot == std::string::npos ? "" : text.substr(dot + 1);
  fp.resize(d, '0');
  int intg = m - d;
  ip.insert(0, intg - ip.size(), '0');
  std::string out;
  auto put = [&](uint32_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  int lead = intg % 9;
  size_t pos = 0;
  if (lead) {
    put(std::stoul(ip.substr(0, lead)), kDig2Bytes[lead]);
    pos = lead;
  }
  for (; pos < ip.size(); pos += 9) put(std::stoul(ip.substr(pos, 9)), 4);
  size_t f = 0;
  for (; f + 9 <= fp.size(); f += 9) put(std::stoul(fp.substr(f, 9)), 4);
  if (f < fp.size()) put(std::stoul(fp.substr(f)), kDig2Bytes[fp.size() - f]);
  if (neg) {
    for (char& c : out) c = static_cast<char>(~c);
  }
  out[0] = static_cast<char>(out[0] ^ 0x80);
  return out;
}

struct Case {
  std::string schema;   // field schema JSON (with "field":"c")
  std::string payload;  // value JSON
};

class TypeMappingTest : public ::testing::Test {
 protected:
  // Builds a one-column table and renders `v` through the value plan.
  Case Run(const event::Column& column, const Value& v, const EncoderOptions& o = {}) {
    auto t = std::make_shared<event::TableSchema>();
    t->id = {"db", "t"};
    t->columns.push_back(column);
    t->columns.back().name = "c";
    auto f = ColumnFilters::Create(o.filters);
    auto enc = BuildTableEncoding(t, o, *f);
    EXPECT_TRUE(enc.has_value());
    Case c;
    if ((*enc)->value_columns.empty()) return c;
    const ColumnPlan& p = (*enc)->value_columns[0];
    AppendSchemaJson(p.schema, &c.schema, &p.field_name);
    std::string scratch;
    Status s = AppendColumnJson(p, v, o.value_converter.replace_null_with_default, &c.payload, &scratch);
    if (!s.ok()) c.payload = "<" + s.ToString() + ">";
    return c;
  }
  static event::Column C(SqlType type, std::string name, bool nullable = false) {
    return Col("c", type, std::move(name), nullable);
  }
};

TEST_F(TypeMappingTest, BooleanTinyIntAndBit) {
  auto r = Run(C(SqlType::kBoolean, "BOOLEAN"), Int(1));
  EXPECT_EQ(r.schema, R"({"type":"boolean","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "true");

  event::Column t1 = C(SqlType::kTinyInt, "TINYINT");
  t1.length = 1;
  r = Run(t1, Int(1));
  EXPECT_EQ(r.schema, R"({"type":"int16","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "1");

  r = Run(C(SqlType::kTinyInt, "TINYINT"), Int(-5));
  EXPECT_EQ(r.payload, "-5");
  event::Column tu = C(SqlType::kTinyInt, "TINYINT");
  tu.is_unsigned = true;
  r = Run(tu, Int(-56));  // 200 read as signed by a decoder without signedness metadata
  EXPECT_EQ(r.schema, R"({"type":"int16","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "200");

  event::Column b1 = C(SqlType::kBit, "BIT");
  b1.length = 1;
  Value bit1 = Bytes("\x01", ValueKind::kBit);
  bit1.bits = 1;
  r = Run(b1, bit1);
  EXPECT_EQ(r.schema, R"({"type":"boolean","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "true");

  event::Column b16 = C(SqlType::kBit, "BIT");
  b16.length = 16;
  Value bits = Bytes(std::string_view("\x01\x02", 2), ValueKind::kBit);
  bits.bits = 16;
  r = Run(b16, bits);
  EXPECT_EQ(r.schema,
            R"({"type":"bytes","optional":false,"name":"io.debezium.data.Bits","version":1,"parameters":{"length":"16"},"field":"c"})");
  EXPECT_EQ(r.payload, "\"AgE=\"");  // little-endian 0x02 0x01

  event::Column b10 = C(SqlType::kBit, "BIT");
  b10.length = 10;
  Value one = Bytes(std::string_view("\x00\x01", 2), ValueKind::kBit);
  r = Run(b10, one);
  EXPECT_EQ(r.payload, "\"AQA=\"");
}

TEST_F(TypeMappingTest, Integers) {
  struct {
    SqlType t;
    const char* name;
    bool is_unsigned;
    const char* type;
    Value v;
    const char* json;
  } cases[] = {
      {SqlType::kSmallInt, "SMALLINT", false, "int16", Int(-32768), "-32768"},
      {SqlType::kSmallInt, "SMALLINT", true, "int32", UInt(65535), "65535"},
      {SqlType::kMediumInt, "MEDIUMINT", false, "int32", Int(-8388608), "-8388608"},
      {SqlType::kMediumInt, "MEDIUMINT", true, "int32", Int(-1), "16777215"},
      {SqlType::kInt, "INT", false, "int32", Int(2147483647), "2147483647"},
      {SqlType::kInt, "INT", true, "int64", UInt(4294967295u), "4294967295"},
      {SqlType::kBigInt, "BIGINT", false, "int64", Int(INT64_MIN), "-9223372036854775808"},
      {SqlType::kBigInt, "BIGINT", true, "int64", UInt(18446744073709551615u), "-1"},
  };
  for (auto& c : cases) {
    event::Column col = C(c.t, c.name);
    col.is_unsigned = c.is_unsigned;
    auto r = Run(col, c.v);
    EXPECT_EQ(r.schema, std::string(R"({"type":")") + c.type + R"(","optional":false,"field":"c"})")
        << c.name;
    EXPECT_EQ(r.payload, c.json) << c.name;
  }
  EncoderOptions precise;
  precise.bigint_unsigned_mode = BigIntUnsignedMode::kPrecise;
  event::Column bu = C(SqlType::kBigInt, "BIGINT");
  bu.is_unsigned = true;
  auto r = Run(bu, UInt(18446744073709551615u), precise);
  EXPECT_EQ(r.schema,
            R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"0","connect.decimal.precision":"20"},"field":"c"})");
  EXPECT_EQ(r.payload, "\"AP//////////\"");  // 0x00 ff*8
}

TEST_F(TypeMappingTest, FloatingPoint) {
  Value f;
  f.kind = ValueKind::kFloat;
  f.s.f = 1.5f;
  auto r = Run(C(SqlType::kFloat, "FLOAT"), f);
  EXPECT_EQ(r.schema, R"({"type":"float","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "1.5");
  event::Column fmd = C(SqlType::kFloat, "FLOAT");
  fmd.length = 10;
  fmd.scale = 2;
  f.s.f = 1.1f;
  r = Run(fmd, f);
  EXPECT_EQ(r.schema, R"({"type":"double","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "1.100000023841858");
  Value d;
  d.kind = ValueKind::kDouble;
  d.s.d = 1.0e10;
  r = Run(C(SqlType::kDouble, "DOUBLE"), d);
  EXPECT_EQ(r.schema, R"({"type":"double","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "1.0E10");
}

TEST_F(TypeMappingTest, DecimalInEveryMode) {
  event::Column col = C(SqlType::kDecimal, "DECIMAL");
  col.length = 10;
  col.scale = 2;
  auto dec = [](const std::string& bin) {
    Value v;
    v.kind = ValueKind::kDecimal;
    v.precision = 10;
    v.scale = 2;
    v.bytes = bin;
    return v;
  };
  std::string b1200 = MySqlDecimal("1200.00", 10, 2), b0 = MySqlDecimal("0", 10, 2),
              bneg = MySqlDecimal("-123.45", 10, 2), bpos = MySqlDecimal("123.45", 10, 2);
  auto r = Run(col, dec(b1200));
  EXPECT_EQ(r.schema,
            R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"c"})");
  EXPECT_EQ(r.payload, "\"AdTA\"");
  EXPECT_EQ(Run(col, dec(b0)).payload, "\"AA==\"");
  EXPECT_EQ(Run(col, dec(bneg)).payload, "\"z8c=\"");
  EXPECT_EQ(Run(col, dec(bpos)).payload, "\"MDk=\"");

  EncoderOptions dbl;
  dbl.decimal_mode = DecimalMode::kDouble;
  r = Run(col, dec(b1200), dbl);
  EXPECT_EQ(r.schema, R"({"type":"double","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "1200.0");
  EncoderOptions str;
  str.decimal_mode = DecimalMode::kString;
  r = Run(col, dec(b1200), str);
  EXPECT_EQ(r.schema, R"({"type":"string","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "\"1200.00\"");
  EncoderOptions numeric;
  numeric.value_converter.decimal_numeric = true;
  EXPECT_EQ(Run(col, dec(bneg), numeric).payload, "-123.45");
}

// The snapshot reader's DECIMAL text (kDecimalText) against the binlog's binary form
// (kDecimal) of the same value: identical JSON in every decimal.handling.mode, with
// Connect's Decimal as base64 bytes and as decimal.format=NUMERIC.
TEST_F(TypeMappingTest, DecimalTextAsTheBinaryForm) {
  std::mt19937 rng(6);
  EncoderOptions precise, numeric, dbl, str;
  numeric.value_converter.decimal_numeric = true;
  dbl.decimal_mode = DecimalMode::kDouble;
  str.decimal_mode = DecimalMode::kString;
  const EncoderOptions* modes[] = {&precise, &numeric, &dbl, &str};
  auto check = [&](const std::string& text, int p, int sc) {
    std::string bin;
    ASSERT_TRUE(mysql::AppendDecimalBinary(text, p, sc, &bin).ok()) << text;
    std::string canonical;
    ASSERT_TRUE(mysql::AppendDecimalText(bin, p, sc, &canonical).ok());
    event::Column col = C(SqlType::kDecimal, "DECIMAL", true);
    col.length = p;
    col.scale = sc;
    Value b;
    b.kind = ValueKind::kDecimal;
    b.precision = static_cast<uint8_t>(p);
    b.scale = static_cast<uint8_t>(sc);
    b.bytes = bin;
    Value t = b;
    t.kind = ValueKind::kDecimalText;
    t.bytes = canonical;
    for (const EncoderOptions* o : modes) {
      Case from_binary = Run(col, b, *o), from_text = Run(col, t, *o);
      ASSERT_EQ(from_text.payload, from_binary.payload) << canonical << " DECIMAL(" << p << ","
                                                        << sc << ")";
      ASSERT_EQ(from_binary.payload.front() == '<', false) << from_binary.payload;
    }
  };
  for (const char* text : {"0", "5", "-5", "12.5", "-0.5", "0.01", "-1200", "99999.99"}) {
    check(text, 12, 2);
    check(text, 7, 2);
  }
  check("0", 5, 0);
  check("-99999", 5, 0);
  check("0.5", 1, 1);
  check(std::string(65, '9'), 65, 0);
  check("-" + std::string(65, '9'), 65, 0);
  check(std::string(35, '9') + "." + std::string(30, '9'), 65, 30);
  check("-0." + std::string(29, '0') + "1", 65, 30);
  for (int i = 0; i < 5000; ++i) {
    const int p = 1 + static_cast<int>(rng() % 65);
    const int sc = static_cast<int>(rng() % (std::min(p, 30) + 1));
    std::string text = rng() % 2 ? "-" : "";
    const int n_int = static_cast<int>(rng() % (p - sc + 1));
    for (int k = 0; k < n_int; ++k) text.push_back(static_cast<char>('0' + rng() % 10));
    if (n_int == 0) text.push_back('0');
    if (sc > 0) {
      text.push_back('.');
      const int n_frac = static_cast<int>(rng() % (sc + 1));
      for (int k = 0; k < n_frac; ++k) text.push_back(static_cast<char>('0' + rng() % 10));
      if (n_frac == 0) text.push_back('0');
    }
    check(text, p, sc);
    if (HasFatalFailure()) return;
  }
}

// ASCII text in an ASCII-compatible character set is escaped straight from the row's
// bytes; everything else is converted first. Both give what the conversion gives.
TEST_F(TypeMappingTest, AsciiTextAsConverted) {
  event::Column col = C(SqlType::kVarchar, "VARCHAR", true);
  const std::string_view texts[] = {"", "plain ascii", "tab\there \"q\" back\\slash\n",
                                    std::string_view("nul\0and\x01\x1f", 10),
                                    "exactly8", "sixteen bytes!!!", "caf\xe9", "\xc3\xa9t\xc3\xa9",
                                    "\xf0\x9f\x98\x80 emoji", "a\x80" "b", std::string_view("\x00" "A", 2)};
  // utf8mb4, utf8mb3, latin1, ascii, binary-collated text, ucs2, sjis, unknown (0 → UTF-8)
  for (uint16_t cs : {45, 33, 8, 11, 63, 35, 13, 0}) {
    for (std::string_view t : texts) {
      Value v = Str(t, cs);
      std::string utf8;
      Status conv = mysql::AppendUtf8(t, cs == 0 ? 45 : cs, &utf8);
      if (!conv.ok()) continue;
      std::string want;
      AppendJsonStringLiteral(utf8, &want);
      EXPECT_EQ(Run(col, v).payload, want) << "collation " << cs << " text '" << t << "'";
    }
  }
}

TEST_F(TypeMappingTest, StringsInTheirCharset) {
  event::Column v = C(SqlType::kVarchar, "VARCHAR", true);
  v.charset = "latin1";
  auto r = Run(v, Str("caf\xe9", 8 /* latin1_swedish_ci */));
  EXPECT_EQ(r.schema, R"({"type":"string","optional":true,"field":"c"})");
  EXPECT_EQ(r.payload, "\"café\"");
  r = Run(v, Str("caf\xe9", 0));  // no collation in the event: the column's charset
  EXPECT_EQ(r.payload, "\"café\"");
  EXPECT_EQ(Run(v, Null()).payload, "null");
}

TEST_F(TypeMappingTest, BinaryInEveryMode) {
  event::Column b = C(SqlType::kVarbinary, "VARBINARY");
  Value v = Bytes(std::string_view("\x01\xfb\xff", 3));
  auto r = Run(b, v);
  EXPECT_EQ(r.schema, R"({"type":"bytes","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "\"Afv/\"");
  EncoderOptions o;
  o.binary_mode = BinaryMode::kBase64;
  r = Run(b, v, o);
  EXPECT_EQ(r.schema, R"({"type":"string","optional":false,"field":"c"})");
  EXPECT_EQ(r.payload, "\"Afv/\"");
  o.binary_mode = BinaryMode::kBase64UrlSafe;
  EXPECT_EQ(Run(b, v, o).payload, "\"Afv_\"");
  o.binary_mode = BinaryMode::kHex;
  EXPECT_EQ(Run(b, v, o).payload, "\"01fbff\"");
}

TEST_F(TypeMappingTest, JsonEnumSetYear) {
  using namespace mysql::testing;  // NOLINT
  static const std::string doc =
      JDoc(JObject({{"a", JInt16(1)},
                    {"b", JArray({JInt16(1), JDouble(1e20), JString("x\"\n"), JDouble(0.5),
                                  JBool(true), JNull()})}}));
  Value j = Bytes(doc, ValueKind::kJsonBinary);
  auto r = Run(C(SqlType::kJson, "JSON"), j);
  EXPECT_EQ(r.schema, R"({"type":"string","optional":false,"name":"io.debezium.data.Json","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, R"("{\"a\":1,\"b\":[1,100000000000000000000,\"x\\\"\\n\",0.5,true,null]}")");
  EXPECT_EQ(Run(C(SqlType::kJson, "JSON", true), Bytes("", ValueKind::kJsonBinary)).payload, "null");
  EXPECT_EQ(Run(C(SqlType::kJson, "JSON"), Bytes("", ValueKind::kJsonBinary)).payload, "\"{}\"");

  event::Column e = C(SqlType::kEnum, "ENUM");
  e.enum_values = {"a", "b"};
  Value ev;
  ev.kind = ValueKind::kEnum;
  ev.s.u = 2;
  r = Run(e, ev);
  EXPECT_EQ(r.schema, R"({"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"a,b"},"field":"c"})");
  EXPECT_EQ(r.payload, "\"b\"");
  ev.s.u = 0;
  EXPECT_EQ(Run(e, ev).payload, "\"\"");

  event::Column s = C(SqlType::kSet, "SET");
  s.enum_values = {"a", "b", "c"};
  Value sv;
  sv.kind = ValueKind::kSet;
  sv.s.u = 5;
  r = Run(s, sv);
  EXPECT_EQ(r.schema, R"({"type":"string","optional":false,"name":"io.debezium.data.EnumSet","version":1,"parameters":{"allowed":"a,b,c"},"field":"c"})");
  EXPECT_EQ(r.payload, "\"a,c\"");

  Value y;
  y.kind = ValueKind::kYear;
  y.s.i = 2018;
  r = Run(C(SqlType::kYear, "YEAR"), y);
  EXPECT_EQ(r.schema, R"({"type":"int32","optional":false,"name":"io.debezium.time.Year","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "2018");
}

Value DateV(int y, int m, int d) {
  Value v;
  v.kind = ValueKind::kDate;
  v.s.date = {static_cast<uint16_t>(y), static_cast<uint8_t>(m), static_cast<uint8_t>(d)};
  return v;
}
Value TimeV(bool neg, int h, int mi, int s, int us) {
  Value v;
  v.kind = ValueKind::kTime;
  v.s.time = {neg, static_cast<uint32_t>(h), static_cast<uint8_t>(mi), static_cast<uint8_t>(s),
              static_cast<uint32_t>(us)};
  return v;
}
Value DateTimeV(int y, int mo, int d, int h, int mi, int s, int us) {
  Value v;
  v.kind = ValueKind::kDateTime;
  v.s.datetime = {static_cast<uint16_t>(y), static_cast<uint8_t>(mo), static_cast<uint8_t>(d),
                  static_cast<uint8_t>(h),  static_cast<uint8_t>(mi), static_cast<uint8_t>(s),
                  static_cast<uint32_t>(us)};
  return v;
}
Value TimestampV(int64_t sec, uint32_t us) {
  Value v;
  v.kind = ValueKind::kTimestamp;
  v.s.timestamp = {sec, us};
  return v;
}

TEST_F(TypeMappingTest, TemporalAdaptiveTimeMicroseconds) {
  auto r = Run(C(SqlType::kDate, "DATE"), DateV(2018, 6, 20));
  EXPECT_EQ(r.schema, R"({"type":"int32","optional":false,"name":"io.debezium.time.Date","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "17702");
  r = Run(C(SqlType::kTime, "TIME"), TimeV(false, 6, 37, 3, 0));
  EXPECT_EQ(r.schema, R"({"type":"int64","optional":false,"name":"io.debezium.time.MicroTime","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "23823000000");
  EXPECT_EQ(Run(C(SqlType::kTime, "TIME"), TimeV(true, 838, 59, 59, 0)).payload, "-3020399000000");
  r = Run(C(SqlType::kDateTime, "DATETIME"), DateTimeV(2018, 6, 20, 6, 37, 3, 0));
  EXPECT_EQ(r.schema, R"({"type":"int64","optional":false,"name":"io.debezium.time.Timestamp","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "1529476623000");
  event::Column dt6 = C(SqlType::kDateTime, "DATETIME");
  dt6.length = 6;
  r = Run(dt6, DateTimeV(2018, 6, 20, 6, 37, 3, 123456));
  EXPECT_EQ(r.schema, R"({"type":"int64","optional":false,"name":"io.debezium.time.MicroTimestamp","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "1529476623123456");
  event::Column dt3 = C(SqlType::kDateTime, "DATETIME");
  dt3.length = 3;
  EXPECT_EQ(Run(dt3, DateTimeV(1969, 12, 31, 23, 59, 59, 500000)).payload, "-500");
}

TEST_F(TypeMappingTest, ZonedTimestampWidths) {
  event::Column ts = C(SqlType::kTimestamp, "TIMESTAMP");
  auto r = Run(ts, TimestampV(1673397250, 0));
  EXPECT_EQ(r.schema, R"({"type":"string","optional":false,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "\"2023-01-11T00:34:10Z\"");
  EXPECT_EQ(Run(ts, TimestampV(1673397250, 123000)).payload, "\"2023-01-11T00:34:10.123Z\"");
  EXPECT_EQ(Run(ts, TimestampV(1673397250, 123450)).payload, "\"2023-01-11T00:34:10.12345Z\"");
  EXPECT_EQ(Run(ts, TimestampV(1673397250, 123456)).payload, "\"2023-01-11T00:34:10.123456Z\"");
  ts.length = 3;
  EXPECT_EQ(Run(ts, TimestampV(1673397250, 10000)).payload, "\"2023-01-11T00:34:10.010Z\"");
  ts.length = 6;
  EXPECT_EQ(Run(ts, TimestampV(1673397250, 0)).payload, "\"2023-01-11T00:34:10.000000Z\"");
}

TEST_F(TypeMappingTest, ZeroDatesNullOrEpoch) {
  EXPECT_EQ(Run(C(SqlType::kDate, "DATE", true), DateV(0, 0, 0)).payload, "null");
  EXPECT_EQ(Run(C(SqlType::kDate, "DATE", false), DateV(0, 0, 0)).payload, "0");
  EXPECT_EQ(Run(C(SqlType::kDateTime, "DATETIME", false), DateTimeV(0, 0, 0, 0, 0, 0, 0)).payload,
            "0");
  EXPECT_EQ(Run(C(SqlType::kTimestamp, "TIMESTAMP", false), TimestampV(0, 0)).payload,
            "\"1970-01-01T00:00:00Z\"");
  // Real Debezium 3.5 (tests/compat) writes the epoch for a zero TIMESTAMP even when the
  // column is nullable: it is stored as 0 seconds, not as a zero date.
  EXPECT_EQ(Run(C(SqlType::kTimestamp, "TIMESTAMP", true), TimestampV(0, 0)).payload,
            "\"1970-01-01T00:00:00Z\"");
}

TEST_F(TypeMappingTest, TemporalAdaptiveAndConnect) {
  EncoderOptions adaptive;
  adaptive.time_precision_mode = TimePrecisionMode::kAdaptive;
  auto r = Run(C(SqlType::kTime, "TIME"), TimeV(false, 6, 37, 3, 0), adaptive);
  EXPECT_EQ(r.schema, R"({"type":"int32","optional":false,"name":"io.debezium.time.Time","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "23823000");
  event::Column t6 = C(SqlType::kTime, "TIME");
  t6.length = 6;
  EXPECT_EQ(Run(t6, TimeV(false, 0, 0, 1, 5), adaptive).schema,
            R"({"type":"int64","optional":false,"name":"io.debezium.time.MicroTime","version":1,"field":"c"})");

  EncoderOptions connect;
  connect.time_precision_mode = TimePrecisionMode::kConnect;
  r = Run(C(SqlType::kDate, "DATE"), DateV(2018, 6, 20), connect);
  EXPECT_EQ(r.schema, R"({"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "17702");
  r = Run(C(SqlType::kTime, "TIME"), TimeV(false, 6, 37, 3, 0), connect);
  EXPECT_EQ(r.schema, R"({"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "23823000");
  event::Column dt6 = C(SqlType::kDateTime, "DATETIME");
  dt6.length = 6;
  r = Run(dt6, DateTimeV(2018, 6, 20, 6, 37, 3, 123456), connect);
  EXPECT_EQ(r.schema, R"({"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"c"})");
  EXPECT_EQ(r.payload, "1529476623123");
}

TEST_F(TypeMappingTest, GeometryAndPoint) {
  // SRID 4326 + WKB POINT(1 2) little-endian.
  std::string g("\xE6\x10\x00\x00\x01\x01\x00\x00\x00", 9);
  double x = 1, y = 2;
  uint64_t ux = std::bit_cast<uint64_t>(x), uy = std::bit_cast<uint64_t>(y);
  for (int i = 0; i < 8; ++i) g.push_back(static_cast<char>(ux >> (8 * i)));
  for (int i = 0; i < 8; ++i) g.push_back(static_cast<char>(uy >> (8 * i)));
  Value v = Bytes(g, ValueKind::kGeometry);
  auto r = Run(C(SqlType::kGeometry, "GEOMETRY"), v);
  EXPECT_EQ(r.schema, R"({"type":"struct","fields":[{"type":"bytes","optional":false,"field":"wkb"},{"type":"int32","optional":true,"field":"srid"}],"optional":true,"name":"io.debezium.data.geometry.Geometry","version":1,"doc":"Geometry","field":"c"})");
  EXPECT_EQ(r.payload, R"({"wkb":"AQEAAAAAAAAAAADwPwAAAAAAAABA","srid":4326})");
  r = Run(C(SqlType::kGeometry, "POINT"), v);
  EXPECT_EQ(r.schema, R"J({"type":"struct","fields":[{"type":"double","optional":false,"field":"x"},{"type":"double","optional":false,"field":"y"},{"type":"bytes","optional":true,"field":"wkb"},{"type":"int32","optional":true,"field":"srid"}],"optional":false,"name":"io.debezium.data.geometry.Point","version":1,"doc":"Geometry (POINT)","field":"c"})J");
  EXPECT_EQ(r.payload, R"({"x":1.0,"y":2.0,"wkb":"AQEAAAAAAAAAAADwPwAAAAAAAABA","srid":4326})");
}

TEST_F(TypeMappingTest, DefaultsAndReplaceNullWithDefault) {
  event::Column s = C(SqlType::kVarchar, "VARCHAR", true);
  s.default_value = "x";
  auto r = Run(s, Null());
  EXPECT_EQ(r.schema, R"({"type":"string","optional":true,"default":"x","field":"c"})");
  EXPECT_EQ(r.payload, "\"x\"");
  EncoderOptions keep;
  keep.value_converter.replace_null_with_default = false;
  EXPECT_EQ(Run(s, Null(), keep).payload, "null");

  event::Column ts = C(SqlType::kTimestamp, "TIMESTAMP", false);
  ts.default_value = "CURRENT_TIMESTAMP";
  EXPECT_EQ(Run(ts, TimestampV(1, 0)).schema,
            R"({"type":"string","optional":false,"name":"io.debezium.time.ZonedTimestamp","version":1,"default":"1970-01-01T00:00:00Z","field":"c"})");
  event::Column tsn = C(SqlType::kTimestamp, "TIMESTAMP", true);
  tsn.default_value = "CURRENT_TIMESTAMP";
  EXPECT_EQ(Run(tsn, TimestampV(1, 0)).schema,
            R"({"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"c"})");
  event::Column ts3 = C(SqlType::kTimestamp, "TIMESTAMP", false);
  ts3.length = 3;
  ts3.default_value = "2020-01-02 03:04:05.5";
  EXPECT_NE(Run(ts3, TimestampV(1, 0)).schema.find(R"("default":"2020-01-02T03:04:05.500Z")"),
            std::string::npos);

  event::Column i = C(SqlType::kInt, "INT", false);
  i.default_value = "7";
  EXPECT_EQ(Run(i, Int(1)).schema, R"({"type":"int32","optional":false,"default":7,"field":"c"})");
  event::Column d = C(SqlType::kDecimal, "DECIMAL", false);
  d.length = 10;
  d.scale = 2;
  d.default_value = "1200";
  EXPECT_NE(Run(d, Null()).schema.find(R"("default":"AdTA")"), std::string::npos);
  event::Column dz = C(SqlType::kDate, "DATE", false);
  dz.default_value = "0000-00-00";
  EXPECT_NE(Run(dz, Null()).schema.find(R"("default":0)"), std::string::npos);
  event::Column dzn = C(SqlType::kDate, "DATE", true);
  dzn.default_value = "0000-00-00";
  EXPECT_EQ(Run(dzn, Null()).schema.find("default"), std::string::npos);
  event::Column b = C(SqlType::kBoolean, "BOOLEAN", false);
  b.default_value = "TRUE";
  EXPECT_NE(Run(b, Null()).schema.find(R"("default":true)"), std::string::npos);
  event::Column e = C(SqlType::kVarchar, "VARCHAR", false);
  e.default_value = "(uuid())";
  e.default_is_expression = true;
  EXPECT_EQ(Run(e, Null()).schema, R"({"type":"string","optional":false,"field":"c"})");
  event::Column f = C(SqlType::kFloat, "FLOAT", false);
  f.default_value = "1.1";
  EXPECT_NE(Run(f, Null()).schema.find(R"("default":1.1)"), std::string::npos);
  event::Column bit = C(SqlType::kBit, "BIT", false);
  bit.length = 16;
  bit.default_value = "b'0000000100000010'";
  EXPECT_NE(Run(bit, Null()).schema.find(R"("default":"AgE=")"), std::string::npos);
  event::Column dt = C(SqlType::kDateTime, "DATETIME", false);
  dt.default_value = "2018-06-20 06:37:03";
  EXPECT_NE(Run(dt, Null()).schema.find(R"("default":1529476623000)"), std::string::npos);
  // A null in a required column becomes its default (Debezium's convertValue).
  EXPECT_EQ(Run(dt, Null()).payload, "1529476623000");
}

TEST_F(TypeMappingTest, PropagateSourceTypeAndComments) {
  EncoderOptions o;
  o.filters.propagate_source_type = "db\\.t\\..*";
  o.include_schema_comments = true;
  event::Column d = C(SqlType::kDecimal, "DECIMAL", true);
  d.length = 10;
  d.scale = 2;
  d.comment = "price";
  auto r = Run(d, Null(), o);
  EXPECT_EQ(r.schema,
            R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"doc":"price","parameters":{"scale":"2","connect.decimal.precision":"10","__debezium.source.column.type":"DECIMAL","__debezium.source.column.length":"10","__debezium.source.column.scale":"2","__debezium.source.column.comment":"price","__debezium.source.column.name":"c"},"field":"c"})");
}

TEST_F(TypeMappingTest, TwosComplement) {
  auto tc = [](std::string_view digits, bool neg) {
    std::string s;
    AppendTwosComplement(digits, neg, &s);
    std::string hex;
    for (unsigned char c : s) {
      static const char* k = "0123456789abcdef";
      hex.push_back(k[c >> 4]);
      hex.push_back(k[c & 15]);
    }
    return hex;
  };
  EXPECT_EQ(tc("0", false), "00");
  EXPECT_EQ(tc("127", false), "7f");
  EXPECT_EQ(tc("128", false), "0080");
  EXPECT_EQ(tc("128", true), "80");
  EXPECT_EQ(tc("129", true), "ff7f");
  EXPECT_EQ(tc("1", true), "ff");
  EXPECT_EQ(tc("256", true), "ff00");
  EXPECT_EQ(tc("12345", true), "cfc7");
  EXPECT_EQ(tc("99999999999999999999999999999999999999999999999999999999999999999", false),
            "00f316271c7fc3908a8bef464e3945ef7a253609ffffffffffffffff");
}

}  // namespace
}  // namespace tributary::format::debezium
