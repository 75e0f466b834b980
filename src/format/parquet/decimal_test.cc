#include "format/parquet/decimal.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::format::parquet {
namespace {

std::string Hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += d[p[i] >> 4];
    out += d[p[i] & 15];
  }
  return out;
}

int64_t AsInt64(std::string_view text, int p, int s) {
  auto v = ParseDecimalText(text, p, s);
  EXPECT_TRUE(v.has_value()) << text;
  return *DecimalToInt64(*v);
}

TEST(Decimal, TextToUnscaled) {
  EXPECT_EQ(AsInt64("0", 5, 2), 0);
  EXPECT_EQ(AsInt64("-0.00", 5, 2), 0);
  EXPECT_EQ(AsInt64("1.5", 5, 2), 150);
  EXPECT_EQ(AsInt64("-1.5", 5, 2), -150);
  EXPECT_EQ(AsInt64("+123.45", 5, 2), 12345);
  EXPECT_EQ(AsInt64("999999999999999999", 18, 0), 999999999999999999LL);
  EXPECT_EQ(AsInt64("-.5", 3, 1), -5);
  EXPECT_EQ(AsInt64("1.500", 5, 2), 150);  // extra zeros beyond the scale are fine
}

TEST(Decimal, ExponentNotation) {
  EXPECT_EQ(AsInt64("1E-7", 9, 8), 10);
  EXPECT_EQ(AsInt64("-1.5E-7", 9, 8), -15);
  EXPECT_EQ(AsInt64("2E+3", 9, 0), 2000);
  EXPECT_EQ(AsInt64("1.25e1", 9, 2), 1250);
  EXPECT_EQ(AsInt64("0E-10", 9, 2), 0);
  EXPECT_FALSE(ParseDecimalText("1E-9", 9, 8));  // digits below the scale
  EXPECT_FALSE(ParseDecimalText("1Ex", 9, 8));
  EXPECT_FALSE(ParseDecimalText("1E", 9, 8));
}

TEST(Decimal, RejectsBadText) {
  EXPECT_FALSE(ParseDecimalText("", 5, 2));
  EXPECT_FALSE(ParseDecimalText("-", 5, 2));
  EXPECT_FALSE(ParseDecimalText("1.2.3", 5, 2));
  EXPECT_FALSE(ParseDecimalText("1e5", 5, 2));
  EXPECT_FALSE(ParseDecimalText("1.234", 5, 2));   // digits lost
  EXPECT_FALSE(ParseDecimalText("1234.5", 5, 2));  // 6 digits > precision 5
  EXPECT_TRUE(ParseDecimalText("123.45", 5, 2));
}

TEST(Decimal, Precision65InTwentyEightBytes) {
  std::string nines(65, '9');
  auto v = ParseDecimalText(nines, 65, 0);
  ASSERT_TRUE(v);
  uint8_t out[28];
  ASSERT_TRUE(NarrowDecimal(*v, 28, out).ok());
  // 10^65 - 1
  EXPECT_EQ(Hex(out, 28), "00f316271c7fc3908a8bef464e3945ef7a253609ffffffffffffffff");
  auto neg = ParseDecimalText("-" + nines, 65, 0);
  ASSERT_TRUE(neg);
  ASSERT_TRUE(NarrowDecimal(*neg, 28, out).ok());
  EXPECT_EQ(out[0], 0xff);
  EXPECT_FALSE(NarrowDecimal(*v, 27, out).ok());
}

TEST(Decimal, BigEndianSignExtension) {
  const uint8_t minus_two[] = {0xfe};
  auto v = DecimalFromBigEndian(minus_two);
  ASSERT_TRUE(v);
  EXPECT_EQ(*DecimalToInt64(*v), -2);
  const uint8_t big[] = {0x00, 0x80, 0x00};
  v = DecimalFromBigEndian(big);
  uint8_t out[2];
  EXPECT_FALSE(NarrowDecimal(*v, 2, out).ok());  // 0x8000 would read back negative
  uint8_t out3[3];
  EXPECT_TRUE(NarrowDecimal(*v, 3, out3).ok());
  EXPECT_EQ(Hex(out3, 3), "008000");
}

}  // namespace
}  // namespace tributary::format::parquet
