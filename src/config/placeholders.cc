#include "config/placeholders.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/properties.h"

namespace tributary::config {
namespace {

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Status::NotFound(fmt::format("cannot read file '{}'", path)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

PlaceholderResolver::PlaceholderResolver() {
  env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

bool PlaceholderResolver::HasPlaceholder(std::string_view value) {
  size_t open = value.find("${");
  return open != std::string_view::npos && value.find('}', open) != std::string_view::npos;
}

Result<std::string> PlaceholderResolver::Resolve(std::string_view value) const {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = value.find("${", pos);
    size_t close = open == std::string_view::npos ? open : value.find('}', open);
    if (close == std::string_view::npos) {
      out.append(value.substr(pos));
      return out;
    }
    out.append(value.substr(pos, open - pos));
    std::string_view body = value.substr(open + 2, close - open - 2);
    std::string_view whole = value.substr(open, close - open + 1);
    size_t colon = body.find(':');
    if (colon == std::string_view::npos) {
      // Not a provider placeholder (Kafka Connect leaves these alone too).
      out.append(whole);
      pos = close + 1;
      continue;
    }
    std::string provider(body.substr(0, colon));
    std::string_view rest = body.substr(colon + 1);
    if (provider == "env") {
      auto v = env(std::string(rest));
      if (!v) {
        return Error(Status::InvalidArgument(
            fmt::format("{}: environment variable {} is not set", whole, rest)));
      }
      out.append(*v);
    } else if (provider == "file" || provider == "directory") {
      size_t sep = rest.find(':');
      if (sep == std::string_view::npos) {
        return Error(Status::InvalidArgument(fmt::format(
            "{}: expected ${{{}:<path>:<key>}}", whole, provider)));
      }
      std::string path(rest.substr(0, sep));
      std::string key(rest.substr(sep + 1));
      if (provider == "directory") {
        auto content = ReadWholeFile(path + "/" + key);
        if (!content) return Error(content.error().WithContext(std::string(whole)));
        out.append(*content);
      } else {
        auto content = ReadWholeFile(path);
        if (!content) return Error(content.error().WithContext(std::string(whole)));
        auto props = ParseProperties(*content);
        if (!props) return Error(props.error().WithContext(std::string(whole)));
        const std::string* found = nullptr;
        for (const auto& [k, v] : *props) {
          if (k == key) found = &v;  // last one wins, as in java.util.Properties
        }
        if (found == nullptr) {
          return Error(Status::NotFound(
              fmt::format("{}: key '{}' not found in '{}'", whole, key, path)));
        }
        out.append(*found);
      }
    } else {
      return Error(Status::InvalidArgument(fmt::format(
          "{}: unknown config provider '{}' (Tributary has env, file and directory)", whole,
          provider)));
    }
    pos = close + 1;
  }
}

}  // namespace tributary::config
