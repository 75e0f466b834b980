// `tributary run` for a MySQL source connector: runs a MySqlSource until SIGINT/SIGTERM
// or a fatal error.
//
// Signals: SIGINT and SIGTERM are blocked in the calling thread (and so in every thread
// started afterwards, librdkafka's included) and received by a watcher thread that asks
// the connector to stop; the connector then flushes Kafka and stores its final offset.
// A second signal while stopping is not special (the stop is already under way).
//
// Call from the main thread before other threads exist. Returns the process exit code:
// 0 stopped by a signal, 1 failure (logged), 2 a setting the connector cannot run with.
#pragma once

#include "config/connector_config.h"

namespace tributary::connectors {

int RunMySqlSourceConnector(const config::ConnectorConfig& cfg);

}  // namespace tributary::connectors
