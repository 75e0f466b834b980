// Validate(): RawConfig → ConnectorConfig, one diagnostic per problem.
// Per-key checks come from the options table; the cross-key rules (what librdkafka calls
// the finalize step) are at the end, one function per connector.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <regex>
#include <set>

#include "config/connector_config.h"

namespace tributary::config {
namespace {

using Sev = Diagnostic::Severity;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string_view SimpleName(std::string_view cls) { return JavaSimpleName(cls); }

// A value left as the template placeholder of a tutorial, like `<YOUR_RDS_ENDPOINT>` or
// `<KAFKA_BROKER>:9092`: returns the placeholder text.
std::optional<std::string> TemplatePlaceholder(std::string_view value) {
  size_t pos = 0;
  while ((pos = value.find('<', pos)) != std::string_view::npos) {
    size_t end = value.find('>', pos);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view inner = value.substr(pos + 1, end - pos - 1);
    bool word_chars = inner.size() >= 3 && std::all_of(inner.begin(), inner.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                      });
    bool separated = inner.find_first_of("_-") != std::string_view::npos;
    bool all_caps = std::none_of(inner.begin(), inner.end(),
                                 [](char c) { return std::islower(static_cast<unsigned char>(c)); });
    if (word_chars && (separated || all_caps)) return std::string(value.substr(pos, end - pos + 1));
    pos = end;
  }
  return std::nullopt;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Suggestion(std::string_view key, Applies kind) {
  std::string best;
  size_t best_d = 4;  // suggest only close spellings
  for (const OptionDef& opt : AllOptions()) {
    if ((opt.applies & kind) == 0 || opt.is_pattern()) continue;
    size_t d = EditDistance(key, opt.name);
    if (d < best_d) {
      best_d = d;
      best = opt.name;
    }
  }
  return best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best);
}

std::string AllowedList(const OptionDef& opt) {
  return fmt::format("{}", fmt::join(opt.allowed, ", "));
}

// Checks one value against its row; returns the normalised value or an error message.
std::expected<std::string, std::string> CheckValue(const OptionDef& opt, std::string_view raw) {
  std::string_view v = Trim(raw);
  auto in_range = [&](int64_t n) -> std::expected<std::string, std::string> {
    if (opt.min && n < *opt.min) {
      return std::unexpected(fmt::format("{} is below the minimum {}", n, *opt.min));
    }
    if (opt.max && n > *opt.max) {
      return std::unexpected(fmt::format("{} is above the maximum {}", n, *opt.max));
    }
    return std::to_string(n);
  };
  switch (opt.type) {
    case OptionType::kInt:
    case OptionType::kLong: {
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (v.empty() || ec != std::errc() || ptr != v.data() + v.size()) {
        return std::unexpected(fmt::format("'{}' is not a whole number", raw));
      }
      if (opt.type == OptionType::kInt &&
          (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max())) {
        return std::unexpected(fmt::format("{} does not fit a 32-bit int", n));
      }
      return in_range(n);
    }
    case OptionType::kDouble: {
      double d = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || !std::isfinite(d)) {
        return std::unexpected(fmt::format("'{}' is not a number", raw));
      }
      return std::string(v);
    }
    case OptionType::kBool: {
      std::string l = Lower(v);
      if (l == "true" || l == "false") return l;
      return std::unexpected(fmt::format("'{}' is not a boolean (use true or false)", raw));
    }
    case OptionType::kEnum: {
      for (const auto& a : opt.allowed) {
        if (Lower(a) == Lower(v)) return a;
      }
      for (const auto& r : opt.rejected) {
        if (Lower(r.value) == Lower(v)) {
          return std::unexpected(fmt::format("'{}' is not supported: {}", r.value, r.reason));
        }
      }
      return std::unexpected(
          fmt::format("'{}' is not one of: {}", raw, AllowedList(opt)));
    }
    case OptionType::kClass: {
      if (v.empty()) return std::unexpected(std::string("a class name is required"));
      if (opt.allowed.empty()) return std::string(v);
      for (const auto& a : opt.allowed) {
        if (a == v || SimpleName(a) == v) return a;
      }
      for (const auto& r : opt.rejected) {
        if (r.value == v || SimpleName(r.value) == v) {
          return std::unexpected(fmt::format("{} is not supported: {}", r.value, r.reason));
        }
      }
      return std::unexpected(fmt::format("unknown class '{}'; supported: {}", raw, AllowedList(opt)));
    }
    case OptionType::kList:
    case OptionType::kString:
    case OptionType::kPassword: return std::string(raw);
  }
  return std::string(raw);
}

struct ConnectorClassInfo {
  ConnectorKind kind;
  Applies applies;
};

std::optional<ConnectorClassInfo> ClassifyConnector(const std::string& cls) {
  if (SimpleName(cls) == "S3SinkConnector") return ConnectorClassInfo{ConnectorKind::kS3Sink, kSink};
  if (SimpleName(cls) == "MySqlConnector" || SimpleName(cls) == "MariaDbConnector") {
    return ConnectorClassInfo{ConnectorKind::kMySqlSource, kSource};
  }
  return std::nullopt;
}

// Regex lists are anchored Java regexes; check they compile (a leading (?i) is
// Java's case-insensitive flag, which std::regex spells differently).
std::optional<std::string> CheckRegex(const std::string& re) {
  std::string body = re;
  auto flags = std::regex::ECMAScript;
  if (body.starts_with("(?i)")) {
    body = body.substr(4);
    flags |= std::regex::icase;
  }
  try {
    std::regex compiled(body, flags);
  } catch (const std::regex_error& e) {
    return fmt::format("'{}' is not a valid regular expression ({})", re, e.what());
  }
  return std::nullopt;
}

class Validator {
 public:
  explicit Validator(const RawConfig& raw) : raw_(raw) {}

  ValidationResult Run() {
    result_.diagnostics = raw_.diagnostics;
    config_.name = raw_.name;
    config_.path = raw_.path;

    const RawEntry* cls = Find("connector.class");
    if (cls == nullptr || Trim(cls->value).empty()) {
      AddError("connector.class",
               "missing required key: say which connector this is "
               "(io.debezium.connector.mysql.MySqlConnector or "
               "io.confluent.connect.s3.S3SinkConnector)");
      return std::move(result_);
    }
    auto info = ClassifyConnector(std::string(Trim(cls->value)));
    if (!info) {
      AddError("connector.class",
               fmt::format("unknown connector class '{}'; Tributary runs "
                           "io.debezium.connector.mysql.MySqlConnector, "
                           "io.debezium.connector.mariadb.MariaDbConnector and "
                           "io.confluent.connect.s3.S3SinkConnector",
                           cls->value));
      return std::move(result_);
    }
    config_.kind = info->kind;
    applies_ = info->applies;

    for (const RawEntry& e : raw_.entries) CheckEntry(e);
    FillDefaults();
    CheckRequired();
    if (config_.kind == ConnectorKind::kMySqlSource) {
      FinalizeSource();
    } else {
      FinalizeSink();
    }
    FinalizeCommon();
    config_.connector_class = config_.GetString("connector.class");
    if (!HasErrors(result_.diagnostics)) result_.config = std::move(config_);
    return std::move(result_);
  }

 private:
  const RawEntry* Find(std::string_view key) const {
    for (const RawEntry& e : raw_.entries) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }
  void AddError(std::string key, std::string msg) {
    result_.diagnostics.push_back({Sev::kError, std::move(key), std::move(msg)});
  }
  void AddWarning(std::string key, std::string msg) {
    result_.diagnostics.push_back({Sev::kWarning, std::move(key), std::move(msg)});
  }
  // The key as the user wrote it, for messages about a canonical key.
  std::string Written(const std::string& key) const {
    auto it = config_.values.find(key);
    if (it != config_.values.end() && !it->second.written_key.empty()) return it->second.written_key;
    return key;
  }

  void CheckEntry(const RawEntry& e) {
    bool alias = false;
    const OptionDef* opt = FindOption(e.key, applies_, &alias);
    bool secret = (opt != nullptr && opt->secret()) || LooksSecret(e.key);
    if (opt == nullptr) {
      if (const OptionDef* other = FindOptionAnyConnector(e.key); other != nullptr) {
        AddWarning(e.key, fmt::format("is a {} key; ignored in a {} config",
                                      other->applies == kSink ? "S3 sink" : "MySQL source",
                                      ConnectorKindName(config_.kind)));
      } else {
        AddWarning(e.key, "unknown key, ignored" + Suggestion(e.key, applies_));
      }
      return;
    }
    // Canonical key: the row's name, or the concrete key for pattern rows (an alias of a
    // pattern keeps its own spelling's suffix on the canonical prefix).
    std::string canonical = opt->name;
    if (opt->is_pattern()) {
      canonical = e.key;
      if (alias) {
        for (const auto& a : opt->aliases) {
          if (a.ends_with("*") && MatchesPattern(a, e.key)) {
            canonical = opt->name.substr(0, opt->name.size() - 1) + e.key.substr(a.size() - 1);
          }
        }
      }
    }
    if (auto prev = config_.values.find(canonical); prev != config_.values.end()) {
      if (prev->second.value != e.value) {
        AddError(e.key, fmt::format("conflicts with '{}' given in the same file (both set {})",
                                    prev->second.written_key, canonical));
      }
      return;
    }
    if (auto tpl = TemplatePlaceholder(e.value)) {
      AddError(e.key, secret ? std::string("still holds a template placeholder; put the real "
                                           "value here (or ${env:NAME})")
                             : fmt::format("still holds the template placeholder {}; put the "
                                           "real value here",
                                           *tpl));
      invalid_.insert(canonical);
      return;
    }
    auto checked = CheckValue(*opt, e.value);
    if (!checked) {
      AddError(e.key, secret ? std::string("invalid value") : checked.error());
      invalid_.insert(canonical);
      return;
    }
    if (opt->support == Support::kIgnored) {
      AddWarning(e.key, "accepted for compatibility; it has no effect in Tributary");
    }
    ConfigValue cv;
    cv.value = std::move(*checked);
    cv.def = opt;
    cv.is_explicit = true;
    cv.written_key = e.key;
    cv.written_value = e.written;
    cv.from_placeholder = e.from_placeholder;
    cv.secret = secret;
    config_.values.emplace(canonical, std::move(cv));
  }

  void FillDefaults() {
    for (const OptionDef& opt : AllOptions()) {
      if ((opt.applies & applies_) == 0 || opt.is_pattern() || !opt.default_value) continue;
      if (config_.values.count(opt.name) != 0) continue;
      ConfigValue cv;
      cv.value = *opt.default_value;
      cv.def = &opt;
      cv.secret = opt.secret();
      config_.values.emplace(opt.name, std::move(cv));
    }
  }

  void CheckRequired() {
    for (const OptionDef& opt : AllOptions()) {
      if ((opt.applies & applies_) == 0 || !opt.required) continue;
      auto it = config_.values.find(opt.name);
      if (it != config_.values.end() && !Trim(it->second.value).empty()) continue;
      if (invalid_.count(opt.name) != 0) continue;  // already reported
      std::string also = opt.aliases.empty()
                             ? ""
                             : fmt::format(" (older spelling: {})", fmt::join(opt.aliases, ", "));
      AddError(opt.name, fmt::format("missing required key{}: {}", also, opt.doc));
    }
  }

  void RequireNonEmpty(const std::string& key, const std::string& why) {
    if (Trim(config_.GetString(key)).empty() && invalid_.count(key) == 0) {
      const OptionDef* opt = FindOption(key, applies_);
      std::string also = opt == nullptr || opt->aliases.empty()
                             ? ""
                             : fmt::format(" (older spelling: {})", fmt::join(opt->aliases, ", "));
      AddError(key, fmt::format("missing required key{}: {}", also, why));
    }
  }

  void Exclusive(const std::string& a, const std::string& b) {
    if (!Trim(config_.GetString(a)).empty() && !Trim(config_.GetString(b)).empty()) {
      AddError(Written(b), fmt::format("cannot be used together with '{}'; keep one", Written(a)));
    }
  }

  void CheckRegexList(const std::string& key) {
    for (const auto& re : config_.GetList(key)) {
      if (auto err = CheckRegex(re)) AddError(Written(key), *err);
    }
  }

  void FinalizeSource() {
    std::string prefix = config_.GetString("topic.prefix");
    if (!prefix.empty() &&
        !std::all_of(prefix.begin(), prefix.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        })) {
      AddError(Written("topic.prefix"),
               fmt::format("'{}' may hold only letters, digits, '.', '_' and '-' (it starts "
                           "every topic name)",
                           prefix));
    }
    for (const char* kind : {"database", "table", "column"}) {
      Exclusive(fmt::format("{}.include.list", kind), fmt::format("{}.exclude.list", kind));
      CheckRegexList(fmt::format("{}.include.list", kind));
      CheckRegexList(fmt::format("{}.exclude.list", kind));
    }
    Exclusive("gtid.source.includes", "gtid.source.excludes");
    if (config_.GetLong("max.queue.size") <= config_.GetLong("max.batch.size")) {
      AddError(Written("max.queue.size"),
               fmt::format("must be larger than max.batch.size ({})",
                           config_.GetLong("max.batch.size")));
    }
    if (config_.GetLong("tasks.max") > 1) {
      AddWarning("tasks.max", "the MySQL source reads the binlog with one task; the value is "
                              "ignored");
    }
    for (const auto& op : config_.GetList("skipped.operations")) {
      if (op != "c" && op != "u" && op != "d" && op != "t" && op != "none") {
        AddError(Written("skipped.operations"),
                 fmt::format("'{}' is not an operation (use c, u, d, t or none)", op));
      }
    }
    if (SimpleName(config_.GetString("schema.history.internal")) == "KafkaSchemaHistory") {
      RequireNonEmpty("schema.history.internal.kafka.topic",
                      "the Kafka topic that keeps the schema history");
    } else {
      RequireNonEmpty("schema.history.internal.file.filename",
                      "the file that keeps the schema history");
    }
    // Kafka Connect took the brokers from its worker; without one, the history's brokers
    // are the only ones a Debezium file names.
    std::string history = config_.GetString("schema.history.internal.kafka.bootstrap.servers");
    if (!config_.IsExplicit("bootstrap.servers") && !Trim(history).empty()) {
      config_.values["bootstrap.servers"].value = history;
    } else if (Trim(history).empty()) {
      config_.values["schema.history.internal.kafka.bootstrap.servers"].value =
          config_.GetString("bootstrap.servers");
    }
  }

  void FinalizeSink() {
    bool has_topics = !config_.GetList("topics").empty();
    bool has_regex = !Trim(config_.GetString("topics.regex")).empty();
    if (!has_topics && !has_regex && invalid_.count("topics") == 0 &&
        invalid_.count("topics.regex") == 0) {
      AddError("topics", "missing required key: give the topics to write (`topics`) or a "
                         "pattern (`topics.regex`)");
    } else if (has_topics && has_regex) {
      AddError("topics.regex", "cannot be used together with 'topics'; keep one");
    }
    if (has_regex) CheckRegexList("topics.regex");
    std::string partitioner(SimpleName(config_.GetString("partitioner.class")));
    bool time_based = partitioner == "TimeBasedPartitioner" || partitioner == "DailyPartitioner" ||
                      partitioner == "HourlyPartitioner";
    if (partitioner == "TimeBasedPartitioner") {
      RequireNonEmpty("path.format", "the TimeBasedPartitioner needs a path pattern");
      if (config_.GetLong("partition.duration.ms") < 0) {
        AddError("partition.duration.ms", "the TimeBasedPartitioner needs a bucket size >= 0");
      }
    }
    if (time_based) {
      RequireNonEmpty("locale", fmt::format("the {} needs a locale (e.g. en-US)", partitioner));
      RequireNonEmpty("timezone", fmt::format("the {} needs a time zone (e.g. UTC)", partitioner));
    }
    if (partitioner == "FieldPartitioner" && config_.GetList("partition.field.name").empty()) {
      AddError("partition.field.name", "missing required key: the FieldPartitioner needs the "
                                       "fields to partition by");
    }
    if (config_.GetLong("rotate.schedule.interval.ms") > 0) {
      RequireNonEmpty("timezone", "scheduled rotation needs a time zone (e.g. UTC)");
    }
    if (config_.GetLong("rotate.interval.ms") > 0 && !time_based) {
      AddWarning(Written("rotate.interval.ms"),
                 "only used with a time-based partitioner (as in Confluent's sink); ignored");
    }
    if (config_.GetString("s3.compression.type") == "gzip" &&
        SimpleName(config_.GetString("format.class")) == "ParquetFormat") {
      AddError(Written("s3.compression.type"),
               "gzip applies to JsonFormat and CsvFormat; Parquet compresses its pages "
               "(parquet.codec)");
    }
    if (config_.GetString("behavior.on.null.values") == "write" &&
        !config_.GetBool("store.kafka.keys")) {
      AddError(Written("behavior.on.null.values"),
               "'write' needs store.kafka.keys=true (a tombstone has only a key to write)");
    }
    std::string url = config_.GetString("store.url");
    if (!url.empty() && !url.starts_with("http://") && !url.starts_with("https://") &&
        !url.starts_with("file://")) {
      AddError(Written("store.url"),
               fmt::format("'{}' must start with http://, https:// or file://", url));
    }
    if (!config_.GetString("errors.deadletterqueue.topic.name").empty() &&
        config_.GetString("errors.tolerance") != "all") {
      AddWarning(Written("errors.deadletterqueue.topic.name"),
                 "the dead letter queue is only used with errors.tolerance=all");
    }
  }

  void FinalizeCommon() {
    // Every transform alias has a type; every transforms.<alias>.* key has an alias.
    auto aliases = config_.GetList("transforms");
    for (const auto& alias : aliases) {
      if (!config_.Has(fmt::format("transforms.{}.type", alias))) {
        AddError("transforms", fmt::format("transform '{}' has no transforms.{}.type", alias, alias));
      }
    }
    for (const auto& [key, v] : config_.values) {
      if (!key.starts_with("transforms.") || key == "transforms") continue;
      std::string alias = key.substr(11, key.find('.', 11) - 11);
      if (std::find(aliases.begin(), aliases.end(), alias) == aliases.end()) {
        AddWarning(v.written_key,
                   fmt::format("'{}' is not listed in transforms; this key is ignored", alias));
      }
    }
    if (!config_.GetList("predicates").empty()) {
      AddError(Written("predicates"), "Kafka Connect predicates are not supported");
    }
  }

  const RawConfig& raw_;
  Applies applies_ = kBoth;
  ConnectorConfig config_;
  ValidationResult result_;
  // Canonical keys whose value was rejected: reported once, not again as missing.
  std::set<std::string> invalid_;
};

}  // namespace

std::string_view ConnectorKindName(ConnectorKind kind) {
  return kind == ConnectorKind::kMySqlSource ? "MySQL source" : "S3 sink";
}

std::vector<std::string> SplitList(std::string_view value) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view item = Trim(value.substr(pos, comma - pos));
    if (!item.empty()) out.emplace_back(item);
    pos = comma + 1;
  }
  return out;
}

bool ConnectorConfig::IsExplicit(const std::string& key) const {
  auto it = values.find(key);
  return it != values.end() && it->second.is_explicit;
}

std::string ConnectorConfig::GetString(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? std::string() : it->second.value;
}

int64_t ConnectorConfig::GetLong(const std::string& key) const {
  int64_t n = 0;
  std::string v = GetString(key);
  std::from_chars(v.data(), v.data() + v.size(), n);
  return n;
}

bool ConnectorConfig::GetBool(const std::string& key) const { return GetString(key) == "true"; }

std::vector<std::string> ConnectorConfig::GetList(const std::string& key) const {
  return SplitList(GetString(key));
}

std::map<std::string, std::string> ConnectorConfig::WithPrefix(const std::string& prefix) const {
  std::map<std::string, std::string> out;
  for (auto it = values.lower_bound(prefix); it != values.end() && it->first.starts_with(prefix);
       ++it) {
    out.emplace(it->first.substr(prefix.size()), it->second.value);
  }
  return out;
}

std::string ConnectorConfig::Display(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) return "";
  if (it->second.secret) return it->second.value.empty() ? "" : "[hidden]";
  if (it->second.from_placeholder) return it->second.written_value;
  return it->second.value;
}

ValidationResult Validate(const RawConfig& raw) { return Validator(raw).Run(); }

}  // namespace tributary::config
