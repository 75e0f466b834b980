#include "lake/store/retry_policy.h"

#include <algorithm>
#include <random>

namespace tributary::lake {

int64_t RetryPolicy::BackoffCeilingMs(int attempt) const {
  if (base_backoff_ms <= 0) return 0;
  int64_t ceiling = base_backoff_ms;
  for (int i = 0; i < attempt && ceiling < max_backoff_ms; ++i) ceiling *= 2;
  return std::min(ceiling, max_backoff_ms);
}

int64_t RetryPolicy::BackoffMs(int attempt) const {
  int64_t ceiling = BackoffCeilingMs(attempt);
  if (ceiling <= 0) return 0;
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_int_distribution<int64_t>(0, ceiling)(engine);
}

bool IsRetryableS3Error(long http_status, std::string_view error_code) {
  if (http_status >= 500 || http_status == 429) return true;
  return error_code == "RequestTimeout" || error_code == "SlowDown" ||
         error_code == "InternalError" || error_code == "ServiceUnavailable" ||
         error_code == "Throttling" || error_code == "ThrottlingException" ||
         error_code == "RequestTimeoutException" || error_code == "OperationAborted";
}

}  // namespace tributary::lake
