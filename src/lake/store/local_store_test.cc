#include "lake/store/local_store.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

namespace tributary::lake {
namespace {

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "local-store-XXXXXX").string();
    root_ = std::string(::mkdtemp(tmpl.data())) + "/lake";  // Open creates the last level
    auto s = LocalStore::Open(root_);
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    std::filesystem::remove_all(std::filesystem::path(root_).parent_path());
  }

  // Every file under the root, temporary ones included.
  std::vector<std::string> FilesOnDisk() {
    std::vector<std::string> out;
    for (auto& e : std::filesystem::recursive_directory_iterator(root_)) {
      if (e.is_regular_file()) out.push_back(std::filesystem::relative(e.path(), root_).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string root_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(LocalStoreTest, PutGetHeadOverwriteDelete) {
  std::string key = "topics/orders/partition=0/orders+0+0000000000.json";
  ASSERT_TRUE(store_->Put(key, AsBytes("{\"a\":1}\n")).ok());
  EXPECT_EQ(store_->Get(key).value(), "{\"a\":1}\n");
  auto head = store_->Head(key);
  ASSERT_TRUE(head && head->has_value());
  EXPECT_EQ((*head)->size, 8u);
  EXPECT_GT((*head)->last_modified_ms, 0);
  ASSERT_TRUE(store_->Put(key, AsBytes("v2")).ok());
  EXPECT_EQ(store_->Get(key).value(), "v2");
  EXPECT_EQ(store_->Exists(key).value(), true);
  ASSERT_TRUE(store_->Delete(key).ok());
  EXPECT_EQ(store_->Exists(key).value(), false);
  EXPECT_TRUE(store_->Delete(key).ok());  // missing: fine, as in S3
  auto missing = store_->Get(key);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.error().message().find("file://" + root_ + "/" + key), std::string::npos);
  EXPECT_EQ(FilesOnDisk(), std::vector<std::string>{});
}

TEST_F(LocalStoreTest, EmptyObjectAndBinaryBytes) {
  ASSERT_TRUE(store_->Put("empty", {}).ok());
  EXPECT_EQ(store_->Get("empty").value(), "");
  std::string bin("\x00\x01\xff\n\r", 5);
  ASSERT_TRUE(store_->Put("bin", AsBytes(bin)).ok());
  EXPECT_EQ(store_->Get("bin").value(), bin);
}

TEST_F(LocalStoreTest, ListByPrefixInKeyOrderWithPages) {
  std::vector<std::string> keys = {"t/a/1", "t/a/2", "t/b/1", "t/ab", "u/1", "t/a+b"};
  for (const auto& k : keys) ASSERT_TRUE(store_->Put(k, AsBytes(k)).ok());
  auto all = store_->ListAll("t/");
  ASSERT_TRUE(all);
  std::vector<std::string> got;
  for (auto& o : *all) got.push_back(o.key);
  EXPECT_EQ(got, (std::vector<std::string>{"t/a+b", "t/a/1", "t/a/2", "t/ab", "t/b/1"}));
  // A prefix that ends inside a name.
  got.clear();
  auto with_a = store_->ListAll("t/a").value();
  for (auto& o : with_a) got.push_back(o.key);
  EXPECT_EQ(got, (std::vector<std::string>{"t/a+b", "t/a/1", "t/a/2", "t/ab"}));
  // Pages of two.
  auto p1 = store_->List("t/", "", 2).value();
  ASSERT_EQ(p1.objects.size(), 2u);
  EXPECT_EQ(p1.objects[1].key, "t/a/1");
  auto p2 = store_->List("t/", p1.next_token, 2).value();
  EXPECT_EQ(p2.objects[0].key, "t/a/2");
  auto p3 = store_->List("t/", p2.next_token, 2).value();
  ASSERT_EQ(p3.objects.size(), 1u);
  EXPECT_EQ(p3.next_token, "");
  EXPECT_EQ(store_->ListAll("").value().size(), keys.size());
  EXPECT_EQ(store_->ListAll("nothing/").value().size(), 0u);
}

TEST_F(LocalStoreTest, UploadIsInvisibleUntilComplete) {
  auto up = store_->BeginUpload("big/object.bin");
  ASSERT_TRUE(up) << up.error().ToString();
  std::string chunk(100000, 'x');
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*up)->Append(AsBytes(chunk)).ok());
  EXPECT_EQ((*up)->size(), 1000000u);
  EXPECT_EQ(store_->Exists("big/object.bin").value(), false);
  EXPECT_EQ(store_->ListAll("big/").value().size(), 0u);  // the temp file is hidden
  EXPECT_EQ(FilesOnDisk().size(), 1u);                    // but it is there
  ASSERT_TRUE((*up)->Complete().ok());
  EXPECT_EQ(store_->Get("big/object.bin").value().size(), 1000000u);
  EXPECT_EQ(FilesOnDisk(), std::vector<std::string>{"big/object.bin"});
  EXPECT_FALSE((*up)->Append(AsBytes("late")).ok());
}

TEST_F(LocalStoreTest, AbortAndDestructionLeaveNothing) {
  ASSERT_TRUE(store_->Put("keep", AsBytes("old")).ok());
  {
    auto up = store_->BeginUpload("keep").value();
    ASSERT_TRUE(up->Append(AsBytes("new")).ok());
    ASSERT_TRUE(up->Abort().ok());
    EXPECT_TRUE(up->Abort().ok());  // idempotent
  }
  {
    auto up = store_->BeginUpload("dropped").value();
    ASSERT_TRUE(up->Append(AsBytes("x")).ok());
  }  // destroyed without Complete
  EXPECT_EQ(store_->Get("keep").value(), "old");
  EXPECT_EQ(FilesOnDisk(), std::vector<std::string>{"keep"});
}

TEST_F(LocalStoreTest, KeysAFolderCannotHold) {
  for (std::string key : {"", "/abs", "a//b", "a/./b", "a/../../etc/passwd", "..", "a/"}) {
    Status s = store_->Put(key, AsBytes("x"));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_EQ(FilesOnDisk(), std::vector<std::string>{});
}

TEST_F(LocalStoreTest, ConcurrentWritersOfOneKeyLeaveOneWholeObject) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      std::string body(200000, static_cast<char>('a' + t));
      for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->Put("shared/k", AsBytes(body)).ok());
    });
  }
  for (auto& t : threads) t.join();
  std::string got = store_->Get("shared/k").value();
  ASSERT_EQ(got.size(), 200000u);
  EXPECT_EQ(got.find_first_not_of(got[0]), std::string::npos);
  EXPECT_EQ(FilesOnDisk(), std::vector<std::string>{"shared/k"});
}

TEST(LocalStoreOpen, NeedsAnAbsolutePath) {
  auto s = LocalStore::Open("relative/dir");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tributary::lake
