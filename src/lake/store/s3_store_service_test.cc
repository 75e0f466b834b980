// S3Store against the real local MinIO (label `services`): every test works under its own
// random prefix "helper-s3-test/<random>/" of the shared bucket and removes what it wrote.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "lake/store/hashing.h"
#include "lake/store/s3_store.h"
#include "lake/store/test_bytes.h"

namespace tributary::lake {
namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

S3StoreOptions MinioOptions() {
  S3StoreOptions o;
  o.endpoint = EnvOr("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000");
  o.bucket = EnvOr("TRIBUTARY_S3_BUCKET", "tributary-lake");
  o.region = EnvOr("AWS_REGION", "us-east-1");
  o.part_size = 5 * 1024 * 1024;
  o.part_parallelism = 3;
  o.retry = RetryPolicy{.max_retries = 2, .base_backoff_ms = 20, .max_backoff_ms = 200};
  return o;
}

AwsCredentials MinioCredentials() {
  return {.access_key_id = EnvOr("AWS_ACCESS_KEY_ID", "tributary"),
          .secret_access_key = EnvOr("AWS_SECRET_ACCESS_KEY", "tributary-secret")};
}

std::unique_ptr<S3Store> Open(S3StoreOptions o = MinioOptions(),
                              AwsCredentials c = MinioCredentials()) {
  auto s = S3Store::Open(std::move(o), MakeStaticCredentialsProvider(std::move(c)));
  EXPECT_TRUE(s) << s.error().ToString();
  return std::move(*s);
}

class S3StoreService : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    prefix_ = fmt::format("helper-s3-test/{:08x}{:08x}/", rd(), rd());
    store_ = Open();
  }
  void TearDown() override {
    if (store_ == nullptr) return;
    for (auto& o : store_->ListAll(prefix_).value_or(std::vector<ObjectInfo>{})) {
      EXPECT_TRUE(store_->Delete(o.key).ok());
    }
    for (auto& u : store_->ListPendingUploads(prefix_).value_or(std::vector<PendingUpload>{})) {
      EXPECT_TRUE(store_->AbortPendingUpload(u).ok());
    }
  }

  std::string prefix_;
  std::unique_ptr<S3Store> store_;
};

TEST_F(S3StoreService, PutGetHeadListDelete) {
  std::vector<std::string> keys = {prefix_ + "topics/orders/partition=0/orders+0+0000000000.json",
                                   prefix_ + "topics/orders/partition=0/orders+0+0000000100.json",
                                   prefix_ + "topics/odd keys/a b+c=d&e?f#g%h~é.json",
                                   prefix_ + "topics/z"};
  for (size_t i = 0; i < keys.size(); ++i) {
    Status s = store_->Put(keys[i], AsBytes("body " + std::to_string(i)),
                           {.content_type = "application/json"});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    auto got = store_->Get(keys[i]);
    ASSERT_TRUE(got) << got.error().ToString();
    EXPECT_EQ(*got, "body " + std::to_string(i));
  }
  auto head = store_->Head(keys[0]).value();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->size, 6u);
  EXPECT_EQ(head->etag, HexLower(std::span<const unsigned char>(
                            reinterpret_cast<const unsigned char*>(
                                Base64Decode(Md5Base64(AsBytes("body 0"))).value().data()),
                            16)));
  EXPECT_GT(head->last_modified_ms, 1'600'000'000'000);
  EXPECT_FALSE(store_->Head(prefix_ + "missing").value().has_value());

  // Pages of two, in key order, odd keys decoded.
  std::vector<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    auto page = store_->List(prefix_ + "topics/", token, 2);
    ASSERT_TRUE(page) << page.error().ToString();
    for (auto& o : page->objects) listed.push_back(o.key);
    token = page->next_token;
    ++pages;
  } while (!token.empty());
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(listed, sorted);
  EXPECT_EQ(pages, 2);

  auto missing = store_->Get(prefix_ + "missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.error().message().find("HTTP 404 NoSuchKey"), std::string::npos);

  for (auto& k : keys) ASSERT_TRUE(store_->Delete(k).ok());
  EXPECT_TRUE(store_->Delete(keys[0]).ok());  // already gone: fine
  EXPECT_EQ(store_->ListAll(prefix_).value().size(), 0u);
}

// PutObjectTagging (its Content-MD5, the XML escapes, the signature of `?tagging=`) as
// MinIO checks them; tests/e2e/test_sink_keys_headers.py reads the tags back with boto3.
TEST_F(S3StoreService, PutTagsOnAnObjectAndNotFoundWithout) {
  EXPECT_TRUE(store_->SupportsTags());
  std::string key = prefix_ + "tagged/a b+c.json";
  ASSERT_TRUE(store_->Put(key, AsBytes("x")).ok());
  ObjectTags tags = {{"startOffset", "0"}, {"note", "a b+c=d/e@f:g.h_i-j"}};
  Status s = store_->PutTags(key, tags);
  EXPECT_TRUE(s.ok()) << s.ToString();
  // Characters S3 does not allow in tags: escaped in the XML (else MalformedXML), refused.
  Status invalid = store_->PutTags(key, {{"note", "<&>"}});
  EXPECT_NE(invalid.message().find("HTTP 400 InvalidTag"), std::string::npos)
      << invalid.ToString();
  Status again = store_->PutTags(key, {{"recordCount", "3"}});  // replaces the set
  EXPECT_TRUE(again.ok()) << again.ToString();
  Status missing = store_->PutTags(prefix_ + "tagged/missing", tags);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound) << missing.ToString();
  EXPECT_NE(missing.message().find("PutObjectTagging failed: HTTP 404"), std::string::npos)
      << missing.message();
}

TEST_F(S3StoreService, MultipartUploadOfFourParts) {
  std::string key = prefix_ + "big/object.bin";
  std::string data = PatternBytes(17 * 1024 * 1024 + 12345, 7);  // 3 full parts and a short one
  auto up = store_->BeginUpload(key);
  ASSERT_TRUE(up) << up.error().ToString();
  size_t chunk = 1024 * 1024 + 7;  // not aligned with the parts
  for (size_t pos = 0; pos < data.size(); pos += chunk) {
    Status s = (*up)->Append(AsBytes(std::string_view(data).substr(pos, chunk)));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_FALSE(store_->Head(key).value().has_value());  // nothing visible yet
  Status s = (*up)->Complete();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(store_->counters().parts_uploaded.load(), 4u);
  auto head = store_->Head(key).value();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->size, data.size());
  EXPECT_TRUE(head->etag.ends_with("-4")) << head->etag;
  auto got = store_->Get(key);
  ASSERT_TRUE(got);
  EXPECT_TRUE(*got == data);
  EXPECT_EQ(store_->ListPendingUploads(key).value().size(), 0u);
}

TEST_F(S3StoreService, SmallStreamedUploadIsOnePut) {
  std::string key = prefix_ + "small.json";
  auto up = store_->BeginUpload(key).value();
  ASSERT_TRUE(up->Append(AsBytes("{\"a\":")).ok());
  ASSERT_TRUE(up->Append(AsBytes("1}\n")).ok());
  ASSERT_TRUE(up->Complete().ok());
  auto head = store_->Head(key).value();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->etag.find('-'), std::string::npos);  // not multipart
  EXPECT_EQ(store_->Get(key).value(), "{\"a\":1}\n");
}

TEST_F(S3StoreService, AbortLeavesNoObjectAndNoPendingUpload) {
  std::string key = prefix_ + "aborted.bin";
  {
    auto up = store_->BeginUpload(key).value();
    ASSERT_TRUE(up->Append(AsBytes(PatternBytes(12 * 1024 * 1024, 1))).ok());  // 2 parts sent
    // MinIO lists pending uploads only under a prefix equal to the whole key.
    ASSERT_EQ(store_->ListPendingUploads(key).value().size(), 1u);
    ASSERT_TRUE(up->Abort().ok());
  }
  EXPECT_FALSE(store_->Head(key).value().has_value());
  EXPECT_EQ(store_->ListPendingUploads(key).value().size(), 0u);
  {
    auto up = store_->BeginUpload(key).value();
    ASSERT_TRUE(up->Append(AsBytes(PatternBytes(11 * 1024 * 1024, 2))).ok());
    ASSERT_EQ(store_->ListPendingUploads(key).value().size(), 1u);
  }  // dropped without Complete: aborted by the destructor
  EXPECT_FALSE(store_->Head(key).value().has_value());
  EXPECT_EQ(store_->ListPendingUploads(key).value().size(), 0u);
}

TEST_F(S3StoreService, WrongSecretIsSignatureDoesNotMatch) {
  AwsCredentials bad = MinioCredentials();
  bad.secret_access_key = "not-the-secret";
  auto store = Open(MinioOptions(), bad);
  Status s = store->Put(prefix_ + "k", AsBytes("x"));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("PutObject failed: HTTP 403 SignatureDoesNotMatch: The request "
                             "signature we calculated does not match"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find("not-the-secret"), std::string::npos);
  EXPECT_EQ(store->counters().requests.load(), 1u);  // not retried
}

TEST_F(S3StoreService, MissingBucketIsNoSuchBucket) {
  S3StoreOptions o = MinioOptions();
  o.bucket = "helper-s3-no-such-bucket";
  auto store = Open(o);
  Status s = store->Put("k", AsBytes("x"));
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("s3://helper-s3-no-such-bucket/k: PutObject failed: HTTP 404 "
                             "NoSuchBucket: The specified bucket does not exist"),
            std::string::npos)
      << s.message();
  auto list = store->List("", "");
  ASSERT_FALSE(list);
  EXPECT_NE(list.error().message().find("NoSuchBucket"), std::string::npos);
}

TEST_F(S3StoreService, UnreachableServerFailsClearlyAfterRetries) {
  S3StoreOptions o = MinioOptions();
  o.endpoint = "http://127.0.0.1:1";  // nothing listens there
  o.retry = RetryPolicy{.max_retries = 3, .base_backoff_ms = 50, .max_backoff_ms = 400};
  auto store = Open(o);
  auto start = std::chrono::steady_clock::now();
  Status s = store->Put(prefix_ + "k", AsBytes("x"));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(s.retryable());
  EXPECT_NE(s.message().find("Couldn't connect to server"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("gave up after 4 attempts"), std::string::npos) << s.message();
  EXPECT_EQ(store->counters().retries.load(), 3u);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(S3StoreService, ConcurrentWritersShareTheStore) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        std::string key = fmt::format("{}concurrent/{}-{}", prefix_, t, i);
        ASSERT_TRUE(store_->Put(key, AsBytes(key)).ok());
        ASSERT_EQ(store_->Get(key).value(), key);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_->ListAll(prefix_ + "concurrent/").value().size(), 30u);
}

}  // namespace
}  // namespace tributary::lake
