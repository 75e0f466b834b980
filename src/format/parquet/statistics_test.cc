#include "format/parquet/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace tributary::format::parquet {
namespace {

template <typename T>
T Decode(const std::string& s) {
  T v;
  EXPECT_EQ(s.size(), sizeof(T));
  std::memcpy(&v, s.data(), sizeof(T));
  return v;
}

TEST(Statistics, SignedVersusUnsigned32) {
  std::vector<uint32_t> v = {5, static_cast<uint32_t>(-3), 0x80000000u, 7};
  StatsAccumulator s(SortOrder::kSigned32, false), u(SortOrder::kUnsigned32, false);
  s.Update32(v.data(), v.size());
  u.Update32(v.data(), v.size());
  EncodedStatistics es = s.Encode(0), eu = u.Encode(0);
  EXPECT_EQ(Decode<int32_t>(es.min), INT32_MIN);
  EXPECT_EQ(Decode<int32_t>(es.max), 7);
  EXPECT_EQ(Decode<uint32_t>(eu.min), 5u);
  EXPECT_EQ(Decode<uint32_t>(eu.max), static_cast<uint32_t>(-3));
}

TEST(Statistics, SignedVersusUnsigned64) {
  std::vector<uint64_t> v = {1, ~0ULL, 1ULL << 63};
  StatsAccumulator s(SortOrder::kSigned64, false), u(SortOrder::kUnsigned64, false);
  s.Update64(v.data(), v.size());
  u.Update64(v.data(), v.size());
  EXPECT_EQ(Decode<int64_t>(s.Encode(0).min), INT64_MIN);
  EXPECT_EQ(Decode<int64_t>(s.Encode(0).max), 1);
  EXPECT_EQ(Decode<uint64_t>(u.Encode(0).min), 1u);
  EXPECT_EQ(Decode<uint64_t>(u.Encode(0).max), ~0ULL);
}

TEST(Statistics, DoublesSkipNanAndNormalizeZeros) {
  std::vector<double> d = {std::nan(""), 0.0, -0.0, std::nan(""), 0.0};
  std::vector<uint64_t> bits(d.size());
  std::memcpy(bits.data(), d.data(), d.size() * 8);
  StatsAccumulator s(SortOrder::kDouble, false);
  s.Update64(bits.data(), bits.size());
  EncodedStatistics e = s.Encode(0);
  ASSERT_TRUE(e.has_min_max);
  EXPECT_TRUE(std::signbit(Decode<double>(e.min)));   // -0.0
  EXPECT_FALSE(std::signbit(Decode<double>(e.max)));  // +0.0

  StatsAccumulator nan_only(SortOrder::kDouble, false);
  nan_only.Update64(bits.data(), 1);
  EXPECT_FALSE(nan_only.Encode(0).has_min_max);
}

TEST(Statistics, FloatsWithInfinities) {
  std::vector<float> f = {1.5f, -std::numeric_limits<float>::infinity(), 3.0f, std::nanf("")};
  std::vector<uint32_t> bits(f.size());
  std::memcpy(bits.data(), f.data(), f.size() * 4);
  StatsAccumulator s(SortOrder::kFloat, false);
  s.Update32(bits.data(), bits.size());
  EXPECT_EQ(Decode<float>(s.Encode(0).min), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(Decode<float>(s.Encode(0).max), 3.0f);
}

TEST(Statistics, BytesAreUnsignedLexicographic) {
  StatsAccumulator s(SortOrder::kBytes, false);
  s.UpdateBytes("b");
  s.UpdateBytes("\xff");
  s.UpdateBytes("");
  s.UpdateBytes("ba");
  EncodedStatistics e = s.Encode(0);
  EXPECT_EQ(e.min, "");
  EXPECT_EQ(e.max, "\xff");
}

TEST(Statistics, DecimalBytesAreSigned) {
  StatsAccumulator s(SortOrder::kSignedBytes, false);
  s.UpdateBytes(std::string("\x00\x05", 2));
  s.UpdateBytes(std::string("\xff\xfe", 2));  // -2
  s.UpdateBytes(std::string("\x7f\x00", 2));
  EncodedStatistics e = s.Encode(1);  // never truncated
  EXPECT_EQ(e.min, std::string("\xff\xfe", 2));
  EXPECT_EQ(e.max, std::string("\x7f\x00", 2));
  EXPECT_TRUE(e.min_exact && e.max_exact);
}

TEST(Statistics, MergeAndNullCount) {
  StatsAccumulator a(SortOrder::kSigned32, false), b(SortOrder::kSigned32, false);
  uint32_t x = 10, y = static_cast<uint32_t>(-10);
  a.Update32(&x, 1);
  a.AddNulls(2);
  b.Update32(&y, 1);
  b.AddNulls(3);
  a.Merge(b);
  EncodedStatistics e = a.Encode(0);
  EXPECT_EQ(e.null_count, 5);
  EXPECT_EQ(Decode<int32_t>(e.min), -10);
  EXPECT_EQ(Decode<int32_t>(e.max), 10);
}

TEST(Statistics, TruncationKeepsBounds) {
  std::string v = "abcdefgh";
  EXPECT_TRUE(TruncateMin(&v, 4, false));
  EXPECT_EQ(v, "abcd");
  v = "abcdefgh";
  EXPECT_TRUE(TruncateMax(&v, 4, false));
  EXPECT_EQ(v, "abce");
  v = "ab\xff\xff"
      "cd";
  EXPECT_TRUE(TruncateMax(&v, 4, false));
  EXPECT_EQ(v, "ac");
  v = "\xff\xff\xff\xff\xff";
  EXPECT_FALSE(TruncateMax(&v, 4, false));  // no shorter upper bound: kept whole
  EXPECT_EQ(v.size(), 5u);
  v = "abc";
  EXPECT_FALSE(TruncateMax(&v, 4, false));
}

TEST(Statistics, Utf8TruncationStaysValid) {
  // "aé😀z": 'a' 1 byte, 'é' 2, '😀' 4, 'z' 1.
  std::string s = "a\xc3\xa9\xf0\x9f\x98\x80z";
  std::string min = s, max = s;
  EXPECT_TRUE(TruncateMin(&min, 5, true));
  EXPECT_EQ(min, "a\xc3\xa9");  // cut before the emoji
  EXPECT_TRUE(TruncateMax(&max, 5, true));
  EXPECT_EQ(max, "a\xc3\xaa");  // é+1 = ê
  EXPECT_GT(max, s);
  // U+10FFFF cannot grow: the previous character is incremented.
  std::string top = "b\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf";
  EXPECT_TRUE(TruncateMax(&top, 5, true));
  EXPECT_EQ(top, "c");
  // Encoded statistics truncate only past the limit and say so.
  StatsAccumulator acc(SortOrder::kBytes, true);
  acc.UpdateBytes(s);
  EncodedStatistics e = acc.Encode(5);
  EXPECT_FALSE(e.min_exact);
  EXPECT_FALSE(e.max_exact);
  EXPECT_LE(e.min, s);
  EXPECT_GT(e.max, s);
}

}  // namespace
}  // namespace tributary::format::parquet
