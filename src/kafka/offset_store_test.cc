#include "kafka/offset_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kafka/murmur2.h"

namespace tributary::kafka {
namespace {

TEST(ConnectOffsetKeyTest, KafkaConnectLayout) {
  // Byte-identical to Kafka Connect's JsonConverter (schemas off, compact).
  EXPECT_EQ(ConnectOffsetKey("mysql-source-connector", "dbserver1"),
            R"(["mysql-source-connector",{"server":"dbserver1"}])");
  EXPECT_EQ(ConnectOffsetKey("inventory-connector", "dbserver1"),
            R"(["inventory-connector",{"server":"dbserver1"}])");
  // Its partition in a 25-partition connect-offsets topic (formats.md section 5).
  EXPECT_EQ(PartitionForKey(ConnectOffsetKey("mysql-source-connector", "dbserver1"), 25), 12);
}

TEST(ConnectOffsetKeyTest, EscapesNames) {
  EXPECT_EQ(ConnectOffsetKey("a\"b", "c\\d"), R"(["a\"b",{"server":"c\\d"}])");
}

class FileOffsetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tributary-offsets-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "offsets.json").string(); }
  std::string Read() const {
    std::ifstream in(Path());
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::filesystem::path dir_;
};

TEST_F(FileOffsetStoreTest, MissingFileIsNoOffset) {
  FileOffsetStore store(Path(), "conn", "srv");
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(FileOffsetStoreTest, RoundTripLastWins) {
  FileOffsetStore store(Path(), "conn", "srv");
  ASSERT_TRUE(store.Store(R"({"file":"mysql-bin.000002","pos":154})").ok());
  ASSERT_TRUE(store.Store(
      R"({"ts_sec":1543312728,"file":"mysql-bin.000002","pos":530,"gtids":"50303655-f22a-11e8-92a5-0242ac1d0003:1-1","row":1,"server_id":1201,"event":2})").ok());
  FileOffsetStore again(Path(), "conn", "srv");
  auto loaded = again.Load();
  ASSERT_TRUE(loaded.has_value());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded,
            R"({"ts_sec":1543312728,"file":"mysql-bin.000002","pos":530,"gtids":"50303655-f22a-11e8-92a5-0242ac1d0003:1-1","row":1,"server_id":1201,"event":2})");
  // No temp file left behind.
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1);
  // The file is keyed by the Connect key.
  EXPECT_NE(Read().find(R"("[\"conn\",{\"server\":\"srv\"}]")"), std::string::npos) << Read();
}

TEST_F(FileOffsetStoreTest, KeepsOtherConnectorsEntries) {
  FileOffsetStore a(Path(), "a", "srv");
  FileOffsetStore b(Path(), "b", "srv");
  ASSERT_TRUE(a.Store(R"({"pos":1})").ok());
  ASSERT_TRUE(b.Store(R"({"pos":2})").ok());
  ASSERT_TRUE(a.Store(R"({"pos":3})").ok());
  EXPECT_EQ(**a.Load(), R"({"pos":3})");
  EXPECT_EQ(**b.Load(), R"({"pos":2})");
}

TEST_F(FileOffsetStoreTest, RejectsNonObjectAndCorruptFile) {
  FileOffsetStore store(Path(), "conn", "srv");
  EXPECT_EQ(store.Store("[1,2]").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Store("not json").code(), StatusCode::kInvalidArgument);
  {
    std::ofstream out(Path());
    out << "{ broken";
  }
  auto loaded = store.Load();
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kCorruption);
  // A corrupt file is not silently replaced.
  EXPECT_EQ(store.Store(R"({"pos":1})").code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace tributary::kafka
