// What `tributary run` would start for a set of validated connectors, in words, and the
// checks that need more than one connector (a source and the sink reading its topics).
#pragma once

#include <string>
#include <vector>

#include "config/connector_config.h"
#include "config/diagnostic.h"

namespace tributary::cli {

// A few lines describing what the connector would do, with secrets hidden.
std::string DescribeConnector(const config::ConnectorConfig& c);

// The explicitly given settings, one `key = value` per line (secrets hidden,
// placeholders shown unresolved, aliases shown with their current name).
std::string DescribeSettings(const config::ConnectorConfig& c);

// Problems between connectors: duplicate names; a source that writes delete tombstones
// into a sink that stops on them (the Kafka Connect default pair does exactly that).
// Each diagnostic's key is prefixed by nothing; messages name the files.
std::vector<config::Diagnostic> CheckPipeline(const std::vector<config::ConnectorConfig>& all);

// The Kafka clients the connector will open, built from its settings without connecting:
// mapping errors (a JKS store, an unknown `kafka.*` property, a bad SASL line) are reported
// here, so `--dry-run` catches what `run` would refuse. Keys are the settings' names.
std::vector<config::Diagnostic> CheckKafkaClients(const config::ConnectorConfig& c);

}  // namespace tributary::cli
