// PartitionProgress: which offset of one Kafka partition the sink may commit.
//
// The sink commits offset N only when every record before N is durable: uploaded in a
// completed object, or deliberately skipped (an ignored null value, a record sent to the
// dead letter queue). Records move through three states:
//   open       in objects still being written (the open set, from its first offset);
//   uploading  in objects cut and handed to the upload pool, not yet all uploaded; each
//              cut set ("batch") is known by its first offset, and batches may finish in
//              any order;
//   durable    uploaded, or skipped.
// The committable offset is the first offset of the earliest open or uploading set (those
// records are read again after a crash and rewrite the same objects); when there is none,
// the offset after the last record processed. Offsets only move forward: a commit never
// goes back.
//
// Plain value type, no I/O; used by one thread (the sink task's).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace tributary::connectors {

class PartitionProgress {
 public:
  // A record was written into an open object. The first one after a cut starts the open
  // set.
  void Written(int64_t offset) {
    if (!open_start_) open_start_ = offset;
    Processed(offset);
  }
  // A record was consumed without being written (skipped, dead-lettered).
  void Skipped(int64_t offset) { Processed(offset); }

  // The open set was cut and handed over for upload; returns its first offset (the
  // batch's id for Uploaded()), nullopt when nothing was open.
  std::optional<int64_t> Cut() {
    std::optional<int64_t> first = open_start_;
    if (first) uploading_.insert(std::upper_bound(uploading_.begin(), uploading_.end(), *first),
                                 *first);
    open_start_.reset();
    return first;
  }
  // Every object of the batch cut at `first_offset` is uploaded.
  void Uploaded(int64_t first_offset) {
    auto it = std::find(uploading_.begin(), uploading_.end(), first_offset);
    if (it != uploading_.end()) uploading_.erase(it);
  }
  // Every open object has been uploaded in place (no pool): Cut() and Uploaded() at once.
  void Durable() {
    if (auto first = Cut()) Uploaded(*first);
  }
  // Open objects were dropped (revoke, stop): their records will be read again. Batches
  // still uploading keep holding the offset back.
  void Dropped() {
    if (open_start_) next_ = *open_start_;
    open_start_.reset();
  }

  // The offset that may be committed now (nullopt before any record).
  std::optional<int64_t> Committable() const {
    std::optional<int64_t> c = open_start_;
    if (!uploading_.empty() && (!c || uploading_.front() < *c)) c = uploading_.front();
    if (c) return c;
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
  // Batches cut but not yet uploaded.
  size_t uploading() const { return uploading_.size(); }
  // Offset after the last record processed.
  std::optional<int64_t> next() const { return next_; }

 private:
  void Processed(int64_t offset) {
    if (!next_ || offset + 1 > *next_) next_ = offset + 1;
  }
  std::optional<int64_t> open_start_;
  std::vector<int64_t> uploading_;  // first offsets of the batches uploading, ascending
  std::optional<int64_t> next_;
  std::optional<int64_t> committed_;
};

}  // namespace tributary::connectors
