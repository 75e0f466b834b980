#include "common/byte_reader.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace tributary {
namespace {

std::vector<std::byte> Bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

TEST(ByteReaderTest, ReadsLittleEndianWidths) {
  auto buf = Bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09});
  ByteReader r(buf);
  EXPECT_EQ(*r.ReadU8(), 0x01);
  EXPECT_EQ(*r.ReadU16(), 0x0302);
  EXPECT_EQ(*r.ReadU24(), 0x060504u);
  EXPECT_EQ(r.position(), 6u);
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_EQ(*r.ReadUintBigEndian(3), 0x070809u);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, ShortReadIsCorruptionAndDoesNotAdvance) {
  auto buf = Bytes({0xAA, 0xBB, 0xCC});
  ByteReader r(buf);
  auto v = r.ReadU32();
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), StatusCode::kCorruption);
  EXPECT_EQ(v.error().message(), "truncated: need 4 byte(s) at offset 0, only 3 left");
  EXPECT_EQ(r.position(), 0u);
  EXPECT_FALSE(r.ReadBytes(4).has_value());
  EXPECT_FALSE(r.Skip(4).ok());
  EXPECT_TRUE(r.Skip(3).ok());
  EXPECT_FALSE(r.ReadU8().has_value());
}

TEST(ByteReaderTest, LengthEncodedIntegers) {
  auto buf = Bytes({0xFA, 0xFC, 0x34, 0x12, 0xFD, 0x01, 0x02, 0x03, 0xFE, 1, 0, 0, 0, 0, 0, 0, 0x80});
  ByteReader r(buf);
  EXPECT_EQ(*r.ReadLengthEncoded(), 0xFAu);
  EXPECT_EQ(*r.ReadLengthEncoded(), 0x1234u);
  EXPECT_EQ(*r.ReadLengthEncoded(), 0x030201u);
  EXPECT_EQ(*r.ReadLengthEncoded(), 0x8000000000000001ull);
  auto null_prefix = Bytes({0xFB});
  ByteReader n(null_prefix);
  EXPECT_EQ(n.ReadLengthEncoded().error().code(), StatusCode::kCorruption);
  auto truncated = Bytes({0xFE, 1, 2});
  ByteReader t(truncated);
  EXPECT_FALSE(t.ReadLengthEncoded().has_value());
}

TEST(ByteReaderTest, StringViewsPointIntoBuffer) {
  std::array<char, 5> text = {'h', 'e', 'l', 'l', 'o'};
  ByteReader r(text.data(), text.size());
  auto s = r.ReadString(4);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, "hell");
  EXPECT_EQ(s->data(), text.data());
  EXPECT_EQ(r.Rest().size(), 1u);
}

}  // namespace
}  // namespace tributary
