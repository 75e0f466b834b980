// ParseHttpRequestHead: the request line and headers of an HTTP/1.x request (no keep-alive:
// one request per connection). The body, when the server reads one, is read by the server
// after the head (HttpServerOptions::max_body_bytes).
//
// Input: the bytes received so far. The result says whether the head is complete
// (a blank line: CRLF CRLF, or LF LF from lenient clients), the request if so, or the
// HTTP status to answer with when the bytes cannot be a request (400 malformed, 431 head
// larger than `max_head_bytes`, 505 not HTTP/1.x). Never reads past `bytes`; any input is
// safe. Pure functions, no state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::server {

struct HttpRequest {
  std::string method;     // as sent ("GET")
  std::string target;     // as sent ("/metrics?x=1")
  std::string path;       // target without the query string ("/metrics")
  int minor_version = 1;  // HTTP/1.<minor>
  // In arrival order; names lowercased, values without surrounding blanks.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // empty unless the server reads bodies

  // The first header of that (lowercase) name.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
};

struct HttpParse {
  enum class State { kIncomplete, kComplete, kError };
  State state = State::kIncomplete;
  HttpRequest request;    // kComplete
  int error_status = 0;   // kError: 400, 431 or 505
  std::string error;      // kError: why, for the response body
  size_t head_bytes = 0;  // kComplete: bytes of the head incl. the blank line
};

inline constexpr size_t kDefaultMaxHeadBytes = 8192;

HttpParse ParseHttpRequestHead(std::string_view bytes,
                               size_t max_head_bytes = kDefaultMaxHeadBytes);

}  // namespace tributary::server
