// The sink's one retry loop for object store calls (uploads, small puts, tagging): retry
// what the store says is retryable, wait a fixed backoff between tries, stop waiting when
// the task stops or abandons its uploads. Any thread; no state.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string_view>

#include "common/status.h"

namespace tributary::connectors {

// Calls `attempt` until it returns ok or a status that is not retryable (returned as is).
// Between tries it logs "<what> failed (attempt N), retrying in B ms: <error>" and sleeps
// `backoff`; a requested `stop` or `abandon` ends the wait with Unavailable ("stopped while
// retrying <what>: <last error>"). `retries`, when given, counts the retries.
Status RetryWhileRetryable(std::string_view what, const std::function<Status()>& attempt,
                           std::chrono::milliseconds backoff, const std::stop_token& stop,
                           const std::stop_token& abandon = {}, uint64_t* retries = nullptr);

}  // namespace tributary::connectors
