// RotationPolicy: when the open objects of one Kafka topic-partition are committed.
// Confluent's rules and order (TopicPartitionWriter, formats.md 3.4), made deterministic:
//
//   BeforeAppend(record), in this order, with at least one record in the open objects:
//     1. tombstone <-> value switch                              → kTombstoneSwitch
//     2. rotate.interval.ms: record time - the first record's time of the open objects
//        >= interval, or the encoded partition changed (rotate.file.on.partition.change)
//        (time-based partitioners only, as in Confluent)         → kRotateInterval /
//        kPartitionChange
//     3. rotate.schedule.interval.ms: the record's time reached the schedule boundary
//        that follows the open objects' first record (boundaries aligned to 00:00 of
//        `timezone`, as Confluent aligns them)                    → kSchedule
//     4. schema change (the caller's schema/format hook said so)  → kSchemaChange
//   AfterAppend(record, bytes), in this order:
//     1. the record's offset ends a cut recorded by an earlier run → kRecordedCut
//     2. records >= flush.size                                    → kFlushSize
//     3. object bytes >= the byte cap (memory budget)             → kByteCap
//   WallclockDue(now): Confluent's scheduled rotation (the wall clock passed the next
//     boundary after the open objects were opened, with or without new records). The
//     caller may cut now, but must first make the cut durable (record "the object ends at
//     offset N" where the next run reads it, e.g. in the offset commit metadata) and feed
//     recorded cuts back through AddRecordedCut() after a restart. Every cut is then a
//     function of the records and the recorded cuts, never of when the process ran, so a
//     replay writes the same objects with the same names.
// The schedule boundary in rule 4 uses record time (the partitioner's extractor when it
// has one, else the Kafka timestamp): in Confluent it is the wall clock, which is why its
// scheduled rotation is not exactly-once.
// One instance per topic-partition; one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"
#include "format/record_value.h"
#include "lake/layout/time_zone.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::lake {

enum class RotateReason : uint8_t {
  kNone,
  kTombstoneSwitch,
  kRotateInterval,
  kPartitionChange,
  kRecordedCut,
  kSchedule,
  kSchemaChange,
  kFlushSize,
  kByteCap,
  kWallclock,
};
std::string_view RotateReasonName(RotateReason reason);

struct RotationOptions {
  int64_t flush_size = 1;                    // flush.size
  int64_t rotate_interval_ms = -1;           // rotate.interval.ms
  int64_t rotate_schedule_interval_ms = -1;  // rotate.schedule.interval.ms
  bool rotate_on_partition_change = true;    // rotate.file.on.partition.change
  uint64_t max_object_bytes = 0;             // byte cap per open object set (0: none)
  std::shared_ptr<const TimeZone> timezone;  // for the schedule's alignment (UTC if null)

  static RotationOptions FromConfig(const config::ConnectorConfig& config,
                                    std::shared_ptr<const TimeZone> timezone);
};

// What the policy needs to know about the next record.
struct RecordFacts {
  int64_t offset = 0;
  std::optional<int64_t> record_time_ms;    // extractor time (time-based partitioners)
  std::optional<int64_t> schedule_time_ms;  // time for the schedule (extractor or Kafka ts)
  bool tombstone = false;
  bool schema_changed = false;  // the format/schema hook said the open object can't take it
  std::string_view encoded_partition;
  int64_t now_ms = 0;  // wall clock of the batch (only for WallclockDue)
};

class RotationPolicy {
 public:
  explicit RotationPolicy(RotationOptions options);

  // Whether the open objects must be committed before this record is appended.
  RotateReason BeforeAppend(const RecordFacts& record) const;
  // Call after the record was appended; `object_bytes`: estimated bytes of the open
  // objects. Returns the reason to commit now (kNone: keep going).
  RotateReason AfterAppend(const RecordFacts& record, uint64_t object_bytes);
  // Call after the open objects were committed (any reason): counters reset.
  void Committed();

  // The wall-clock check (see the header comment); kWallclock or kNone.
  RotateReason WallclockDue(int64_t now_ms) const;

  // A cut made by an earlier run: the object ended with `last_offset`.
  void AddRecordedCut(int64_t last_offset) { recorded_cuts_.insert(last_offset); }

  int64_t record_count() const { return count_; }
  std::optional<int64_t> first_offset() const {
    return count_ > 0 ? std::optional<int64_t>(first_offset_) : std::nullopt;
  }
  int64_t last_offset() const { return last_offset_; }
  // Next schedule boundary of the open objects (nullopt: no schedule or nothing open).
  std::optional<int64_t> schedule_boundary() const { return schedule_boundary_; }

 private:
  RotationOptions options_;
  int64_t count_ = 0;
  int64_t first_offset_ = -1;
  int64_t last_offset_ = -1;
  std::optional<int64_t> base_record_time_;
  std::optional<int64_t> schedule_boundary_;
  std::optional<int64_t> wallclock_boundary_;
  std::string encoded_partition_;
  bool tombstones_ = false;
  std::set<int64_t> recorded_cuts_;
};

// schema.compatibility: must the open objects be committed before a record whose value
// schema is `next`, when they hold records of schema `open` (nullptr = no schema)?
//   NONE: whenever the schemas differ (Connect's Schema.equals), including a switch between
//         schema-less and schema-based values (Confluent fails the task there; Tributary
//         rotates).
//   BACKWARD / FORWARD / FULL: both schemas need a version (JsonConverter schemas have one
//         only when the producer set it: Debezium's envelope does), else an error as in
//         Confluent; then any difference rotates too. Tributary does not project records to
//         another schema version (Confluent does): each object holds one schema.
Result<bool> SchemaRequiresRotation(std::string_view compatibility,
                                    const format::ConnectSchema* open,
                                    const format::ConnectSchema* next);

// The first boundary strictly after `t_ms` of a schedule of `interval_ms` aligned to
// 00:00 of `zone` on t's local day (Confluent's DateTimeUtils.getNextTimeAdjustedByDay).
int64_t NextScheduleBoundary(int64_t t_ms, int64_t interval_ms, const TimeZone& zone);

}  // namespace tributary::lake
