#include "snapshot/rate_limiter.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace tributary::snapshot {

RateLimiter::RateLimiter(uint64_t rows_per_sec, uint64_t bytes_per_sec)
    : rows_per_sec_(rows_per_sec), bytes_per_sec_(bytes_per_sec) {
  rows_.rate = static_cast<double>(rows_per_sec);
  bytes_.rate = static_cast<double>(bytes_per_sec);
}

void RateLimiter::Refill(Clock::time_point now) {
  if (!started_) {
    started_ = true;
    last_ = now;
    return;
  }
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  for (Bucket* b : {&rows_, &bytes_}) {
    if (b->rate > 0) b->tokens = std::min(b->rate, b->tokens + elapsed * b->rate);  // burst: 1 s
  }
}

double RateLimiter::Take(Bucket& b, uint64_t n) {
  if (b.rate <= 0 || n == 0) return 0;
  b.tokens -= static_cast<double>(n);
  return b.tokens >= 0 ? 0 : -b.tokens / b.rate;
}

std::chrono::nanoseconds RateLimiter::Reserve(uint64_t rows, uint64_t bytes,
                                              Clock::time_point now) {
  if (unlimited()) return std::chrono::nanoseconds(0);
  std::lock_guard lock(mu_);
  Refill(now);
  double wait = std::max(Take(rows_, rows), Take(bytes_, bytes));
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(wait));
}

bool RateLimiter::Acquire(uint64_t rows, uint64_t bytes, std::stop_token stop) {
  std::chrono::nanoseconds wait = Reserve(rows, bytes, Clock::now());
  if (wait <= std::chrono::nanoseconds(0)) return !stop.stop_requested();
  // A sleep of this caller's own: mu_ is not held, the other readers reserve meanwhile.
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  Clock::time_point start = Clock::now();
  // Wakes only when the stop token is triggered (the predicate is its state) or at the end.
  bool stopped = cv.wait_for(lock, stop, wait, [] { return false; });
  (void)stopped;
  throttled_ns_.fetch_add(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count(),
      std::memory_order_relaxed);
  return !stop.stop_requested();
}

}  // namespace tributary::snapshot
