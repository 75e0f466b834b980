#include "server/listen_address.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <memory>

namespace tributary::server {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error(Status::InvalidArgument(fmt::format(
        "'{}' is not a listen address ({}); write host:port, e.g. 127.0.0.1:9404", text, why)));
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) return bad("unbalanced brackets");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 address needs brackets: [::1]:port");
  }
  if (port_text.empty()) return bad("no port");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return bad("the port must be a number from 0 to 65535");
  }
  ListenAddress out;
  out.host = host.empty() ? std::string("127.0.0.1") : std::string(host);
  out.port = static_cast<uint16_t>(port);
  return out;
}

bool IsLoopbackHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return false;
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      uint32_t ip = ntohl(reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr.s_addr);
      if ((ip >> 24) != 127) return false;
    } else if (a->ai_family == AF_INET6) {
      const in6_addr& ip = reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
      bool mapped_loopback = IN6_IS_ADDR_V4MAPPED(&ip) && ip.s6_addr[12] == 127;
      if (!IN6_IS_ADDR_LOOPBACK(&ip) && !mapped_loopback) return false;
    } else {
      return false;
    }
  }
  return true;
}

Result<ListenAddress> CheckListenAddress(std::string_view text, bool allow_remote,
                                         std::string_view key) {
  auto address = ParseListenAddress(text);
  if (!address) return Error(address.error().WithContext(key));
  if (!allow_remote && !IsLoopbackHost(address->host)) {
    return Error(Status::InvalidArgument(fmt::format(
        "{}: '{}' is not a loopback address; the metrics and health endpoint binds to the "
        "local host only unless tributary.metrics.allow.remote=true says otherwise",
        key, text)));
  }
  return address;
}

}  // namespace tributary::server
