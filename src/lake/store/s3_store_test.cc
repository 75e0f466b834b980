// S3Store error paths against a local fake HTTP server (5xx, SlowDown, refusals, replies
// that break the rules); the S3 behaviour proper is tested against MinIO in
// s3_store_service_test.cc.
#include "lake/store/s3_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "config/connector_config.h"
#include "lake/store/hashing.h"
#include "lake/store/test_http_server.h"

namespace tributary::lake {
namespace {

using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

S3StoreOptions FakeOptions(const std::string& url) {
  S3StoreOptions o;
  o.bucket = "lake";
  o.region = "us-east-1";
  o.endpoint = url;
  o.retry = RetryPolicy{.max_retries = 3, .base_backoff_ms = 1, .max_backoff_ms = 5};
  o.part_size = 5 * 1024 * 1024;
  o.part_parallelism = 2;
  return o;
}

std::unique_ptr<S3Store> OpenFake(S3StoreOptions o) {
  auto s = S3Store::Open(std::move(o),
                         MakeStaticCredentialsProvider(
                             {.access_key_id = "AKIDTEST", .secret_access_key = "test-secret"}));
  EXPECT_TRUE(s) << s.error().ToString();
  return std::move(*s);
}

TestResponse S3Error(int status, const std::string& code, const std::string& message) {
  return {.status = status,
          .body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code +
                  "</Code><Message>" + message + "</Message><RequestId>RID</RequestId></Error>"};
}

TEST(S3StoreFake, RetriesServerErrorsThenSucceeds) {
  std::atomic<int> n{0};
  TestHttpServer server([&](const TestRequest&) {
    if (++n <= 2) return S3Error(500, "InternalError", "We encountered an internal error.");
    return TestResponse{.status = 200, .headers = {{"ETag", "\"abc\""}}};
  });
  auto store = OpenFake(FakeOptions(server.url()));
  Status s = store->Put("a/b c.json", AsBytes("hello"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(store->counters().retries.load(), 2u);
  for (const auto& r : reqs) {
    EXPECT_EQ(r.method, "PUT");
    EXPECT_EQ(r.target, "/lake/a/b%20c.json");  // path style, key encoded once
    EXPECT_EQ(r.body, "hello");
    EXPECT_EQ(r.Header("x-amz-content-sha256"), Sha256Hex("hello"));  // signed over http
    EXPECT_EQ(r.Header("host"), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_TRUE(r.Header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"));
    EXPECT_NE(r.Header("authorization").find("/us-east-1/s3/aws4_request"), std::string::npos);
    EXPECT_EQ(r.Header("authorization").find("test-secret"), std::string::npos);
  }
}

TEST(S3StoreFake, SlowDownGivesUpAfterTheRetries) {
  TestHttpServer server([&](const TestRequest&) {
    return S3Error(503, "SlowDown", "Please reduce your request rate.");
  });
  auto store = OpenFake(FakeOptions(server.url()));
  Status s = store->Put("k", AsBytes("x"));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(server.requests().size(), 4u);  // 1 + s3.part.retries
  EXPECT_NE(s.message().find("s3://lake/k: PutObject failed: HTTP 503 SlowDown: Please reduce "
                             "your request rate. (request id RID) (gave up after 4 attempts)"),
            std::string::npos)
      << s.message();
}

TEST(S3StoreFake, RefusalsAreNotRetried) {
  TestHttpServer server([&](const TestRequest&) {
    return S3Error(403, "SignatureDoesNotMatch",
                   "The request signature we calculated does not "
                   "match the signature you provided.");
  });
  auto store = OpenFake(FakeOptions(server.url()));
  auto got = store->Get("k");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_NE(got.error().message().find("s3://lake/k: GetObject failed: HTTP 403 "
                                       "SignatureDoesNotMatch"),
            std::string::npos);
}

TEST(S3StoreFake, ExpiredTokenRefreshesCredentialsOnce) {
  std::atomic<int> n{0};
  TestHttpServer server([&](const TestRequest&) {
    if (++n == 1) return S3Error(400, "ExpiredToken", "The provided token has expired.");
    return TestResponse{.status = 200, .body = "data"};
  });
  auto store = OpenFake(FakeOptions(server.url()));
  auto got = store->Get("k");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, "data");
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(S3StoreFake, UnreachableServerIsUnavailableAfterRetries) {
  auto store = OpenFake(FakeOptions("http://127.0.0.1:1"));
  Status s = store->Put("k", AsBytes("x"));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("s3://lake/k: PutObject failed: PUT http://127.0.0.1:1/lake/k: "
                             "Failed to connect to 127.0.0.1 port 1"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("gave up after 4 attempts"), std::string::npos);
  EXPECT_EQ(store->counters().requests.load(), 4u);
}

TEST(S3StoreFake, HttpsToAPlainHttpServerIsNotRetried) {
  // curl's ClientHello gets an HTTP 400 back: OpenSSL's "wrong version number".
  TestHttpServer server([&](const TestRequest&) { return TestResponse{.status = 200}; });
  auto store = OpenFake(FakeOptions("https://127.0.0.1:" + std::to_string(server.port())));
  Status s = store->Put("k", AsBytes("x"));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("s3://lake/k: PutObject failed: PUT https://127.0.0.1:" +
                             std::to_string(server.port()) + "/lake/k: "),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("wrong version number (TLS: the server did not answer in TLS; is "
                             "the endpoint http:// ?)"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(store->counters().requests.load(), 1u);  // not retried
  EXPECT_TRUE(server.requests().empty());            // the handler never saw a request
}

TEST(S3StoreFake, MissingCaFileIsNamedAndNotRetried) {
  TestHttpServer server([&](const TestRequest&) { return TestResponse{.status = 200}; });
  S3StoreOptions o = FakeOptions("https://127.0.0.1:" + std::to_string(server.port()));
  o.http.ca_file = "/nonexistent/tributary-ca.pem";
  auto store = OpenFake(o);
  auto got = store->Get("k");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), StatusCode::kFailedPrecondition) << got.error().ToString();
  EXPECT_NE(got.error().message().find(
                "(TLS: cannot use the CA certificates of /nonexistent/tributary-ca.pem)"),
            std::string::npos)
      << got.error().message();
  EXPECT_EQ(store->counters().requests.load(), 1u);
}

TEST(S3StoreFake, ObjectHeadersEncryptionAclTagsAndMd5) {
  TestHttpServer server([&](const TestRequest&) { return TestResponse{.status = 200}; });
  S3StoreOptions o = FakeOptions(server.url());
  o.sse = "aws:kms";
  o.sse_kms_key_id = "arn:aws:kms:us-east-1:1:key/k";
  o.canned_acl = "bucket-owner-full-control";
  o.send_content_md5 = true;
  auto store = OpenFake(o);
  ASSERT_TRUE(store
                  ->Put("k", AsBytes("body"),
                        {.content_type = "application/json",
                         .tags = {{"startOffset", "0"}, {"topic name", "a&b"}}})
                  .ok());
  auto r = server.requests().at(0);
  EXPECT_EQ(r.Header("x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(r.Header("x-amz-server-side-encryption-aws-kms-key-id"),
            "arn:aws:kms:us-east-1:1:key/k");
  EXPECT_EQ(r.Header("x-amz-acl"), "bucket-owner-full-control");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("content-md5"), Md5Base64(AsBytes("body")));
  EXPECT_EQ(r.Header("x-amz-tagging"), "startOffset=0&topic%20name=a%26b");
  // Every one of them is signed.
  EXPECT_NE(r.Header("authorization")
                .find("SignedHeaders=content-md5;content-type;host;x-amz-acl;"
                      "x-amz-content-sha256;x-amz-date;"
                      "x-amz-server-side-encryption;"
                      "x-amz-server-side-encryption-aws-kms-key-id;"
                      "x-amz-tagging"),
            std::string::npos)
      << r.Header("authorization");
}

TEST(S3StoreFake, FailedPartAbortsTheMultipartUpload) {
  TestHttpServer server([&](const TestRequest& r) {
    if (r.method == "POST" && r.target.find("uploads=") != std::string::npos) {
      return TestResponse{.status = 200,
                          .body =
                              "<InitiateMultipartUploadResult><Bucket>lake</Bucket><Key>k"
                              "</Key><UploadId>UP1</UploadId></InitiateMultipartUploadResult>"};
    }
    if (r.method == "PUT") return S3Error(403, "AccessDenied", "Access Denied.");
    if (r.method == "DELETE") return TestResponse{.status = 204};
    return TestResponse{.status = 400};
  });
  auto store = OpenFake(FakeOptions(server.url()));
  auto up = store->BeginUpload("k").value();
  std::string mib(1024 * 1024, 'z');
  Status s;
  for (int i = 0; i < 11 && s.ok(); ++i) s = up->Append(AsBytes(mib));
  if (s.ok()) s = up->Complete();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("failed: HTTP 403 AccessDenied: Access Denied."), std::string::npos)
      << s.message();
  up.reset();
  auto reqs = server.requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs.back().method, "DELETE");
  EXPECT_EQ(reqs.back().target, "/lake/k?uploadId=UP1");
  int deletes = 0;
  for (auto& r : reqs) deletes += r.method == "DELETE";
  EXPECT_EQ(deletes, 1);
}

TEST(S3StoreFake, CompleteWithErrorInOkBodyIsRetried) {
  std::atomic<int> completes{0};
  TestHttpServer server([&](const TestRequest& r) {
    if (r.method == "POST" && r.target.find("uploads=") != std::string::npos) {
      return TestResponse{.status = 200, .body = "<UploadId>UP2</UploadId>"};
    }
    if (r.method == "PUT") return TestResponse{.status = 200, .headers = {{"ETag", "\"e\""}}};
    if (r.method == "POST") {
      if (++completes == 1) return S3Error(200, "InternalError", "try again");
      return TestResponse{.status = 200,
                          .body =
                              "<CompleteMultipartUploadResult><ETag>\"x-2\""
                              "</ETag></CompleteMultipartUploadResult>"};
    }
    return TestResponse{.status = 400};
  });
  auto store = OpenFake(FakeOptions(server.url()));
  auto up = store->BeginUpload("k").value();
  std::string data(6 * 1024 * 1024, 'q');
  ASSERT_TRUE(up->Append(AsBytes(data)).ok());
  Status s = up->Complete();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(completes.load(), 2);
  // The final Complete names both parts, in order.
  auto reqs = server.requests();
  EXPECT_EQ(reqs.back().body,
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e&quot;</ETag>"
            "</Part><Part><PartNumber>2</PartNumber><ETag>&quot;e&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3StoreFake, VirtualHostedStyle) {
  TestHttpServer server([&](const TestRequest&) { return TestResponse{.status = 200}; });
  S3StoreOptions o = FakeOptions("http://localhost:" + std::to_string(server.port()));
  o.bucket = "lake";
  o.path_style = false;
  auto store = OpenFake(o);
  // curl resolves *.localhost to the loopback itself.
  Status s = store->Put("dir/k", AsBytes("v"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto r = server.requests().at(0);
  EXPECT_EQ(r.target, "/dir/k");
  EXPECT_EQ(r.Header("host"), "lake.localhost:" + std::to_string(server.port()));
}

TEST(S3StoreOpen, RejectsBadOptions) {
  auto open = [](S3StoreOptions o) {
    return S3Store::Open(std::move(o), MakeStaticCredentialsProvider({}));
  };
  S3StoreOptions good = FakeOptions("http://127.0.0.1:9000");
  EXPECT_TRUE(open(good));
  auto with = [&](auto f) {
    S3StoreOptions o = good;
    f(o);
    auto r = open(o);
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().message();
  };
  EXPECT_NE(with([](auto& o) { o.part_size = 1024; }).find("5 MiB"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.sse = "DES"; }).find("AES256 or aws:kms"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.sse_kms_key_id = "k"; }).find("aws:kms"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.bucket = "a/b"; }).find("topics.dir"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.endpoint = "ftp://x"; }).find("http://"), std::string::npos);
  EXPECT_NE(with([](auto& o) { o.endpoint = "http://h:9000/base"; }).find("path"),
            std::string::npos);
  EXPECT_NE(with([](auto& o) { o.sse_customer_key = "short"; }).find("256-bit"), std::string::npos);
}

TEST(OpenObjectStore, FromConnectorConfig) {
  config::ConnectorConfig c;
  c.kind = config::ConnectorKind::kS3Sink;
  auto set = [&](const std::string& k, const std::string& v) { c.values[k].value = v; };
  std::string dir = (std::filesystem::temp_directory_path() / "open-store-test").string();
  set("store.url", "file://" + dir);
  auto local = OpenObjectStore(c);
  ASSERT_TRUE(local) << local.error().ToString();
  EXPECT_EQ((*local)->Describe(), "file://" + dir);
  std::filesystem::remove_all(dir);

  set("store.url", "http://127.0.0.1:9000");
  set("s3.bucket.name", "lake");
  set("s3.region", "us-east-1");
  set("s3.path.style.access.enabled", "true");
  set("s3.part.size", "5242880");
  set("s3.part.retries", "3");
  set("s3.retry.backoff.ms", "200");
  auto s3 = OpenObjectStore(c);
  ASSERT_TRUE(s3) << s3.error().ToString();
  EXPECT_EQ((*s3)->Describe(), "s3://lake");

  set("store.url", "file:relative");
  EXPECT_FALSE(OpenObjectStore(c));
}

}  // namespace
}  // namespace tributary::lake
