// OutputSink: where a ParquetWriter puts its bytes. The lake layer implements it (a
// multipart upload, a local file); the writer itself does no I/O. Bytes arrive in file
// order, each Write appending; the sink may keep or forward them as it likes.
//
// The writer calls the sink from its own thread only; an implementation need not be
// thread-safe unless it is shared.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "common/status.h"

namespace tributary::format::parquet {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  // Appends `data`; the bytes are only valid during the call.
  virtual Status Write(std::span<const std::byte> data) = 0;
};

// Keeps everything in a string (tests, small objects uploaded in one PUT).
class StringSink final : public OutputSink {
 public:
  Status Write(std::span<const std::byte> data) override {
    bytes_.append(reinterpret_cast<const char*>(data.data()), data.size());
    return Status::Ok();
  }
  const std::string& bytes() const { return bytes_; }
  std::string& mutable_bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// Appends to a string the caller owns, e.g. the buffer of format::FormatWriter::Begin(out):
// the caller may take any prefix away between calls (the writer keeps its own offsets).
// REQUIRES: `out` outlives the sink.
class AppendToStringSink final : public OutputSink {
 public:
  explicit AppendToStringSink(std::string* out) : out_(out) {}
  Status Write(std::span<const std::byte> data) override {
    out_->append(reinterpret_cast<const char*>(data.data()), data.size());
    return Status::Ok();
  }

 private:
  std::string* out_;
};

}  // namespace tributary::format::parquet
