#include "format/debezium/options.h"

#include <charconv>
#include <regex>

namespace tributary::format::debezium {
namespace {

const std::string* Find(const std::map<std::string, std::string>& p, const std::string& k) {
  auto it = p.find(k);
  return it == p.end() ? nullptr : &it->second;
}

bool Bool(const std::map<std::string, std::string>& p, const std::string& k, bool def) {
  const std::string* v = Find(p, k);
  if (!v) return def;
  if (*v == "true" || *v == "TRUE" || *v == "True") return true;
  if (*v == "false" || *v == "FALSE" || *v == "False") return false;
  return def;
}

std::string Str(const std::map<std::string, std::string>& p, const std::string& k,
                const std::string& def) {
  const std::string* v = Find(p, k);
  return v ? *v : def;
}

Status Bad(const std::string& key, const std::string& value) {
  return Status::InvalidArgument(key + ": unsupported value '" + value + "'");
}

}  // namespace

std::string_view FlavorConnectorName(Flavor flavor) {
  return flavor == Flavor::kMariaDb ? "mariadb" : "mysql";
}

Result<EncoderOptions> ParseEncoderOptions(const std::map<std::string, std::string>& p) {
  EncoderOptions o;
  std::string cls = Str(p, "connector.class", "");
  if (cls.find("mariadb") != std::string::npos || cls.find("MariaDb") != std::string::npos) {
    o.flavor = Flavor::kMariaDb;
  }
  o.topic_prefix = Str(p, "topic.prefix", Str(p, "database.server.name", ""));
  o.topic_delimiter = Str(p, "topic.delimiter", ".");

  std::string v = Str(p, "decimal.handling.mode", "precise");
  if (v == "precise") o.decimal_mode = DecimalMode::kPrecise;
  else if (v == "double") o.decimal_mode = DecimalMode::kDouble;
  else if (v == "string") o.decimal_mode = DecimalMode::kString;
  else return Error(Bad("decimal.handling.mode", v));

  v = Str(p, "time.precision.mode", "adaptive_time_microseconds");
  if (v == "adaptive_time_microseconds") o.time_precision_mode = TimePrecisionMode::kAdaptiveTimeMicroseconds;
  else if (v == "adaptive") o.time_precision_mode = TimePrecisionMode::kAdaptive;
  else if (v == "connect") o.time_precision_mode = TimePrecisionMode::kConnect;
  else return Error(Bad("time.precision.mode", v));

  v = Str(p, "bigint.unsigned.handling.mode", "long");
  if (v == "long") o.bigint_unsigned_mode = BigIntUnsignedMode::kLong;
  else if (v == "precise") o.bigint_unsigned_mode = BigIntUnsignedMode::kPrecise;
  else return Error(Bad("bigint.unsigned.handling.mode", v));

  v = Str(p, "binary.handling.mode", "bytes");
  if (v == "bytes") o.binary_mode = BinaryMode::kBytes;
  else if (v == "base64") o.binary_mode = BinaryMode::kBase64;
  else if (v == "base64-url-safe") o.binary_mode = BinaryMode::kBase64UrlSafe;
  else if (v == "hex") o.binary_mode = BinaryMode::kHex;
  else return Error(Bad("binary.handling.mode", v));

  o.enable_time_adjuster = Bool(p, "enable.time.adjuster", true);
  o.include_schema_comments = Bool(p, "include.schema.comments", false);
  o.tombstones_on_delete = Bool(p, "tombstones.on.delete", true);
  o.provide_transaction_metadata = Bool(p, "provide.transaction.metadata", false);
  o.include_query = Bool(p, "include.query", false);
  o.message_key_columns = Str(p, "message.key.columns", "");
  o.extended_headers = Bool(p, "extended.headers.enabled", true);

  for (auto [conv, prefix] : {std::pair{&o.key_converter, std::string("key.converter.")},
                              std::pair{&o.value_converter, std::string("value.converter.")}}) {
    conv->schemas_enable = Bool(p, prefix + "schemas.enable", true);
    conv->replace_null_with_default = Bool(p, prefix + "replace.null.with.default", true);
    std::string fmt = Str(p, prefix + "decimal.format", "BASE64");
    if (fmt == "NUMERIC" || fmt == "numeric") conv->decimal_numeric = true;
    else if (fmt != "BASE64" && fmt != "base64") return Error(Bad(prefix + "decimal.format", fmt));
  }

  ColumnFilterOptions& f = o.filters;
  f.database_include = Str(p, "database.include.list", Str(p, "database.whitelist", ""));
  f.database_exclude = Str(p, "database.exclude.list", Str(p, "database.blacklist", ""));
  f.table_include = Str(p, "table.include.list", Str(p, "table.whitelist", ""));
  f.table_exclude = Str(p, "table.exclude.list", Str(p, "table.blacklist", ""));
  f.column_include = Str(p, "column.include.list", Str(p, "column.whitelist", ""));
  f.column_exclude = Str(p, "column.exclude.list", Str(p, "column.blacklist", ""));
  f.table_ignore_builtin = Bool(p, "table.ignore.builtin", true);
  f.propagate_source_type = Str(p, "column.propagate.source.type", "");

  static const std::regex kTruncate(R"(column\.truncate\.to\.(\d+)\.chars)");
  static const std::regex kMask(R"(column\.mask\.with\.(\d+)\.chars)");
  static const std::regex kHash(R"(column\.mask\.hash\.(v2\.)?([^.]+)\.with\.salt\.(.+))");
  for (const auto& [key, value] : p) {
    if (key.rfind("column.", 0) != 0) continue;
    std::smatch m;
    if (std::regex_match(key, m, kTruncate) || std::regex_match(key, m, kMask)) {
      int n = 0;
      std::string digits = m[1].str();
      auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (r.ec != std::errc()) return Error(Bad(key, digits));
      if (key.find(".truncate.") != std::string::npos) {
        f.truncate.push_back({value, n});
      } else {
        f.mask_chars.push_back({value, n});
      }
    } else if (std::regex_match(key, m, kHash)) {
      f.mask_hash.push_back({value, m[2].str(), m[3].str(), m[1].matched});
    }
  }

  // transforms=unwrap with transforms.unwrap.type=...ExtractNewRecordState
  for (const std::string& alias : SplitRegexList(Str(p, "transforms", ""))) {
    std::string prefix = "transforms." + alias + ".";
    std::string type = Str(p, prefix + "type", "");
    if (type != "io.debezium.transforms.ExtractNewRecordState") continue;
    std::map<std::string, std::string> keys;
    for (auto it = p.lower_bound(prefix); it != p.end() && it->first.rfind(prefix, 0) == 0; ++it) {
      keys[it->first.substr(prefix.size())] = it->second;
    }
    auto u = ParseUnwrapOptions(keys);
    if (!u) return Error(u.error().WithContext(prefix + "*"));
    o.unwrap = std::move(*u);
  }
  return o;
}

}  // namespace tributary::format::debezium
