#include "connectors/run_source.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <ctime>
#include <optional>
#include <stop_token>
#include <thread>

#include "connectors/mysql_source.h"
#include "connectors/source_metrics.h"
#include "server/metrics_endpoint.h"

namespace tributary::connectors {

int RunMySqlSourceConnector(const config::ConnectorConfig& cfg,
                            server::MetricsEndpoint* endpoint) {
  using server::ConnectorState;
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
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);

  std::stop_source stop;
  std::atomic<bool> done{false};
  std::atomic<int> received{0};
  std::thread watcher([&] {
    timespec tick{0, 200 * 1000 * 1000};
    while (!done.load()) {
      int sig = sigtimedwait(&signals, nullptr, &tick);
      if (sig == SIGINT || sig == SIGTERM) {
        received.store(sig);
        spdlog::info("signal {} received: stopping (flushing Kafka, storing the offset)", sig);
        if (endpoint) endpoint->SetState(ConnectorState::kStopping);
        stop.request_stop();
      }
    }
  });
  spdlog::info("connector {} starting", cfg.name);
  Status s = (*source)->Run(stop.get_token());
  done.store(true);
  watcher.join();
  source->reset();
  if (metrics) metrics->OnStopped();
  if (endpoint) endpoint->SetState(s.ok() ? ConnectorState::kStopped : ConnectorState::kFailed);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (!s.ok()) {
    spdlog::error("connector {} failed: {}", cfg.name, s.ToString());
    return 1;
  }
  spdlog::info("connector {} stopped", cfg.name);
  return 0;
}

}  // namespace tributary::connectors
