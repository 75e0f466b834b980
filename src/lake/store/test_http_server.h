// TestHttpServer: a fake HTTP server on 127.0.0.1 for unit tests of the HTTP-based
// credential sources and of the S3 client's error paths (5xx, SlowDown, bad replies). It is
// an error-path fake: the S3 behaviour itself is tested against the real MinIO.
//
// It is the admin endpoint's server (server/http_server.h) opened up for tests: every
// method reaches the handler, request bodies up to 64 MiB are read, connections may stay
// 60 s. Every response closes its connection. The handler runs on the server's thread;
// requests are also recorded (requests() is thread-safe). Lifetime: the destructor stops
// the server; a test's handler must outlive it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "server/http_server.h"

namespace tributary::lake::testing {

// What the handler sees: server::HttpRequest (method, target, lowercase headers, body).
struct TestRequest : server::HttpRequest {
  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_name) const {
    auto v = server::HttpRequest::Header(lower_name);
    return v ? std::string(*v) : std::string();
  }
};

struct TestResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class TestHttpServer {
 public:
  using Handler = std::function<TestResponse(const TestRequest&)>;

  explicit TestHttpServer(Handler handler) : handler_(std::move(handler)) {
    server::HttpServerOptions o;
    o.host = "127.0.0.1";
    o.all_methods = true;
    o.max_body_bytes = 64 << 20;
    o.request_timeout = std::chrono::seconds(60);
    o.max_connections = 64;
    o.handler = [this](const server::HttpRequest& r) {
      TestRequest req{r};
      TestResponse resp = handler_(req);
      {
        std::lock_guard lock(mu_);
        requests_.push_back(std::move(req));
      }
      return server::HttpResponse{.status = resp.status,
                                  .content_type = "application/xml",
                                  .body = std::move(resp.body),
                                  .headers = std::move(resp.headers)};
    };
    auto started = server::HttpServer::Start(std::move(o));
    EXPECT_TRUE(started) << started.error().ToString();
    if (started) server_ = std::move(*started);
  }

  int port() const { return server_ ? server_->port() : 0; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  std::vector<TestRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  Handler handler_;
  std::mutex mu_;
  std::vector<TestRequest> requests_;
  std::unique_ptr<server::HttpServer> server_;  // last: stopped before the rest goes
};

}  // namespace tributary::lake::testing
