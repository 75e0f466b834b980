#include "server/metrics_endpoint.h"

#include <fmt/format.h>

#include "common/json_text.h"

namespace tributary::server {

const char* ConnectorStateName(ConnectorState s) {
  switch (s) {
    case ConnectorState::kStarting: return "STARTING";
    case ConnectorState::kRunning: return "RUNNING";
    case ConnectorState::kStopping: return "STOPPING";
    case ConnectorState::kStopped: return "STOPPED";
    case ConnectorState::kFailed: return "FAILED";
  }
  return "UNKNOWN";
}

const char* ConnectorPhaseName(ConnectorPhase p) {
  switch (p) {
    case ConnectorPhase::kNone: return "";
    case ConnectorPhase::kSnapshot: return "snapshot";
    case ConnectorPhase::kStreaming: return "streaming";
  }
  return "";
}

MetricsEndpoint::MetricsEndpoint(MetricsEndpointOptions options) : options_(std::move(options)) {}

MetricsEndpoint::~MetricsEndpoint() { server_.reset(); }

Result<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(MetricsEndpointOptions options) {
  auto endpoint = std::make_unique<MetricsEndpoint>(std::move(options));
  HttpServerOptions so;
  so.host = endpoint->options_.address.host;
  so.port = endpoint->options_.address.port;
  const MetricsEndpoint* self = endpoint.get();
  so.handler = [self](const HttpRequest& r) { return self->Handle(r); };
  auto server = HttpServer::Start(std::move(so));
  if (!server) return Error(server.error());
  endpoint->server_ = std::move(*server);
  return endpoint;
}

HttpResponse MetricsEndpoint::Handle(const HttpRequest& request) const {
  HttpResponse r;
  if (request.path == "/metrics") {
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = registry_.Render();
    return r;
  }
  if (request.path == "/health") {
    ConnectorState s = state();
    bool up = s == ConnectorState::kStarting || s == ConnectorState::kRunning;
    std::string body =
        fmt::format("{{\"status\":\"{}\",\"connector\":{{\"name\":", up ? "UP" : "DOWN");
    AppendJsonString(options_.connector, &body);
    body += ",\"type\":";
    AppendJsonString(options_.type, &body);
    body += fmt::format(",\"state\":\"{}\"", ConnectorStateName(s));
    const char* phase = ConnectorPhaseName(static_cast<ConnectorPhase>(phase_.load()));
    if (*phase != '\0') body += fmt::format(",\"phase\":\"{}\"", phase);
    body += "}}\n";
    r.status = up ? 200 : 503;
    r.content_type = "application/json";
    r.body = std::move(body);
    return r;
  }
  r.status = 404;
  r.body = "not found: try /metrics or /health\n";
  return r;
}

}  // namespace tributary::server
