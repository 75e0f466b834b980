#include "server/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>
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
};

std::string SystemError(int err) { return std::strerror(err); }

}  // namespace

const char* HttpReason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

struct HttpServer::Impl {
  HttpServerOptions options;
  Fd listener;
  Fd wake_read, wake_write;  // a byte written here stops the loop
  std::list<Connection> connections;
  std::thread thread;

  void Loop();
  void Accept();
  // Reads what is there; false: close the connection.
  bool Read(Connection& c);
  // Writes what it can; false: done or failed (close).
  bool Write(Connection& c);
  void Respond(Connection& c, const HttpParse& parse);
};

namespace {

std::string BuildResponse(const HttpResponse& r, bool head_only, bool allow_header) {
  std::string out = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n"
      "Cache-Control: no-store\r\n",
      r.status, HttpReason(r.status), r.content_type, r.body.size());
  if (allow_header) out += "Allow: GET, HEAD\r\n";
  out += "\r\n";
  if (!head_only) out += r.body;
  return out;
}

}  // namespace

void HttpServer::Impl::Respond(Connection& c, const HttpParse& parse) {
  HttpResponse response;
  bool head_only = false;
  bool allow = false;
  if (parse.state == HttpParse::State::kError) {
    response.status = parse.error_status;
    response.body = parse.error + "\n";
  } else if (parse.request.method != "GET" && parse.request.method != "HEAD") {
    response.status = 405;
    response.body = "only GET and HEAD are served\n";
    allow = true;
  } else {
    head_only = parse.request.method == "HEAD";
    try {
      response = options.handler ? options.handler(parse.request) : HttpResponse{404, {}, {}};
    } catch (...) {
      response = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n"};
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
  char buf[4096];
  while (true) {
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      // Keep at most one byte past the limit: enough to know the head is too large.
      size_t room = options.max_head_bytes + 1 - std::min(c.in.size(), options.max_head_bytes + 1);
      c.in.append(buf, std::min(static_cast<size_t>(n), room));
      HttpParse parse = ParseHttpRequestHead(c.in, options.max_head_bytes);
      if (parse.state != HttpParse::State::kIncomplete) {
        Respond(c, parse);
        return true;
      }
      continue;
    }
    if (n == 0) return false;  // closed before a whole request
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
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
      if (errno == EINTR) continue;
      return;  // EAGAIN, or a transient error (EMFILE, ECONNABORTED): try at the next poll
    }
    Fd conn(fd);
    if (connections.size() >= options.max_connections) continue;  // closed by ~Fd
    Connection c;
    c.fd = std::move(conn);
    c.deadline = Clock::now() + options.request_timeout;
    connections.push_back(std::move(c));
  }
}

void HttpServer::Impl::Loop() {
  std::vector<pollfd> fds;
  std::vector<std::list<Connection>::iterator> order;
  while (true) {
    fds.clear();
    order.clear();
    fds.push_back({wake_read.get(), POLLIN, 0});
    fds.push_back({listener.get(), POLLIN, 0});
    auto now = Clock::now();
    auto next_deadline = now + std::chrono::seconds(1);
    for (auto it = connections.begin(); it != connections.end(); ++it) {
      fds.push_back({it->fd.get(), static_cast<short>(it->responding ? POLLOUT : POLLIN), 0});
      order.push_back(it);
      next_deadline = std::min(next_deadline, it->deadline);
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now);
    int timeout_ms = static_cast<int>(std::max<int64_t>(0, wait.count()) + 1);
    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) return;
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

HttpServer::~HttpServer() {
  char byte = 1;
  while (::write(impl_->wake_write.get(), &byte, 1) < 0 && errno == EINTR) {
  }
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace tributary::server
