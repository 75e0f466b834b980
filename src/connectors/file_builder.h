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
// Ownership: owns its writer, buffer and spill file. Threading: one thread (the task's).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "format/format_writer.h"
#include "format/record_value.h"
#include "format/sink_record.h"
#include "lake/store/object_store.h"

namespace tributary::connectors {

class FileBuilder {
 public:
  // Starts the object `key` whose first record has `start_offset`.
  static Result<std::unique_ptr<FileBuilder>> Begin(std::string key, int64_t start_offset,
                                                    std::unique_ptr<format::FormatWriter> writer,
                                                    std::string spill_dir);
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

  // Moves the in-memory bytes to the spill file. Errors: kIoError.
  Status Spill();

  // Bytes held in memory (buffer + the writer's own buffers).
  uint64_t MemoryBytes() const;
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

 private:
  FileBuilder(std::string key, int64_t start_offset, std::unique_ptr<format::FormatWriter> writer,
              std::string spill_dir);
  Status EnsureSpillFile();

  std::string key_;
  int64_t start_offset_;
  std::unique_ptr<format::FormatWriter> writer_;
  std::string spill_dir_;
  std::string buffer_;
  int spill_fd_ = -1;
  uint64_t spilled_ = 0;
  bool finished_ = false;
  std::shared_ptr<const format::ConnectSchema> schema_;
};

}  // namespace tributary::connectors
