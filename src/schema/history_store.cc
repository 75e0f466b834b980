#include "schema/history_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tributary::schema {
namespace {

Status IoError(std::string_view what, const std::string& path) {
  return Status::IoError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

}  // namespace

FileHistoryStore::~FileHistoryStore() {
  if (fd_ >= 0) ::close(fd_);
}

Result<bool> FileHistoryStore::Exists() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return Error(IoError("cannot read", path_));
  }
  return st.st_size > 0;
}

Status FileHistoryStore::Recover(const std::function<Status(std::string_view record)>& fn) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Status::Ok();
    return IoError("cannot open", path_);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  size_t start = 0;
  size_t line_no = 1;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    if (end == std::string::npos) {
      // A torn final append: never acknowledged, so nothing depends on it.
      spdlog::warn("{}: dropping an incomplete last record at byte {} ({} bytes; a crash "
                   "during its write)",
                   Describe(), start, data.size() - start);
      if (::truncate(path_.c_str(), static_cast<off_t>(start)) != 0) {
        return IoError("cannot truncate the incomplete last record of", path_);
      }
      break;
    }
    std::string_view line(data.data() + start, end - start);
    if (!line.empty()) {
      if (line.front() != '{' || line.back() != '}') {
        return Status::Corruption(fmt::format(
            "{} line {} is not a history record (damaged file: restore it from a backup, or "
            "rebuild the history with snapshot.mode=recovery)",
            Describe(), line_no));
      }
      if (Status s = fn(line); !s.ok()) {
        return s.WithContext(fmt::format("{} line {}", Describe(), line_no));
      }
    }
    start = end + 1;
    ++line_no;
  }
  return Status::Ok();
}

Status FileHistoryStore::OpenForAppend() {
  std::filesystem::path p(path_);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return Status::IoError(
          fmt::format("cannot create the directory of {}: {}", path_, ec.message()));
    }
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return IoError("cannot open for appending", path_);
  return Status::Ok();
}

Status FileHistoryStore::Append(std::string_view record) {
  if (record.find('\n') != std::string_view::npos) {
    return Status::InvalidArgument("a schema history record must be one line");
  }
  if (fd_ < 0) {
    if (Status s = OpenForAppend(); !s.ok()) return s;
  }
  std::string line(record);
  line += '\n';
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot append to", path_);
    }
    done += static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0) return IoError("cannot sync", path_);
  return Status::Ok();
}

}  // namespace tributary::schema
