#include "lake/layout/rotation_policy.h"

#include <fmt/format.h>

#include "config/connector_config.h"

namespace tributary::lake {

std::string_view RotateReasonName(RotateReason reason) {
  switch (reason) {
    case RotateReason::kNone: return "none";
    case RotateReason::kTombstoneSwitch: return "tombstone switch";
    case RotateReason::kRotateInterval: return "rotate.interval.ms";
    case RotateReason::kPartitionChange: return "encoded partition change";
    case RotateReason::kRecordedCut: return "recorded cut";
    case RotateReason::kSchedule: return "rotate.schedule.interval.ms";
    case RotateReason::kSchemaChange: return "schema change";
    case RotateReason::kFlushSize: return "flush.size";
    case RotateReason::kByteCap: return "byte cap";
    case RotateReason::kWallclock: return "rotate.schedule.interval.ms (wall clock)";
  }
  return "?";
}

RotationOptions RotationOptions::FromConfig(const config::ConnectorConfig& config,
                                            std::shared_ptr<const TimeZone> timezone) {
  RotationOptions o;
  if (config.Has("flush.size")) o.flush_size = config.GetLong("flush.size");
  if (config.Has("rotate.interval.ms")) o.rotate_interval_ms = config.GetLong("rotate.interval.ms");
  if (config.Has("rotate.schedule.interval.ms")) {
    o.rotate_schedule_interval_ms = config.GetLong("rotate.schedule.interval.ms");
  }
  if (config.Has("rotate.file.on.partition.change")) {
    o.rotate_on_partition_change = config.GetBool("rotate.file.on.partition.change");
  }
  o.timezone = std::move(timezone);
  return o;
}

Result<bool> SchemaRequiresRotation(std::string_view compatibility,
                                    const format::ConnectSchema* open,
                                    const format::ConnectSchema* next) {
  if (open == nullptr || next == nullptr) return (open == nullptr) != (next == nullptr);
  if (compatibility != "NONE" && (!open->version || !next->version)) {
    return Error(Status::FailedPrecondition(fmt::format(
        "schema.compatibility={} needs schema versions, and the record's schema '{}' has none; "
        "use schema.compatibility=NONE",
        compatibility, next->name)));
  }
  return !format::SameSchema(*open, *next);
}

int64_t NextScheduleBoundary(int64_t t_ms, int64_t interval_ms, const TimeZone& zone) {
  constexpr int64_t kDay = 24 * 3600 * 1000;
  int64_t local = zone.UtcToLocal(t_ms);
  int64_t local_day = local >= 0 ? local / kDay * kDay : -((-local + kDay - 1) / kDay) * kDay;
  int64_t start_of_day = zone.LocalToUtc(local_day);
  int64_t since = t_ms - start_of_day;
  int64_t steps = since >= 0 ? since / interval_ms + 1 : 0;
  return start_of_day + steps * interval_ms;
}

RotationPolicy::RotationPolicy(RotationOptions options) : options_(std::move(options)) {
  if (!options_.timezone) options_.timezone = TimeZone::Utc();
}

RotateReason RotationPolicy::BeforeAppend(const RecordFacts& r) const {
  if (count_ == 0) return RotateReason::kNone;
  if (r.tombstone != tombstones_) return RotateReason::kTombstoneSwitch;
  if (options_.rotate_interval_ms > 0 && r.record_time_ms && base_record_time_) {
    if (*r.record_time_ms - *base_record_time_ >= options_.rotate_interval_ms) {
      return RotateReason::kRotateInterval;
    }
    if (options_.rotate_on_partition_change && r.encoded_partition != encoded_partition_) {
      return RotateReason::kPartitionChange;
    }
  }
  if (schedule_boundary_ && r.schedule_time_ms && *r.schedule_time_ms >= *schedule_boundary_) {
    return RotateReason::kSchedule;
  }
  if (r.schema_changed) return RotateReason::kSchemaChange;
  return RotateReason::kNone;
}

RotateReason RotationPolicy::AfterAppend(const RecordFacts& r, uint64_t object_bytes) {
  if (count_ == 0) {
    first_offset_ = r.offset;
    base_record_time_ = r.record_time_ms;
    tombstones_ = r.tombstone;
    if (options_.rotate_schedule_interval_ms > 0) {
      if (r.schedule_time_ms) {
        schedule_boundary_ = NextScheduleBoundary(
            *r.schedule_time_ms, options_.rotate_schedule_interval_ms, *options_.timezone);
      }
      wallclock_boundary_ =
          NextScheduleBoundary(r.now_ms, options_.rotate_schedule_interval_ms, *options_.timezone);
    }
  }
  encoded_partition_.assign(r.encoded_partition);
  ++count_;
  last_offset_ = r.offset;
  if (recorded_cuts_.count(r.offset) != 0) return RotateReason::kRecordedCut;
  if (count_ >= options_.flush_size) return RotateReason::kFlushSize;
  if (options_.max_object_bytes > 0 && object_bytes >= options_.max_object_bytes) {
    return RotateReason::kByteCap;
  }
  return RotateReason::kNone;
}

void RotationPolicy::Committed() {
  count_ = 0;
  first_offset_ = -1;
  base_record_time_.reset();
  schedule_boundary_.reset();
  wallclock_boundary_.reset();
  encoded_partition_.clear();
  tombstones_ = false;
  // Cuts at or before the committed offset are spent.
  recorded_cuts_.erase(recorded_cuts_.begin(), recorded_cuts_.upper_bound(last_offset_));
}

RotateReason RotationPolicy::WallclockDue(int64_t now_ms) const {
  if (count_ > 0 && wallclock_boundary_ && now_ms >= *wallclock_boundary_)
    return RotateReason::kWallclock;
  return RotateReason::kNone;
}

}  // namespace tributary::lake
