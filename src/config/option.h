// The options table: one row per configuration key Tributary understands.
//
// The same rows drive parsing (type, aliases), validation (required, range, allowed
// values, values recognised but rejected) and the generated docs/configuration.md
// (`tributary config-doc`). Add a key here and it is parsed, checked and documented.
// The table is built once and is immutable; safe to read from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

enum class OptionType {
  kString,
  kPassword,  // a secret: never printed or logged
  kInt,       // 32-bit signed, as Kafka Connect's INT
  kLong,      // 64-bit signed
  kDouble,
  kBool,      // true / false, any case
  kEnum,      // one of `allowed`, any case; normalised to the spelling in the table
  kList,      // comma-separated, items trimmed
  kClass,     // a Java class name as users write it; matches `allowed` by full or simple name
};

// Which connector a key belongs to (a bit set).
enum Applies : uint8_t {
  kSource = 1,  // MySQL / MariaDB source (Debezium keys)
  kSink = 2,    // S3 sink (Confluent S3 sink keys)
  kBoth = 3,    // Kafka Connect framework keys and Tributary's own
};

// How Tributary treats a recognised key.
enum class Support {
  kYes,      // honoured as documented
  kIgnored,  // accepted for compatibility with existing files; has no effect (said in a warning)
};

// A value that is recognised but not supported, with the reason shown to the user.
struct RejectedValue {
  std::string value;
  std::string reason;
};

struct OptionDef {
  // Canonical (newest) spelling. May hold pattern segments: `<name>` matches one
  // dot-free segment, `<N>` a decimal number, and a trailing `*` anything at all.
  std::string name;
  OptionType type = OptionType::kString;
  std::optional<std::string> default_value;  // as the string a user would write
  bool required = false;
  std::optional<int64_t> min;  // numeric range, inclusive
  std::optional<int64_t> max;
  std::vector<std::string> allowed;  // kEnum / kClass; first is the canonical spelling
  std::vector<RejectedValue> rejected;
  std::vector<std::string> aliases;  // older spellings (Debezium 1.x, renamed keys)
  Applies applies = kBoth;
  Support support = Support::kYes;
  std::string group;  // section of docs/configuration.md
  std::string doc;    // one or two sentences: what it does, in the user's words

  bool is_pattern() const;
  bool secret() const { return type == OptionType::kPassword; }
};

// Every option, in documentation order.
std::span<const OptionDef> AllOptions();

// The row a key belongs to (by canonical name, alias or pattern) for the given
// connector, or nullptr. `matched_alias` is set when the key is an older spelling.
const OptionDef* FindOption(std::string_view key, Applies connector,
                            bool* matched_alias = nullptr);
// The row for the key for any connector (used to say "this key is for the sink").
const OptionDef* FindOptionAnyConnector(std::string_view key);

// True when `key` matches the pattern `pattern` (see OptionDef::name).
bool MatchesPattern(std::string_view pattern, std::string_view key);

// Heuristic for keys outside the table (pass-through client settings): does the name
// look like it holds a secret (password, secret, token, sasl.jaas.config, key material)?
bool LooksSecret(std::string_view key);

std::string_view OptionTypeName(OptionType type);

// The simple name of a Java class name ("io.x.MySqlConnector" -> "MySqlConnector").
std::string_view JavaSimpleName(std::string_view class_name);

}  // namespace tributary::config
