#include "format/debezium/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace tributary::format::debezium {
namespace {

std::string D(double v) {
  std::string s;
  AppendJavaDouble(v, &s);
  return s;
}
std::string F(float v) {
  std::string s;
  AppendJavaFloat(v, &s);
  return s;
}

// Expected strings are what Java 21's Double.toString / Float.toString print.
TEST(JavaDoubleTest, MatchesJavaToString) {
  EXPECT_EQ(D(0.0), "0.0");
  EXPECT_EQ(D(-0.0), "-0.0");
  EXPECT_EQ(D(1.0), "1.0");
  EXPECT_EQ(D(100.0), "100.0");
  EXPECT_EQ(D(1200.0), "1200.0");
  EXPECT_EQ(D(1.5), "1.5");
  EXPECT_EQ(D(-123.45), "-123.45");
  EXPECT_EQ(D(0.1), "0.1");
  EXPECT_EQ(D(0.001), "0.001");
  EXPECT_EQ(D(0.0001), "1.0E-4");
  EXPECT_EQ(D(1.0e-5), "1.0E-5");
  EXPECT_EQ(D(1234567.0), "1234567.0");
  EXPECT_EQ(D(9999999.0), "9999999.0");
  EXPECT_EQ(D(1.0e7), "1.0E7");
  EXPECT_EQ(D(1.0e10), "1.0E10");
  EXPECT_EQ(D(12345678.9), "1.23456789E7");
  EXPECT_EQ(D(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(D(2.0 / 3), "0.6666666666666666");
  EXPECT_EQ(D(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(D(std::numeric_limits<double>::max()), "1.7976931348623157E308");
  EXPECT_EQ(D(std::numeric_limits<double>::denorm_min()), "4.9E-324");  // 2-digit rule
  EXPECT_EQ(D(std::numeric_limits<double>::min()), "2.2250738585072014E-308");
  EXPECT_EQ(D(2e23), "2.0E23");
  EXPECT_EQ(D(1.1), "1.1");
  EXPECT_EQ(D(static_cast<double>(1.1f)), "1.100000023841858");
  EXPECT_EQ(D(-1.0e-3), "-0.001");
  EXPECT_EQ(D(std::nan("")), "NaN");
  EXPECT_EQ(D(-INFINITY), "-Infinity");
}

TEST(JavaFloatTest, MatchesJavaToString) {
  EXPECT_EQ(F(0.0f), "0.0");
  EXPECT_EQ(F(1.1f), "1.1");
  EXPECT_EQ(F(1.5f), "1.5");
  EXPECT_EQ(F(0.1f), "0.1");
  EXPECT_EQ(F(3.14159f), "3.14159");
  EXPECT_EQ(F(1.0e10f), "1.0E10");
  EXPECT_EQ(F(std::numeric_limits<float>::max()), "3.4028235E38");
  EXPECT_EQ(F(std::numeric_limits<float>::denorm_min()), "1.4E-45");
  EXPECT_EQ(F(16777216.0f), "1.6777216E7");
  EXPECT_EQ(F(-2.5e-4f), "-2.5E-4");
}

TEST(ExactDoubleTest, BigDecimalPlain) {
  std::string s;
  AppendExactDoublePlain(1e20, &s);
  EXPECT_EQ(s, "100000000000000000000");
  s.clear();
  AppendExactDoublePlain(0.1, &s);
  EXPECT_EQ(s, "0.1000000000000000055511151231257827021181583404541015625");
  s.clear();
  AppendExactDoublePlain(-2.5, &s);
  EXPECT_EQ(s, "-2.5");
}

TEST(BigDecimalStringTest, JavaToString) {
  auto bd = [](std::string_view d, int scale, bool neg = false) {
    std::string s;
    AppendBigDecimalString(d, scale, neg, &s);
    return s;
  };
  EXPECT_EQ(bd("12345", 2), "123.45");
  EXPECT_EQ(bd("12345", 2, true), "-123.45");
  EXPECT_EQ(bd("5", 3), "0.005");
  EXPECT_EQ(bd("1", 7), "1E-7");
  EXPECT_EQ(bd("0", 8), "0E-8");
  EXPECT_EQ(bd("120000", 2), "1200.00");
  EXPECT_EQ(bd("7", 0), "7");
}

TEST(JsonStringTest, JacksonEscapes) {
  std::string s;
  AppendJsonStringLiteral(std::string_view("a\"b\\c\n\t\x01\x1f/é\x7f", 13), &s);
  EXPECT_EQ(s, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001F/é\x7f\"");
}

// The escaping rules one byte at a time (the text AppendJsonStringBody must give, whatever
// shortcuts it takes over runs of plain bytes).
std::string ReferenceEscape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0 && i + 3 < s.size()) {
      uint32_t cp = (c & 0x07u) << 18 | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12 |
                    (static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6 |
                    (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
      if (cp >= 0x10000 && cp <= 0x10FFFF) {
        cp -= 0x10000;
        char buf[16];
        std::snprintf(buf, sizeof(buf), "\\u%04X\\u%04X", 0xD800u + (cp >> 10),
                      0xDC00u + (cp & 0x3FFu));
        out += buf;
        i += 3;
        continue;
      }
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04X", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

// Special bytes at every position of strings of 0..40 bytes (the 8-byte fast path, its
// blocks' edges and the tail), 4-byte UTF-8 sequences across block edges and cut short at
// the end, and random strings drawn mostly from the special bytes.
TEST(JsonStringTest, SameAsByteByByteEscaping) {
  const std::string specials[] = {"\"",         "\\",         "\n",  std::string(1, '\0'),
                                  "\x1f",       "\xF0\x9F\x98\x80", "\xF0", "\xC3\xA9",
                                  "\xE2\x82\xAC", "\x7f",         " ",   "\xF4\x8F\xBF\xBF"};
  for (size_t len = 0; len <= 40; ++len) {
    for (const std::string& sp : specials) {
      for (size_t at = 0; at <= len; ++at) {
        std::string s(len, 'a');
        s.insert(at, sp);
        std::string got = "prefix";
        AppendJsonStringBody(s, &got);
        ASSERT_EQ(got, "prefix" + ReferenceEscape(s)) << "len " << len << " at " << at;
      }
    }
  }
  uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
  };
  const char alphabet[] = {'a',    'b',    '"',    '\\',   '\n',   '\x01',
                           '\xF0', '\x9F', '\x98', '\x80', '\xC3', 'z'};
  for (int round = 0; round < 20000; ++round) {
    std::string s(next() % 48, ' ');
    for (char& c : s) c = alphabet[next() % sizeof(alphabet)];
    std::string got;
    AppendJsonStringBody(s, &got);
    ASSERT_EQ(got, ReferenceEscape(s)) << "round " << round;
  }
}

TEST(Base64Test, Alphabets) {
  std::string s;
  AppendBase64(std::string_view("\x01\xD4\xC0", 3), &s);
  EXPECT_EQ(s, "AdTA");
  s.clear();
  AppendBase64(std::string_view("\0", 1), &s);
  EXPECT_EQ(s, "AA==");
  s.clear();
  AppendBase64Url(std::string_view("\xfb\xff", 2), &s);
  EXPECT_EQ(s, "-_8=");
  s.clear();
  AppendHexLower(std::string_view("\xAB\x01", 2), &s);
  EXPECT_EQ(s, "ab01");
}

TEST(JsonWriterTest, IntegersAtTheirLimits) {
  std::string out = "x";
  AppendInt(std::numeric_limits<int64_t>::min(), &out);
  out.push_back(',');
  AppendInt(std::numeric_limits<int64_t>::max(), &out);
  out.push_back(',');
  AppendInt(0, &out);
  out.push_back(',');
  AppendInt(-7, &out);
  out.push_back(',');
  AppendUInt(std::numeric_limits<uint64_t>::max(), &out);
  out.push_back(',');
  AppendUInt(0, &out);
  EXPECT_EQ(out, "x-9223372036854775808,9223372036854775807,0,-7,18446744073709551615,0");
  EXPECT_EQ(out.size(), std::strlen(out.c_str()));  // terminated, nothing left behind
  // Appending into a string at its capacity grows it.
  std::string tight;
  tight.reserve(3);
  tight = "abc";
  AppendInt(-1234567890123, &tight);
  EXPECT_EQ(tight, "abc-1234567890123");
}

}  // namespace
}  // namespace tributary::format::debezium
