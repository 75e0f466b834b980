// Kafka Connect config provider placeholders in config values:
//   ${env:NAME}             the environment variable NAME
//   ${file:/path:key}       `key` of the Java properties file /path (FileConfigProvider)
//   ${directory:/dir:name}  the content of the file /dir/name (DirectoryConfigProvider)
// A value may hold several placeholders inside other text. `$${` is not special.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::config {

struct PlaceholderResolver {
  // Environment lookup; tests replace it. Default: getenv.
  std::function<std::optional<std::string>(const std::string&)> env;

  PlaceholderResolver();

  // True when the value holds a `${provider:...}` placeholder.
  static bool HasPlaceholder(std::string_view value);

  // The value with every placeholder replaced. The error names the placeholder and why
  // it cannot be resolved (never the resolved secret).
  Result<std::string> Resolve(std::string_view value) const;
};

}  // namespace tributary::config
