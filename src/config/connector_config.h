// ConnectorConfig: one connector's validated settings.
//
// Produced by Validate() from a RawConfig; every value has been checked against the
// options table, so the typed getters cannot fail for keys of the table (they return
// the documented default when the key was not given). Immutable after validation;
// safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/loader.h"
#include "config/option.h"

namespace tributary::config {

enum class ConnectorKind { kMySqlSource, kS3Sink };
std::string_view ConnectorKindName(ConnectorKind kind);

struct ConfigValue {
  std::string value;               // resolved and normalised (enums in table spelling)
  const OptionDef* def = nullptr;  // nullptr for keys outside the table (pass-through)
  bool is_explicit = false;        // given in the file (not a default)
  std::string written_key;         // the key as written (an alias, say); empty for defaults
  std::string written_value;       // as written, placeholders unresolved
  bool from_placeholder = false;
  bool secret = false;
};

class ConnectorConfig {
 public:
  ConnectorKind kind = ConnectorKind::kMySqlSource;
  std::string name;
  std::string path;             // file it came from
  std::string connector_class;  // full class name
  // Canonical key (or the concrete key of a pattern option) → value.
  std::map<std::string, ConfigValue> values;

  bool Has(const std::string& key) const { return values.count(key) != 0; }
  bool IsExplicit(const std::string& key) const;
  std::string GetString(const std::string& key) const;
  int64_t GetLong(const std::string& key) const;
  bool GetBool(const std::string& key) const;
  std::vector<std::string> GetList(const std::string& key) const;
  // Values of every key starting with `prefix`, keyed by the rest (pass-through maps
  // such as producer.override.*).
  std::map<std::string, std::string> WithPrefix(const std::string& prefix) const;

  // The value as it may be shown to a person: "[hidden]" for secrets, the written text
  // for values that came from a placeholder.
  std::string Display(const std::string& key) const;
};

struct ValidationResult {
  std::optional<ConnectorConfig> config;  // set when there is no error
  std::vector<Diagnostic> diagnostics;    // the file's own, then one per problem found
};

ValidationResult Validate(const RawConfig& raw);

// Splits a comma-separated list, trimming items and dropping empty ones.
std::vector<std::string> SplitList(std::string_view value);

}  // namespace tributary::config
