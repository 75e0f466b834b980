// HttpServer: a small HTTP/1.1 server for the metrics and health endpoints (and, in tests,
// the fake HTTP servers of other parts: lake/store/test_http_server.h).
//
// One thread owned by the server multiplexes the listening socket and its connections
// with poll(): one request per connection (`Connection: close`). By default GET and HEAD
// only (other methods: 405) and no bodies (not read); `all_methods` and `max_body_bytes`
// open that up (a body needs a Content-Length; chunked bodies get 411, larger ones 413).
// Limits against slow or hostile clients: the request head is at most `max_head_bytes`
// (431 beyond), each connection is closed `request_timeout` after it was accepted
// whatever state it is in, at most `max_connections` are open at once (the next ones are
// closed at once). Garbage gets a 400 (or just a close) and never stops the server.
//
// System errors do not stop it either: a failed poll() (EINVAL past RLIMIT_NOFILE,
// ENOMEM) is logged as an error, the open connections are dropped (their clients see a
// close) and the loop polls again 100 ms later, logging when it serves again; accept()
// running out of descriptors (EMFILE, ENFILE, ENOBUFS, ENOMEM) is logged as a warning and
// accepting pauses for 100 ms (the pending connection would otherwise wake poll() at
// once, forever). counters() says how often either happened.
//
// The handler runs on the server's thread, one request at a time; it must be thread-safe
// with respect to the rest of the program (read atomics, or lock). An exception from it
// becomes a 500.
//
// Signals: the server's thread blocks every signal, so process signals keep going to the
// threads that wait for them (run_source.cc / run_sink.cc take SIGINT/SIGTERM with
// sigtimedwait). Lifetime: the destructor stops the thread and closes every socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "server/http_request.h"

namespace tributary::server {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Further headers, sent after the standard ones. A Content-Type or Content-Length given
  // here replaces the server's own.
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // numeric address or name; bound as given (no policy here)
  uint16_t port = 0;               // 0: any free port (see HttpServer::port())
  HttpHandler handler;
  size_t max_head_bytes = kDefaultMaxHeadBytes;
  std::chrono::milliseconds request_timeout{5000};
  size_t max_connections = 32;
  // false: GET and HEAD reach the handler, other methods get 405. true: every method does
  // (HEAD still gets no body in the response).
  bool all_methods = false;
  // 0: request bodies are not read. Otherwise a body of up to this many bytes (by
  // Content-Length) is read into HttpRequest::body before the handler runs.
  size_t max_body_bytes = 0;
};

// How often system calls of the server's loop failed (each failure is also logged).
struct HttpServerCounters {
  uint64_t poll_errors = 0;    // poll() failures: connections dropped, polled again
  uint64_t accept_errors = 0;  // accept() out of descriptors or memory: accepting paused
};

class HttpServer {
 public:
  // Binds, listens and starts the thread. Errors: InvalidArgument for a host that does not
  // resolve, Unavailable when the address is in use or cannot be bound (the message names
  // host:port and the system's reason).
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the one chosen when options.port was 0).
  uint16_t port() const { return port_; }

  // Thread-safe.
  HttpServerCounters counters() const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl, uint16_t port);
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

// "OK", "Not Found", ... for the status codes the server uses ("Unknown" otherwise).
const char* HttpReason(int status);

}  // namespace tributary::server
