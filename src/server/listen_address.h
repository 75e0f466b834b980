// ListenAddress: `tributary.metrics.listen` ("host:port") parsed and checked against the
// bind policy: admin endpoints bind to the loopback interface unless the configuration
// says otherwise (`tributary.metrics.allow.remote=true`).
//
// Accepted spellings: "127.0.0.1:9404", "localhost:9404", "[::1]:9404", ":9404" (=
// 127.0.0.1:9404), "0.0.0.0:9404" / "[::]:9404" (every interface: remote). Port 0 = any
// free port (tests). Pure functions except IsLoopbackHost, which resolves names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::server {

struct ListenAddress {
  std::string host;  // without brackets
  uint16_t port = 0;
};

// Errors: InvalidArgument naming the value and the expected form.
Result<ListenAddress> ParseListenAddress(std::string_view text);

// True when every address `host` resolves to is a loopback address (127.0.0.0/8, ::1,
// IPv4-mapped 127.x). False for names that do not resolve and for wildcard addresses.
bool IsLoopbackHost(const std::string& host);

// Parses and applies the policy. Errors (InvalidArgument): malformed, or not loopback while
// `allow_remote` is false (the message names `key` and how to allow it).
Result<ListenAddress> CheckListenAddress(std::string_view text, bool allow_remote,
                                         std::string_view key = "tributary.metrics.listen");

}  // namespace tributary::server
