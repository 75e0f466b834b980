// HttpServer: a small HTTP/1.1 server for the metrics and health endpoints.
//
// One thread owned by the server multiplexes the listening socket and its connections
// with poll(): one request per connection (`Connection: close`), no bodies, GET and HEAD
// only (other methods: 405). Limits against slow or hostile clients: the request head is
// at most `max_head_bytes` (431 beyond), each connection is closed `request_timeout` after
// it was accepted whatever state it is in, at most `max_connections` are open at once (the
// next ones are closed at once). Garbage gets a 400 (or just a close) and never stops the
// server.
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

#include "common/status.h"
#include "server/http_request.h"

namespace tributary::server {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // numeric address or name; bound as given (no policy here)
  uint16_t port = 0;               // 0: any free port (see HttpServer::port())
  HttpHandler handler;
  size_t max_head_bytes = kDefaultMaxHeadBytes;
  std::chrono::milliseconds request_timeout{5000};
  size_t max_connections = 32;
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

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl, uint16_t port);
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

// "OK", "Not Found", ... for the status codes the server uses ("Unknown" otherwise).
const char* HttpReason(int status);

}  // namespace tributary::server
