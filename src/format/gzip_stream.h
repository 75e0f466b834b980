// GzipStream: streaming gzip of an object's bytes, laid out as Java's GZIPOutputStream
// writes it (what the Kafka Connect S3 sink produces for s3.compression.type=gzip):
// a fixed 10-byte header (mtime 0, no flags, XFL 0, OS 255 "unknown"), raw deflate (zlib, 15-bit
// window, memLevel 8, no intermediate flushes), then CRC-32 and length, little-endian.
// With the same zlib and level the bytes equal the JVM's.
// Owns a zlib deflate state; one object at a time; thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::format {

class GzipStream {
 public:
  // level: -1 (zlib default, 6) or 0..9.
  explicit GzipStream(int level);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Starts a member: writes the header to *out.
  Status Begin(std::string* out);
  // Compresses `data`, appending what deflate emits to *out.
  Status Write(std::string_view data, std::string* out);
  // Flushes deflate and writes the trailer.
  Status Finish(std::string* out);

  uint64_t bytes_in() const { return bytes_in_; }
  uint64_t bytes_out() const { return bytes_out_; }
  // Input accepted but not yet emitted as compressed output (upper bound).
  uint64_t pending_in() const;
  // zlib's deflate state, roughly (for memory budgets).
  static constexpr uint64_t kStateBytes = 268 * 1024;

 private:
  struct State;
  std::unique_ptr<State> state_;
  int level_;
  uint32_t crc_ = 0;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
  uint64_t emitted_for_in_ = 0;
  bool open_ = false;
};

// Gunzips a whole buffer (every member); for tests and tools.
Result<std::string> GunzipAll(std::string_view gz);

}  // namespace tributary::format
