// Status and Result<T>: errors as values.
//
// A Status is either ok or carries a code and a message written for the person running
// Tributary (what went wrong, where, and what to do). The code sorts errors into the
// ones worth retrying (kUnavailable) and the ones that stop the connector.
// Status is a small value type; copy it freely. Thread-compatible.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace tributary {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad config or usage: the user must change something
  kNotFound,            // a file, table, topic or position does not exist
  kCorruption,          // input bytes do not follow their format (binlog, record)
  kIoError,             // local I/O failed
  kUnavailable,         // a service cannot be reached right now: retry with backoff
  kFailedPrecondition,  // a server setting or state forbids the operation
  kUnsupported,         // valid input we deliberately do not handle
  kInternal,            // a bug in Tributary
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status Corruption(std::string msg) {
    return Status(StatusCode::kCorruption, std::move(msg));
  }
  static Status IoError(std::string msg) { return Status(StatusCode::kIoError, std::move(msg)); }
  static Status Unavailable(std::string msg) {
    return Status(StatusCode::kUnavailable, std::move(msg));
  }
  static Status FailedPrecondition(std::string msg) {
    return Status(StatusCode::kFailedPrecondition, std::move(msg));
  }
  static Status Unsupported(std::string msg) {
    return Status(StatusCode::kUnsupported, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // True for errors that may go away on their own (network, broker or server restart).
  bool retryable() const { return code_ == StatusCode::kUnavailable; }

  // "<code name>: <message>", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>", same code.
  Status WithContext(std::string_view context) const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
using Result = std::expected<T, Status>;

// Makes the error side of a Result: `return Error(Status::NotFound("..."));`.
inline std::unexpected<Status> Error(Status s) { return std::unexpected<Status>(std::move(s)); }

}  // namespace tributary
