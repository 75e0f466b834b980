// Logging: one spdlog logger writing to stderr.
//
// Levels: ERROR means the operator must act; WARN a recovered or suspicious condition;
// INFO lifecycle (start, stop, rotation); DEBUG per-batch detail. Never log a secret:
// config values of secret options go through config::Redacted before they reach a log.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

#include "common/status.h"

namespace tributary {

// Sets up the default logger (stderr). `level` is one of trace, debug, info, warn, error,
// off. May be called again to change the level.
Status InitLogging(std::string_view level);

}  // namespace tributary
