#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <fmt/format.h>

namespace tributary {

Status InitLogging(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  // spdlog maps unknown names to "off"; only accept "off" when asked for.
  if (parsed == spdlog::level::off && level != "off") {
    return Status::InvalidArgument(fmt::format(
        "unknown log level '{}' (use trace, debug, info, warn, error or off)", level));
  }
  // Called again (a command changing the level): reuse the logger.
  auto logger = spdlog::get("tributary");
  if (!logger) logger = spdlog::stderr_color_mt("tributary");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

}  // namespace tributary
