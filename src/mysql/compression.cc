#include "mysql/compression.h"

#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>

namespace tributary::mysql {

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
    out->clear();
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
