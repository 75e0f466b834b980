// RateLimiter: caps the rows/s and bytes/s a snapshot reads (snapshot.max.rows.per.second,
// snapshot.max.bytes.per.second; 0 = no cap).
//
// A token bucket per dimension, holding at most one second of budget (the burst), starting
// empty (a restart does not begin with a burst). A request takes its tokens at once and may
// drive the bucket negative (a chunk larger than the burst is allowed): the caller then
// waits until the balance is back to zero, so the long-run rate never exceeds the cap.
// Reserve() is the pure arithmetic (caller's clock: tests drive time); Acquire() sleeps
// on the steady clock and returns early when the stop token is triggered.
//
// Threading: thread-safe. Several snapshot readers share one limiter (the cap holds for
// them together): Reserve takes the tokens under an internal mutex, and Acquire sleeps
// after releasing it, so a reader that must wait never blocks the others' reservations
// (each of them computes its own wait from the shared debt).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <stop_token>

namespace tributary::snapshot {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(uint64_t rows_per_sec, uint64_t bytes_per_sec);

  // True when neither cap is set (Acquire never waits).
  bool unlimited() const { return rows_per_sec_ == 0 && bytes_per_sec_ == 0; }

  // Takes `rows` and `bytes` from the buckets at `now` and returns how long the caller
  // must wait before going on (zero when the budget allowed it).
  std::chrono::nanoseconds Reserve(uint64_t rows, uint64_t bytes, Clock::time_point now);

  // Reserve at Clock::now(), then sleeps for the wait; returns early (false) when `stop`
  // is requested. True: the budget allows it now.
  bool Acquire(uint64_t rows, uint64_t bytes, std::stop_token stop = {});

  // Total time Acquire has slept (for metrics and the log; summed over the callers).
  std::chrono::nanoseconds throttled() const {
    return std::chrono::nanoseconds(throttled_ns_.load(std::memory_order_relaxed));
  }

 private:
  struct Bucket {
    double rate = 0;    // tokens per second; 0 = no cap
    double tokens = 0;  // may be negative (debt)
  };
  void Refill(Clock::time_point now);
  static double Take(Bucket& b, uint64_t n);  // seconds to wait

  const uint64_t rows_per_sec_;
  const uint64_t bytes_per_sec_;
  std::mutex mu_;  // guards the buckets and the clock below (never held while sleeping)
  Bucket rows_;
  Bucket bytes_;
  bool started_ = false;
  Clock::time_point last_{};
  std::atomic<int64_t> throttled_ns_{0};
};

}  // namespace tributary::snapshot
