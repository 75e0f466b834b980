#include "connectors/file_builder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "connectors/object_buffer_pool.h"
#include "connectors/sink_retry.h"

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
  if (pool_ != nullptr) pool_->Give(std::move(buffer_));
}

Result<std::unique_ptr<FileBuilder>> FileBuilder::Begin(std::string key, int64_t start_offset,
                                                        std::unique_ptr<format::FormatWriter> writer,
                                                        std::string spill_dir,
                                                        const BufferOptions& buffer) {
  std::unique_ptr<FileBuilder> b(
      new FileBuilder(std::move(key), start_offset, std::move(writer), std::move(spill_dir)));
  if (buffer.pool != nullptr) {
    b->pool_ = buffer.pool;
    b->buffer_ = buffer.pool->Take(buffer.capacity);
  } else if (buffer.capacity > 0) {
    b->buffer_.reserve(buffer.capacity);
  }
  b->spill_at_ = buffer.spill_at;
  if (Status s = b->writer_->Begin(&b->buffer_); !s.ok()) return Error(s.WithContext(b->key_));
  return b;
}

Status FileBuilder::Append(const format::SinkRecord& record, const format::ParsedValue& value) {
  const size_t before = buffer_.size();
  Status s = writer_->Append(record, value);
  if (s.ok()) last_offset_ = record.offset;
  if (spill_at_ > 0 && s.ok()) {
    // A full write-behind buffer goes to the spill file before the next record would grow
    // it (a copy of everything into fresh pages): room is kept for twice the largest
    // record so far.
    const size_t grew = buffer_.size() > before ? buffer_.size() - before : 0;
    largest_append_ = std::max(largest_append_, grew);
    const size_t cap = buffer_.capacity();
    if (cap >= spill_at_ && buffer_.size() + 2 * largest_append_ + 4096 > cap) s = WriteOut();
  }
  return s;
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
  if (Status s = WriteOut(); !s.ok()) return s;
  // Keep the writer's view of *out valid (same string), but give the memory back.
  if (pool_ != nullptr) {
    pool_->Give(std::move(buffer_));
    buffer_ = std::string();
  } else {
    buffer_.shrink_to_fit();
  }
  return Status::Ok();
}

Status FileBuilder::WriteOut() {
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
  buffer_.clear();
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


Status UploadWithRetry(FileBuilder& builder, lake::ObjectStore& store, uint64_t part_size,
                       std::chrono::milliseconds backoff, const std::stop_token& stop,
                       const std::stop_token& abandon, uint64_t* retries) {
  Status s = RetryWhileRetryable(
      "upload of " + builder.key(), [&] { return builder.Upload(store, part_size); }, backoff,
      stop, abandon, retries);
  if (!s.ok() || !builder.tagging()) return s;
  const ObjectTagging& t = *builder.tagging();
  return TagUploadedObject(
      store, builder.key(),
      ObjectTagsFor(t, builder.start_offset(), builder.last_offset(), builder.record_count()),
      t.fail_on_error, backoff, stop, abandon);
}

UploadPool::UploadPool(Options options) : options_(std::move(options)) {
  int n = std::max(1, options_.threads);
  workers_.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { Work(); });
}

UploadPool::~UploadPool() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  abandon_.request_stop();
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
  // Queued objects are destroyed here (their batches never finish: nobody waits on them).
}

std::shared_ptr<const UploadPool::Batch> UploadPool::Submit(
    int64_t first_offset, std::vector<std::unique_ptr<FileBuilder>> objects) {
  auto batch = std::make_shared<Batch>();
  batch->first_offset_ = first_offset;
  {
    std::lock_guard lock(mu_);
    batch->remaining_ = objects.size();
    for (auto& b : objects) {
      Job job;
      job.memory = b->MemoryBytes();
      job.builder = std::move(b);
      job.batch = batch;
      pending_bytes_ += job.memory;
      ++pending_objects_;
      queue_.push_back(std::move(job));
    }
  }
  if (objects.empty()) {
    batch->finished_.store(true, std::memory_order_release);
  } else {
    work_cv_.notify_all();
  }
  return batch;
}

void UploadPool::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    Status s = job.builder->Finish();
    // An object above the part size goes as a multipart upload, whose part buffers (up to
    // part size x (parallelism + 1), in the store) are memory too: such uploads run one
    // at a time and count that much.
    const bool multipart =
        job.builder->spilled_bytes() > 0 || job.builder->content_bytes() > options_.part_size;
    std::unique_lock<std::mutex> multipart_turn(multipart_mu_, std::defer_lock);
    if (s.ok() && multipart) multipart_turn.lock();
    if (s.ok()) {
      // Finishing may change what the object holds (a Parquet footer, its last row group).
      uint64_t now = job.builder->MemoryBytes();
      if (multipart) {
        uint64_t parts = options_.part_size * static_cast<uint64_t>(workers_.size() + 1);
        now += std::min<uint64_t>(job.builder->content_bytes(), parts);
      }
      std::lock_guard lock(mu_);
      pending_bytes_ = pending_bytes_ - job.memory + now;
      job.memory = now;
    }
    uint64_t retries = 0;
    if (s.ok()) {
      s = UploadWithRetry(*job.builder, *options_.store, options_.part_size,
                          options_.retry_backoff, options_.stop, abandon_.get_token(), &retries);
    }
    if (multipart_turn.owns_lock()) multipart_turn.unlock();
    uint64_t bytes = job.builder->content_bytes();
    job.builder.reset();  // the memory goes back before the object counts as done
    Done(job, std::move(s), retries, bytes);
  }
}

void UploadPool::Done(Job& job, Status status, uint64_t retries, uint64_t bytes) {
  {
    std::lock_guard lock(mu_);
    pending_bytes_ -= job.memory;
    --pending_objects_;
    Batch& b = *job.batch;
    b.retries_ += retries;
    if (status.ok()) {
      ++b.objects_;
      b.bytes_ += bytes;
    } else {
      if (b.status_.ok()) b.status_ = status;
      if (error_.ok()) error_ = status;
    }
    if (--b.remaining_ == 0 || !status.ok()) {
      // A failed batch is finished at its first failure (its other objects may still be
      // uploading, harmlessly: the batch never counts as durable).
      b.finished_.store(true, std::memory_order_release);
    }
  }
  progress_cv_.notify_all();
}

uint64_t UploadPool::pending_bytes() const {
  std::lock_guard lock(mu_);
  return pending_bytes_;
}

size_t UploadPool::pending_objects() const {
  std::lock_guard lock(mu_);
  return pending_objects_;
}

Status UploadPool::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void UploadPool::WaitForProgress(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (pending_objects_ == 0) return;
  progress_cv_.wait_for(lock, timeout);
}

void UploadPool::Wait(const Batch& batch) {
  std::unique_lock lock(mu_);
  progress_cv_.wait(lock, [&] { return batch.finished() || stopping_; });
}

void UploadPool::WaitAll() {
  std::unique_lock lock(mu_);
  progress_cv_.wait(lock, [&] { return pending_objects_ == 0 || stopping_; });
}

}  // namespace tributary::connectors
