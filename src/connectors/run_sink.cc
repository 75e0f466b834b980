#include "connectors/run_sink.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <stop_token>
#include <thread>

#include "config/connector_config.h"
#include "connectors/s3_sink.h"
#include "connectors/sink_metrics.h"
#include "server/metrics_endpoint.h"

namespace tributary::connectors {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

// Blocks SIGINT/SIGTERM in this thread (and the threads it starts later) and takes them in
// a watcher thread that requests the stop. Restores the mask on destruction.
class SignalStopper {
 public:
  SignalStopper() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    watcher_ = std::jthread([this](std::stop_token st) {
      while (!st.stop_requested()) {
        timespec timeout{0, 200 * 1000 * 1000};
        int sig = sigtimedwait(&set_, nullptr, &timeout);
        if (sig == SIGINT || sig == SIGTERM) {
          spdlog::info("signal {} received: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
          stop_.request_stop();
        }
      }
    });
  }
  ~SignalStopper() {
    watcher_.request_stop();
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  std::stop_token token() const { return stop_.get_token(); }

 private:
  sigset_t set_{};
  sigset_t old_{};
  std::stop_source stop_;
  std::jthread watcher_;
};

}  // namespace

int RunS3SinkConnector(const config::ConnectorConfig& config,
                       server::MetricsEndpoint* endpoint) {
  using server::ConnectorState;
  SignalStopper signals;  // before any Kafka or HTTP client thread exists
  auto task = S3SinkTask::Open(config);
  if (!task) {
    const Status& s = task.error();
    spdlog::error("sink '{}': {}", config.name, s.message());
    if (endpoint) endpoint->SetState(ConnectorState::kFailed);
    bool config_error = s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kUnsupported;
    return config_error ? kExitUsage : kExitRuntime;
  }
  std::optional<SinkMetrics> metrics;
  if (endpoint) {
    metrics.emplace(*endpoint);
    (*task)->SetMetrics(&*metrics);
    endpoint->SetState(ConnectorState::kRunning);
  }
  Status s = (*task)->Run(signals.token());
  task->reset();
  if (endpoint) endpoint->SetState(s.ok() ? ConnectorState::kStopped : ConnectorState::kFailed);
  if (!s.ok()) {
    spdlog::error("sink '{}': {}", config.name, s.message());
    return kExitRuntime;
  }
  return kExitOk;
}

}  // namespace tributary::connectors
