#include "common/status.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Error(Status::InvalidArgument("must be positive"));
  return v;
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, CodeMessageAndContext) {
  Status s = Status::Corruption("bad CRC32").WithContext("mysql-bin.000003:4567");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "mysql-bin.000003:4567: bad CRC32");
  EXPECT_EQ(s.ToString(), "corruption: mysql-bin.000003:4567: bad CRC32");
  EXPECT_FALSE(s.retryable());
  EXPECT_TRUE(Status::Unavailable("broker down").retryable());
}

TEST(StatusTest, ResultCarriesValueOrError) {
  auto good = ParsePositive(3);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good, 3);
  auto bad = ParsePositive(-1);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tributary
