#include "server/listen_address.h"

#include <gtest/gtest.h>

namespace tributary::server {
namespace {

TEST(ListenAddress, Spellings) {
  auto a = ParseListenAddress("127.0.0.1:9404");
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9404);
  a = ParseListenAddress("[::1]:80");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 80);
  a = ParseListenAddress(":9404");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  a = ParseListenAddress("localhost:0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->port, 0);
}

TEST(ListenAddress, Malformed) {
  for (const char* bad : {"", "9404", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:80x", "::1:9404", "[::1:9404", "[]:80"}) {
    auto a = ParseListenAddress(bad);
    ASSERT_FALSE(a) << bad;
    EXPECT_EQ(a.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(a.error().message().find("host:port"), std::string::npos);
  }
}

TEST(ListenAddress, LoopbackPolicy) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("10.1.2.3"));
  EXPECT_FALSE(IsLoopbackHost("no-such-host.invalid"));

  EXPECT_TRUE(CheckListenAddress("127.0.0.1:9404", false));
  auto refused = CheckListenAddress("0.0.0.0:9404", false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("not a loopback address"), std::string::npos);
  EXPECT_NE(refused.error().message().find("tributary.metrics.allow.remote=true"),
            std::string::npos);
  EXPECT_TRUE(CheckListenAddress("0.0.0.0:9404", true));
  auto malformed = CheckListenAddress("nonsense", true);
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.error().message().find("tributary.metrics.listen"), std::string::npos);
}

}  // namespace
}  // namespace tributary::server
