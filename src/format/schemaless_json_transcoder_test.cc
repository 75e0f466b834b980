#include "format/schemaless_json_transcoder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "format/json_lines_format.h"
#include "format/record_value.h"

namespace tributary::format {
namespace {

SinkRecord Record(std::string_view value, int64_t offset = 0) {
  SinkRecord r;
  r.topic = "t";
  r.offset = offset;
  r.value = value;
  return r;
}

// What the general path writes for `msg`: nullopt when it fails, is a null value or is an
// envelope (the transcoder must decline those).
std::optional<std::string> Reference(std::string_view msg, EnvelopeMode mode,
                                     const JsonLinesOptions& options) {
  RecordValueOptions ro;
  ro.envelope = mode;
  RecordValueParser parser(ro);
  auto v = parser.Parse(Record(msg));
  if (!v || v->is_null_value() || v->kind != ValueKind::kPlain) return std::nullopt;
  std::string out;
  if (!EncodeConfluentJson(*v, options, &out).ok()) return std::nullopt;
  return out;
}

std::optional<std::string> Transcoded(SchemalessJsonTranscoder& t, std::string_view msg) {
  // An exact-size heap copy: a read past the end shows under AddressSanitizer.
  std::unique_ptr<char[]> exact(new char[msg.size()]);
  std::memcpy(exact.get(), msg.data(), msg.size());
  std::string out = "prefix";
  if (!t.Transcode(std::string_view(exact.get(), msg.size()), &out)) {
    EXPECT_EQ(out, "prefix") << "a declined value left output behind";
    return std::nullopt;
  }
  EXPECT_TRUE(out.starts_with("prefix"));
  return out.substr(6);
}

TEST(SchemalessJsonTranscoder, DebeziumEventInHashMapOrder) {
  const std::string msg =
      R"({"before":null,"after":{"id":1001,"first_name":"Anne","email":"annek@noanswer.org",)"
      R"("score":54.120,"active":true},"source":{"version":"2.7.0.Final","connector":"mysql",)"
      R"("ts_ms":1714564800000,"db":"inventory","table":"customers","pos":154,"row":0},)"
      R"("op":"c","ts_ms":1714564800005,"transaction":null})";
  SchemalessJsonTranscoder t({}, EnvelopeMode::kAuto);
  auto got = Transcoded(t, msg);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, *Reference(msg, EnvelopeMode::kAuto, {}));
  // HashMap order of the envelope's names, and 54.12 as Double.toString writes it.
  EXPECT_TRUE(got->starts_with(R"({"op":"c","before":null,"after":{)")) << *got;
  EXPECT_NE(got->find("\"score\":54.12,"), std::string::npos) << *got;
  // The same again (cached shapes) gives the same line.
  EXPECT_EQ(Transcoded(t, msg), got);
  EXPECT_EQ(t.transcoded(), 2u);
}

TEST(SchemalessJsonTranscoder, ScalarsArraysAndEscapes) {
  SchemalessJsonTranscoder t({}, EnvelopeMode::kNever);
  for (std::string msg :
       {"[1]", "[-0]", "[12345678901234567890]", "[1.5e3]", "[-0.0]", "[1e400]", "[\"x\"]",
        "[true]", "[]", "{}", " [1, 2.50 ,\"a\\u00e9\\n\"] ",
        R"({"a":"\ud83d\ude00 \u20ac \/ \b\f\r\t \u0001"})", R"({"k":"😀 é 日本"})",
        R"({"a":1,"a":2,"b":{"a":[{"z":0.1}]}})", R"({"schema":1,"payload":2})"}) {
    auto ref = Reference(msg, EnvelopeMode::kNever, {});
    ASSERT_TRUE(ref.has_value()) << msg;
    auto got = Transcoded(t, msg);
    ASSERT_TRUE(got.has_value()) << msg;
    EXPECT_EQ(*got, *ref) << msg;
  }
}

TEST(SchemalessJsonTranscoder, DeclinesWhatTheGeneralPathDecides) {
  SchemalessJsonTranscoder t({}, EnvelopeMode::kAuto);
  for (std::string msg : {"",
                          " ",
                          "null",
                          " null ",
                          "1",
                          "\"x\"",
                          "true",
                          R"({"schema":{},"payload":{}})",
                          R"({"payload":1,"schema":null})",
                          R"({"schema":1,"other":2})",
                          R"({"a\u0062":1})",
                          R"({"a":"\ud800"})",
                          R"({"a":"\udc00x"})",
                          "{\"a\":\"\x01\"}",
                          "{\"a\":\"\xff\"}",
                          "{\"a\":1,}",
                          "[1,]",
                          "01",
                          "1.",
                          "-",
                          "1e",
                          "tru",
                          "truex",
                          "[true false]",
                          "{\"a\" 1}",
                          "{} x",
                          "\"abc",
                          "\"\\x\"",
                          "{\"a\":nul}",
                          "\xef\xbb\xbf{}"}) {
    EXPECT_FALSE(Transcoded(t, msg).has_value()) << msg;
  }
  std::string deep(70, '[');
  deep += std::string(70, ']');
  EXPECT_FALSE(Transcoded(t, deep).has_value());
  EXPECT_EQ(t.transcoded(), 0u);
}

TEST(SchemalessJsonTranscoder, ShortDecimalsSpelledAsJava) {
  std::mt19937_64 rnd(11);
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string token;
    if (rnd() % 4 == 0) token = "-";
    int int_digits = static_cast<int>(rnd() % 9);
    if (int_digits == 0) {
      token += "0";
    } else {
      token += static_cast<char>('1' + rnd() % 9);
      for (int d = 1; d < int_digits; ++d) token += static_cast<char>('0' + rnd() % 10);
    }
    token += '.';
    int frac_digits = 1 + static_cast<int>(rnd() % 17);
    for (int d = 0; d < frac_digits; ++d) {
      // Runs of zeros (trailing and leading) are common in real data.
      token += rnd() % 3 == 0 ? '0' : static_cast<char>('0' + rnd() % 10);
    }
    std::string got;
    AppendSchemalessNumber(token, false, &got);
    double d = std::strtod(token.c_str(), nullptr);
    std::string expected = d == 0 ? "0.0" : JavaDoubleText(d);
    ASSERT_EQ(got, expected) << token;
    ++checked;
  }
  EXPECT_EQ(checked, 200000);
}

// Random JSON texts (shapes, whitespace, escapes, numbers of every spelling, unicode,
// repeated names, more shapes than the cache keeps), and damaged copies of them: whatever
// the transcoder accepts, the general path accepts and writes identically.
class RandomJson {
 public:
  explicit RandomJson(uint64_t seed) : rnd_(seed) {}

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rnd_); }

  std::string Space() {
    static const char* kSpaces[] = {"", "", "", "", " ", "\n", "\t ", "\r\n  "};
    return kSpaces[Pick(8)];
  }

  std::string Number() {
    static const std::vector<std::string> kFixed = {"0",
                                                    "-0",
                                                    "1",
                                                    "-1",
                                                    "999999999999999999",
                                                    "-999999999999999999",
                                                    "1000000000000000000",
                                                    "9223372036854775807",
                                                    "9223372036854775808",
                                                    "-9223372036854775809",
                                                    "123456789012345678901234567890",
                                                    "0.0",
                                                    "-0.0",
                                                    "1.0",
                                                    "100.0",
                                                    "0.5",
                                                    "1e0",
                                                    "1E+2",
                                                    "1e-7",
                                                    "2.5E-3",
                                                    "1e400",
                                                    "-1e400",
                                                    "1e-400",
                                                    "4.9e-324",
                                                    "1.7976931348623157e308",
                                                    "0.1",
                                                    "123456.789",
                                                    "0.001",
                                                    "0.0001",
                                                    "12345678.9",
                                                    "1234567.25",
                                                    "3.141592653589793238462643383279",
                                                    "54.120",
                                                    "0.30000000000000004"};
    if (Pick(3) == 0) return kFixed[Pick(kFixed.size())];
    std::string t = Pick(4) == 0 ? "-" : "";
    size_t int_digits = Pick(12);
    if (int_digits == 0) {
      t += "0";
    } else {
      t += static_cast<char>('1' + Pick(9));
      for (size_t i = 1; i < int_digits; ++i) t += static_cast<char>('0' + Pick(10));
    }
    if (Pick(2)) {
      t += '.';
      size_t n = 1 + Pick(18);
      for (size_t i = 0; i < n; ++i) t += Pick(3) == 0 ? '0' : static_cast<char>('0' + Pick(10));
    }
    if (Pick(5) == 0) {
      t += Pick(2) ? 'e' : 'E';
      if (Pick(2)) t += Pick(2) ? '+' : '-';
      t += std::to_string(Pick(40));
    }
    return t;
  }

  std::string StringBody() {
    static const std::vector<std::string> kPieces = {"a",
                                                     "Paris",
                                                     "user@example.com",
                                                     " ",
                                                     "é",
                                                     "日本",
                                                     "😀",
                                                     "\\\"",
                                                     "\\\\",
                                                     "\\/",
                                                     "\\b",
                                                     "\\f",
                                                     "\\n",
                                                     "\\r",
                                                     "\\t",
                                                     "\\u0000",
                                                     "\\u001f",
                                                     "\\u00e9",
                                                     "\\u20AC",
                                                     "\\uD83D\\uDE00",
                                                     "\\ud83d\\ude00",
                                                     "\x7f",
                                                     "0123456789abcdef",
                                                     "\\u0041"};
    std::string s;
    size_t n = Pick(6);
    for (size_t i = 0; i < n; ++i) s += kPieces[Pick(kPieces.size())];
    return s;
  }

  std::string Key() {
    static const std::vector<std::string> kNames = {
        "a",  "b",  "id", "é",  "Aa", "BB", "op", "before",  "after",  "source", "ts_ms",
        "x1", "x2", "x3", "x4", "x5", "x6", "x7", "payload", "schema", "😀",      "name"};
    if (Pick(20) == 0) return "k" + std::to_string(Pick(1000));  // shapes that do not repeat
    return kNames[Pick(kNames.size())];
  }

  std::string Value(int depth) {
    switch (Pick(depth > 0 ? 8 : 6)) {
      case 0: return "null";
      case 1: return Pick(2) ? "true" : "false";
      case 2:
      case 3: return Number();
      case 4:
      case 5: return "\"" + StringBody() + "\"";
      case 6: {
        std::string o = "{" + Space();
        size_t n = Pick(8);
        for (size_t i = 0; i < n; ++i) {
          if (i) o += "," + Space();
          o += "\"" + Key() + "\"" + Space() + ":" + Space() + Value(depth - 1) + Space();
        }
        return o + "}";
      }
      default: {
        std::string a = "[" + Space();
        size_t n = Pick(4);
        for (size_t i = 0; i < n; ++i) {
          if (i) a += "," + Space();
          a += Value(depth - 1) + Space();
        }
        return a + "]";
      }
    }
  }

  std::string Damage(std::string s) {
    static const std::string kBytes = "{}[],:\"\\ 0123456789.eE+-tfnul\x01\xff\xc3\xa9";
    size_t edits = 1 + Pick(3);
    for (size_t e = 0; e < edits; ++e) {
      size_t at = s.empty() ? 0 : Pick(s.size() + 1);
      switch (Pick(3)) {
        case 0:
          if (at < s.size()) s.erase(at, 1);
          break;
        case 1: s.insert(s.begin() + static_cast<long>(at), kBytes[Pick(kBytes.size())]); break;
        default:
          if (at < s.size()) s[at] = kBytes[Pick(kBytes.size())];
      }
    }
    return s;
  }

 private:
  std::mt19937_64 rnd_;
};

TEST(SchemalessJsonTranscoder, RandomDifferential) {
  for (EnvelopeMode mode : {EnvelopeMode::kAuto, EnvelopeMode::kNever}) {
    for (bool java_order : {true, false}) {
      JsonLinesOptions options;
      options.java_map_order = java_order;
      SchemalessJsonTranscoder t(options, mode);
      RandomJson gen(java_order ? 1 : 2);
      int valid = 0, accepted = 0, damaged_accepted = 0;
      for (int i = 0; i < 20000; ++i) {
        // Mostly objects and arrays at the root (what the transcoder takes), some scalars.
        std::string root = gen.Value(4);
        if (gen.Pick(10) != 0 && root[0] != '{' && root[0] != '[') root = "[" + root + "]";
        std::string msg = gen.Space() + root + gen.Space();
        if (i % 4 == 3) msg = gen.Damage(msg);
        auto ref = Reference(msg, mode, options);
        auto got = Transcoded(t, msg);
        if (ref) ++valid;
        if (!got) continue;
        ++accepted;
        if (i % 4 == 3) ++damaged_accepted;
        ASSERT_TRUE(ref.has_value()) << "accepted what the general path refuses: " << msg;
        ASSERT_EQ(*got, *ref) << msg;
      }
      std::printf("envelope %s, java order %d: %d valid, %d transcoded (%d of them damaged)\n",
                  mode == EnvelopeMode::kAuto ? "auto" : "never", java_order, valid, accepted,
                  damaged_accepted);
      // Most valid values are handled (the rest: null, escaped names, envelopes...).
      EXPECT_GT(accepted, valid * 6 / 10) << valid;
      EXPECT_GT(damaged_accepted, 100);
    }
  }
}

// The sink's path: a transcoded line reaches the object through the ParsedValue, plain
// and gzip, as the tree would have written it.
TEST(SchemalessJsonTranscoder, LinesThroughJsonLinesFormat) {
  for (Compression c : {Compression::kNone, Compression::kGzip}) {
    JsonLinesOptions o;
    o.compression = c;
    JsonLinesFormat fast(o), slow(o);
    std::string fast_out, slow_out;
    ASSERT_TRUE(fast.Begin(&fast_out).ok());
    ASSERT_TRUE(slow.Begin(&slow_out).ok());
    SchemalessJsonTranscoder t(o, EnvelopeMode::kAuto);
    RecordValueParser parser;
    RandomJson gen(3);
    std::string line;
    for (int i = 0; i < 500; ++i) {
      std::string msg = "{\"n\":" + std::to_string(i) + ",\"v\":" + gen.Value(3) + "}";
      auto v = parser.Parse(Record(msg, i));
      ASSERT_TRUE(v.has_value());
      ASSERT_TRUE(slow.Append(Record(msg, i), *v).ok());
      line.clear();
      ParsedValue pv;
      ASSERT_TRUE(t.Transcode(msg, &line)) << msg;
      pv.kind = ValueKind::kPlain;
      pv.encoded_json = line;
      EXPECT_FALSE(pv.is_null_value());
      ASSERT_TRUE(fast.Append(Record(msg, i), pv).ok());
    }
    ASSERT_TRUE(fast.Finish().ok());
    ASSERT_TRUE(slow.Finish().ok());
    EXPECT_EQ(fast_out, slow_out);
    EXPECT_EQ(fast.record_count(), 500u);
  }
}

}  // namespace
}  // namespace tributary::format
