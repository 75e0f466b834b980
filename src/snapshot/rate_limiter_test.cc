#include "snapshot/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace tributary::snapshot {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using Clock = RateLimiter::Clock;

double Sec(nanoseconds d) { return std::chrono::duration<double>(d).count(); }

TEST(RateLimiterTest, UnlimitedNeverWaits) {
  RateLimiter limiter(0, 0);
  EXPECT_TRUE(limiter.unlimited());
  Clock::time_point t{};
  EXPECT_EQ(limiter.Reserve(1'000'000, 1'000'000'000, t), nanoseconds(0));
  EXPECT_TRUE(limiter.Acquire(1'000'000, 1'000'000'000));
  EXPECT_EQ(limiter.throttled(), nanoseconds(0));
}

TEST(RateLimiterTest, StartsEmptyAndPaysDebtAtTheRate) {
  RateLimiter limiter(1000, 0);
  Clock::time_point t{std::chrono::seconds(100)};
  // 500 rows at 1000 rows/s from an empty bucket: wait 0.5 s.
  EXPECT_NEAR(Sec(limiter.Reserve(500, 0, t)), 0.5, 1e-6);
  // The caller waited: at t+0.5 the debt is paid; another 250 rows cost 0.25 s.
  t += milliseconds(500);
  EXPECT_NEAR(Sec(limiter.Reserve(250, 0, t)), 0.25, 1e-6);
}

TEST(RateLimiterTest, BurstIsOneSecondOfBudget) {
  RateLimiter limiter(1000, 0);
  Clock::time_point t{std::chrono::seconds(1)};
  EXPECT_EQ(limiter.Reserve(0, 0, t), nanoseconds(0));  // starts the clock
  // A long idle time fills the bucket to 1 s (1000 rows), not more.
  t += std::chrono::seconds(60);
  EXPECT_EQ(limiter.Reserve(1000, 0, t), nanoseconds(0));
  EXPECT_NEAR(Sec(limiter.Reserve(100, 0, t)), 0.1, 1e-6);
}

TEST(RateLimiterTest, LongRunRateHoldsForManySmallRequests) {
  // 10 000 rows in batches of 7 at 2000 rows/s, the caller sleeping exactly as told:
  // the simulated time is 5 s (the bucket starts empty), within one batch.
  RateLimiter limiter(2000, 0);
  Clock::time_point start{std::chrono::seconds(5)};
  Clock::time_point t = start;
  uint64_t rows = 0;
  while (rows < 10'000) {
    uint64_t n = std::min<uint64_t>(7, 10'000 - rows);
    t += limiter.Reserve(n, 0, t);
    rows += n;
  }
  EXPECT_NEAR(Sec(t - start), 5.0, 7.0 / 2000 + 1e-6);
}

TEST(RateLimiterTest, BytesCapWinsWhenTighter) {
  RateLimiter limiter(1'000'000, 1'000'000);  // 1M rows/s, 1 MB/s
  Clock::time_point t{std::chrono::seconds(1)};
  // 100 rows of 10 kB: 1 MB -> 1 s (the row cap alone would allow it in 0.1 ms).
  EXPECT_NEAR(Sec(limiter.Reserve(100, 1'000'000, t)), 1.0, 1e-6);
  RateLimiter rows_only(100, 1'000'000'000);
  EXPECT_NEAR(Sec(rows_only.Reserve(50, 10, t)), 0.5, 1e-6);
}

TEST(RateLimiterTest, ChunkLargerThanBurstIsAllowedThenPaid) {
  RateLimiter limiter(100, 0);
  Clock::time_point t{std::chrono::seconds(1)};
  EXPECT_NEAR(Sec(limiter.Reserve(1000, 0, t)), 10.0, 1e-6);  // 10 s of debt
  t += std::chrono::seconds(10);
  EXPECT_NEAR(Sec(limiter.Reserve(1, 0, t)), 0.01, 1e-6);
}

TEST(RateLimiterTest, RealTimeAcquireHonoursTheCap) {
  // 1000 rows one at a time at 2000 rows/s: ≥ 0.5 s minus a little rounding; assert ≥ 0.4 s.
  RateLimiter limiter(2000, 0);
  auto start = Clock::now();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Acquire(1, 100));
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GE(elapsed, 0.4);
  EXPECT_GE(Sec(limiter.throttled()), 0.3);
}

TEST(RateLimiterTest, StopTokenEndsTheWait) {
  RateLimiter limiter(1, 0);  // 1 row/s: 100 rows = 100 s of wait
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(100));
    stop.request_stop();
  });
  auto start = Clock::now();
  bool ok = limiter.Acquire(100, 0, stop.get_token());
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  stopper.join();
  EXPECT_FALSE(ok);
  EXPECT_LT(elapsed, 5.0);
  EXPECT_GE(elapsed, 0.05);
}

// Several readers share one limiter: one of them sleeping off a large debt does not hold
// the others up (their Reserve returns at once, with a wait of their own), and together
// they keep the cap.
TEST(RateLimiterTest, ASleepingReaderDoesNotBlockTheOthers) {
  RateLimiter limiter(1000, 0);
  std::stop_source stop;
  std::atomic<bool> sleeping{false};
  std::thread sleeper([&] {
    sleeping = true;
    limiter.Acquire(3000, 0, stop.get_token());  // ≈ 3 s of debt
  });
  while (!sleeping) std::this_thread::yield();
  std::this_thread::sleep_for(milliseconds(50));  // inside its sleep by now
  auto start = Clock::now();
  nanoseconds wait = limiter.Reserve(100, 0, Clock::now());
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  stop.request_stop();
  sleeper.join();
  EXPECT_LT(took, 0.05);             // not behind the sleeper
  EXPECT_GT(Sec(wait), 2.5);         // but it pays behind the shared debt
}

TEST(RateLimiterTest, FourThreadsTogetherKeepTheCap) {
  RateLimiter limiter(4000, 0);
  std::atomic<uint64_t> rows{0};
  auto start = Clock::now();
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (Clock::now() - start < milliseconds(800)) {
        limiter.Acquire(100, 0);
        rows += 100;
      }
    });
  }
  for (auto& r : readers) r.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  // Starting empty, no burst: at most the rate times the time, plus one request each.
  EXPECT_LE(static_cast<double>(rows.load()), 4000 * elapsed + 4 * 100);
  EXPECT_GE(static_cast<double>(rows.load()), 4000 * 0.8 * 0.5);  // and it does not stall
}

}  // namespace
}  // namespace tributary::snapshot
