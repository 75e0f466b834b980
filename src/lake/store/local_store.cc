#include "lake/store/local_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

namespace tributary::lake {
namespace {

constexpr std::string_view kTempMarker = ".tributary-tmp-";

std::string ErrnoText(int err) { return std::strerror(err); }

Status ValidateKey(std::string_view key, std::string_view store) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        fmt::format("{}: object key '{}' cannot be stored in a folder: {}", store, key, why));
  };
  if (key.empty()) return bad("empty key");
  if (key.front() == '/') return bad("starts with '/'");
  if (key.find('\0') != std::string_view::npos) return bad("holds a NUL byte");
  size_t pos = 0;
  while (pos <= key.size()) {
    size_t slash = key.find('/', pos);
    if (slash == std::string_view::npos) slash = key.size();
    std::string_view seg = key.substr(pos, slash - pos);
    if (seg.empty()) return bad("empty path segment");
    if (seg == "." || seg == "..") return bad("'.' or '..' segment");
    if (seg.find(kTempMarker) != std::string_view::npos) return bad("reserved name");
    pos = slash + 1;
  }
  return Status::Ok();
}

// mkdir -p of every directory above `path` (a file path).
Status MakeParents(const std::string& path) {
  for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    std::string dir = path.substr(0, pos);
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::IoError(fmt::format("cannot create folder {}: {}", dir, ErrnoText(errno)));
    }
  }
  return Status::Ok();
}

std::string TempPathFor(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  size_t slash = path.rfind('/');
  return fmt::format("{}/.{}{}{:x}{:x}", path.substr(0, slash), path.substr(slash + 1), kTempMarker,
                     rng() & 0xFFFFFFFF, counter.fetch_add(1));
}

Status SyncDirOf(const std::string& path) {
  std::string dir = path.substr(0, path.rfind('/'));
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return Status::IoError(fmt::format("cannot open folder {}: {}", dir, ErrnoText(errno)));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IoError(fmt::format("fsync of folder {}: {}", dir, ErrnoText(err)));
  return Status::Ok();
}

Status WriteAll(int fd, std::span<const std::byte> data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(fmt::format("{}: write failed: {}", what, ErrnoText(errno)));
    }
    data = data.subspan(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// A temporary file that becomes `path` at Commit().
class TempFile {
 public:
  static Result<TempFile> Create(const std::string& path, const std::string& display) {
    if (Status s = MakeParents(path); !s.ok()) return Error(s.WithContext(display));
    TempFile t;
    t.path_ = path;
    t.display_ = display;
    t.temp_ = TempPathFor(path);
    t.fd_ = ::open(t.temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (t.fd_ < 0) {
      return Error(Status::IoError(
          fmt::format("{}: cannot create {}: {}", display, t.temp_, ErrnoText(errno))));
    }
    return t;
  }
  TempFile() = default;
  TempFile(TempFile&& o) noexcept { *this = std::move(o); }
  TempFile& operator=(TempFile&& o) noexcept {
    std::swap(fd_, o.fd_);
    std::swap(path_, o.path_);
    std::swap(temp_, o.temp_);
    std::swap(display_, o.display_);
    return *this;
  }
  ~TempFile() { Discard(); }

  Status Write(std::span<const std::byte> data) {
    if (fd_ < 0) return Status::FailedPrecondition(display_ + ": write after close");
    return WriteAll(fd_, data, display_);
  }

  Status Commit() {
    if (fd_ < 0) return Status::FailedPrecondition(display_ + ": commit after close");
    if (::fsync(fd_) != 0) {
      Status s = Status::IoError(fmt::format("{}: fsync failed: {}", display_, ErrnoText(errno)));
      Discard();
      return s;
    }
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
      Status s = Status::IoError(fmt::format("{}: rename failed: {}", display_, ErrnoText(errno)));
      ::unlink(temp_.c_str());
      temp_.clear();
      return s;
    }
    temp_.clear();
    return SyncDirOf(path_).WithContext(display_);
  }

  void Discard() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!temp_.empty()) ::unlink(temp_.c_str());
    temp_.clear();
  }

 private:
  int fd_ = -1;
  std::string path_, temp_, display_;
};

class LocalUpload : public ObjectUpload {
 public:
  LocalUpload(std::string key, TempFile file) : key_(std::move(key)), file_(std::move(file)) {}

  Status Append(std::span<const std::byte> data) override {
    if (done_) return Status::FailedPrecondition(key_ + ": upload already finished");
    Status s = file_.Write(data);
    if (s.ok()) size_ += data.size();
    return s;
  }
  Status Complete() override {
    if (done_) return Status::FailedPrecondition(key_ + ": upload already finished");
    done_ = true;
    return file_.Commit();
  }
  Status Abort() override {
    if (!done_) file_.Discard();
    done_ = true;
    return Status::Ok();
  }
  uint64_t size() const override { return size_; }
  const std::string& key() const override { return key_; }

 private:
  std::string key_;
  TempFile file_;
  uint64_t size_ = 0;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const std::string& root) {
  std::string r = root;
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  if (r.empty() || r.front() != '/') {
    return Error(Status::InvalidArgument(
        fmt::format("local store folder must be an absolute path, got '{}'", root)));
  }
  if (Status s = MakeParents(r + "/x"); !s.ok()) return Error(s);
  struct stat st {};
  if (::stat(r.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Error(Status::IoError(fmt::format("file://{} is not a folder", r)));
  }
  return std::unique_ptr<LocalStore>(new LocalStore(r == "/" ? "" : r));
}

std::string LocalStore::Describe() const { return "file://" + (root_.empty() ? "/" : root_); }

Status LocalStore::Put(std::string_view key, std::span<const std::byte> data,
                       const WriteOptions& /*options*/) {
  std::string display = fmt::format("{}/{}", Describe(), key);
  if (Status s = ValidateKey(key, Describe()); !s.ok()) return s;
  auto file = TempFile::Create(fmt::format("{}/{}", root_, key), display);
  if (!file) return file.error();
  if (Status s = file->Write(data); !s.ok()) return s;
  return file->Commit();
}

Result<std::unique_ptr<ObjectUpload>> LocalStore::BeginUpload(std::string_view key,
                                                              const WriteOptions& /*options*/) {
  std::string display = fmt::format("{}/{}", Describe(), key);
  if (Status s = ValidateKey(key, Describe()); !s.ok()) return Error(s);
  auto file = TempFile::Create(fmt::format("{}/{}", root_, key), display);
  if (!file) return Error(file.error());
  return std::unique_ptr<ObjectUpload>(new LocalUpload(std::string(key), std::move(*file)));
}

Result<std::string> LocalStore::Get(std::string_view key) {
  std::string display = fmt::format("{}/{}", Describe(), key);
  if (Status s = ValidateKey(key, Describe()); !s.ok()) return Error(s);
  std::string path = fmt::format("{}/{}", root_, key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return Error(Status::NotFound(fmt::format("{}: no such object", display)));
    }
    return Error(Status::IoError(fmt::format("{}: cannot open: {}", display, ErrnoText(errno))));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error(Status::NotFound(fmt::format("{}: no such object", display)));
  }
  std::string out;
  out.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      return Error(Status::IoError(
          fmt::format("{}: read failed: {}", display, n == 0 ? "file shrank" : ErrnoText(err))));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return out;
}

Result<std::optional<ObjectInfo>> LocalStore::Head(std::string_view key) {
  if (Status s = ValidateKey(key, Describe()); !s.ok()) return Error(s);
  std::string path = fmt::format("{}/{}", root_, key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<ObjectInfo>();
    return Error(
        Status::IoError(fmt::format("{}/{}: stat failed: {}", Describe(), key, ErrnoText(errno))));
  }
  if (!S_ISREG(st.st_mode)) return std::optional<ObjectInfo>();
  ObjectInfo info;
  info.key = std::string(key);
  info.size = static_cast<uint64_t>(st.st_size);
  info.last_modified_ms =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  return std::optional<ObjectInfo>(std::move(info));
}

namespace {

// Appends every regular file under `dir` (whose key prefix is `rel`) to *out.
Status Walk(const std::string& dir, const std::string& rel, std::string_view prefix,
            std::vector<ObjectInfo>* out) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::Ok();
    return Status::IoError(fmt::format("cannot list {}: {}", dir, ErrnoText(errno)));
  }
  Status status;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == ".." || name.find(kTempMarker) != std::string_view::npos) continue;
    std::string key = rel + std::string(name);
    std::string path = dir + "/" + std::string(name);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;  // removed meanwhile
    if (S_ISDIR(st.st_mode)) {
      // Descend only where keys can still match the prefix.
      std::string as_dir = key + "/";
      size_t n = std::min(as_dir.size(), prefix.size());
      if (as_dir.compare(0, n, prefix.substr(0, n)) != 0) continue;
      status = Walk(path, as_dir, prefix, out);
      if (!status.ok()) break;
    } else if (S_ISREG(st.st_mode) && key.starts_with(prefix)) {
      ObjectInfo info;
      info.key = std::move(key);
      info.size = static_cast<uint64_t>(st.st_size);
      info.last_modified_ms =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
      out->push_back(std::move(info));
    }
  }
  ::closedir(d);
  return status;
}

}  // namespace

Result<ListPage> LocalStore::List(std::string_view prefix, std::string_view token, int max_keys) {
  if (max_keys <= 0) max_keys = 1000;
  // Start at the deepest folder the prefix names.
  size_t slash = prefix.rfind('/');
  std::string rel = slash == std::string_view::npos ? "" : std::string(prefix.substr(0, slash + 1));
  std::string dir =
      rel.empty() ? root_ : fmt::format("{}/{}", root_, rel.substr(0, rel.size() - 1));
  if (dir.empty()) dir = "/";
  std::vector<ObjectInfo> all;
  if (Status s = Walk(dir, rel, prefix, &all); !s.ok()) return Error(s.WithContext(Describe()));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  auto it = all.begin();
  if (!token.empty()) {
    it = std::upper_bound(all.begin(), all.end(), token,
                          [](std::string_view t, const ObjectInfo& o) { return t < o.key; });
  }
  ListPage page;
  for (; it != all.end() && static_cast<int>(page.objects.size()) < max_keys; ++it) {
    page.objects.push_back(std::move(*it));
  }
  if (it != all.end()) page.next_token = page.objects.back().key;
  return page;
}

Status LocalStore::Delete(std::string_view key) {
  if (Status s = ValidateKey(key, Describe()); !s.ok()) return s;
  std::string path = fmt::format("{}/{}", root_, key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
    return Status::IoError(
        fmt::format("{}/{}: cannot delete: {}", Describe(), key, ErrnoText(errno)));
  }
  return Status::Ok();
}

}  // namespace tributary::lake
