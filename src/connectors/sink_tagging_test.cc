#include "connectors/sink_tagging.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/file_builder.h"
#include "format/json_lines_format.h"
#include "lake/store/local_store.h"

namespace tributary::connectors {
namespace {

using Tags = lake::ObjectTags;

TEST(ObjectTaggingTest, ParsesPairsAtTheFirstColon) {
  auto t = ObjectTagging::Parse({"env:prod", "team:data:lake", "", "empty:", "n:a b+c=d/e@f.g_h-é"},
                                "ignore");
  ASSERT_TRUE(t.has_value()) << t.error().message();
  EXPECT_EQ(t->extra, (Tags{{"env", "prod"}, {"team", "data:lake"}, {"empty", ""},
                            {"n", "a b+c=d/e@f.g_h-é"}}));
  EXPECT_FALSE(t->fail_on_error);
  EXPECT_TRUE(ObjectTagging::Parse({}, "fail")->fail_on_error);
}

TEST(ObjectTaggingTest, RefusesWhatS3OrTheOffsetTagsWouldRefuse) {
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"novalue"}, {":x"}, {"a:1", "a:2"}, {"startOffset:1"},
        {"recordCount:1"}, {"k:a<b"}, {"k:a,b"}, {"k#:v"}, {std::string(129, 'k') + ":v"},
        {"k:" + std::string(257, 'v')}, {"1:a", "2:a", "3:a", "4:a", "5:a", "6:a", "7:a", "8:a"}}) {
    auto t = ObjectTagging::Parse(bad, "ignore");
    ASSERT_FALSE(t.has_value()) << bad[0];
    EXPECT_NE(t.error().message().find("s3.object.tagging.key.value.pairs"), std::string::npos);
  }
  EXPECT_TRUE(ObjectTagging::Parse({"1:a", "2:a", "3:a", "4:a", "5:a", "6:a", "7:a"}, "ignore"));
}

TEST(ObjectTaggingTest, OffsetTagsFirstThenTheExtraPairs) {
  ObjectTagging t;
  t.extra = {{"env", "prod"}};
  EXPECT_EQ(ObjectTagsFor(t, 1200, 1202, 3),
            (Tags{{"startOffset", "1200"}, {"endOffset", "1202"}, {"recordCount", "3"},
                  {"env", "prod"}}));
}

// A real local folder store that keeps tags in memory and can refuse them: `fail_times`
// retryable failures first, or every time with a non-retryable error.
class TaggingStore final : public lake::ObjectStore {
 public:
  explicit TaggingStore(lake::ObjectStore* inner) : inner_(inner) {}
  std::string Describe() const override { return inner_->Describe(); }
  Status Put(std::string_view key, std::span<const std::byte> data,
             const lake::WriteOptions& options = {}) override {
    std::lock_guard lock(mu_);
    tags_.erase(std::string(key));  // a new object has no tags (as in S3)
    return inner_->Put(key, data, options);
  }
  Result<std::unique_ptr<lake::ObjectUpload>> BeginUpload(
      std::string_view key, const lake::WriteOptions& options = {}) override {
    return inner_->BeginUpload(key, options);
  }
  Result<std::string> Get(std::string_view key) override { return inner_->Get(key); }
  Result<std::optional<lake::ObjectInfo>> Head(std::string_view key) override {
    return inner_->Head(key);
  }
  Result<lake::ListPage> List(std::string_view prefix, std::string_view token,
                              int max_keys = 1000) override {
    return inner_->List(prefix, token, max_keys);
  }
  Status Delete(std::string_view key) override { return inner_->Delete(key); }
  bool SupportsTags() const override { return true; }
  Status PutTags(std::string_view key, const Tags& tags) override {
    std::lock_guard lock(mu_);
    ++calls_;
    if (denied_) return Status::FailedPrecondition("403 AccessDenied");
    if (fail_times_ > 0) {
      --fail_times_;
      return Status::Unavailable("503 SlowDown");
    }
    auto head = inner_->Head(key);
    if (!head || !head->has_value()) return Status::NotFound("NoSuchKey");
    tags_[std::string(key)] = tags;
    return Status::Ok();
  }

  std::map<std::string, Tags> tags() {
    std::lock_guard lock(mu_);
    return tags_;
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  void Deny() { denied_ = true; }
  void FailTimes(int n) { fail_times_ = n; }

 private:
  lake::ObjectStore* inner_;
  std::mutex mu_;
  std::map<std::string, Tags> tags_;
  int calls_ = 0;
  bool denied_ = false;
  int fail_times_ = 0;
};

class TaggingUpload : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sink-tagging-test-XXXXXX";
    root_ = mkdtemp(tmpl);
    local_ = std::move(*lake::LocalStore::Open(root_));
    store_ = std::make_unique<TaggingStore>(local_.get());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // An object of records at `offsets`, with tagging.
  std::unique_ptr<FileBuilder> Object(const std::vector<int64_t>& offsets,
                                      std::shared_ptr<const ObjectTagging> tagging) {
    auto b = FileBuilder::Begin(
        "topics/t/partition=0/t+0+" + std::to_string(offsets.front()) + ".json", offsets.front(),
        std::make_unique<format::JsonLinesFormat>(format::JsonLinesOptions{}), "");
    EXPECT_TRUE(b.has_value());
    for (int64_t o : offsets) {
      format::SinkRecord r;
      r.topic = "t";
      r.offset = o;
      std::string v = "{\"n\":" + std::to_string(o) + "}";
      r.value = v;
      auto parsed = parser_.Parse(r);
      EXPECT_TRUE((*b)->Append(r, *parsed).ok());
    }
    (*b)->set_tagging(std::move(tagging));
    EXPECT_TRUE((*b)->Finish().ok());
    return std::move(*b);
  }

  Status Upload(FileBuilder& b) {
    std::stop_source stop;
    return UploadWithRetry(b, *store_, 25 << 20, std::chrono::milliseconds(5), stop.get_token(),
                           {}, nullptr);
  }

  std::string root_;
  std::unique_ptr<lake::LocalStore> local_;
  std::unique_ptr<TaggingStore> store_;
  format::RecordValueParser parser_;
};

TEST_F(TaggingUpload, TheUploadedObjectIsTaggedWithItsOffsetsAndCount) {
  auto tagging = std::make_shared<ObjectTagging>();
  tagging->extra = {{"env", "test"}};
  auto b = Object({7, 8, 10}, tagging);  // offset 9 was skipped
  ASSERT_TRUE(Upload(*b).ok());
  EXPECT_EQ(store_->tags()[b->key()],
            (Tags{{"startOffset", "7"}, {"endOffset", "10"}, {"recordCount", "3"},
                  {"env", "test"}}));
}

TEST_F(TaggingUpload, NoTaggingNoCall) {
  auto b = Object({0}, nullptr);
  ASSERT_TRUE(Upload(*b).ok());
  EXPECT_EQ(store_->calls(), 0);
  EXPECT_TRUE(local_->Exists(b->key()).value());
}

TEST_F(TaggingUpload, IgnoreLeavesTheObjectUntaggedAndGoesOn) {
  store_->Deny();
  auto b = Object({0, 1}, std::make_shared<ObjectTagging>());
  ASSERT_TRUE(Upload(*b).ok());
  EXPECT_TRUE(local_->Exists(b->key()).value());
  EXPECT_TRUE(store_->tags().empty());
  EXPECT_EQ(store_->calls(), 1);
}

TEST_F(TaggingUpload, FailRetriesARetryableErrorThenTags) {
  store_->FailTimes(3);
  auto t = std::make_shared<ObjectTagging>();
  t->fail_on_error = true;
  auto b = Object({0, 1}, t);
  ASSERT_TRUE(Upload(*b).ok());
  EXPECT_EQ(store_->calls(), 4);
  EXPECT_EQ(store_->tags()[b->key()][2], (std::pair<std::string, std::string>{"recordCount", "2"}));
}

TEST_F(TaggingUpload, FailStopsOnAnAccessError) {
  store_->Deny();
  auto t = std::make_shared<ObjectTagging>();
  t->fail_on_error = true;
  auto b = Object({0, 1}, t);
  Status s = Upload(*b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("s3.object.behavior.on.tagging.error=fail"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find(b->key()), std::string::npos);
}

TEST_F(TaggingUpload, AFailedTagFailsThePoolsBatch) {
  store_->Deny();
  auto t = std::make_shared<ObjectTagging>();
  t->fail_on_error = true;
  UploadPool::Options o;
  o.store = store_.get();
  o.threads = 2;
  o.retry_backoff = std::chrono::milliseconds(5);
  UploadPool pool(o);
  std::vector<std::unique_ptr<FileBuilder>> cut;
  cut.push_back(Object({0, 1}, t));
  auto batch = pool.Submit(0, std::move(cut));
  pool.Wait(*batch);
  EXPECT_FALSE(batch->status().ok());
  EXPECT_FALSE(pool.error().ok());
}

TEST(LocalStoreTags, ALocalFolderKeepsNoTags) {
  char tmpl[] = "/tmp/sink-tagging-local-XXXXXX";
  std::string root = mkdtemp(tmpl);
  auto store = std::move(*lake::LocalStore::Open(root));
  EXPECT_FALSE(store->SupportsTags());
  EXPECT_EQ(store->PutTags("a", {{"k", "v"}}).code(), StatusCode::kUnsupported);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace tributary::connectors
