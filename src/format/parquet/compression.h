// Page compression codecs: uncompressed, snappy, zstd, gzip. A Compressor keeps its codec
// context (zstd CCtx, zlib stream) between pages so a page costs no allocation.
//
// One Compressor per writer; not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::format::parquet {

// Thrift enum values of parquet.thrift `CompressionCodec` (do not renumber).
enum class Codec : uint8_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kZstd = 6 };

// "uncompressed"/"none", "snappy", "gzip", "zstd" (any case).
Result<Codec> ParseCodec(std::string_view name);
std::string_view CodecName(Codec codec);

// The level used when none is given: zstd 3, gzip 6 (zlib's default); snappy has none.
inline constexpr int kDefaultCompressionLevel = -1000;

class Compressor {
 public:
  // `level`: kDefaultCompressionLevel or the codec's own scale (zstd 1..22 and
  // negative fast levels, gzip 0..9).
  static Result<std::unique_ptr<Compressor>> Make(Codec codec, int level);
  ~Compressor();

  Codec codec() const { return codec_; }
  // Compresses `in` into the front of `*scratch` and returns the compressed length.
  // `scratch` only grows (to the codec's worst case), so a warm buffer is reused without
  // clearing it. For kUncompressed callers should use `in` directly (this copies).
  Result<size_t> Compress(std::string_view in, std::string* scratch);

 private:
  Compressor(Codec codec, int level);
  struct State;
  Codec codec_;
  int level_;
  std::unique_ptr<State> state_;
};

}  // namespace tributary::format::parquet
