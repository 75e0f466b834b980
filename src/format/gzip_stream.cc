#include "format/gzip_stream.h"

#include <fmt/format.h>
#include <zlib.h>

namespace tributary::format {

struct GzipStream::State {
  z_stream z{};
  bool initialized = false;
};

GzipStream::GzipStream(int level) : state_(std::make_unique<State>()), level_(level) {}

GzipStream::~GzipStream() {
  if (state_->initialized) deflateEnd(&state_->z);
}

namespace {

void AppendLe32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

Status GzipStream::Begin(std::string* out) {
  if (state_->initialized) {
    if (deflateReset(&state_->z) != Z_OK) return Status::Internal("deflateReset failed");
  } else {
    // Java's Deflater(level, nowrap=true): raw deflate, 15-bit window, memLevel 8.
    if (deflateInit2(&state_->z, level_, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return Status::InvalidArgument(fmt::format("gzip level {} is not valid", level_));
    }
    state_->initialized = true;
  }
  static constexpr char kHeader[10] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, '\xff'};
  out->append(kHeader, sizeof(kHeader));
  crc_ = static_cast<uint32_t>(crc32(0L, Z_NULL, 0));
  bytes_in_ = 0;
  bytes_out_ = sizeof(kHeader);
  emitted_for_in_ = 0;
  open_ = true;
  return Status::Ok();
}

Status GzipStream::Write(std::string_view data, std::string* out) {
  if (!open_) return Status::Internal("GzipStream::Write before Begin");
  if (data.empty()) return Status::Ok();
  z_stream& z = state_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  crc_ = static_cast<uint32_t>(
      crc32(crc_, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  bytes_in_ += data.size();
  while (z.avail_in > 0) {
    size_t before = out->size();
    size_t room = deflateBound(&z, z.avail_in) + 64;
    out->resize(before + room);
    z.next_out = reinterpret_cast<Bytef*>(out->data() + before);
    z.avail_out = static_cast<uInt>(room);
    int rc = deflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_BUF_ERROR) return Status::Internal("deflate failed");
    size_t produced = room - z.avail_out;
    out->resize(before + produced);
    bytes_out_ += produced;
    if (produced > 0) emitted_for_in_ = bytes_in_ - z.avail_in;
  }
  return Status::Ok();
}

uint64_t GzipStream::pending_in() const { return bytes_in_ - emitted_for_in_; }

Status GzipStream::Finish(std::string* out) {
  if (!open_) return Status::Internal("GzipStream::Finish before Begin");
  z_stream& z = state_->z;
  z.next_in = nullptr;
  z.avail_in = 0;
  for (;;) {
    size_t before = out->size();
    size_t room = 64 * 1024;
    out->resize(before + room);
    z.next_out = reinterpret_cast<Bytef*>(out->data() + before);
    z.avail_out = static_cast<uInt>(room);
    int rc = deflate(&z, Z_FINISH);
    size_t produced = room - z.avail_out;
    out->resize(before + produced);
    bytes_out_ += produced;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return Status::Internal("deflate finish failed");
  }
  AppendLe32(crc_, out);
  AppendLe32(static_cast<uint32_t>(bytes_in_ & 0xffffffffu), out);
  bytes_out_ += 8;
  emitted_for_in_ = bytes_in_;
  open_ = false;
  return Status::Ok();
}

Result<std::string> GunzipAll(std::string_view gz) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return Error(Status::Internal("inflateInit2 failed"));
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  char buf[64 * 1024];
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z);  // next member
      continue;
    }
    if (rc != Z_OK) {
      inflateEnd(&z);
      return Error(Status::Corruption(fmt::format("gzip data is corrupt (zlib {})", rc)));
    }
    if (z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return Error(Status::Corruption("gzip data is truncated"));
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace tributary::format
