#include "lake/layout/partitioner.h"

#include <fmt/format.h>

#include <charconv>

#include "config/connector_config.h"

namespace tributary::lake {

using format::ConnectSchema;
using format::ConnectType;
using format::JsonView;
using format::ParsedValue;
using format::SinkRecord;

// ---------------------------------------------------------------- timestamps

namespace {

bool Digits(std::string_view s, size_t at, size_t n, int* out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<int64_t> ParseTimestampText(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t start = (s[0] == '-') ? 1 : 0;
  if (start < s.size() && s.find_first_not_of("0123456789", start) == std::string_view::npos) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc()) return std::nullopt;
    return v;
  }
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  size_t i = 10;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    if (!Digits(s, i + 1, 2, &h) || i + 3 >= s.size() + 0 || s[i + 3] != ':' ||
        !Digits(s, i + 4, 2, &mi)) {
      return std::nullopt;
    }
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!Digits(s, i + 1, 2, &sec)) return std::nullopt;
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        int digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          if (digits < 3) ms = ms * 10 + (s[i] - '0');
          ++digits;
          ++i;
        }
        if (digits == 0) return std::nullopt;
        for (int k = digits; k < 3; ++k) ms *= 10;
      }
    }
    if (h > 24 || mi > 59 || sec > 60) return std::nullopt;
  }
  int64_t offset_s = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' && i + 1 == s.size()) {
      i += 1;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i] == '-' ? -1 : 1;
      int oh = 0, om = 0;
      if (!Digits(s, i + 1, 2, &oh)) return std::nullopt;
      size_t j = i + 3;
      if (j < s.size() && s[j] == ':') ++j;
      if (j < s.size()) {
        if (!Digits(s, j, 2, &om)) return std::nullopt;
        j += 2;
      }
      if (j != s.size()) return std::nullopt;
      offset_s = sign * (oh * 3600 + om * 60);
      i = j;
    } else {
      return std::nullopt;
    }
  }
  int64_t days = DaysFromCivil(y, mo, d);
  return ((days * 86400 + h * 3600 + mi * 60 + sec) - offset_s) * 1000 + ms;
}

Result<int64_t> TimestampExtractor::Extract(const SinkRecord& record, const ParsedValue& value,
                                            int64_t now_ms) const {
  switch (source_) {
    case TimestampSource::kWallclock: return now_ms;
    case TimestampSource::kRecord:
      if (!record.has_timestamp()) {
        return Error(Status::Corruption(
            fmt::format("{}: the record has no timestamp (timestamp.extractor=Record)",
                        format::RecordPosition(record))));
      }
      return record.timestamp_ms;
    case TimestampSource::kRecordField: {
      auto fail = [&](std::string_view why) {
        return Error(Status::Corruption(fmt::format("{}: timestamp.field '{}' {}",
                                                    format::RecordPosition(record), field_, why)));
      };
      if (value.is_tombstone()) return fail("is missing: the record is a tombstone");
      JsonView v = value.Find(field_);
      const ConnectSchema* schema = value.SchemaAt(field_);
      if (v.is_null()) return fail("is missing or null");
      if (schema != nullptr && schema->name == format::kConnectDateName && v.is_integer()) {
        return *v.AsInt64() * 86400000;
      }
      if (v.is_integer()) {
        auto n = v.AsInt64();
        if (!n) return fail("does not fit in a 64-bit number");
        return *n;
      }
      if (v.is_string()) {
        auto t = ParseTimestampText(v.text());
        if (!t)
          return fail(
              fmt::format("holds '{}', neither digits nor an ISO-8601 date-time", v.text()));
        return *t;
      }
      return fail("is not a number of milliseconds or a date-time string");
    }
  }
  return Error(Status::Internal("unknown timestamp extractor"));
}

// ---------------------------------------------------------------- partitioners

int64_t TimeBucketStart(int64_t utc_ms, int64_t duration_ms, const TimeZone& zone) {
  int64_t local = zone.UtcToLocal(utc_ms);
  int64_t bucket = (local / duration_ms) * duration_ms;  // Java: truncation toward zero
  return zone.LocalToUtc(bucket);
}

namespace {

class DefaultPartitioner final : public Partitioner {
 public:
  explicit DefaultPartitioner(std::string tombstone) : Partitioner(std::move(tombstone)) {}
  Result<std::string> EncodePartition(const SinkRecord& record, const ParsedValue& value,
                                      int64_t) const override {
    if (value.is_tombstone()) return tombstone_partition_;
    return fmt::format("partition={}", record.partition);
  }
};

class FieldPartitioner final : public Partitioner {
 public:
  FieldPartitioner(std::vector<std::string> fields, std::string delim, std::string tombstone)
      : Partitioner(std::move(tombstone)), fields_(std::move(fields)), delim_(std::move(delim)) {}

  Result<std::string> EncodePartition(const SinkRecord& record, const ParsedValue& value,
                                      int64_t) const override {
    if (value.is_tombstone()) return tombstone_partition_;
    std::string out;
    for (const std::string& name : fields_) {
      if (!out.empty()) out += delim_;
      JsonView v = value.Find(name);
      const ConnectSchema* schema = value.SchemaAt(name);
      auto fail = [&](std::string_view why) {
        return Error(Status::Corruption(fmt::format("{}: partition.field.name '{}' {}",
                                                    format::RecordPosition(record), name, why)));
      };
      if (schema == nullptr && value.schema && !value.payload.Find(name).valid()) {
        return fail("is not a field of the record's schema");
      }
      if (v.is_null()) {
        if (!v.valid() && !value.schema) return fail("is missing from the value");
        out += name + "=null";
        continue;
      }
      if (schema != nullptr) {
        switch (schema->type) {
          case ConnectType::kInt8:
          case ConnectType::kInt16:
          case ConnectType::kInt32:
          case ConnectType::kInt64:
          case ConnectType::kString:
          case ConnectType::kBoolean: break;
          default:
            return fail(
                fmt::format("has type {}; only integers, strings and booleans can "
                            "partition",
                            format::ConnectTypeName(schema->type)));
        }
      }
      if (v.is_integer()) {
        out += name + "=" + std::string(v.text());
      } else if (v.is_string()) {
        out += name + "=" + std::string(v.text());
      } else if (v.is_bool()) {
        out += name + (v.bool_value() ? "=true" : "=false");
      } else {
        return fail("is not an integer, a string or a boolean");
      }
    }
    return out;
  }

 private:
  std::vector<std::string> fields_;
  std::string delim_;
};

class TimeBasedPartitioner final : public Partitioner {
 public:
  TimeBasedPartitioner(int64_t duration_ms, PathFormat format, std::shared_ptr<const TimeZone> zone,
                       TimestampExtractor extractor, std::string tombstone)
      : Partitioner(std::move(tombstone)),
        duration_ms_(duration_ms),
        format_(std::move(format)),
        zone_(std::move(zone)),
        extractor_(std::move(extractor)) {}

  Result<std::string> EncodePartition(const SinkRecord& record, const ParsedValue& value,
                                      int64_t now_ms) const override {
    if (value.is_tombstone()) return tombstone_partition_;
    auto ts = extractor_.Extract(record, value, now_ms);
    if (!ts) return Error(ts.error());
    return format_.Format(TimeBucketStart(*ts, duration_ms_, *zone_), *zone_);
  }
  const TimestampExtractor* timestamp_extractor() const override { return &extractor_; }
  bool deterministic() const override { return extractor_.deterministic(); }

 private:
  int64_t duration_ms_;
  PathFormat format_;
  std::shared_ptr<const TimeZone> zone_;
  TimestampExtractor extractor_;
};

std::string_view SimpleName(std::string_view cls) {
  size_t dot = cls.rfind('.');
  return dot == std::string_view::npos ? cls : cls.substr(dot + 1);
}

}  // namespace

Result<PartitionerOptions> PartitionerOptions::FromConfig(const config::ConnectorConfig& config) {
  PartitionerOptions o;
  std::string cls = config.Has("partitioner.class") ? config.GetString("partitioner.class")
                                                    : "DefaultPartitioner";
  std::string_view simple = SimpleName(cls);
  if (simple == "DefaultPartitioner") {
    o.kind = PartitionerKind::kDefault;
  } else if (simple == "FieldPartitioner") {
    o.kind = PartitionerKind::kField;
  } else if (simple == "TimeBasedPartitioner") {
    o.kind = PartitionerKind::kTimeBased;
  } else if (simple == "DailyPartitioner") {
    o.kind = PartitionerKind::kDaily;
  } else if (simple == "HourlyPartitioner") {
    o.kind = PartitionerKind::kHourly;
  } else {
    return Error(
        Status::InvalidArgument(fmt::format("partitioner.class '{}' is not supported", cls)));
  }
  if (config.Has("partition.field.name")) o.field_names = config.GetList("partition.field.name");
  if (config.Has("partition.duration.ms"))
    o.partition_duration_ms = config.GetLong("partition.duration.ms");
  if (config.Has("path.format")) o.path_format = config.GetString("path.format");
  if (config.Has("locale")) o.locale = config.GetString("locale");
  if (config.Has("timezone")) o.timezone = config.GetString("timezone");
  if (config.Has("timestamp.extractor")) {
    const std::string extractor = config.GetString("timestamp.extractor");
    std::string_view ex = SimpleName(extractor);
    if (ex == "Wallclock" || ex == "WallclockTimestampExtractor") {
      o.timestamp_source = TimestampSource::kWallclock;
    } else if (ex == "Record" || ex == "RecordTimestampExtractor") {
      o.timestamp_source = TimestampSource::kRecord;
    } else if (ex == "RecordField" || ex == "RecordFieldTimestampExtractor") {
      o.timestamp_source = TimestampSource::kRecordField;
    } else {
      return Error(Status::InvalidArgument(
          fmt::format("timestamp.extractor '{}' is not supported", extractor)));
    }
  }
  if (config.Has("timestamp.field")) o.timestamp_field = config.GetString("timestamp.field");
  if (config.Has("directory.delim")) o.directory_delim = config.GetString("directory.delim");
  if (config.Has("tombstone.encoded.partition")) {
    o.tombstone_partition = config.GetString("tombstone.encoded.partition");
  }
  return o;
}

Result<std::unique_ptr<Partitioner>> Partitioner::Create(const PartitionerOptions& o) {
  switch (o.kind) {
    case PartitionerKind::kDefault:
      return std::unique_ptr<Partitioner>(new DefaultPartitioner(o.tombstone_partition));
    case PartitionerKind::kField:
      if (o.field_names.empty()) {
        return Error(Status::InvalidArgument("FieldPartitioner needs partition.field.name"));
      }
      return std::unique_ptr<Partitioner>(
          new FieldPartitioner(o.field_names, o.directory_delim, o.tombstone_partition));
    case PartitionerKind::kTimeBased:
    case PartitionerKind::kDaily:
    case PartitionerKind::kHourly: break;
  }
  int64_t duration = o.partition_duration_ms;
  std::string pattern = o.path_format;
  if (o.kind == PartitionerKind::kDaily) {
    duration = 24 * 3600 * 1000;
    pattern = "'year'=YYYY" + o.directory_delim + "'month'=MM" + o.directory_delim + "'day'=dd";
  } else if (o.kind == PartitionerKind::kHourly) {
    duration = 3600 * 1000;
    pattern = "'year'=YYYY" + o.directory_delim + "'month'=MM" + o.directory_delim + "'day'=dd" +
              o.directory_delim + "'hour'=HH";
  }
  if (duration <= 0) {
    return Error(Status::InvalidArgument(
        "TimeBasedPartitioner needs partition.duration.ms > 0 (the bucket size in ms)"));
  }
  if (pattern.empty())
    return Error(Status::InvalidArgument("TimeBasedPartitioner needs path.format"));
  // Confluent strips one trailing directory delimiter from path.format.
  if (!o.directory_delim.empty() && pattern.size() > o.directory_delim.size() &&
      pattern.ends_with(o.directory_delim)) {
    pattern.resize(pattern.size() - o.directory_delim.size());
  }
  if (o.locale.empty()) {
    return Error(Status::InvalidArgument("time-based partitioners need `locale` (e.g. en-US)"));
  }
  if (o.timezone.empty()) {
    return Error(Status::InvalidArgument("time-based partitioners need `timezone` (e.g. UTC)"));
  }
  auto format = PathFormat::Compile(pattern);
  if (!format) return Error(format.error());
  auto zone = TimeZone::Load(o.timezone);
  if (!zone) return Error(zone.error());
  return std::unique_ptr<Partitioner>(new TimeBasedPartitioner(
      duration, std::move(*format), std::move(*zone),
      TimestampExtractor(o.timestamp_source, o.timestamp_field), o.tombstone_partition));
}

}  // namespace tributary::lake
