// HttpClient: one libcurl easy handle sending one request at a time, reused so its
// connections (and TLS sessions) stay open between requests. HttpClientPool lends clients
// to whichever thread needs one, so every thread reuses a warm handle without owning one.
//
// Threading: an HttpClient is used by one thread at a time. HttpClientPool is thread-safe;
// a Lease returns its client when destroyed. The pool must outlive its leases.
//
// TLS: peer and host verification are always on; `ca_file` / `ca_path` replace the system
// CA store. Request bodies are sent from the caller's buffer without a copy; the buffer must
// live until Send returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "lake/store/sigv4.h"

namespace tributary::lake {

struct HttpOptions {
  std::string ca_file;  // PEM bundle; empty: the system's
  std::string ca_path;  // directory of hashed certificates; empty: the system's
  int64_t connect_timeout_ms = 10'000;
  // A transfer slower than 1 KiB/s for this long fails (a stalled server), in seconds.
  int64_t low_speed_time_s = 60;
  // Whole-request limit in ms; 0: none (large parts on slow links take long).
  int64_t request_timeout_ms = 0;
};

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;     // complete, query included, already encoded
  HeaderList headers;
  std::span<const std::byte> body;
};

struct HttpResponse {
  long status = 0;
  HeaderList headers;  // names lowercased, values trimmed, in arrival order
  std::string body;

  // The first header of that (lowercase) name.
  std::optional<std::string> Header(std::string_view lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(const HttpOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads the whole response. Any HTTP status is a response; an
  // error means no response: kUnavailable for network failures (refused, reset, timed
  // out, DNS), kFailedPrecondition for TLS failures that a retry cannot mend (the
  // certificate or its host name not verified, an unusable CA file, a server that does
  // not answer in TLS), kInvalidArgument for a malformed URL. Messages hold the method,
  // the URL without its query, curl's description and, for TLS failures, which CA
  // certificates were used; never header values.
  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  struct Handle;
  HttpOptions options_;
  std::unique_ptr<Handle> handle_;
};

class HttpClientPool {
 public:
  explicit HttpClientPool(HttpOptions options) : options_(std::move(options)) {}

  class Lease {
   public:
    Lease(HttpClientPool* pool, std::unique_ptr<HttpClient> client)
        : pool_(pool), client_(std::move(client)) {}
    Lease(Lease&&) = default;
    ~Lease();
    HttpClient* operator->() { return client_.get(); }
    HttpClient& operator*() { return *client_; }

   private:
    HttpClientPool* pool_;
    std::unique_ptr<HttpClient> client_;
  };

  Lease Acquire();

 private:
  friend class Lease;
  void Release(std::unique_ptr<HttpClient> client);

  HttpOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<HttpClient>> idle_;
};

}  // namespace tributary::lake
