#include "connectors/file_builder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace tributary::connectors {
namespace {

constexpr size_t kReadChunk = 1 << 20;

std::string SpillDirectory(const std::string& configured) {
  if (!configured.empty()) return configured;
  const char* tmp = std::getenv("TMPDIR");
  return (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
}

}  // namespace

FileBuilder::FileBuilder(std::string key, int64_t start_offset,
                         std::unique_ptr<format::FormatWriter> writer, std::string spill_dir)
    : key_(std::move(key)),
      start_offset_(start_offset),
      writer_(std::move(writer)),
      spill_dir_(std::move(spill_dir)) {}

FileBuilder::~FileBuilder() {
  if (spill_fd_ >= 0) ::close(spill_fd_);
}

Result<std::unique_ptr<FileBuilder>> FileBuilder::Begin(std::string key, int64_t start_offset,
                                                        std::unique_ptr<format::FormatWriter> writer,
                                                        std::string spill_dir) {
  std::unique_ptr<FileBuilder> b(
      new FileBuilder(std::move(key), start_offset, std::move(writer), std::move(spill_dir)));
  if (Status s = b->writer_->Begin(&b->buffer_); !s.ok()) return Error(s.WithContext(b->key_));
  return b;
}

Status FileBuilder::Append(const format::SinkRecord& record, const format::ParsedValue& value) {
  return writer_->Append(record, value);
}

Status FileBuilder::Finish() {
  if (finished_) return Status::Ok();
  if (Status s = writer_->Finish(); !s.ok()) return s.WithContext(key_);
  finished_ = true;
  return Status::Ok();
}

uint64_t FileBuilder::MemoryBytes() const { return buffer_.capacity() + writer_->BufferedBytes(); }

Status FileBuilder::EnsureSpillFile() {
  if (spill_fd_ >= 0) return Status::Ok();
  std::string pattern = SpillDirectory(spill_dir_) + "/tributary-spill-XXXXXX";
  std::vector<char> path(pattern.begin(), pattern.end());
  path.push_back('\0');
  int fd = ::mkstemp(path.data());
  if (fd < 0) {
    return Status::IoError(
        fmt::format("cannot create a spill file in {}: {}", SpillDirectory(spill_dir_),
                    std::strerror(errno)));
  }
  ::unlink(path.data());  // anonymous from now on: gone with the process
  spill_fd_ = fd;
  return Status::Ok();
}

Status FileBuilder::Spill() {
  if (buffer_.empty()) return Status::Ok();
  if (Status s = EnsureSpillFile(); !s.ok()) return s;
  const char* p = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = ::pwrite(spill_fd_, p, left, static_cast<off_t>(spilled_));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(fmt::format("spill file of {}: {}", key_, std::strerror(errno)));
    }
    p += n;
    left -= static_cast<size_t>(n);
    spilled_ += static_cast<uint64_t>(n);
  }
  // Keep the writer's view of *out valid (same string), but give the memory back.
  buffer_.clear();
  buffer_.shrink_to_fit();
  return Status::Ok();
}

Status FileBuilder::Upload(lake::ObjectStore& store, uint64_t part_size) {
  if (!finished_) return Status::Internal(fmt::format("{}: upload before finish", key_));
  if (spilled_ == 0 && buffer_.size() <= part_size) {
    return store.Put(key_, lake::AsBytes(buffer_));
  }
  auto upload = store.BeginUpload(key_);
  if (!upload) return upload.error();
  std::string chunk;
  uint64_t at = 0;
  while (at < spilled_) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kReadChunk, spilled_ - at));
    chunk.resize(want);
    ssize_t n = ::pread(spill_fd_, chunk.data(), want, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      (void)(*upload)->Abort();
      return Status::IoError(fmt::format("reading the spill file of {}: {}", key_,
                                         n < 0 ? std::strerror(errno) : "unexpected end"));
    }
    chunk.resize(static_cast<size_t>(n));
    if (Status s = (*upload)->Append(lake::AsBytes(chunk)); !s.ok()) {
      (void)(*upload)->Abort();
      return s;
    }
    at += static_cast<uint64_t>(n);
  }
  if (!buffer_.empty()) {
    if (Status s = (*upload)->Append(lake::AsBytes(buffer_)); !s.ok()) {
      (void)(*upload)->Abort();
      return s;
    }
  }
  return (*upload)->Complete();
}

}  // namespace tributary::connectors
