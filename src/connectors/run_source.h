// `tributary run` for a MySQL source connector: runs a MySqlSource until SIGINT/SIGTERM
// or a fatal error.
//
// Signals: SIGINT and SIGTERM are blocked in the calling thread (and so in every thread
// started afterwards, librdkafka's included) and received by a watcher thread that asks
// the connector to stop; the connector then flushes Kafka and stores its final offset.
// A second signal while stopping is not special (the stop is already under way).
//
// Call from the main thread before other threads exist (the metrics endpoint's thread
// blocks every signal, so it may exist). Returns the process exit code: 0 stopped by a
// signal, 1 failure (logged), 2 a setting the connector cannot run with.
//
// `endpoint` (optional, not owned): the connector's state and metrics are published there
// (source_metrics.h) while it runs.
#pragma once

#include "config/connector_config.h"

namespace tributary::server {
class MetricsEndpoint;
}

namespace tributary::connectors {

int RunMySqlSourceConnector(const config::ConnectorConfig& cfg,
                            server::MetricsEndpoint* endpoint = nullptr);

}  // namespace tributary::connectors
