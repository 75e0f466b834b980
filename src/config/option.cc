#include "config/option.h"

#include <algorithm>
#include <cctype>

namespace tributary::config {

bool OptionDef::is_pattern() const {
  return name.find('<') != std::string::npos || name.ends_with("*");
}

namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  });
}

// Matches pattern segments against key segments; `<x>` takes one non-empty segment
// (`<N>` a number), a final `*` takes the rest (at least one character).
bool MatchSegments(std::string_view pattern, std::string_view key) {
  while (true) {
    if (pattern == "*") return !key.empty();
    size_t pdot = pattern.find('.');
    std::string_view pseg = pattern.substr(0, pdot);
    size_t kdot = key.find('.');
    std::string_view kseg = key.substr(0, kdot);
    if (pseg.size() > 2 && pseg.front() == '<' && pseg.back() == '>') {
      if (kseg.empty()) return false;
      if (pseg == "<N>" && !IsDigits(kseg)) return false;
    } else if (pseg != kseg) {
      return false;
    }
    if (pdot == std::string_view::npos) return kdot == std::string_view::npos;
    if (kdot == std::string_view::npos) return false;
    pattern.remove_prefix(pdot + 1);
    key.remove_prefix(kdot + 1);
  }
}

}  // namespace

bool MatchesPattern(std::string_view pattern, std::string_view key) {
  return MatchSegments(pattern, key);
}

const OptionDef* FindOption(std::string_view key, Applies connector, bool* matched_alias) {
  if (matched_alias != nullptr) *matched_alias = false;
  const OptionDef* pattern_hit = nullptr;
  bool pattern_alias = false;
  for (const OptionDef& opt : AllOptions()) {
    if ((opt.applies & connector) == 0) continue;
    if (!opt.is_pattern()) {
      if (opt.name == key) return &opt;
      if (std::find(opt.aliases.begin(), opt.aliases.end(), key) != opt.aliases.end()) {
        if (matched_alias != nullptr) *matched_alias = true;
        return &opt;
      }
      continue;
    }
    // Exact names win over patterns, so remember the first pattern and keep looking.
    if (pattern_hit != nullptr) continue;
    if (MatchesPattern(opt.name, key)) {
      pattern_hit = &opt;
    } else if (std::any_of(opt.aliases.begin(), opt.aliases.end(),
                           [&](const std::string& a) { return MatchesPattern(a, key); })) {
      pattern_hit = &opt;
      pattern_alias = true;
    }
  }
  if (pattern_hit != nullptr && matched_alias != nullptr) *matched_alias = pattern_alias;
  return pattern_hit;
}

const OptionDef* FindOptionAnyConnector(std::string_view key) {
  return FindOption(key, kBoth);
}

bool LooksSecret(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view word : {"password", "secret", "token", "jaas.config", "credential",
                                "private.key", "ssl.key", "access.key"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string_view JavaSimpleName(std::string_view class_name) {
  size_t dot = class_name.rfind('.');
  return dot == std::string_view::npos ? class_name : class_name.substr(dot + 1);
}

std::string_view OptionTypeName(OptionType type) {
  switch (type) {
    case OptionType::kString: return "string";
    case OptionType::kPassword: return "password";
    case OptionType::kInt: return "int";
    case OptionType::kLong: return "long";
    case OptionType::kDouble: return "double";
    case OptionType::kBool: return "boolean";
    case OptionType::kEnum: return "enum";
    case OptionType::kList: return "list";
    case OptionType::kClass: return "class";
  }
  return "?";
}

}  // namespace tributary::config
