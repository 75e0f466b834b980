// PartitionProgress: which offset of one Kafka partition the sink may commit.
//
// The sink commits offset N only when every record before N is durable: uploaded in a
// completed object, or deliberately skipped (an ignored null value, a record sent to the
// dead letter queue). Records of the open objects are not durable, so while objects are
// open the committable offset is the first offset of the open set (they will be read
// again after a crash and rewrite the same objects); when none is open it is the offset
// after the last record processed. Offsets only move forward: a commit never goes back.
//
// Plain value type, no I/O; used by one thread (the sink task's).
#pragma once

#include <cstdint>
#include <optional>

namespace tributary::connectors {

class PartitionProgress {
 public:
  // A record was written into an open object. The first one after Durable() starts the
  // open set.
  void Written(int64_t offset) {
    if (!open_start_) open_start_ = offset;
    Processed(offset);
  }
  // A record was consumed without being written (skipped, dead-lettered).
  void Skipped(int64_t offset) { Processed(offset); }
  // Every open object has been uploaded.
  void Durable() { open_start_.reset(); }
  // Open objects were dropped (revoke, stop): their records will be read again.
  void Dropped() {
    if (open_start_) next_ = *open_start_;
    open_start_.reset();
  }

  // The offset that may be committed now (nullopt before any record).
  std::optional<int64_t> Committable() const {
    if (open_start_) return open_start_;
    return next_;
  }
  // True when Committable() is ahead of what was last committed.
  bool NeedsCommit() const {
    auto c = Committable();
    return c.has_value() && (!committed_ || *c > *committed_);
  }
  void MarkCommitted(int64_t offset) {
    if (!committed_ || offset > *committed_) committed_ = offset;
  }
  std::optional<int64_t> committed() const { return committed_; }
  std::optional<int64_t> open_start() const { return open_start_; }
  // Offset after the last record processed.
  std::optional<int64_t> next() const { return next_; }

 private:
  void Processed(int64_t offset) {
    if (!next_ || offset + 1 > *next_) next_ = offset + 1;
  }
  std::optional<int64_t> open_start_;
  std::optional<int64_t> next_;
  std::optional<int64_t> committed_;
};

}  // namespace tributary::connectors
