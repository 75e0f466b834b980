#include "lake/store/retry_policy.h"

#include <gtest/gtest.h>

#include <set>

namespace tributary::lake {
namespace {

TEST(RetryPolicy, CeilingDoublesUpToTheCap) {
  RetryPolicy p{.max_retries = 10, .base_backoff_ms = 200, .max_backoff_ms = 1000};
  EXPECT_EQ(p.BackoffCeilingMs(0), 200);
  EXPECT_EQ(p.BackoffCeilingMs(1), 400);
  EXPECT_EQ(p.BackoffCeilingMs(2), 800);
  EXPECT_EQ(p.BackoffCeilingMs(3), 1000);
  EXPECT_EQ(p.BackoffCeilingMs(60), 1000);  // no overflow
  RetryPolicy zero{.base_backoff_ms = 0};
  EXPECT_EQ(zero.BackoffMs(5), 0);
}

TEST(RetryPolicy, FullJitterSpansTheWholeRange) {
  RetryPolicy p{.base_backoff_ms = 100, .max_backoff_ms = 20'000};
  int64_t lo = 1 << 30, hi = -1;
  std::set<int64_t> distinct;
  for (int i = 0; i < 2000; ++i) {
    int64_t v = p.BackoffMs(2);  // ceiling 400
    ASSERT_GE(v, 0);
    ASSERT_LE(v, 400);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    distinct.insert(v);
  }
  EXPECT_LT(lo, 40);   // reaches near zero...
  EXPECT_GT(hi, 360);  // ...and near the ceiling
  EXPECT_GT(distinct.size(), 200u);
}

TEST(RetryPolicy, WhatIsRetried) {
  EXPECT_TRUE(IsRetryableS3Error(500, "InternalError"));
  EXPECT_TRUE(IsRetryableS3Error(503, "SlowDown"));
  EXPECT_TRUE(IsRetryableS3Error(502, ""));
  EXPECT_TRUE(IsRetryableS3Error(429, ""));
  EXPECT_TRUE(IsRetryableS3Error(400, "RequestTimeout"));
  EXPECT_FALSE(IsRetryableS3Error(403, "SignatureDoesNotMatch"));
  EXPECT_FALSE(IsRetryableS3Error(403, "AccessDenied"));
  EXPECT_FALSE(IsRetryableS3Error(404, "NoSuchBucket"));
  EXPECT_FALSE(IsRetryableS3Error(400, "EntityTooSmall"));
}

}  // namespace
}  // namespace tributary::lake
