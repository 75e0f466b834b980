#include "config/loader.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/properties.h"

namespace tributary::config {
namespace {

// ordered_json keeps the file's key order, so messages follow the file.
using json = nlohmann::ordered_json;

// 1-based line and column of a byte offset.
std::pair<size_t, size_t> LineColumn(const std::string& text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

// The part of nlohmann's message after its "[json.exception...] parse error at ...:".
std::string ParseErrorReason(const std::string& what) {
  size_t colon = what.find(": ");
  std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
  return reason;
}

void AddEntry(RawConfig& raw, std::string key, std::string value) {
  for (auto it = raw.entries.begin(); it != raw.entries.end(); ++it) {
    if (it->key == key) {
      raw.diagnostics.push_back(
          {Diagnostic::Severity::kWarning, key, "given more than once; the last value is used"});
      raw.entries.erase(it);
      break;
    }
  }
  raw.entries.push_back({std::move(key), value, false, value});
}

Status LoadJson(const std::string& text, RawConfig& raw) {
  // Track keys per object to report duplicates, which JSON parsers silently collapse.
  std::vector<std::set<std::string>> seen;
  std::vector<std::string> duplicates;
  json::parser_callback_t cb = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: seen.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!seen.empty()) seen.pop_back();
        break;
      case json::parse_event_t::key:
        if (!seen.empty() && !seen.back().insert(parsed.get<std::string>()).second) {
          duplicates.push_back(parsed.get<std::string>());
        }
        break;
      default: break;
    }
    return true;
  };
  json doc;
  try {
    doc = json::parse(text, cb, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const json::parse_error& e) {
    auto [line, col] = LineColumn(text, e.byte > 0 ? e.byte - 1 : 0);
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: malformed JSON: {}", raw.path, line, col, ParseErrorReason(e.what())));
  }
  for (const auto& d : duplicates) {
    raw.diagnostics.push_back(
        {Diagnostic::Severity::kWarning, d, "given more than once; the last value is used"});
  }
  if (!doc.is_object()) {
    return Status::InvalidArgument(fmt::format(
        "{}: expected a JSON object ({{\"name\": ..., \"config\": {{...}}}} or a config map), "
        "found {}",
        raw.path, doc.type_name()));
  }
  const json* config = &doc;
  if (doc.contains("config")) {
    if (!doc["config"].is_object()) {
      return Status::InvalidArgument(
          fmt::format("{}: \"config\" must be a JSON object of key/value strings", raw.path));
    }
    config = &doc["config"];
    for (const auto& [k, v] : doc.items()) {
      if (k == "config") continue;
      if (k == "name") {
        if (!v.is_string() || v.get<std::string>().empty()) {
          raw.diagnostics.push_back({Diagnostic::Severity::kError, "name",
                                     "the connector name must be a non-empty string"});
        } else {
          raw.name = v.get<std::string>();
        }
        continue;
      }
      raw.diagnostics.push_back(
          {Diagnostic::Severity::kWarning, k,
           "top-level key ignored (a connector file has only \"name\" and \"config\")"});
    }
  }
  for (const auto& [k, v] : config->items()) {
    std::string value;
    switch (v.type()) {
      case json::value_t::string: value = v.get<std::string>(); break;
      case json::value_t::boolean: value = v.get<bool>() ? "true" : "false"; break;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
      case json::value_t::number_float: value = v.dump(); break;
      case json::value_t::null:
        raw.diagnostics.push_back({Diagnostic::Severity::kError, k,
                                   "value is null: give a value or remove the key"});
        continue;
      default:
        raw.diagnostics.push_back(
            {Diagnostic::Severity::kError, k,
             fmt::format("value must be a string, not a JSON {} (lists are comma-separated "
                         "strings)",
                         v.type_name())});
        continue;
    }
    AddEntry(raw, k, std::move(value));
  }
  return Status::Ok();
}

}  // namespace

Result<RawConfig> LoadConfigText(const std::string& path, const std::string& text,
                                 const PlaceholderResolver& resolver) {
  RawConfig raw;
  raw.path = path;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return Error(Status::InvalidArgument(fmt::format("{}: the file is empty", path)));
  }
  if (text[first] == '{' || text[first] == '[') {
    if (Status s = LoadJson(text, raw); !s.ok()) return Error(s);
  } else {
    auto props = ParseProperties(text);
    if (!props) return Error(props.error().WithContext(path));
    for (auto& [k, v] : *props) AddEntry(raw, k, v);
  }
  // `name` inside the config map: must agree with the top-level name.
  for (auto it = raw.entries.begin(); it != raw.entries.end(); ++it) {
    if (it->key != "name") continue;
    if (!raw.name.empty() && it->value != raw.name) {
      raw.diagnostics.push_back(
          {Diagnostic::Severity::kError, "name",
           fmt::format("config.name '{}' differs from the connector name '{}'", it->value,
                       raw.name)});
    } else {
      raw.name = it->value;
    }
    raw.entries.erase(it);
    break;
  }
  if (raw.name.empty()) raw.name = std::filesystem::path(path).stem().string();

  for (RawEntry& e : raw.entries) {
    if (!PlaceholderResolver::HasPlaceholder(e.value)) continue;
    auto resolved = resolver.Resolve(e.value);
    if (!resolved) {
      raw.diagnostics.push_back({Diagnostic::Severity::kError, e.key, resolved.error().message()});
      continue;
    }
    e.value = std::move(*resolved);
    e.from_placeholder = true;
  }
  return raw;
}

Result<RawConfig> LoadConfigFile(const std::string& path, const PlaceholderResolver& resolver) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error(Status::InvalidArgument(fmt::format("{}: is a directory, not a config file", path)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Status::NotFound(fmt::format("{}: cannot open the file", path)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return LoadConfigText(path, ss.str(), resolver);
}

}  // namespace tributary::config
