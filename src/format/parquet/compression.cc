#include "format/parquet/compression.h"

#include <fmt/format.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace tributary::format::parquet {

struct Compressor::State {
  ZSTD_CCtx* zstd = nullptr;
  z_stream zlib{};
  bool zlib_open = false;
  ~State() {
    if (zstd != nullptr) ZSTD_freeCCtx(zstd);
    if (zlib_open) deflateEnd(&zlib);
  }
};

Result<Codec> ParseCodec(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "uncompressed" || n == "none") return Codec::kUncompressed;
  if (n == "snappy") return Codec::kSnappy;
  if (n == "gzip") return Codec::kGzip;
  if (n == "zstd") return Codec::kZstd;
  return Error(Status::InvalidArgument(
      fmt::format("unknown parquet codec '{}': use none, snappy, gzip or zstd", name)));
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed: return "uncompressed";
    case Codec::kSnappy: return "snappy";
    case Codec::kGzip: return "gzip";
    case Codec::kZstd: return "zstd";
  }
  return "?";
}

Result<std::unique_ptr<Compressor>> Compressor::Make(Codec codec, int level) {
  std::unique_ptr<Compressor> c(new Compressor(codec, level));
  c->state_ = std::make_unique<State>();
  switch (codec) {
    case Codec::kUncompressed:
    case Codec::kSnappy: break;
    case Codec::kZstd: {
      if (level == kDefaultCompressionLevel) c->level_ = 3;
      if (c->level_ < ZSTD_minCLevel() || c->level_ > ZSTD_maxCLevel()) {
        return Error(Status::InvalidArgument(fmt::format(
            "zstd level {} out of range {}..{}", c->level_, ZSTD_minCLevel(), ZSTD_maxCLevel())));
      }
      c->state_->zstd = ZSTD_createCCtx();
      if (c->state_->zstd == nullptr) return Error(Status::Internal("ZSTD_createCCtx failed"));
      ZSTD_CCtx_setParameter(c->state_->zstd, ZSTD_c_compressionLevel, c->level_);
      break;
    }
    case Codec::kGzip: {
      if (level == kDefaultCompressionLevel) c->level_ = 6;
      if (c->level_ < 0 || c->level_ > 9) {
        return Error(
            Status::InvalidArgument(fmt::format("gzip level {} out of range 0..9", c->level_)));
      }
      // windowBits 15 + 16: a gzip (RFC 1952) wrapper, as Parquet's GZIP codec requires.
      if (deflateInit2(&c->state_->zlib, c->level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
          Z_OK) {
        return Error(Status::Internal("deflateInit2 failed"));
      }
      c->state_->zlib_open = true;
      break;
    }
    default:
      return Error(Status::Unsupported(
          fmt::format("parquet codec {} not supported", static_cast<int>(codec))));
  }
  return c;
}

Compressor::Compressor(Codec codec, int level) : codec_(codec), level_(level) {}
Compressor::~Compressor() = default;

namespace {
char* Reserve(std::string* scratch, size_t n) {
  if (scratch->size() < n) scratch->resize(n);
  return scratch->data();
}
}  // namespace

Result<size_t> Compressor::Compress(std::string_view in, std::string* scratch) {
  switch (codec_) {
    case Codec::kUncompressed:
      std::memcpy(Reserve(scratch, in.size()), in.data(), in.size());
      return in.size();
    case Codec::kSnappy: {
      char* out = Reserve(scratch, snappy::MaxCompressedLength(in.size()));
      size_t n = 0;
      snappy::RawCompress(in.data(), in.size(), out, &n);
      return n;
    }
    case Codec::kZstd: {
      size_t cap = ZSTD_compressBound(in.size());
      char* out = Reserve(scratch, cap);
      size_t n = ZSTD_compress2(state_->zstd, out, cap, in.data(), in.size());
      if (ZSTD_isError(n)) {
        return Error(
            Status::Internal(fmt::format("zstd compression failed: {}", ZSTD_getErrorName(n))));
      }
      return n;
    }
    case Codec::kGzip: {
      z_stream& z = state_->zlib;
      if (deflateReset(&z) != Z_OK) return Error(Status::Internal("deflateReset failed"));
      size_t cap = deflateBound(&z, in.size()) + 32;
      char* out = Reserve(scratch, cap);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(in.size());
      z.next_out = reinterpret_cast<Bytef*>(out);
      z.avail_out = static_cast<uInt>(cap);
      int rc = deflate(&z, Z_FINISH);
      if (rc != Z_STREAM_END)
        return Error(Status::Internal(fmt::format("gzip compression failed ({})", rc)));
      return cap - z.avail_out;
    }
  }
  return Error(Status::Internal("unknown codec"));
}

}  // namespace tributary::format::parquet
