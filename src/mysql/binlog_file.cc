#include "mysql/binlog_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace tributary::mysql {
namespace {

Status InflateGzip(const std::string& path, std::vector<std::byte>* out) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return Status::NotFound(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::byte buf[1 << 16];
  while (true) {
    int n = gzread(gz, buf, sizeof(buf));
    if (n < 0) {
      int err = 0;
      std::string msg = gzerror(gz, &err);
      gzclose(gz);
      return Status::Corruption(fmt::format("{}: gzip: {}", path, msg));
    }
    if (n == 0) break;
    out->insert(out->end(), buf, buf + n);
  }
  gzclose(gz);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::Open(const std::string& path,
                                                                  DecoderOptions options) {
  std::unique_ptr<BinlogFileReader> reader(new BinlogFileReader(path, options));
  if (path.ends_with(".gz")) {
    if (Status s = InflateGzip(path, &reader->inflated_); !s.ok()) return Error(s);
    reader->data_ = reader->inflated_;
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error(Status::NotFound(fmt::format("{}: cannot open: {}", path, std::strerror(errno))));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Error(Status::InvalidArgument(fmt::format("{}: not a regular file", path)));
    }
    if (st.st_size > 0) {
      // MAP_POPULATE faults the pages in up front, in bulk: cheaper than one fault per
      // page while decoding (the file is read front to back exactly once).
      void* m = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (m == MAP_FAILED) {
        ::close(fd);
        return Error(Status::IoError(fmt::format("{}: mmap: {}", path, std::strerror(errno))));
      }
      reader->mapping_ = m;
      reader->data_ = {static_cast<const std::byte*>(m), static_cast<size_t>(st.st_size)};
    }
    ::close(fd);
  }
  if (Status s = reader->CheckMagic(); !s.ok()) return Error(s);
  return reader;
}

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::FromMemory(std::vector<std::byte> bytes,
                                                                       std::string name,
                                                                       DecoderOptions options) {
  std::unique_ptr<BinlogFileReader> reader(new BinlogFileReader(std::move(name), options));
  reader->inflated_ = std::move(bytes);
  reader->data_ = reader->inflated_;
  if (Status s = reader->CheckMagic(); !s.ok()) return Error(s);
  return reader;
}

Status BinlogFileReader::CheckMagic() {
  ByteReader r(data_);
  auto magic = r.ReadU32();
  if (!magic || *magic != kBinlogMagic) {
    return Status::Corruption(fmt::format(
        "{}: not a binlog file (it does not start with the magic bytes fe 62 69 6e)", path_));
  }
  pos_ = 4;
  return Status::Ok();
}

BinlogFileReader::~BinlogFileReader() {
  if (mapping_ != nullptr) ::munmap(mapping_, data_.size());
}

Result<DecodedEvent> BinlogFileReader::Fail(uint64_t at, const Status& s) {
  failed_ = true;
  return Error(s.WithContext(fmt::format("{}:{}", path_, at)));
}

std::optional<Result<DecodedEvent>> BinlogFileReader::Next() {
  if (failed_) return std::nullopt;
  if (auto inner = decoder_.NextInner()) {
    if (!inner->has_value()) return Fail(pos_, inner->error());
    return inner;
  }
  if (pos_ >= data_.size()) return std::nullopt;
  auto rest = data_.subspan(pos_);
  auto header = EventDecoder::DecodeHeader(rest);
  if (!header) return Fail(pos_, header.error());
  if (header->event_size > rest.size()) {
    return Fail(pos_, Status::Corruption(fmt::format(
                          "{} event of {} bytes is truncated: the file ends {} bytes later",
                          EventTypeName(header->type), header->event_size, rest.size())));
  }
  uint64_t at = pos_;
  pos_ += header->event_size;
  auto ev = decoder_.Decode(rest.first(header->event_size), at);
  if (!ev) return Fail(at, ev.error());
  return ev;
}

}  // namespace tributary::mysql
