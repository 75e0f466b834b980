// mysql::AppendDecimalBinary (text → MySQL's binary DECIMAL), checked by round trip
// through the binlog decoder's AppendDecimalText and against known binary forms.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "mysql/decimal.h"

namespace tributary::mysql {
namespace {

std::string Bin(std::string_view text, int p, int s) {
  std::string out;
  Status st = AppendDecimalBinary(text, p, s, &out);
  EXPECT_TRUE(st.ok()) << text << ": " << st.ToString();
  return out;
}

std::string Text(std::string_view bin, int p, int s) {
  std::string out;
  Status st = AppendDecimalText(bin, p, s, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(DecimalBinary, KnownEncodings) {
  // MySQL's documented example: 1234567890.1234 as DECIMAL(14,4) and its negative.
  EXPECT_EQ(Bin("1234567890.1234", 14, 4), std::string("\x81\x0D\xFB\x38\xD2\x04\xD2", 7));
  EXPECT_EQ(Bin("-1234567890.1234", 14, 4), std::string("\x7E\xF2\x04\xC7\x2D\xFB\x2D", 7));
  EXPECT_EQ(Bin("0", 1, 0), std::string("\x80", 1));
  EXPECT_EQ(Bin("-0.00", 5, 2), Bin("0", 5, 2));  // no negative zero
}

TEST(DecimalBinary, RoundTripsThroughText) {
  struct Case {
    const char* text;
    int p, s;
  } cases[] = {
      {"0", 10, 0},       {"-1", 10, 0},         {"123", 3, 0},        {"-12.50", 10, 2},
      {"0.01", 5, 2},     {"999.99", 5, 2},      {"-999.99", 5, 2},    {"0.000000001", 18, 9},
      {"-123456789.123456789", 18, 9},
      {"12345678901234567890123456789012345.123456789012345678901234567891", 65, 30},
      {"-99999999999999999999999999999999999.999999999999999999999999999999", 65, 30},
      {"0.000000000000000000000000000001", 65, 30},
      {"1", 1, 0},        {"-9", 1, 0},          {"0.5", 1, 1},        {"-0.123456789", 9, 9},
  };
  for (const auto& c : cases) {
    std::string bin = Bin(c.text, c.p, c.s);
    EXPECT_EQ(bin.size(), DecimalBinarySize(c.p, c.s)) << c.text;
    EXPECT_EQ(Text(bin, c.p, c.s), c.text) << c.text;
  }
  // Random digits at every precision and scale.
  std::mt19937_64 rng(7);
  for (int p = 1; p <= 65; ++p) {
    for (int s = 0; s <= std::min(p, 30); ++s) {
      std::string text = rng() % 2 ? "-" : "";
      int intg = p - s;
      std::string ip;
      for (int i = 0; i < intg; ++i) ip.push_back(static_cast<char>('0' + rng() % 10));
      size_t nz = ip.find_first_not_of('0');
      ip = nz == std::string::npos ? "0" : ip.substr(nz);
      std::string fp;
      for (int i = 0; i < s; ++i) fp.push_back(static_cast<char>('0' + rng() % 10));
      text += ip;
      if (s) text += "." + fp;
      if ((ip == "0") && fp.find_first_not_of('0') == std::string::npos && text[0] == '-') {
        text.erase(0, 1);
      }
      EXPECT_EQ(Text(Bin(text, p, s), p, s), text) << p << "," << s;
    }
  }
}

TEST(DecimalBinary, NormalisesAndRejects) {
  EXPECT_EQ(Text(Bin("007.5", 5, 2), 5, 2), "7.50");
  EXPECT_EQ(Text(Bin(".5", 5, 2), 5, 2), "0.50");
  EXPECT_EQ(Text(Bin("+3", 5, 2), 5, 2), "3.00");
  EXPECT_EQ(Text(Bin("1.2300", 5, 2), 5, 2), "1.23");  // zeros beyond the scale
  std::string out = "keep";
  EXPECT_FALSE(AppendDecimalBinary("1000", 5, 2, &out).ok());   // 4 integer digits > 3
  EXPECT_FALSE(AppendDecimalBinary("1.234", 5, 2, &out).ok());  // would need rounding
  EXPECT_FALSE(AppendDecimalBinary("1e5", 5, 2, &out).ok());
  EXPECT_FALSE(AppendDecimalBinary("", 5, 2, &out).ok());
  EXPECT_FALSE(AppendDecimalBinary("-", 5, 2, &out).ok());
  EXPECT_FALSE(AppendDecimalBinary("1.2.3", 5, 2, &out).ok());
  EXPECT_FALSE(AppendDecimalBinary("1", 0, 0, &out).ok());
  EXPECT_EQ(out, "keep");
}

}  // namespace
}  // namespace tributary::mysql
