#include "connectors/sink_retry.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>

namespace tributary::connectors {
namespace {

bool Stopped(const std::stop_token& stop, const std::stop_token& abandon) {
  return stop.stop_requested() || abandon.stop_requested();
}

// Sleeps up to `d`, waking early when either token is requested. False when one was.
bool SleepUnlessStopped(std::chrono::milliseconds d, const std::stop_token& stop,
                        const std::stop_token& abandon) {
  auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (Stopped(stop, abandon)) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !Stopped(stop, abandon);
}

}  // namespace

Status RetryWhileRetryable(std::string_view what, const std::function<Status()>& attempt,
                           std::chrono::milliseconds backoff, const std::stop_token& stop,
                           const std::stop_token& abandon, uint64_t* retries) {
  for (int n = 1;; ++n) {
    Status s = attempt();
    if (s.ok() || !s.retryable()) return s;
    if (retries != nullptr) ++*retries;
    spdlog::warn("{} failed (attempt {}), retrying in {} ms: {}", what, n, backoff.count(),
                 s.message());
    if (!SleepUnlessStopped(backoff, stop, abandon)) {
      return Status::Unavailable(fmt::format("stopped while retrying {}: {}", what, s.message()));
    }
  }
}

}  // namespace tributary::connectors
