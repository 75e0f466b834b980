#include "mysql/compression.h"

#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <memory>

namespace tributary::mysql {

namespace {

// Decompresses every zstd frame of `data` into *out (replacing its content), growing
// the output as needed but never beyond `max_size` bytes.
Status DecompressZstdStream(std::span<const std::byte> data, uint64_t max_size,
                            std::vector<std::byte>* out) {
  out->clear();
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (ctx == nullptr) return Status::Internal("zstd: cannot create a decompression context");
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  size_t hint = 1;  // ZSTD_decompressStream's result: 0 once a frame is complete
  while (in.pos < in.size || hint != 0) {
    const size_t used = out->size();
    if (used >= max_size) {
      return Status::FailedPrecondition(
          fmt::format("transaction payload exceeds the limit of {} bytes", max_size));
    }
    const size_t room = static_cast<size_t>(
        std::min<uint64_t>(std::max<size_t>(ZSTD_DStreamOutSize(), used), max_size - used));
    out->resize(used + room);
    ZSTD_outBuffer o{out->data() + used, room, 0};
    const size_t in_before = in.pos;
    hint = ZSTD_decompressStream(ctx.get(), &o, &in);
    out->resize(used + o.pos);
    if (ZSTD_isError(hint)) {
      return Status::Corruption(fmt::format("zstd: {}", ZSTD_getErrorName(hint)));
    }
    // With room left over, zstd has written all it can from the input it was given:
    // no progress, or all input consumed inside a frame, means the frame is cut short.
    if (o.pos < room && hint != 0 && (in.pos == in.size || in.pos == in_before)) {
      return Status::Corruption("zstd: payload ends inside a frame");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<TransactionPayloadEvent> DecodeTransactionPayload(ByteReader& r, uint64_t max_size,
                                                         std::vector<std::byte>* out) {
  TransactionPayloadEvent p;
  bool have_size = false;
  while (true) {
    auto type = r.ReadLengthEncoded();
    if (!type) return Error(Status::Corruption("payload header truncated"));
    if (*type == 0) break;  // end of header fields
    auto len = r.ReadLengthEncoded();
    if (!len) return Error(Status::Corruption("payload header field truncated"));
    auto field = r.ReadBytes(*len);
    if (!field) return Error(Status::Corruption("payload header field truncated"));
    ByteReader fr(*field);
    auto value = fr.ReadLengthEncoded();
    if (!value) return Error(Status::Corruption("payload header value malformed"));
    switch (*type) {
      case 1: p.payload_size = *value; have_size = true; break;
      case 2: p.compression = static_cast<uint8_t>(*value); break;
      case 3: p.uncompressed_size = *value; break;
      default: break;  // unknown fields are skipped by their length
    }
  }
  if (!have_size) p.payload_size = r.remaining();
  auto data = r.ReadBytes(p.payload_size);
  if (!data) {
    return Error(Status::Corruption(fmt::format("payload of {} bytes truncated to {}",
                                                p.payload_size, r.remaining())));
  }
  if (p.compression == 255) {  // NONE
    out->assign(data->begin(), data->end());
    p.uncompressed_size = out->size();
    return p;
  }
  if (p.compression != 0) {
    return Error(Status::Unsupported(fmt::format("payload compression type {}", p.compression)));
  }
  uint64_t expected = p.uncompressed_size;
  if (expected == 0) {
    unsigned long long frame = ZSTD_getFrameContentSize(data->data(), data->size());
    if (frame == ZSTD_CONTENTSIZE_ERROR) return Error(Status::Corruption("payload is not zstd"));
    if (frame != ZSTD_CONTENTSIZE_UNKNOWN) expected = frame;
  }
  if (expected > max_size) {
    return Error(Status::FailedPrecondition(fmt::format(
        "transaction payload of {} bytes exceeds the limit of {} bytes", expected, max_size)));
  }
  if (expected == 0) {
    // MySQL treats the uncompressed size as informational (codecs/binary.cpp) and its
    // streaming compressor writes frames without a content size, so the size may be
    // known only by decompressing.
    auto streamed = DecompressZstdStream(*data, max_size, out);
    if (!streamed.ok()) return Error(streamed);
    p.uncompressed_size = out->size();
    return p;
  }
  out->resize(expected);
  size_t got = ZSTD_decompress(out->data(), out->size(), data->data(), data->size());
  if (ZSTD_isError(got)) {
    return Error(Status::Corruption(fmt::format("zstd: {}", ZSTD_getErrorName(got))));
  }
  if (got != expected) {
    return Error(Status::Corruption(
        fmt::format("payload decompressed to {} bytes, header says {}", got, expected)));
  }
  p.uncompressed_size = got;
  return p;
}

Result<std::vector<std::byte>> MariaDbUncompress(std::span<const std::byte> block) {
  ByteReader r(block);
  auto head = r.ReadU8();
  if (!head || (*head & 0x80) == 0) return Error(Status::Corruption("compressed block header invalid"));
  size_t lenlen = *head & 0x07;
  if (lenlen == 0 || lenlen > 4) return Error(Status::Corruption("compressed block length invalid"));
  auto len = r.ReadUintBigEndian(lenlen);
  if (!len) return Error(Status::Corruption("compressed block truncated"));
  if (*len > (1ull << 30)) {
    return Error(Status::FailedPrecondition(fmt::format("compressed block of {} bytes", *len)));
  }
  std::vector<std::byte> out(*len);
  uLongf out_len = static_cast<uLongf>(out.size());
  auto rest = r.Rest();
  int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &out_len,
                      reinterpret_cast<const Bytef*>(rest.data()), static_cast<uLong>(rest.size()));
  if (rc != Z_OK || out_len != out.size()) {
    return Error(Status::Corruption(fmt::format("zlib error {} in compressed block", rc)));
  }
  return out;
}

}  // namespace tributary::mysql
