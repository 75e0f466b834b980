// When and how long to wait before resending a failed S3 request.
//
// Exponential backoff with full jitter: before retry n (n = 0 for the first retry) the wait
// is uniform in [0, min(max_backoff_ms, base_backoff_ms * 2^n)], which spreads the retries
// of many writers instead of having them hit a recovering server together.
// Retried: network errors (no response), HTTP 5xx (InternalError, ServiceUnavailable,
// SlowDown), 429, and the transient 4xx codes of IsRetryableS3Error (RequestTimeout).
// Not retried: other 4xx (access, signature, missing bucket), which the same request
// would meet again.
//
// A value type; Backoff() is thread-safe (a per-thread random engine).
#pragma once

#include <cstdint>
#include <string_view>

namespace tributary::lake {

struct RetryPolicy {
  int max_retries = 3;            // s3.part.retries: retries after the first attempt
  int64_t base_backoff_ms = 200;  // s3.retry.backoff.ms
  int64_t max_backoff_ms = 20'000;

  // The upper bound of the wait before retry `attempt` (0-based).
  int64_t BackoffCeilingMs(int attempt) const;
  // A random wait in [0, BackoffCeilingMs(attempt)].
  int64_t BackoffMs(int attempt) const;
};

// True for S3 replies worth sending again: any 5xx, 429, and the 4xx codes S3 uses for
// transient trouble (RequestTimeout). ExpiredToken is the caller's: it refreshes the
// credentials, then retries.
bool IsRetryableS3Error(long http_status, std::string_view error_code);

}  // namespace tributary::lake
