// FileBuilder: one open lake object (its key, its FormatWriter, its encoded bytes) from
// the first record to the completed upload.
//
// Bytes the writer produces collect in an in-memory buffer. When the sink's memory
// budget is exceeded the task calls Spill(), which moves the buffer to an anonymous
// temporary file (unlinked at creation, so a crash leaves nothing behind); the object's
// content is the spilled bytes followed by the buffer, so spilling never changes what is
// uploaded, nor when the object is cut. Upload() sends the finished object: one PUT when
// it is small and was never spilled, else a streaming (multipart) upload read back from
// the spill file. Upload() may be called again after a failure: everything is kept until
// it succeeds.
//
// Buffers: with an ObjectBufferPool the buffer is taken from the pool at Begin (reserved
// to the capacity the caller expects the object to need) and given back when the builder
// is destroyed (after its upload, or when it is dropped). A `spill_at` limit makes the
// builder spill itself whenever its buffer would grow past its reserved capacity (at least
// `spill_at`): the buffer is then a fixed write-behind buffer of the spill file, reused in
// place instead of being grown by copying or given back (objects larger than the budget
// allows keep one buffer's worth in memory).
//
// Ownership: owns its writer, buffer and spill file; borrows the pool (which must outlive
// it). Threading: one thread at a time (the task's while the object is open, then an
// upload worker's once handed to UploadPool).
//
// UploadPool: finishes and uploads cut objects on worker threads, so the task's thread
// keeps consuming while objects go to the store. The objects of one cut (a rotation of one
// partition) form a Batch, durable when every one of its objects is uploaded; batches
// finish in any order (the task's offset bookkeeping, sink_offsets.h, commits only behind
// the earliest unfinished one). An upload that fails is retried every `retry_backoff`
// while the error is retryable and stop is not requested; a failure that stays (not
// retryable, or stopped) fails its batch and becomes the pool's error(), which the task
// treats as fatal. Memory: pending_bytes() (objects submitted, not yet uploaded, plus the
// part buffers of the multipart upload under way: those run one at a time) counts against
// the task's budget; the task waits (WaitForProgress) when it is full.
// Ownership: owns the submitted FileBuilders until they are uploaded; borrows the store
// (which must outlive the pool). Threading: every method may be called from any thread;
// Batch results are read once finished() is true.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "connectors/sink_tagging.h"
#include "format/format_writer.h"
#include "format/record_value.h"
#include "format/sink_record.h"
#include "lake/store/object_store.h"

namespace tributary::connectors {

class ObjectBufferPool;  // object_buffer_pool.h

// Where a FileBuilder's buffer comes from (see "Buffers" above). Default: a new one.
struct FileBufferOptions {
  ObjectBufferPool* pool = nullptr;  // null: a buffer of its own, freed with the builder
  size_t capacity = 0;               // reserved at Begin (from the pool when there is one)
  size_t spill_at = 0;               // 0: spill only when asked (Spill)
};

class FileBuilder {
 public:
  using BufferOptions = FileBufferOptions;
  // Starts the object `key` whose first record has `start_offset`.
  static Result<std::unique_ptr<FileBuilder>> Begin(std::string key, int64_t start_offset,
                                                    std::unique_ptr<format::FormatWriter> writer,
                                                    std::string spill_dir,
                                                    const BufferOptions& buffer = {});
  ~FileBuilder();
  FileBuilder(const FileBuilder&) = delete;
  FileBuilder& operator=(const FileBuilder&) = delete;

  // Appends one record (errors from the format: the record cannot be encoded).
  // REQUIRES: not finished.
  Status Append(const format::SinkRecord& record, const format::ParsedValue& value);
  bool RequiresNewObject(const format::ParsedValue& value) const {
    return writer_->RequiresNewObject(value);
  }
  // Completes the content (trailers, footers). Idempotent.
  Status Finish();
  // Writes the finished object to `store` (REQUIRES: Finish() succeeded). On error nothing
  // is visible and the builder can try again.
  Status Upload(lake::ObjectStore& store, uint64_t part_size);

  // Moves the in-memory bytes to the spill file and lets the buffer go (back to the pool,
  // or freed). Errors: kIoError.
  Status Spill();

  // Bytes held in memory (buffer + the writer's own buffers).
  uint64_t MemoryBytes() const;
  // True when the buffer is a write-through buffer at its full size (spill_at): appending
  // more records does not make the builder hold more memory.
  bool fixed_memory() const { return spill_at_ > 0 && buffer_.capacity() >= spill_at_; }
  // Buffer bytes Spill() would free.
  uint64_t SpillableBytes() const { return buffer_.size(); }
  uint64_t EstimatedObjectBytes() const { return writer_->EstimatedObjectBytes(); }
  uint64_t record_count() const { return writer_->record_count(); }
  // Content bytes so far (spilled + buffered).
  uint64_t content_bytes() const { return spilled_ + buffer_.size(); }
  uint64_t spilled_bytes() const { return spilled_; }
  const std::string& key() const { return key_; }
  int64_t start_offset() const { return start_offset_; }
  // The value schema of the object's records (null: none), for schema.compatibility.
  const std::shared_ptr<const format::ConnectSchema>& schema() const { return schema_; }
  void set_schema(std::shared_ptr<const format::ConnectSchema> s) { schema_ = std::move(s); }
  // s3.object.tagging: UploadWithRetry tags the object once uploaded (sink_tagging.h).
  // Null: no tags.
  void set_tagging(std::shared_ptr<const ObjectTagging> t) { tagging_ = std::move(t); }
  const std::shared_ptr<const ObjectTagging>& tagging() const { return tagging_; }
  // Offset of the last record appended (-1: none yet).
  int64_t last_offset() const { return last_offset_; }

 private:
  FileBuilder(std::string key, int64_t start_offset, std::unique_ptr<format::FormatWriter> writer,
              std::string spill_dir);
  Status EnsureSpillFile();
  // Writes the buffer to the spill file and empties it (capacity kept).
  Status WriteOut();

  std::string key_;
  int64_t start_offset_;
  std::unique_ptr<format::FormatWriter> writer_;
  std::string spill_dir_;
  std::string buffer_;
  ObjectBufferPool* pool_ = nullptr;  // buffer_ goes back to it
  size_t spill_at_ = 0;               // self-spill threshold (0: none)
  size_t largest_append_ = 0;         // bytes of the largest Append so far (with spill_at_)
  int spill_fd_ = -1;
  uint64_t spilled_ = 0;
  bool finished_ = false;
  std::shared_ptr<const format::ConnectSchema> schema_;
  int64_t last_offset_ = -1;
  std::shared_ptr<const ObjectTagging> tagging_;
};

// Uploads a finished object, retrying every `backoff` while the error is retryable and
// neither stop token is requested (the store has already retried each request itself),
// then tags it when the builder has tagging (TagUploadedObject). `retries` (may be null)
// counts the extra upload attempts.
Status UploadWithRetry(FileBuilder& builder, lake::ObjectStore& store, uint64_t part_size,
                       std::chrono::milliseconds backoff, const std::stop_token& stop,
                       const std::stop_token& abandon, uint64_t* retries);

class UploadPool {
 public:
  struct Options {
    lake::ObjectStore* store = nullptr;  // REQUIRES: outlives the pool
    int threads = 4;
    uint64_t part_size = 25ull << 20;
    std::chrono::milliseconds retry_backoff{5000};
    std::stop_token stop;  // ends the waits between retries
  };

  // The objects of one cut.
  class Batch {
   public:
    int64_t first_offset() const { return first_offset_; }
    // Every object uploaded, or one failed. Thread-safe.
    bool finished() const { return finished_.load(std::memory_order_acquire); }
    // REQUIRES: finished(). Ok, or the first failure (naming the object).
    const Status& status() const { return status_; }
    uint64_t objects() const { return objects_; }  // uploaded
    uint64_t bytes() const { return bytes_; }      // uploaded
    uint64_t retries() const { return retries_; }

   private:
    friend class UploadPool;
    int64_t first_offset_ = 0;
    size_t remaining_ = 0;  // guarded by the pool's mutex, like the fields below
    Status status_;
    uint64_t objects_ = 0, bytes_ = 0, retries_ = 0;
    std::atomic<bool> finished_{false};
  };

  explicit UploadPool(Options options);
  // Drops what is queued, ends retry waits, joins the workers (an upload under way
  // completes or fails first). Call WaitAll() before to upload everything.
  ~UploadPool();
  UploadPool(const UploadPool&) = delete;
  UploadPool& operator=(const UploadPool&) = delete;

  // Queues the cut objects of one partition (first record at `first_offset`): each is
  // finished (FileBuilder::Finish) and uploaded by a worker. An empty set gives a batch
  // finished at once.
  std::shared_ptr<const Batch> Submit(int64_t first_offset,
                                      std::vector<std::unique_ptr<FileBuilder>> objects);

  // Memory held by submitted objects not yet uploaded (as FileBuilder::MemoryBytes).
  uint64_t pending_bytes() const;
  size_t pending_objects() const;
  // The first batch failure, or ok.
  Status error() const;
  // Blocks until an upload ends or `timeout` passes; returns at once when none is pending.
  void WaitForProgress(std::chrono::milliseconds timeout);
  // Blocks until `batch` is finished.
  void Wait(const Batch& batch);
  // Blocks until everything submitted is finished.
  void WaitAll();

 private:
  struct Job {
    std::unique_ptr<FileBuilder> builder;
    std::shared_ptr<Batch> batch;
    uint64_t memory = 0;  // counted in pending_bytes_
  };
  void Work();
  void Done(Job& job, Status status, uint64_t retries, uint64_t bytes);

  Options options_;
  std::stop_source abandon_;
  std::mutex multipart_mu_;  // held by the worker running a multipart upload
  mutable std::mutex mu_;
  std::condition_variable work_cv_;      // workers: a job was queued, or stopping
  std::condition_variable progress_cv_;  // waiters: a job ended
  std::deque<Job> queue_;
  size_t pending_objects_ = 0;  // queued + running
  uint64_t pending_bytes_ = 0;
  Status error_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace tributary::connectors
