// S3Store over HTTPS against a real MinIO serving TLS (label `services`). The suite starts
// a private instance with scripts/services/s3.sh (TRIBUTARY_S3_TLS=1: a CA and a server
// certificate for localhost / 127.0.0.1 made with openssl) on a free port under a
// temporary folder, and removes it at the end; the shared MinIO is not used. The MinIO
// binary is the one the services scripts build and cache.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "lake/store/s3_store.h"
#include "lake/store/test_bytes.h"

namespace tributary::lake {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAccessKey = "tls-store";
constexpr const char* kSecretKey = "tls-store-Secret-71c2";
constexpr const char* kBucket = "tls-store";

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string ReadText(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class S3StoreTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/trib-s3tls-cc-XXXXXX";
    dir_ = new fs::path(::mkdtemp(tmpl));
    port_ = FreePort();
    if (Script("start") != 0) {
      failed_ = fmt::format("s3.sh start failed:\n{}", ReadText(*dir_ / "script.log"));
    }
  }

  static void TearDownTestSuite() {
    Script("reset");
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
    dir_ = nullptr;
  }

  // scripts/services/s3.sh ACTION for the private instance; its exit code.
  static int Script(const char* action) {
    std::string cmd = fmt::format(
        "TRIBUTARY_SERVICES_DIR='{0}' TRIBUTARY_S3_NAME=s3-tls TRIBUTARY_S3_PORT={1} "
        "TRIBUTARY_S3_TLS=1 TRIBUTARY_S3_ACCESS_KEY={2} TRIBUTARY_S3_SECRET_KEY={3} "
        "TRIBUTARY_S3_BUCKET={4} '{5}/scripts/services/s3.sh' {6} >>'{0}/script.log' 2>&1",
        dir_->string(), port_, kAccessKey, kSecretKey, kBucket, TRIBUTARY_SOURCE_DIR, action);
    return std::system(cmd.c_str());
  }

  static std::string Ca() { return (*dir_ / "s3-tls" / "tls" / "ca-cert.pem").string(); }
  static std::string Url(const char* host = "127.0.0.1") {
    return fmt::format("https://{}:{}", host, port_);
  }

  void SetUp() override {
    if (!failed_.empty()) GTEST_FAIL() << failed_;
    std::random_device rd;
    prefix_ = fmt::format("tls-test/{:08x}{:08x}/", rd(), rd());
  }

  static S3StoreOptions Options(std::string endpoint) {
    S3StoreOptions o;
    o.endpoint = std::move(endpoint);
    o.bucket = kBucket;
    o.region = "us-east-1";
    o.part_size = 5 * 1024 * 1024;
    o.part_parallelism = 2;
    o.retry = RetryPolicy{.max_retries = 2, .base_backoff_ms = 20, .max_backoff_ms = 100};
    o.http.ca_file = Ca();
    return o;
  }

  static std::unique_ptr<S3Store> Open(S3StoreOptions o) {
    auto s = S3Store::Open(std::move(o),
                           MakeStaticCredentialsProvider(
                               {.access_key_id = kAccessKey, .secret_access_key = kSecretKey}));
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }

  static inline fs::path* dir_ = nullptr;
  static inline uint16_t port_ = 0;
  static inline std::string failed_;
  std::string prefix_;
};

TEST_F(S3StoreTls, PutGetHeadListDeleteWithTheCaFile) {
  auto store = Open(Options(Url()));
  ASSERT_NE(store, nullptr);
  std::string key = prefix_ + "a b/c.json";
  ASSERT_TRUE(store->Put(key, AsBytes("over tls")).ok());
  auto got = store->Get(key);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, "over tls");
  auto head = store->Head(key);
  ASSERT_TRUE(head && head->has_value());
  EXPECT_EQ((*head)->size, 8u);
  auto listed = store->ListAll(prefix_);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).key, key);
  ASSERT_TRUE(store->Delete(key).ok());
  EXPECT_FALSE(store->Head(key).value().has_value());
  EXPECT_EQ(store->counters().retries.load(), 0u);
}

TEST_F(S3StoreTls, MultipartUploadByHostName) {
  // `localhost` is a DNS name of the certificate; bodies go unsigned over TLS.
  auto store = Open(Options(Url("localhost")));
  ASSERT_NE(store, nullptr);
  std::string key = prefix_ + "big.bin";
  std::string data = PatternBytes(11 * 1024 * 1024 + 7, 3);
  auto up = store->BeginUpload(key);
  ASSERT_TRUE(up) << up.error().ToString();
  for (size_t at = 0; at < data.size(); at += 1 << 20) {
    ASSERT_TRUE((*up)->Append(AsBytes(std::string_view(data).substr(at, 1 << 20))).ok());
  }
  Status s = (*up)->Complete();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(store->counters().parts_uploaded.load(), 3u);
  auto head = store->Head(key).value();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->size, data.size());
  EXPECT_TRUE(head->etag.ends_with("-3")) << head->etag;
  EXPECT_EQ(store->Get(key).value(), data);
  EXPECT_TRUE(store->Delete(key).ok());
}

TEST_F(S3StoreTls, CaDirectory) {
  fs::path cas = *dir_ / "ca-dir";
  fs::create_directories(cas);
  fs::copy_file(Ca(), cas / "test-ca.pem", fs::copy_options::overwrite_existing);
  ASSERT_EQ(std::system(fmt::format("openssl rehash '{}'", cas.string()).c_str()), 0);
  S3StoreOptions o = Options(Url());
  o.http.ca_file.clear();
  o.http.ca_path = cas.string();
  auto store = Open(std::move(o));
  ASSERT_NE(store, nullptr);
  Status s = store->Put(prefix_ + "k", AsBytes("v"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(store->Delete(prefix_ + "k").ok());
}

TEST_F(S3StoreTls, SystemCasRefuseThePrivateCaWithoutRetrying) {
  S3StoreOptions o = Options(Url());
  o.http.ca_file.clear();
  auto store = Open(std::move(o));
  ASSERT_NE(store, nullptr);
  Status s = store->Put(prefix_ + "k", AsBytes("v"));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find(fmt::format("s3://{0}/{1}k: PutObject failed: PUT {2}/{0}/{1}k: SSL "
                                         "certificate problem: unable to get local issuer "
                                         "certificate (TLS: the server's certificate was "
                                         "checked against the system's CA certificates)",
                                         kBucket, prefix_, Url())),
            std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find(kSecretKey), std::string::npos);
  EXPECT_EQ(store->counters().requests.load(), 1u);
}

TEST_F(S3StoreTls, HostNameNotInTheCertificate) {
  // curl resolves *.localhost to the loopback: the server answers, its certificate names
  // localhost and 127.0.0.1 only.
  auto store = Open(Options(Url("wrong-name.localhost")));
  ASSERT_NE(store, nullptr);
  auto got = store->Get(prefix_ + "k");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(got.error().message().find("no alternative certificate subject name matches target "
                                       "host name 'wrong-name.localhost'"),
            std::string::npos)
      << got.error().message();
  EXPECT_EQ(store->counters().requests.load(), 1u);
}

}  // namespace
}  // namespace tributary::lake
