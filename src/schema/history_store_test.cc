#include "schema/history_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tributary::schema {
namespace {

class FileHistoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tributary-history-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "sub" / "history.jsonl").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> ReadAll(FileHistoryStore& store, Status* status) {
    std::vector<std::string> out;
    *status = store.Recover([&](std::string_view r) {
      out.emplace_back(r);
      return Status::Ok();
    });
    return out;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(FileHistoryStoreTest, AppendsAndRecoversInOrderCreatingDirectories) {
  FileHistoryStore store(path_);
  EXPECT_EQ(store.Exists().value(), false);
  ASSERT_TRUE(store.Append(R"j({"ddl":"CREATE TABLE a (x INT)"})j").ok());
  ASSERT_TRUE(store.Append(R"({"ddl":"ALTER TABLE a ADD y INT"})").ok());
  EXPECT_EQ(store.Exists().value(), true);
  FileHistoryStore again(path_);
  Status s;
  auto records = ReadAll(again, &s);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1], R"({"ddl":"ALTER TABLE a ADD y INT"})");
}

TEST_F(FileHistoryStoreTest, RejectsMultiLineRecords) {
  FileHistoryStore store(path_);
  EXPECT_EQ(store.Append("{\n}").code(), StatusCode::kInvalidArgument);
}

TEST_F(FileHistoryStoreTest, DropsATornLastRecordAndKeepsAppending) {
  {
    FileHistoryStore store(path_);
    ASSERT_TRUE(store.Append(R"({"n":1})").ok());
  }
  { std::ofstream(path_, std::ios::app) << R"({"n":2,"ddl":"ALT)"; }
  FileHistoryStore store(path_);
  Status s;
  auto records = ReadAll(store, &s);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(records, std::vector<std::string>{R"({"n":1})"});
  ASSERT_TRUE(store.Append(R"({"n":3})").ok());
  records = ReadAll(store, &s);
  EXPECT_EQ(records, (std::vector<std::string>{R"({"n":1})", R"({"n":3})"}));
}

TEST_F(FileHistoryStoreTest, ReportsADamagedLineAsCorruption) {
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
  { std::ofstream(path_) << "{\"n\":1}\ngarbage\n{\"n\":2}\n"; }
  FileHistoryStore store(path_);
  Status s;
  ReadAll(store, &s);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("line 2"), std::string::npos) << s.message();
}

TEST_F(FileHistoryStoreTest, PassesTheCallersErrorWithTheLine) {
  FileHistoryStore store(path_);
  ASSERT_TRUE(store.Append(R"({"n":1})").ok());
  Status s = store.Recover([](std::string_view) { return Status::InvalidArgument("bad record"); });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("line 1: bad record"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace tributary::schema
