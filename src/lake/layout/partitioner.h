// Partitioners: the <encodedPartition> part of object keys, as the Confluent storage
// partitioners compute it (formats.md 3.2), plus the timestamp extractors they use.
//
//   Default      "partition=<kafka partition>"
//   Field        "<field>=<value>" per `partition.field.name`, joined by directory.delim;
//                fields are dotted paths into the value (`after.region`, `source.db`);
//                integers, strings and booleans only; JSON null → "<field>=null"
//   TimeBased    the record time (extractor) rounded down to `partition.duration.ms` in
//                `timezone`, printed with `path.format`
//   Daily/Hourly TimeBased with 1 day / 1 h and 'year'=YYYY/'month'=MM/'day'=dd[/'hour'=HH]
// A tombstone reaching a partitioner (behavior.on.null.values=write) goes to
// `tombstone.encoded.partition`, as Confluent's TombstoneSupportedPartitioner does.
//
// Time extractors: Wallclock (the `now_ms` the caller passes: the time of the current
// batch, never read here, so tests and replays are deterministic), Record (the Kafka
// timestamp), RecordField (`timestamp.field`: a number of ms since the epoch, a string of
// digits, or an ISO-8601 date-time; Connect Timestamp/Date logical types).
// Immutable after creation; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/record_value.h"
#include "format/sink_record.h"
#include "lake/layout/object_name.h"
#include "lake/layout/path_format.h"
#include "lake/layout/time_zone.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::lake {

enum class TimestampSource : uint8_t { kWallclock, kRecord, kRecordField };

class TimestampExtractor {
 public:
  TimestampExtractor(TimestampSource source, std::string field)
      : source_(source), field_(std::move(field)) {}
  // Milliseconds since the epoch for this record; errors name the record.
  Result<int64_t> Extract(const format::SinkRecord& record, const format::ParsedValue& value,
                          int64_t now_ms) const;
  TimestampSource source() const { return source_; }
  // True when the result depends only on the record (not on the wall clock).
  bool deterministic() const { return source_ != TimestampSource::kWallclock; }

 private:
  TimestampSource source_;
  std::string field_;
};

// Parses what RecordField accepts in a string: all digits (ms), or ISO-8601
// "2024-05-01", "2024-05-01T13:45", "...:07", "...:07.123456", with "Z" or ±hh[:mm]
// (no offset: UTC). Fractions beyond ms are truncated.
std::optional<int64_t> ParseTimestampText(std::string_view text);

enum class PartitionerKind : uint8_t { kDefault, kField, kTimeBased, kDaily, kHourly };

struct PartitionerOptions {
  PartitionerKind kind = PartitionerKind::kDefault;
  std::vector<std::string> field_names;                            // partition.field.name
  int64_t partition_duration_ms = -1;                              // partition.duration.ms
  std::string path_format;                                         // path.format
  std::string locale;                                              // locale (English text only)
  std::string timezone;                                            // timezone
  TimestampSource timestamp_source = TimestampSource::kWallclock;  // timestamp.extractor
  std::string timestamp_field = "timestamp";                       // timestamp.field
  std::string directory_delim = "/";                               // directory.delim
  std::string tombstone_partition = "tombstone";                   // tombstone.encoded.partition

  static Result<PartitionerOptions> FromConfig(const config::ConnectorConfig& config);
};

class Partitioner {
 public:
  // Checks the options as Confluent's configure() does (a time-based partitioner needs
  // path.format, a duration, locale and timezone; Field needs field names).
  static Result<std::unique_ptr<Partitioner>> Create(const PartitionerOptions& options);
  virtual ~Partitioner() = default;

  // The encoded partition of one record; `now_ms` is the wall clock of the current batch.
  virtual Result<std::string> EncodePartition(const format::SinkRecord& record,
                                              const format::ParsedValue& value,
                                              int64_t now_ms) const = 0;

  // The record time used for rotate.interval.ms: set only for time-based partitioners
  // (Confluent ignores rotate.interval.ms otherwise).
  virtual const TimestampExtractor* timestamp_extractor() const { return nullptr; }
  // True when the same records always give the same partitions (no Wallclock).
  virtual bool deterministic() const { return true; }

 protected:
  explicit Partitioner(std::string tombstone_partition)
      : tombstone_partition_(std::move(tombstone_partition)) {}
  std::string tombstone_partition_;
};

// The bucket start of TimeBasedPartitioner.getPartition: the local time truncated to a
// multiple of `duration_ms` (Java long division, toward zero), back to UTC.
int64_t TimeBucketStart(int64_t utc_ms, int64_t duration_ms, const TimeZone& zone);

}  // namespace tributary::lake
