// Loading one connector config file.
//
// Accepted shapes, told apart by content:
//   - Kafka Connect connector JSON: {"name": "...", "config": {...}} (what users POST to
//     the Connect REST API);
//   - a bare JSON config map {"connector.class": ..., ...} (PUT /connectors/<name>/config);
//   - a Java .properties file, as connect-standalone takes.
// Values may be JSON strings, numbers or booleans (Kafka Connect coerces them to
// strings). Placeholders (${env:..}, ${file:..}) are resolved here.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "config/diagnostic.h"
#include "config/placeholders.h"

namespace tributary::config {

struct RawEntry {
  std::string key;
  std::string value;         // after placeholder resolution
  bool from_placeholder = false;  // the written value held a placeholder: print it unresolved
  std::string written;       // the value as written in the file
};

struct RawConfig {
  std::string path;
  std::string name;  // connector name; the file stem when the file gives none
  std::vector<RawEntry> entries;        // file order, duplicates removed (last wins)
  std::vector<Diagnostic> diagnostics;  // problems of the file itself
};

// Fails (kNotFound / kInvalidArgument) only when the file cannot be read or parsed at
// all; the message then says where (line and column for JSON). Everything else is a
// diagnostic in the result.
Result<RawConfig> LoadConfigFile(const std::string& path,
                                 const PlaceholderResolver& resolver = PlaceholderResolver());

// Same, from text already in memory (`path` only names it in messages).
Result<RawConfig> LoadConfigText(const std::string& path, const std::string& text,
                                 const PlaceholderResolver& resolver = PlaceholderResolver());

}  // namespace tributary::config
