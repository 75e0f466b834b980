// TopicPartitionWriter: the S3 sink's work for one assigned Kafka partition, as
// Confluent's TopicPartitionWriter does it (formats.md 3.4), made deterministic.
//
// Records arrive in offset order. Each goes to the open object of its encoded partition
// (one object per encoded partition, named after its first record's offset). The
// RotationPolicy decides when the whole open set is committed ("rotation": every open
// object finished and uploaded, then the committable offset moves past them). Every
// rotation is a function of the records alone (flush.size, record-time intervals and
// schedules, schema changes, the byte cap) or of a cut recorded durably before it was made
// (the wall-clock schedule, see CheckWallclock), so reading the same offsets again after
// a crash or a rebalance writes the same objects, byte for byte, under the same names,
// and overwrites what an earlier run already uploaded: exactly-once files.
//
// A rotation cuts the open set: with an UploadPool in the context the cut objects are
// handed to it (finished and uploaded on its workers) and the writer goes on at once; the
// committable offset stays at the cut's first offset until ReapUploads() sees every
// object of that cut uploaded (cuts may complete in any order; the offset never passes an
// unfinished one). Without a pool (tests) the cut is finished and uploaded in place.
// Uploads that fail after the store's own retries are retried every
// `upload_retry_backoff` until they succeed or the task is stopped (an S3 outage blocks
// the sink; nothing is lost or skipped).
//
// Ownership: owns its open objects and its handles on cuts being uploaded; borrows the
// SinkContext (which must outlive it). Threading: the sink task's thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connectors/file_builder.h"
#include "connectors/sink_offsets.h"
#include "connectors/sink_options.h"
#include "format/record_value.h"
#include "format/sink_record.h"
#include "lake/layout/partitioner.h"
#include "lake/layout/rotation_policy.h"
#include "lake/store/object_store.h"

namespace tributary::connectors {

// What the writers of one task share (owned by the task).
struct SinkContext {
  const SinkOptions* options = nullptr;
  lake::ObjectStore* store = nullptr;
  const lake::Partitioner* partitioner = nullptr;
  UploadPool* uploads = nullptr;  // null: cuts are uploaded on the calling thread
  std::stop_token stop;
  // Value objects take their buffer from here, reserved to the size of the partition's
  // last value object, at most `object_buffer_limit` bytes; a partition whose objects
  // pass the limit writes them through a buffer of that size (FileBuilder's spill_at).
  // Null: buffers of their own, grown as needed.
  ObjectBufferPool* buffers = nullptr;
  uint64_t object_buffer_limit = 32ull << 20;
};

struct WriterStats {
  uint64_t records = 0;        // records written into objects
  uint64_t skipped = 0;        // records skipped (ignored nulls, dead-lettered)
  uint64_t objects = 0;        // objects uploaded (keys objects included)
  uint64_t bytes = 0;          // bytes uploaded
  uint64_t rotations = 0;
  uint64_t upload_retries = 0;
  uint64_t spills = 0;
};

// The result of Write(): ok, or an error that is the record's fault (it cannot be
// partitioned or encoded: errors.tolerance may skip it), or any other error (stop).
struct WriteResult {
  Status status;
  bool record_fault = false;
  bool ok() const { return status.ok(); }
};

class TopicPartitionWriter {
 public:
  TopicPartitionWriter(const SinkContext& context, std::string topic, int32_t partition);
  ~TopicPartitionWriter();

  // Reads the cuts recorded by earlier runs (only with rotate.schedule.interval.ms) for
  // records at or after `first_offset` and deletes the spent ones. Call before the first
  // Write (the task calls it with the first record's offset).
  Status LoadRecordedCuts(int64_t first_offset);
  bool cuts_loaded() const { return cuts_loaded_; }

  // Writes one record whose value was parsed (tombstones reach here only with
  // behavior.on.null.values=write); `key` is the parsed key when keys are stored. With
  // store.kafka.headers the record's headers go to the `.headers` object (record.headers
  // must be set); a record without headers is a record fault.
  WriteResult Write(const format::SinkRecord& record, const format::ParsedValue& value,
                    const format::ParsedValue* key, int64_t now_ms);
  // A record consumed but not written.
  void Skip(int64_t offset);

  // Confluent's scheduled rotation on the wall clock (rotate.schedule.interval.ms) when it
  // is due: records the cut (a small marker object) and then commits the open objects.
  Status CheckWallclock(int64_t now_ms);
  // Commits the open objects now (tests; not used by the task, whose cuts are
  // deterministic).
  Status CommitOpen(lake::RotateReason reason);
  // Drops the open objects (revoke, stop): they are re-read later from the committable
  // offset. Cuts being uploaded are not affected.
  void Drop();

  // Takes note of the cuts whose upload has finished: the committable offset moves past
  // the uploaded ones, their counts go to stats(). Returns the failure of a cut that
  // failed (fatal: the task stops), else ok.
  Status ReapUploads();
  // Blocks until every cut of this partition has finished uploading, then ReapUploads().
  Status WaitUploads();
  // Cuts handed to the pool and not yet reaped.
  size_t uploading() const { return uploading_.size(); }

  PartitionProgress& progress() { return progress_; }
  const PartitionProgress& progress() const { return progress_; }
  uint64_t MemoryBytes() const;
  // The part of MemoryBytes() that may still grow (objects not written through a buffer of
  // fixed size, FileBuilder::fixed_memory()).
  uint64_t GrowableMemoryBytes() const;
  // Spills the open object holding the most buffered bytes (objects written through a
  // fixed buffer apart); returns the bytes freed.
  Result<uint64_t> SpillLargest();
  size_t open_objects() const { return files_.size(); }
  const WriterStats& stats() const { return stats_; }
  const std::string& topic() const { return topic_; }
  int32_t partition() const { return partition_; }

  // The folder of the cut markers: [topics.dir/]<topic>/_tributary_cuts/partition=<p>/
  // ('_'-prefixed folders are skipped by Hive, Spark, Athena, DuckDB hive partitioning).
  static std::string CutMarkerPrefix(const lake::ObjectNameOptions& names, std::string_view topic,
                                     int32_t partition);

 private:
  struct OpenObject {
    std::unique_ptr<FileBuilder> value;  // null for a set of tombstones (keys only)
    std::unique_ptr<FileBuilder> keys;   // with store.kafka.keys
    std::unique_ptr<FileBuilder> headers;  // with store.kafka.headers
  };
  Status CommitFiles(lake::RotateReason reason);
  Status PutWithRetry(const std::string& key, const std::string& bytes);
  uint64_t OpenObjectBytes() const;

  // How the next value object's buffer is reserved (SinkContext::buffers).
  FileBuilder::BufferOptions ValueBufferOptions() const;

  SinkContext context_;
  std::string topic_;
  int32_t partition_;
  lake::RotationPolicy policy_;
  std::map<std::string, OpenObject> files_;  // by encoded partition
  std::deque<std::shared_ptr<const UploadPool::Batch>> uploading_;  // in cut order
  PartitionProgress progress_;
  WriterStats stats_;
  bool cuts_loaded_ = false;
  uint64_t last_value_bytes_ = 0;  // mean content of the value objects of the last cut
};

}  // namespace tributary::connectors
