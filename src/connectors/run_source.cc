#include "connectors/run_source.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <stop_token>
#include <thread>

#include "connectors/mysql_source.h"
#include "connectors/signal_stopper.h"
#include "connectors/source_metrics.h"
#include "server/metrics_endpoint.h"

namespace tributary::connectors {

int RunMySqlSourceConnector(const config::ConnectorConfig& cfg,
                            server::MetricsEndpoint* endpoint) {
  using server::ConnectorState;
  // Before any client thread exists: they inherit the blocked SIGINT/SIGTERM.
  auto signals = std::make_unique<SignalStopper>([endpoint](int) {
    spdlog::info("stopping: flushing Kafka, storing the offset");
    if (endpoint) endpoint->SetState(ConnectorState::kStopping);
  });
  auto source = MySqlSource::Create(cfg);
  if (!source) {
    spdlog::error("connector {}: {}", cfg.name, source.error().message());
    if (endpoint) endpoint->SetState(ConnectorState::kFailed);
    return source.error().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::optional<SourceMetrics> metrics;
  if (endpoint) {
    metrics.emplace(*endpoint);
    (*source)->SetMetrics(&*metrics);
    endpoint->SetState(ConnectorState::kRunning);
  }
  spdlog::info("connector {} starting", cfg.name);
  Status s = (*source)->Run(signals->token());
  source->reset();
  signals.reset();
  if (metrics) metrics->OnStopped();
  if (endpoint) endpoint->SetState(s.ok() ? ConnectorState::kStopped : ConnectorState::kFailed);
  if (!s.ok()) {
    spdlog::error("connector {} failed: {}", cfg.name, s.ToString());
    return 1;
  }
  spdlog::info("connector {} stopped", cfg.name);
  return 0;
}

}  // namespace tributary::connectors
