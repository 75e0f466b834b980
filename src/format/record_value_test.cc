#include "format/record_value.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "config/connector_config.h"

namespace tributary::format {
namespace {

// formats.md 2.4: a Debezium 3.0.7 create event with JsonConverter schemas.enable=true.
constexpr std::string_view kDebeziumSchema =
    R"({"type":"struct","fields":[{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":true,"name":"test.test.t_test.Value","field":"before"},{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":true,"name":"test.test.t_test.Value","field":"after"},{"type":"struct","fields":[{"type":"string","optional":false,"field":"version"},{"type":"string","optional":false,"field":"connector"},{"type":"string","optional":false,"field":"name"},{"type":"int64","optional":false,"field":"ts_ms"},{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"default":"false","field":"snapshot"},{"type":"string","optional":false,"field":"db"},{"type":"string","optional":true,"field":"sequence"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"},{"type":"string","optional":true,"field":"table"},{"type":"int64","optional":false,"field":"server_id"},{"type":"string","optional":true,"field":"gtid"},{"type":"string","optional":false,"field":"file"},{"type":"int64","optional":false,"field":"pos"},{"type":"int32","optional":false,"field":"row"},{"type":"int64","optional":true,"field":"thread"},{"type":"string","optional":true,"field":"query"}],"optional":false,"name":"io.debezium.connector.mysql.Source","field":"source"},{"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"total_order"},{"type":"int64","optional":false,"field":"data_collection_order"}],"optional":true,"name":"event.block","version":1,"field":"transaction"},{"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"}],"optional":false,"name":"test.test.t_test.Envelope","version":2})";
constexpr std::string_view kDebeziumPayload =
    R"({"before":null,"after":{"id":14},"source":{"version":"3.0.7.Final","connector":"mysql","name":"test","ts_ms":1741000296000,"snapshot":"false","db":"test","sequence":null,"ts_us":1741000296000000,"ts_ns":1741000296000000000,"table":"t_test","server_id":1,"gtid":null,"file":"binlog.000004","pos":3134,"row":0,"thread":12,"query":null},"transaction":null,"op":"c","ts_ms":1741000296823,"ts_us":1741000296823752,"ts_ns":1741000296823752600})";

SinkRecord Record(std::string_view value, int64_t offset = 7) {
  SinkRecord r;
  r.topic = "test.test.t_test";
  r.partition = 2;
  r.offset = offset;
  r.value = value;
  return r;
}

TEST(RecordValue, DebeziumEnvelopeWithSchema) {
  std::string msg = "{\"schema\":" + std::string(kDebeziumSchema) +
                    ",\"payload\":" + std::string(kDebeziumPayload) + "}";
  RecordValueParser parser;
  auto v = parser.Parse(Record(msg));
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  EXPECT_EQ(v->kind, ValueKind::kEnveloped);
  ASSERT_TRUE(v->schema);
  EXPECT_EQ(v->schema->name, "test.test.t_test.Envelope");
  EXPECT_EQ(v->schema->version, 2);
  ASSERT_EQ(v->schema->fields.size(), 8u);
  const ConnectSchema* snapshot = v->SchemaAt("source.snapshot");
  ASSERT_NE(snapshot, nullptr);
  EXPECT_EQ(snapshot->name, "io.debezium.data.Enum");
  EXPECT_TRUE(snapshot->optional);
  ASSERT_TRUE(snapshot->default_value);
  EXPECT_EQ(snapshot->default_value->root().text(), "false");
  EXPECT_EQ(snapshot->Parameter("allowed")->substr(0, 5), "true,");
  ASSERT_TRUE(v->debezium.has_value());
  EXPECT_EQ(v->debezium->op, 'c');
  EXPECT_EQ(v->debezium->row().Get("id").AsInt64(), 14);
  ASSERT_NE(v->debezium->row_schema, nullptr);
  EXPECT_EQ(v->debezium->row_schema->name, "test.test.t_test.Value");
  EXPECT_EQ(v->Find("source.ts_ms").AsInt64(), 1741000296000);
  EXPECT_EQ(v->Find("after.id").text(), "14");
  EXPECT_EQ(v->Find("ts_ns").text(), "1741000296823752600");
  EXPECT_FALSE(v->Find("after.nope").valid());
  EXPECT_FALSE(v->Find("op.x").valid());

  // Same schema text again: served from the cache.
  auto again = parser.Parse(Record(msg, 8));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(parser.schema_cache_misses(), 1u);
  EXPECT_EQ(parser.schema_cache_hits(), 1u);
  EXPECT_EQ(again->schema.get(), v->schema.get());
}

TEST(RecordValue, PayloadFirstAndWhitespace) {
  std::string msg =
      " { \"payload\" : {\"a\":1} ,\n \"schema\" : {\"type\":\"struct\",\"fields\":"
      "[{\"type\":\"int32\",\"field\":\"a\"}]} } ";
  RecordValueParser parser;
  auto v = parser.Parse(Record(msg));
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  EXPECT_EQ(v->kind, ValueKind::kEnveloped);
  ASSERT_TRUE(v->schema);
  EXPECT_EQ(v->schema->fields[0].name, "a");
  EXPECT_EQ(v->payload.Get("a").AsInt64(), 1);
}

TEST(RecordValue, PlainJsonAndModes) {
  RecordValueParser parser;
  auto v = parser.Parse(Record(kDebeziumPayload));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->kind, ValueKind::kPlain);
  EXPECT_FALSE(v->schema);
  ASSERT_TRUE(v->debezium.has_value());
  EXPECT_EQ(v->debezium->row_schema, nullptr);

  // Three members: not an envelope.
  auto three = parser.Parse(Record(R"({"schema":null,"payload":1,"x":2})"));
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->kind, ValueKind::kPlain);

  RecordValueParser never({.envelope = EnvelopeMode::kNever});
  auto plain = never.Parse(Record(R"({"schema":null,"payload":1})"));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->kind, ValueKind::kPlain);
  EXPECT_EQ(plain->payload.Get("payload").AsInt64(), 1);

  RecordValueParser required({.envelope = EnvelopeMode::kRequired});
  auto bad = required.Parse(Record(R"({"id":1})"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("schemas.enable"), std::string::npos);

  auto null_schema = parser.Parse(Record(R"({"schema":null,"payload":"hi"})"));
  ASSERT_TRUE(null_schema.has_value());
  EXPECT_EQ(null_schema->kind, ValueKind::kEnveloped);
  EXPECT_FALSE(null_schema->schema);
  EXPECT_EQ(null_schema->payload.text(), "hi");
}

TEST(RecordValue, OptionsFromConfig) {
  config::ConnectorConfig c;
  c.values["value.converter.schemas.enable"].value = "true";  // a default, not written
  EXPECT_EQ(RecordValueOptions::FromConfig(c).envelope, EnvelopeMode::kAuto);
  c.values["value.converter.schemas.enable"].is_explicit = true;
  EXPECT_EQ(RecordValueOptions::FromConfig(c).envelope, EnvelopeMode::kRequired);
  c.values["value.converter.schemas.enable"].value = "false";
  EXPECT_EQ(RecordValueOptions::FromConfig(c).envelope, EnvelopeMode::kNever);
  c.values["schemas.cache.config"].value = "5";
  EXPECT_EQ(RecordValueOptions::FromConfig(c).schema_cache_size, 5u);
}

// AsInt64 reads up to 18 digits inline and longer texts with from_chars: the same values
// either way, and nothing outside int64.
TEST(RecordValue, AsInt64AtTheEdges) {
  RecordValueParser parser;
  auto v = parser.Parse(Record(
      "[0,-0,7,-7,999999999999999999,-999999999999999999,1000000000000000000,"
      "9223372036854775807,-9223372036854775808,9223372036854775808,-9223372036854775809,"
      "1.0,1e3]"));
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  std::vector<std::optional<int64_t>> got;
  for (JsonView c = v->payload.first_child(); c.valid(); c = c.next_sibling()) {
    got.push_back(c.AsInt64());
  }
  std::vector<std::optional<int64_t>> want = {0,
                                              0,
                                              7,
                                              -7,
                                              999999999999999999LL,
                                              -999999999999999999LL,
                                              1000000000000000000LL,
                                              INT64_MAX,
                                              INT64_MIN,
                                              std::nullopt,
                                              std::nullopt,
                                              std::nullopt,
                                              std::nullopt};
  EXPECT_EQ(got, want);
  // Every integer of 1 to 19 digits, both signs, against from_chars.
  std::mt19937_64 rnd(7);
  for (int i = 0; i < 20000; ++i) {
    int digits = 1 + static_cast<int>(rnd() % 19);
    std::string t = (rnd() % 2) ? "-" : "";
    t += static_cast<char>('1' + rnd() % 9);
    for (int k = 1; k < digits; ++k) t += static_cast<char>('0' + rnd() % 10);
    auto p = parser.Parse(Record(t));
    ASSERT_TRUE(p.has_value()) << t;
    int64_t ref = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), ref);
    std::optional<int64_t> expect;
    if (ec == std::errc() && end == t.data() + t.size()) expect = ref;
    EXPECT_EQ(p->payload.AsInt64(), expect) << t;
  }
}

TEST(RecordValue, ScalarsStringsAndNumbers) {
  RecordValueParser parser;
  auto s = parser.Parse(Record(R"("a\"b\u00e9\ud83d\ude00")"));
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->payload.text(), "a\"b\xc3\xa9\xf0\x9f\x98\x80");
  auto n = parser.Parse(Record("123456789012345678901234567890"));
  ASSERT_TRUE(n.has_value()) << n.error().ToString();
  EXPECT_TRUE(n->payload.is_integer());
  EXPECT_FALSE(n->payload.AsInt64().has_value());
  EXPECT_EQ(n->payload.text(), "123456789012345678901234567890");
  auto d = parser.Parse(Record("[1.50,-2e3,true,null]"));
  ASSERT_TRUE(d.has_value());
  JsonView first = d->payload.first_child();
  EXPECT_EQ(first.text(), "1.50");
  EXPECT_DOUBLE_EQ(*first.next_sibling().AsDouble(), -2000.0);
  EXPECT_EQ(d->payload.size(), 4u);
}

TEST(RecordValue, TombstoneAndNullPayload) {
  RecordValueParser parser;
  SinkRecord r = Record("");
  r.value.reset();
  auto t = parser.Parse(r);
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->is_tombstone());
  EXPECT_TRUE(t->is_null_value());
  auto unwrap_delete = parser.Parse(Record(
      R"({"schema":{"type":"struct","fields":[{"type":"int32","field":"id"}],"optional":true},"payload":null})"));
  ASSERT_TRUE(unwrap_delete.has_value());
  EXPECT_FALSE(unwrap_delete->is_tombstone());
  EXPECT_TRUE(unwrap_delete->is_null_value());
}

TEST(RecordValue, MalformedInputNamesTheRecord) {
  RecordValueParser parser;
  for (std::string_view bad : {"", "{", "{\"a\":1}x", "not json", "[1,]", "{\"a\":01}",
                               "{\"schema\":{\"type\":\"nope\"},\"payload\":1}",
                               "{\"schema\":{\"fields\":[]},\"payload\":1}", "\"\xff\"", "1 2",
                               "[1] [2]", "tru", "{\"a\":1,}"}) {
    auto v = parser.Parse(Record(bad, 99));
    ASSERT_FALSE(v.has_value()) << bad;
    EXPECT_EQ(v.error().code(), StatusCode::kCorruption) << bad;
    EXPECT_NE(v.error().message().find("topic 'test.test.t_test' partition 2 offset 99"),
              std::string::npos)
        << v.error().message();
  }
}

TEST(RecordValue, SameSchemaComparesStructure) {
  auto a = JsonDocument::Parse(
      R"({"type":"struct","fields":[{"type":"int32","field":"a"}],"name":"x"})");
  auto b = JsonDocument::Parse(
      R"({"name":"x", "fields":[{"field":"a","type":"int32"}],"type":"struct"})");
  auto c = JsonDocument::Parse(
      R"({"type":"struct","fields":[{"type":"int64","field":"a"}],"name":"x"})");
  ASSERT_TRUE(a && b && c);
  auto sa = ParseConnectSchema(a->root());
  auto sb = ParseConnectSchema(b->root());
  auto sc = ParseConnectSchema(c->root());
  ASSERT_TRUE(sa && sb && sc);
  EXPECT_TRUE(SameSchema(*sa, *sb));
  EXPECT_FALSE(SameSchema(*sa, *sc));
}

TEST(RecordValue, DecimalsAndBase64) {
  // formats.md 2.11: 1200.00 → "AdTA", 0 → "AA==", -123.45 → "z8c=", 123.45 → "MDk=".
  struct Case {
    std::string_view b64;
    int scale;
    std::string_view plain;
  };
  for (const Case& c :
       {Case{"AdTA", 2, "1200.00"}, Case{"AA==", 0, "0"}, Case{"z8c=", 2, "-123.45"},
        Case{"MDk=", 2, "123.45"}, Case{"AQ==", 5, "0.00001"}}) {
    auto bytes = DecodeBase64(c.b64);
    ASSERT_TRUE(bytes.has_value()) << c.b64;
    DecimalValue d = DecimalFromTwosComplement(*bytes, c.scale);
    EXPECT_EQ(DecimalPlainText(d), c.plain);
    std::string back;
    AppendBase64(DecimalTwosComplement(d), &back);
    EXPECT_EQ(back, c.b64);
  }
  EXPECT_EQ(DecimalJavaText(DecimalFromTwosComplement(*DecodeBase64("AQ=="), 7)), "1E-7");
  EXPECT_EQ(DecimalJavaText(DecimalFromTwosComplement(*DecodeBase64("AA=="), 10)), "0E-10");
  EXPECT_EQ(DecimalJavaText(*DecimalFromNumberText("1E+3")), "1E+3");
  EXPECT_EQ(DecimalJavaText(*DecimalFromNumberText("12.50")), "12.50");
  EXPECT_EQ(DecimalPlainText(*DecimalFromNumberText("-1.5e-3")), "-0.0015");
  // Non-minimal input bytes come out minimal (BigInteger.toByteArray).
  std::string padded = std::string("\x00\x00\x30\x39", 4);
  std::string b64;
  AppendBase64(DecimalTwosComplement(DecimalFromTwosComplement(padded, 2)), &b64);
  EXPECT_EQ(b64, "MDk=");
  EXPECT_FALSE(DecodeBase64("abc").has_value());
  EXPECT_FALSE(DecodeBase64("ab=c").has_value());
}


// ------------------------------------------------ repeated-schema fast path vs general path

std::string KindName(ValueKind k) {
  switch (k) {
    case ValueKind::kTombstone: return "tombstone:";
    case ValueKind::kPlain: return "plain:";
    case ValueKind::kEnveloped: return "enveloped:";
  }
  return "?";
}

// What a parse gives, as text, so two parsers' results can be compared.
std::string Outcome(const Result<ParsedValue>& v) {
  if (!v) return "error";
  std::string s = KindName(v->kind);
  if (!v->is_tombstone()) AppendCompactJson(v->payload, &s);
  s += v->schema ? "|schema:" + v->schema->name + ":" + std::to_string(v->schema->fields.size())
                 : "|no schema";
  if (v->debezium) s += std::string("|debezium:") + v->debezium->op;
  return s;
}

// Parses `messages` in order with one parser (so each may repeat the previous schema) and
// each with a fresh parser (always the general path); the outcomes must match. Returns the
// sequential parser's repeated_schema_hits.
uint64_t ExpectSameAsGeneralPath(const std::vector<std::string>& messages,
                                 EnvelopeMode mode = EnvelopeMode::kAuto) {
  RecordValueOptions options;
  options.envelope = mode;
  RecordValueParser sequential(options);
  for (size_t i = 0; i < messages.size(); ++i) {
    RecordValueParser fresh(options);
    auto a = sequential.Parse(Record(messages[i], static_cast<int64_t>(i)));
    auto b = fresh.Parse(Record(messages[i], static_cast<int64_t>(i)));
    EXPECT_EQ(Outcome(a), Outcome(b)) << "message " << i << ": " << messages[i].substr(0, 300);
    if (a && b && a->schema && b->schema) {
      EXPECT_TRUE(SameSchema(*a->schema, *b->schema));
    }
    if (!a && !b) {
      EXPECT_EQ(a.error().ToString(), b.error().ToString());
    }
  }
  return sequential.repeated_schema_hits();
}

std::string Envelope(std::string_view schema, std::string_view payload, bool payload_first = false,
                     std::string_view ws = "") {
  std::string w(ws);
  if (payload_first) {
    return w + "{" + w + "\"payload\"" + w + ":" + w + std::string(payload) + w + "," + w +
           "\"schema\"" + w + ":" + w + std::string(schema) + w + "}" + w;
  }
  return w + "{" + w + "\"schema\"" + w + ":" + w + std::string(schema) + w + "," + w +
         "\"payload\"" + w + ":" + w + std::string(payload) + w + "}" + w;
}

TEST(RecordValue, RepeatedSchemaSpellings) {
  const std::string other_schema =
      R"({"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"}],"name":"other"})";
  const std::string p = std::string(kDebeziumPayload);
  std::vector<std::string> m;
  m.push_back(Envelope(kDebeziumSchema, p));                      // general path, remembered
  m.push_back(Envelope(kDebeziumSchema, p));                      // fast
  m.push_back(Envelope(kDebeziumSchema, p, true));                // payload first: fast
  m.push_back(Envelope(kDebeziumSchema, p, false, " \n\t"));      // whitespace: fast
  m.push_back(Envelope(kDebeziumSchema, p, true, "\r\n "));       // both: fast
  m.push_back(Envelope(kDebeziumSchema, "null"));                 // scalar payloads: fast
  m.push_back(Envelope(kDebeziumSchema, "12"));
  m.push_back(Envelope(kDebeziumSchema, "-1.5E3", true));
  m.push_back(Envelope(kDebeziumSchema, "\"a \\\"b\\\" \\u00e9\""));
  m.push_back(Envelope(kDebeziumSchema, "[1,{\"x\":[true,false]}]"));
  m.push_back(Envelope(other_schema, "{\"id\":5}"));              // schema changes: general
  m.push_back(Envelope(other_schema, "{\"id\":6}", true));        // fast with the new one
  m.push_back(Envelope(kDebeziumSchema, p));                      // back: general (cache hit)
  // Payloads that look like the envelope's tail inside a string.
  m.push_back(Envelope(kDebeziumSchema,
                       "\"x\\\",\\\"schema\\\":" + std::string(kDebeziumSchema).substr(0, 10) + "\"",
                       true));
  m.push_back("{\"payload\":\"x\",\"schema\":" + std::string(kDebeziumSchema) + "}");
  // Not envelopes, or malformed: the general path decides (errors must be the same).
  m.push_back("{\"sch\\u0065ma\":" + std::string(kDebeziumSchema) + ",\"payload\":1}");
  m.push_back(Envelope(kDebeziumSchema, "1,\"payload\":2"));      // repeated member
  m.push_back(Envelope(kDebeziumSchema, "1,\"extra\":2"));        // third member
  m.push_back(Envelope(kDebeziumSchema, "1", true).insert(1, "\"extra\":0,"));
  m.push_back(Envelope(kDebeziumSchema, p) + "x");                // trailing content
  m.push_back(Envelope(kDebeziumSchema, p) + "}");
  m.push_back(Envelope(kDebeziumSchema, "{\"a\":1"));            // truncated payload
  m.push_back(Envelope(kDebeziumSchema, ""));                     // no payload value
  m.push_back(Envelope(kDebeziumSchema, "12 13"));
  m.push_back(Envelope(kDebeziumSchema, "tru"));
  m.push_back(Envelope(kDebeziumSchema, "\"\xff\""));             // invalid UTF-8
  m.push_back("{\"schema\":" + std::string(kDebeziumSchema) + "}");
  m.push_back("{\"payload\":{},\"schema\":" + std::string(kDebeziumSchema) + ",}");
  m.push_back(std::string(kDebeziumSchema));                      // plain JSON
  m.push_back(Envelope(kDebeziumSchema, p));                      // fast again
  uint64_t fast = ExpectSameAsGeneralPath(m);
  // The fast path must actually run for the well-formed repeats above.
  EXPECT_GE(fast, 12u);
  // schemas.enable=true: the same outcomes, errors included.
  ExpectSameAsGeneralPath(m, EnvelopeMode::kRequired);
  // schemas.enable=false: never an envelope.
  EXPECT_EQ(ExpectSameAsGeneralPath(m, EnvelopeMode::kNever), 0u);
}

// Random JSON values, spelled with random whitespace.
class RandomJson {
 public:
  explicit RandomJson(uint32_t seed) : rnd_(seed) {}
  std::string Value(int depth) {
    std::string out;
    AppendValue(depth, &out);
    return out;
  }
  std::string Ws() {
    static constexpr std::string_view kWs[] = {"", "", "", " ", "\n", " \t ", "\r\n"};
    return std::string(kWs[Pick(std::size(kWs))]);
  }
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rnd_); }

 private:
  void AppendValue(int depth, std::string* out) {
    switch (Pick(depth > 0 ? 8 : 5)) {
      case 0: *out += "null"; break;
      case 1: *out += Pick(2) ? "true" : "false"; break;
      case 2: {
        static constexpr std::string_view kNums[] = {"0", "-1", "12345678901234567890", "1.5",
                                                     "-0.0", "1e10", "2E-3", "9007199254740993"};
        *out += kNums[Pick(std::size(kNums))];
        break;
      }
      case 3:
      case 4: AppendString(out); break;
      case 5:
      case 6: {
        *out += "{" + Ws();
        size_t n = Pick(5);
        for (size_t i = 0; i < n; ++i) {
          if (i) *out += "," + Ws();
          AppendString(out);
          *out += Ws() + ":" + Ws();
          AppendValue(depth - 1, out);
          *out += Ws();
        }
        *out += "}";
        break;
      }
      default: {
        *out += "[" + Ws();
        size_t n = Pick(4);
        for (size_t i = 0; i < n; ++i) {
          if (i) *out += Ws() + "," + Ws();
          AppendValue(depth - 1, out);
        }
        *out += Ws() + "]";
      }
    }
  }
  void AppendString(std::string* out) {
    static constexpr std::string_view kParts[] = {
        "a", "schema", "payload", "\\\"", "\\\\", "\\n", "\\u00e9", "\xc3\xa9", ",", ":",
        "}", "{", " ", "\\\"schema\\\":", "\\ud83d\\ude00"};
    *out += '"';
    size_t n = Pick(6);
    for (size_t i = 0; i < n; ++i) *out += kParts[Pick(std::size(kParts))];
    *out += '"';
  }
  std::mt19937 rnd_;
};

TEST(RecordValue, RepeatedSchemaRandomizedDifferential) {
  const std::string schema_a(kDebeziumSchema);
  const std::string schema_b =
      R"({"type":"struct","optional":true,"fields":[{"type":"string","optional":true,"field":"a"}]})";
  RandomJson gen(20261125);
  std::vector<std::string> m;
  for (int i = 0; i < 3000; ++i) {
    const std::string& schema = gen.Pick(10) == 0 ? schema_b : schema_a;
    std::string payload = gen.Value(4);
    std::string msg = Envelope(schema, payload, gen.Pick(3) == 0, gen.Ws());
    if (gen.Pick(20) == 0) msg.insert(gen.Pick(msg.size()), gen.Pick(2) ? "," : "}");  // damage
    m.push_back(std::move(msg));
  }
  uint64_t fast = ExpectSameAsGeneralPath(m);
  EXPECT_GT(fast, 1500u);
}

}  // namespace
}  // namespace tributary::format
