#include "kafka/murmur2.h"

#include <gtest/gtest.h>

namespace tributary::kafka {
namespace {

// Kafka's UtilsTest.testMurmur2 vectors (formats.md section 5).
TEST(Murmur2Test, KafkaVectors) {
  EXPECT_EQ(JavaMurmur2("21"), -973932308);
  EXPECT_EQ(JavaMurmur2("foobar"), -790332482);
  EXPECT_EQ(JavaMurmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(JavaMurmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(JavaMurmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(JavaMurmur2("abc"), 479470107);
}

// Every tail length (0..3) goes through its own branch of the switch.
TEST(Murmur2Test, TailLengths) {
  EXPECT_EQ(JavaMurmur2("abc"), 479470107);                 // tail 3
  EXPECT_EQ(JavaMurmur2("21"), -973932308);                 // tail 2
  EXPECT_EQ(JavaMurmur2("a-little-bit-long-string"), -985981536);  // 24 bytes: tail 0
  EXPECT_NE(Murmur2(std::string_view("\0", 1)), Murmur2(""));
}

TEST(Murmur2Test, PartitionForKey) {
  // formats.md: {"id":1001} → 1645685654 → partition 2 of 3.
  EXPECT_EQ(JavaMurmur2("{\"id\":1001}"), 1645685654);
  EXPECT_EQ(PartitionForKey("{\"id\":1001}", 3), 2);
  // The connect-offsets key of the tutorial: partition 12 of 25.
  EXPECT_EQ(JavaMurmur2("[\"mysql-source-connector\",{\"server\":\"dbserver1\"}]"), 1049131737);
  EXPECT_EQ(PartitionForKey("[\"mysql-source-connector\",{\"server\":\"dbserver1\"}]", 25), 12);
  // Negative hashes go through toPositive (& 0x7fffffff), not abs().
  EXPECT_EQ(PartitionForKey("21", 7), static_cast<int32_t>((static_cast<uint32_t>(-973932308) & 0x7fffffffu) % 7));
}

}  // namespace
}  // namespace tributary::kafka
