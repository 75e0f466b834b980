#include "server/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <list>
#include <optional>
#include <thread>

namespace tributary::server {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Connection {
  Fd fd;
  Clock::time_point deadline;
  std::string in;
  std::string out;      // the response, once known
  size_t out_done = 0;  // bytes of `out` sent
  bool responding = false;
  // Once the head is parsed and a body is expected: the request and the body's length.
  std::optional<HttpParse> head;
  size_t body_length = 0;
};

// After a failed poll() or accept(), the loop waits this long before trying again.
constexpr auto kErrorPause = std::chrono::milliseconds(100);

std::string SystemError(int err) { return std::strerror(err); }

}  // namespace

const char* HttpReason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

struct HttpServer::Impl {
  HttpServerOptions options;
  std::string where;  // host:port, for log lines
  Fd listener;
  Fd wake_read, wake_write;  // a byte written here stops the loop
  std::list<Connection> connections;
  std::thread thread;
  std::atomic<uint64_t> poll_errors{0};
  std::atomic<uint64_t> accept_errors{0};
  uint64_t poll_errors_in_row = 0;
  bool accept_failing = false;
  Clock::time_point accept_paused_until{};

  void Loop();
  void Accept();
  // After poll() failed with `err`: logs, drops the connections, waits. false: stop.
  bool PollFailed(int err);
  // Whether the destructor asked the loop to stop (reads the wake pipe without waiting).
  bool StopRequested();
  // Reads what is there; false: close the connection.
  bool Read(Connection& c);
  // Once the head is complete: responds, or starts reading the body.
  void HeadComplete(Connection& c, HttpParse parse);
  // Writes what it can; false: done or failed (close).
  bool Write(Connection& c);
  void Respond(Connection& c, const HttpParse& parse);
};

namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool HasHeader(const HttpResponse& r, std::string_view name) {
  for (const auto& [n, _] : r.headers) {
    if (SameName(n, name)) return true;
  }
  return false;
}

std::string BuildResponse(const HttpResponse& r, bool head_only, bool allow_header) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", r.status, HttpReason(r.status));
  if (!HasHeader(r, "content-type")) out += fmt::format("Content-Type: {}\r\n", r.content_type);
  if (!HasHeader(r, "content-length")) {
    out += fmt::format("Content-Length: {}\r\n", r.body.size());
  }
  out += "Connection: close\r\nCache-Control: no-store\r\n";
  if (allow_header) out += "Allow: GET, HEAD\r\n";
  for (const auto& [name, value] : r.headers) out += fmt::format("{}: {}\r\n", name, value);
  out += "\r\n";
  if (!head_only) out += r.body;
  return out;
}

HttpParse Refuse(int status, std::string why) {
  HttpParse p;
  p.state = HttpParse::State::kError;
  p.error_status = status;
  p.error = std::move(why);
  return p;
}

}  // namespace

void HttpServer::Impl::Respond(Connection& c, const HttpParse& parse) {
  HttpResponse response;
  bool head_only = false;
  bool allow = false;
  if (parse.state == HttpParse::State::kError) {
    response.status = parse.error_status;
    response.body = parse.error + "\n";
  } else if (!options.all_methods && parse.request.method != "GET" &&
             parse.request.method != "HEAD") {
    response.status = 405;
    response.body = "only GET and HEAD are served\n";
    allow = true;
  } else {
    head_only = parse.request.method == "HEAD";
    try {
      response = options.handler ? options.handler(parse.request) : HttpResponse{404, {}, {}, {}};
    } catch (...) {
      response = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n", {}};
    }
  }
  c.out = BuildResponse(response, head_only, allow);
  c.out_done = 0;
  c.responding = true;
  c.in.clear();
  c.in.shrink_to_fit();
  ::shutdown(c.fd.get(), SHUT_RD);
}

bool HttpServer::Impl::Read(Connection& c) {
  char buf[16384];
  while (true) {
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      if (c.head.has_value()) {  // the body
        size_t want = c.head->head_bytes + c.body_length - c.in.size();
        c.in.append(buf, std::min(static_cast<size_t>(n), want));
        if (c.in.size() == c.head->head_bytes + c.body_length) {
          HttpParse parse = std::move(*c.head);
          c.head.reset();
          parse.request.body = c.in.substr(parse.head_bytes);
          Respond(c, parse);
          return true;
        }
        continue;
      }
      // Keep at most one byte past the limits: enough to know the head is too large
      // (body bytes that came with the head are kept for the body).
      size_t limit = options.max_head_bytes + 1 + options.max_body_bytes;
      size_t room = limit - std::min(c.in.size(), limit);
      c.in.append(buf, std::min(static_cast<size_t>(n), room));
      HttpParse parse = ParseHttpRequestHead(c.in, options.max_head_bytes);
      if (parse.state != HttpParse::State::kIncomplete) {
        HeadComplete(c, std::move(parse));
        if (c.responding) return true;
      }
      continue;
    }
    if (n == 0) return false;  // closed before a whole request
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

void HttpServer::Impl::HeadComplete(Connection& c, HttpParse parse) {
  if (parse.state == HttpParse::State::kError || options.max_body_bytes == 0) {
    Respond(c, parse);
    return;
  }
  const HttpRequest& r = parse.request;
  if (r.Header("transfer-encoding").has_value()) {
    Respond(c, Refuse(411, "chunked request bodies are not read: send a Content-Length"));
    return;
  }
  size_t length = 0;
  if (auto text = r.Header("content-length")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), length);
    if (ec != std::errc() || end != text->data() + text->size()) {
      Respond(c, Refuse(400, "malformed Content-Length"));
      return;
    }
  }
  if (length > options.max_body_bytes) {
    Respond(c,
            Refuse(413, fmt::format("request body larger than {} bytes", options.max_body_bytes)));
    return;
  }
  if (c.in.size() >= parse.head_bytes + length) {
    parse.request.body = c.in.substr(parse.head_bytes, length);
    Respond(c, parse);
    return;
  }
  c.body_length = length;
  c.head = std::move(parse);
}

bool HttpServer::Impl::Write(Connection& c) {
  while (c.out_done < c.out.size()) {
    ssize_t n =
        ::send(c.fd.get(), c.out.data() + c.out_done, c.out.size() - c.out_done, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
  return false;  // all sent: close
}

void HttpServer::Impl::Accept() {
  while (true) {
    int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      switch (err) {
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
          return;
        case EINTR:
        case ECONNABORTED:
        case EPROTO:
        case EPERM: continue;  // that connection only
        default: break;
      }
      // Out of descriptors or memory (or a broken listener): the pending connection keeps
      // the listener readable, so poll() would return at once, forever. Pause accepting.
      accept_errors.fetch_add(1, std::memory_order_relaxed);
      if (!accept_failing) {
        spdlog::warn(
            "HTTP server on {}: cannot accept connections: {}; accepting again every "
            "{} ms",
            where, SystemError(err), kErrorPause.count());
      }
      accept_failing = true;
      accept_paused_until = Clock::now() + kErrorPause;
      return;
    }
    if (accept_failing) {
      spdlog::info("HTTP server on {}: accepting connections again", where);
      accept_failing = false;
    }
    Fd conn(fd);
    if (connections.size() >= options.max_connections) continue;  // closed by ~Fd
    Connection c;
    c.fd = std::move(conn);
    c.deadline = Clock::now() + options.request_timeout;
    connections.push_back(std::move(c));
  }
}

bool HttpServer::Impl::StopRequested() {
  char byte;
  return ::read(wake_read.get(), &byte, 1) == 1;  // the pipe is non-blocking
}

bool HttpServer::Impl::PollFailed(int err) {
  uint64_t total = poll_errors.fetch_add(1, std::memory_order_relaxed) + 1;
  ++poll_errors_in_row;
  // The first failure of a run, then about once a minute while it lasts.
  if (poll_errors_in_row == 1 || poll_errors_in_row % 600 == 0) {
    spdlog::error(
        "HTTP server on {}: poll() failed: {} ({} in a row, {} in all); {} open "
        "connections dropped, polling again in {} ms",
        where, SystemError(err), poll_errors_in_row, total, connections.size(),
        kErrorPause.count());
  }
  // Fewer descriptors to poll (EINVAL is nfds past RLIMIT_NOFILE), memory given back.
  connections.clear();
  if (StopRequested()) return false;
  std::this_thread::sleep_for(kErrorPause);
  return !StopRequested();
}

void HttpServer::Impl::Loop() {
  std::vector<pollfd> fds;
  std::vector<std::list<Connection>::iterator> order;
  while (true) {
    fds.clear();
    order.clear();
    auto now = Clock::now();
    auto next_deadline = now + std::chrono::seconds(1);
    bool accepting = now >= accept_paused_until;
    if (!accepting) next_deadline = std::min(next_deadline, accept_paused_until);
    fds.push_back({wake_read.get(), POLLIN, 0});
    fds.push_back({listener.get(), static_cast<short>(accepting ? POLLIN : 0), 0});
    for (auto it = connections.begin(); it != connections.end(); ++it) {
      fds.push_back({it->fd.get(), static_cast<short>(it->responding ? POLLOUT : POLLIN), 0});
      order.push_back(it);
      next_deadline = std::min(next_deadline, it->deadline);
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now);
    int timeout_ms = static_cast<int>(std::max<int64_t>(0, wait.count()) + 1);
    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0) {
      int err = errno;
      if (err == EINTR) continue;
      if (!PollFailed(err)) return;
      continue;
    }
    if (poll_errors_in_row > 0) {
      spdlog::info("HTTP server on {}: serving again after {} failed polls", where,
                   poll_errors_in_row);
      poll_errors_in_row = 0;
    }
    if (fds[0].revents != 0) return;  // stop requested
    if (fds[1].revents & POLLIN) Accept();
    now = Clock::now();
    for (size_t i = 0; i < order.size(); ++i) {
      auto it = order[i];
      short ev = fds[i + 2].revents;
      bool keep = true;
      if (ev & (POLLERR | POLLNVAL)) {
        keep = false;
      } else if (!it->responding && (ev & (POLLIN | POLLHUP))) {
        keep = Read(*it);
        // A response just became ready: try to send it at once.
        if (keep && it->responding) keep = Write(*it);
      } else if (it->responding && (ev & (POLLOUT | POLLHUP))) {
        keep = Write(*it);
      }
      if (keep && now >= it->deadline) keep = false;  // slow client: dropped
      if (!keep) connections.erase(it);
    }
  }
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options) {
  auto impl = std::make_unique<Impl>();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(options.port);
  const std::string where = fmt::format("{}:{}", options.host, options.port);
  int rc = ::getaddrinfo(options.host.c_str(), port_text.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return Error(Status::InvalidArgument(
        fmt::format("cannot resolve the listen address {}: {}", where, ::gai_strerror(rc))));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (fd.get() < 0) {
      last_error = SystemError(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd.get(), 64) != 0) {
      last_error = SystemError(errno);
      continue;
    }
    impl->listener = std::move(fd);
    break;
  }
  if (impl->listener.get() < 0) {
    return Error(Status::Unavailable(fmt::format("cannot listen on {}: {}", where, last_error)));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  uint16_t port = options.port;
  if (::getsockname(impl->listener.get(), reinterpret_cast<sockaddr*>(&bound), &len) == 0) {
    if (bound.ss_family == AF_INET) {
      port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    } else if (bound.ss_family == AF_INET6) {
      port = ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
    }
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return Error(Status::IoError(fmt::format("pipe: {}", SystemError(errno))));
  }
  impl->wake_read = Fd(pipe_fds[0]);
  impl->wake_write = Fd(pipe_fds[1]);
  impl->where = fmt::format("{}:{}", options.host, port);
  impl->options = std::move(options);
  // The thread starts with every signal blocked (it inherits the mask in force here).
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Loop(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), port));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl, uint16_t port)
    : impl_(std::move(impl)), port_(port) {}

HttpServerCounters HttpServer::counters() const {
  return {.poll_errors = impl_->poll_errors.load(std::memory_order_relaxed),
          .accept_errors = impl_->accept_errors.load(std::memory_order_relaxed)};
}

HttpServer::~HttpServer() {
  char byte = 1;
  while (::write(impl_->wake_write.get(), &byte, 1) < 0 && errno == EINTR) {
  }
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace tributary::server
