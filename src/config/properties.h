// Java .properties text, as Kafka Connect's FileConfigProvider and connect-standalone's
// connector files use it: `key=value`, `key: value` or `key value`, `#`/`!` comments,
// backslash line continuations and escapes (\t \n \r \f \\ \uXXXX, other chars as is).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tributary::config {

using PropertyList = std::vector<std::pair<std::string, std::string>>;

// Entries in file order (a repeated key appears twice; the last one wins for users).
// Fails only on a malformed \u escape, naming the line.
Result<PropertyList> ParseProperties(std::string_view text);

}  // namespace tributary::config
