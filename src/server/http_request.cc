#include "server/http_request.h"

#include <algorithm>

namespace tributary::server {
namespace {

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
  }
}

// Visible ASCII, no space: what a request target may hold.
bool IsTargetChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f;
}

HttpParse Fail(int status, std::string why) {
  HttpParse p;
  p.state = HttpParse::State::kError;
  p.error_status = status;
  p.error = std::move(why);
  return p;
}

std::string_view StripCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// The request line: METHOD SP target SP HTTP/1.x
HttpParse ParseRequestLine(std::string_view line, HttpRequest* out) {
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return Fail(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  if (!std::all_of(method.begin(), method.end(), IsTokenChar)) {
    return Fail(400, "malformed method");
  }
  std::string_view rest = line.substr(sp1 + 1);
  size_t sp2 = rest.find(' ');
  if (sp2 == std::string_view::npos || sp2 == 0) return Fail(400, "malformed request line");
  std::string_view target = rest.substr(0, sp2);
  std::string_view version = rest.substr(sp2 + 1);
  if (!std::all_of(target.begin(), target.end(), IsTargetChar)) {
    return Fail(400, "malformed request target");
  }
  if (!version.starts_with("HTTP/")) return Fail(400, "malformed HTTP version");
  std::string_view v = version.substr(5);
  if (v.size() != 3 || v[1] != '.' || v[0] < '0' || v[0] > '9' || v[2] < '0' || v[2] > '9') {
    return Fail(400, "malformed HTTP version");
  }
  if (v[0] != '1') return Fail(505, "only HTTP/1.x is served");
  // Path: origin form "/p?q", or absolute form "http://host/p?q".
  std::string_view path = target;
  if (path.starts_with("http://") || path.starts_with("https://")) {
    size_t scheme_end = path.find("//") + 2;
    size_t slash = path.find('/', scheme_end);
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  } else if (!path.starts_with('/') && path != "*") {
    return Fail(400, "malformed request target");
  }
  path = path.substr(0, std::min(path.find('?'), path.find('#')));
  out->method = std::string(method);
  out->target = std::string(target);
  out->path = std::string(path);
  out->minor_version = v[2] - '0';
  HttpParse ok;
  ok.state = HttpParse::State::kComplete;
  return ok;
}

// A header line: name ":" value; no folding (obsolete), no control characters.
bool ValidHeaderLine(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), IsTokenChar)) return false;
  for (char c : line.substr(colon + 1)) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

std::pair<std::string, std::string> SplitHeader(std::string_view line) {
  size_t colon = line.find(':');
  std::string name(line.substr(0, colon));
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return {std::move(name), std::string(value)};
}

}  // namespace

std::optional<std::string_view> HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

HttpParse ParseHttpRequestHead(std::string_view bytes, size_t max_head_bytes) {
  // The request line, as soon as it is there (garbage is refused without waiting).
  size_t first_lf = bytes.find('\n');
  if (first_lf == std::string_view::npos) {
    size_t limit = std::min(bytes.size(), max_head_bytes);
    for (size_t i = 0; i < limit; ++i) {
      char c = bytes[i];
      if (c == ' ') break;  // the method is complete; the rest is checked with the line
      if (!IsTokenChar(c) && c != '\r') return Fail(400, "malformed method");
    }
    if (bytes.size() > max_head_bytes) return Fail(431, "request head too large");
    return HttpParse{};
  }
  if (first_lf + 1 > max_head_bytes) return Fail(431, "request head too large");
  HttpRequest request;
  HttpParse line = ParseRequestLine(StripCr(bytes.substr(0, first_lf)), &request);
  if (line.state == HttpParse::State::kError) return line;

  // Header lines up to the blank line.
  size_t at = first_lf + 1;
  while (true) {
    size_t lf = bytes.find('\n', at);
    if (lf == std::string_view::npos) {
      if (bytes.size() > max_head_bytes) return Fail(431, "request head too large");
      return HttpParse{};
    }
    if (lf + 1 > max_head_bytes) return Fail(431, "request head too large");
    std::string_view header = StripCr(bytes.substr(at, lf - at));
    at = lf + 1;
    if (header.empty()) break;
    if (!ValidHeaderLine(header)) return Fail(400, "malformed header line");
    request.headers.push_back(SplitHeader(header));
  }
  HttpParse done;
  done.state = HttpParse::State::kComplete;
  done.request = std::move(request);
  done.head_bytes = at;
  return done;
}

}  // namespace tributary::server
