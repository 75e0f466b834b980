#include "mysql/gtid.h"

#include <gtest/gtest.h>

#include "mysql/binlog_client.h"

namespace tributary::mysql {
namespace {

GtidSet RoundTrip(std::string_view text) {
  auto bytes = EncodeGtidSet(text);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().ToString();
  ByteReader r(*bytes);
  auto set = DecodeGtidSet(r);
  EXPECT_TRUE(set.has_value()) << set.error().ToString();
  EXPECT_TRUE(r.empty());
  return *set;
}

TEST(GtidSetTest, UntaggedSetsRoundTripThroughTheDumpEncoding) {
  GtidSet s = RoundTrip("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7, b9b88c66-0755-11f1-9899-4a9da94c4d71:1");
  EXPECT_FALSE(s.tagged_format);
  EXPECT_EQ(s.ToString(),
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,b9b88c66-0755-11f1-9899-4a9da94c4d71:1");
  EXPECT_EQ(s.entries[0].intervals[0].end, 6u);  // the binlog form is [start, end)
}

TEST(GtidSetTest, TaggedSetsUseTheTaggedFormat) {
  GtidSet s = RoundTrip("55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:MyTag:1-2");
  EXPECT_TRUE(s.tagged_format);
  EXPECT_EQ(s.ToString(), "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2");
}

TEST(GtidSetTest, BadTextIsAnError) {
  EXPECT_FALSE(EncodeGtidSet("not-a-uuid:1").has_value());
  EXPECT_FALSE(EncodeGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:5-1").has_value());
  EXPECT_FALSE(EncodeGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:0").has_value());
  EXPECT_FALSE(EncodeGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562").has_value());
  EXPECT_EQ(RoundTrip("").entries.size(), 0u);
}

TEST(GtidSetTest, AddMergesTransactionsIntoIntervals) {
  auto set = ParseGtidSet(
      "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,\n"
      "b9b88c66-0755-11f1-9899-4a9da94c4d71:1");
  ASSERT_TRUE(set.has_value()) << set.error().ToString();
  Uuid a = set->entries[0].sid, b = set->entries[1].sid;
  set->Add(a, "", 6);  // fills the gap: 1-7
  EXPECT_EQ(set->ToString(),
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-7,b9b88c66-0755-11f1-9899-4a9da94c4d71:1");
  set->Add(a, "", 3);   // already in
  set->Add(b, "", 2);   // extends
  set->Add(b, "", 10);  // a new interval
  set->Add(b, "", 9);   // grows it downwards
  EXPECT_EQ(set->ToString(),
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-7,b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2:9-10");
  Uuid c{};  // sorts first
  set->Add(c, "", 1);
  set->Add(a, "tag", 4);
  EXPECT_EQ(set->ToString(),
            "00000000-0000-0000-0000-000000000000:1,3e11fa47-71ca-11e1-9e33-c80aa9429562:1-7:tag:4,"
            "b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2:9-10");
  EXPECT_TRUE(set->tagged_format);
  GtidSet empty;
  empty.Add(a, "", 1);
  EXPECT_EQ(empty.ToString(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1");
  EXPECT_FALSE(ParseGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-x").has_value());
}

TEST(GtidSetTest, SerializedVarints) {
  // From the MySQL 9.6 tagged GTID event: 0x78 -> 60, 0x25 0x02 -> 0x89.
  std::vector<std::byte> one = {std::byte{0x78}};
  ByteReader r1(one);
  EXPECT_EQ(*ReadSerializedVarUint(r1), 60u);
  std::vector<std::byte> two = {std::byte{0x25}, std::byte{0x02}};
  ByteReader r2(two);
  EXPECT_EQ(*ReadSerializedVarUint(r2), 0x89u);
  std::vector<std::byte> cut = {std::byte{0x03}};
  ByteReader r3(cut);
  EXPECT_FALSE(ReadSerializedVarUint(r3).has_value());
  std::vector<std::byte> neg = {std::byte{0x06}};  // zig-zag 3 -> -2
  ByteReader r4(neg);
  EXPECT_EQ(*ReadSerializedVarInt(r4), -2);
}

}  // namespace
}  // namespace tributary::mysql
