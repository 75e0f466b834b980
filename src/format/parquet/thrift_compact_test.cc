#include "format/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include "format/parquet/test_decoder.h"

namespace tributary::format::parquet {
namespace {

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

TEST(CompactWriter, ShortFieldDeltasAndZigZag) {
  std::string out;
  CompactWriter w(&out);
  w.FieldI32(1, 0);        // 0x15 00
  w.FieldI32(2, -1);       // 0x15 01
  w.FieldI64(3, 1);        // 0x16 02
  w.FieldI32(5, 300);      // delta 2: 0x25, zigzag 600 = 0xd8 0x04
  w.FieldBool(6, true);    // 0x11
  w.FieldBool(7, false);   // 0x12
  w.FieldBinary(8, "ab");  // 0x18 02 61 62
  w.Finish();
  EXPECT_EQ(Hex(out),
            "15001501160225d804111218026162"
            "00");
}

TEST(CompactWriter, LongDeltaUsesExplicitId) {
  std::string out;
  CompactWriter w(&out);
  w.FieldI32(1, 7);
  w.FieldI32(20, 7);  // delta 19 > 15: type byte then zigzag id (40 = 0x28)
  w.Finish();
  EXPECT_EQ(Hex(out),
            "150e"
            "0528"
            "0e"
            "00");
}

TEST(CompactWriter, NestedStructsRestoreFieldIds) {
  std::string out;
  CompactWriter w(&out);
  w.FieldI32(1, 1);
  w.BeginStructField(4);  // delta 3: 0x3c
  w.FieldI32(1, 2);       // inner ids start at 0 again: 0x15
  w.EndStruct();
  w.FieldI32(5, 3);  // delta from 4 = 1: 0x15
  w.Finish();
  EXPECT_EQ(Hex(out),
            "1502"
            "3c"
            "1504"
            "00"
            "1506"
            "00");
}

TEST(CompactWriter, ListHeaders) {
  std::string out;
  CompactWriter w(&out);
  w.FieldListHeader(1, CompactType::kI32, 3);  // 0x19, 0x35
  for (int i = 0; i < 3; ++i) w.ListI32(i);
  w.FieldListHeader(2, CompactType::kBinary, 15);  // 0x19, 0xf8 0x0f
  for (int i = 0; i < 15; ++i) w.ListBinary("");
  w.FieldListHeader(3, CompactType::kBoolTrue, 2);  // 0x19 0x21 then 01 02
  w.ListBool(true);
  w.ListBool(false);
  w.Finish();
  EXPECT_EQ(Hex(out),
            "1935000204"
            "19f80f" +
                std::string(30, '0') +
                "19210102"
                "00");
}

TEST(CompactWriter, RoundTripsThroughIndependentReader) {
  std::string out;
  CompactWriter w(&out);
  w.FieldI64(1, -1234567890123LL);
  w.FieldI16(2, -7);
  w.FieldI8(3, -5);
  w.FieldListHeader(4, CompactType::kStruct, 20);
  for (int i = 0; i < 20; ++i) {
    w.BeginListStruct();
    w.FieldBinary(1, std::string(static_cast<size_t>(i) * 10, 'x'));
    w.FieldEmptyStruct(30);
    w.EndStruct();
  }
  w.FieldBool(300, true);
  w.Finish();
  size_t pos = 0;
  testing::ThriftValue v = testing::ReadStruct(out, &pos);
  EXPECT_EQ(pos, out.size());
  EXPECT_EQ(v[1].i, -1234567890123LL);
  EXPECT_EQ(v[2].i, -7);
  EXPECT_EQ(v[3].i, -5);
  ASSERT_EQ(v[4].list.size(), 20u);
  EXPECT_EQ(v[4].list[19][1].bin.size(), 190u);
  EXPECT_TRUE(v[4].list[19].has(30));
  EXPECT_EQ(v[300].i, 1);
}

}  // namespace
}  // namespace tributary::format::parquet
