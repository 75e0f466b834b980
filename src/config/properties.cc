#include "config/properties.h"

#include <fmt/format.h>

#include "common/utf8.h"

namespace tributary::config {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Joins continuation lines into logical lines; records the first physical line number.
std::vector<std::pair<int, std::string>> LogicalLines(std::string_view text) {
  std::vector<std::pair<int, std::string>> out;
  int line_no = 0;
  std::string current;
  int current_start = 0;
  bool continuing = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    if (continuing) {
      while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
    } else {
      current.clear();
      current_start = line_no;
      size_t first = 0;
      while (first < line.size() && IsSpace(line[first])) ++first;
      if (first == line.size() || line[first] == '#' || line[first] == '!') {
        pos = end + 1;
        if (end == text.size()) break;
        continue;
      }
    }
    // An odd number of trailing backslashes continues the line.
    size_t slashes = 0;
    while (slashes < line.size() && line[line.size() - 1 - slashes] == '\\') ++slashes;
    continuing = (slashes % 2) == 1;
    current.append(line.substr(0, continuing ? line.size() - 1 : line.size()));
    if (!continuing) out.emplace_back(current_start, current);
    if (end == text.size()) break;
    pos = end + 1;
  }
  if (continuing) out.emplace_back(current_start, current);
  return out;
}

// Unescapes s[from, to) into out.
Status Unescape(std::string_view s, int line_no, std::string& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 == s.size()) {
      if (c != '\\') out += c;
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        if (i + 4 >= s.size()) {
          return Status::InvalidArgument(fmt::format("line {}: malformed \\u escape", line_no));
        }
        uint32_t cp = 0;
        for (int k = 1; k <= 4; ++k) {
          char h = s[i + k];
          cp <<= 4;
          if (h >= '0' && h <= '9') cp |= h - '0';
          else if (h >= 'a' && h <= 'f') cp |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F') cp |= h - 'A' + 10;
          else return Status::InvalidArgument(fmt::format("line {}: malformed \\u escape", line_no));
        }
        AppendUtf8CodePoint(cp, &out);
        i += 4;
        break;
      }
      default: out += e; break;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<PropertyList> ParseProperties(std::string_view text) {
  PropertyList out;
  for (const auto& [line_no, line] : LogicalLines(text)) {
    size_t i = 0;
    while (i < line.size() && IsSpace(line[i])) ++i;
    size_t key_start = i;
    // The key ends at the first unescaped '=', ':' or white space.
    while (i < line.size()) {
      char c = line[i];
      if (c == '\\') { i += 2; continue; }
      if (c == '=' || c == ':' || IsSpace(c)) break;
      ++i;
    }
    size_t key_end = std::min(i, line.size());
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i < line.size() && (line[i] == '=' || line[i] == ':')) ++i;
    while (i < line.size() && IsSpace(line[i])) ++i;
    std::string key, value;
    std::string_view view(line);
    if (Status s = Unescape(view.substr(key_start, key_end - key_start), line_no, key); !s.ok()) {
      return Error(s);
    }
    if (Status s = Unescape(view.substr(std::min(i, line.size())), line_no, value); !s.ok()) {
      return Error(s);
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace tributary::config
