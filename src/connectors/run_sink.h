// RunS3SinkConnector: `tributary run <sink.json>` for an S3 sink connector.
//
// Opens the sink task (store, partitioner, consumer group connect-<name>), runs it on the
// calling thread until SIGINT or SIGTERM (graceful stop: open objects dropped, durable
// offsets committed, group left) or a fatal error, and returns the process exit code:
// 0 after a requested stop, 1 on a runtime error (logged with its cause), 2 for a
// configuration the runtime cannot use.
//
// Installs its own SIGINT/SIGTERM handling for the duration of the call (signals are
// blocked in every thread and taken by a watcher thread), so it must be called from the
// main thread before other threads are started (the metrics endpoint's thread blocks every
// signal, so it may exist), once at a time.
//
// `endpoint` (optional, not owned): the connector's state and metrics are published there
// (sink_metrics.h) while it runs.
#pragma once

namespace tributary::config {
class ConnectorConfig;
}
namespace tributary::server {
class MetricsEndpoint;
}

namespace tributary::connectors {

int RunS3SinkConnector(const config::ConnectorConfig& config,
                       server::MetricsEndpoint* endpoint = nullptr);

}  // namespace tributary::connectors
