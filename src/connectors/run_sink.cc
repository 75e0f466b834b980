#include "connectors/run_sink.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <stop_token>
#include <thread>

#include "config/connector_config.h"
#include "connectors/s3_sink.h"
#include "connectors/signal_stopper.h"
#include "connectors/sink_metrics.h"
#include "server/metrics_endpoint.h"

namespace tributary::connectors {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

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
