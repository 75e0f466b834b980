#include "format/parquet/rle_encoder.h"

#include <gtest/gtest.h>

#include <random>

#include "format/parquet/test_decoder.h"

namespace tributary::format::parquet {
namespace {

std::vector<uint32_t> RoundTrip(const std::vector<uint32_t>& v, int width) {
  std::string out;
  EncodeRleHybrid(v.data(), v.size(), width, &out);
  return testing::DecodeRleHybrid(out, width, v.size());
}

TEST(RleEncoder, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(3), 2);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(0xffffffffu), 32);
}

// The example of Encodings.md: 0..7 with bit width 3 bit-packs to 0x88 0xC6 0xFA.
TEST(RleEncoder, SpecBitPackingExample) {
  std::vector<uint32_t> v = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  EncodeRleHybrid(v.data(), v.size(), 3, &out);
  EXPECT_EQ(out, std::string("\x03\x88\xc6\xfa", 4));
}

TEST(RleEncoder, LongRunIsOneRleRun) {
  std::vector<uint8_t> v(1000, 1);
  std::string out;
  EncodeRleHybrid(v.data(), v.size(), 1, &out);
  // header varint(1000 << 1) = 0xd0 0x0f, value byte 0x01
  EXPECT_EQ(out, std::string("\xd0\x0f\x01", 3));
}

TEST(RleEncoder, EmptyInputWritesNothing) {
  std::string out;
  EncodeRleHybrid(static_cast<const uint32_t*>(nullptr), 0, 5, &out);
  EXPECT_TRUE(out.empty());
}

TEST(RleEncoder, AllBitWidthsAndRunBoundaries) {
  std::mt19937 rng(7);
  for (int width = 0; width <= 32; ++width) {
    uint64_t max = width == 0 ? 0 : width == 32 ? 0xffffffffULL : (1ULL << width) - 1;
    // Runs of 1..17 around the 8-value group and run thresholds, and lengths that are not
    // multiples of 8.
    for (int run = 1; run <= 17; ++run) {
      for (size_t len : {1u, 7u, 8u, 9u, 15u, 16u, 17u, 63u, 64u, 65u, 200u}) {
        std::vector<uint32_t> v;
        uint32_t cur = 0;
        while (v.size() < len) {
          cur = static_cast<uint32_t>(rng() % (max + 1));
          for (int k = 0; k < run && v.size() < len; ++k) v.push_back(cur);
        }
        ASSERT_EQ(RoundTrip(v, width), v) << "width " << width << " run " << run << " len " << len;
      }
    }
    // Extremes: all max, alternating 0/max.
    std::vector<uint32_t> all(100, static_cast<uint32_t>(max));
    ASSERT_EQ(RoundTrip(all, width), all);
    std::vector<uint32_t> alt;
    for (int i = 0; i < 99; ++i) alt.push_back(i % 2 ? static_cast<uint32_t>(max) : 0);
    ASSERT_EQ(RoundTrip(alt, width), alt);
  }
}

TEST(RleEncoder, LiteralsThenRunAlignToGroups) {
  // 3 literals then a run of 20: the literal section must be padded with 5 of the run's
  // values to reach a group of 8, then the remaining 15 form an RLE run.
  std::vector<uint32_t> v = {1, 2, 3};
  v.insert(v.end(), 20, 9);
  std::string out;
  EncodeRleHybrid(v.data(), v.size(), 4, &out);
  ASSERT_GE(out.size(), 1u);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), 0x03);     // one bit-packed group
  EXPECT_EQ(static_cast<uint8_t>(out[5]), 15 << 1);  // then a run of 15
  EXPECT_EQ(testing::DecodeRleHybrid(out, 4, v.size()), v);
}

TEST(RleEncoder, Uint8LevelsMatchUint32Encoding) {
  std::mt19937 rng(3);
  std::vector<uint8_t> a;
  std::vector<uint32_t> b;
  for (int i = 0; i < 5000; ++i) {
    uint8_t x = static_cast<uint8_t>(rng() % 3 == 0 ? rng() % 4 : 3);
    a.push_back(x);
    b.push_back(x);
  }
  std::string sa, sb;
  EncodeRleHybrid(a.data(), a.size(), 2, &sa);
  EncodeRleHybrid(b.data(), b.size(), 2, &sb);
  EXPECT_EQ(sa, sb);
}

}  // namespace
}  // namespace tributary::format::parquet
