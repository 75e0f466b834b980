// MetricsEndpoint: the process's admin endpoint, one per connector process
// (`tributary.metrics.listen`, docs/metrics.md):
//   GET /metrics  the registry in the Prometheus text format 0.0.4
//   GET /health   {"status":"UP","connector":{"name":..,"type":..,"state":..,"phase":..}}:
//                 200 while the connector starts or runs, 503 once it stops or failed
//   other paths   404
// Owns the registry the connector publishes into, the connector's state and the
// HttpServer (its own thread). Threading: every method may be called from any thread.
// Lifetime: create before the connector, destroy after it (the connector keeps references
// to series of registry()).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "server/http_server.h"
#include "server/listen_address.h"
#include "server/metrics_registry.h"

namespace tributary::server {

enum class ConnectorState : int { kStarting, kRunning, kStopping, kStopped, kFailed };
// What a source is doing (sinks stay kNone).
enum class ConnectorPhase : int { kNone, kSnapshot, kStreaming };

const char* ConnectorStateName(ConnectorState s);  // Kafka Connect's: "RUNNING", "FAILED", ...
const char* ConnectorPhaseName(ConnectorPhase p);  // "snapshot", "streaming", ""

struct MetricsEndpointOptions {
  ListenAddress address;
  std::string connector;  // the connector's name (the `connector` label)
  std::string type;       // "source" or "sink"
};

class MetricsEndpoint {
 public:
  // Starts serving. Errors: HttpServer::Start's.
  static Result<std::unique_ptr<MetricsEndpoint>> Start(MetricsEndpointOptions options);
  // Without a server (tests of the handler).
  explicit MetricsEndpoint(MetricsEndpointOptions options);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  MetricsRegistry& registry() { return registry_; }
  const std::string& connector() const { return options_.connector; }
  void SetState(ConnectorState s) { state_.store(static_cast<int>(s)); }
  ConnectorState state() const { return static_cast<ConnectorState>(state_.load()); }
  void SetPhase(ConnectorPhase p) { phase_.store(static_cast<int>(p)); }
  // 0 without a server.
  uint16_t port() const { return server_ ? server_->port() : 0; }

  HttpResponse Handle(const HttpRequest& request) const;

 private:
  MetricsEndpointOptions options_;
  MetricsRegistry registry_;
  std::atomic<int> state_{static_cast<int>(ConnectorState::kStarting)};
  std::atomic<int> phase_{static_cast<int>(ConnectorPhase::kNone)};
  std::unique_ptr<HttpServer> server_;  // last: stopped first
};

}  // namespace tributary::server
