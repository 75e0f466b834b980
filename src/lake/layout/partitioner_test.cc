#include "lake/layout/partitioner.h"

#include <gtest/gtest.h>

#include "config/connector_config.h"

namespace tributary::lake {
namespace {

using format::ParsedValue;
using format::RecordValueParser;
using format::SinkRecord;

int64_t Utc(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return ((DaysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000;
}

constexpr std::string_view kEvent =
    R"({"before":null,"after":{"id":1004,"region":"eu-west","vip":true,"score":1.5,"nested":{"k":7},"note":null,"created":"2024-05-01T13:45:00.123456Z"},)"
    R"("source":{"version":"3.0.7.Final","connector":"mysql","name":"dbserver1","ts_ms":1714571100000,"db":"inventory","table":"customers"},"op":"c","ts_ms":1714571100823})";

struct Fixture {
  RecordValueParser parser;
  SinkRecord record;
  ParsedValue value;
  explicit Fixture(std::string_view json, int32_t partition = 3) {
    record.topic = "dbserver1.inventory.customers";
    record.partition = partition;
    record.offset = 55;
    record.timestamp_ms = Utc(2024, 5, 1, 23, 59, 59);
    record.timestamp_type = format::TimestampType::kCreateTime;
    record.value = json;
    value = *parser.Parse(record);
  }
};

std::unique_ptr<Partitioner> Make(PartitionerOptions o) {
  auto p = Partitioner::Create(o);
  EXPECT_TRUE(p.has_value()) << p.error().ToString();
  return p ? std::move(*p) : nullptr;
}

TEST(Partitioner, DefaultAndTombstone) {
  Fixture f(kEvent);
  auto p = Make({});
  EXPECT_EQ(*p->EncodePartition(f.record, f.value, 0), "partition=3");
  ParsedValue tomb;
  EXPECT_EQ(*p->EncodePartition(f.record, tomb, 0), "tombstone");
  EXPECT_TRUE(p->deterministic());
  EXPECT_EQ(p->timestamp_extractor(), nullptr);
}

TEST(Partitioner, FieldNestedDebezium) {
  Fixture f(kEvent);
  PartitionerOptions o;
  o.kind = PartitionerKind::kField;
  o.field_names = {"after.region", "source.db", "after.vip", "after.id", "after.note"};
  auto p = Make(o);
  EXPECT_EQ(
      *p->EncodePartition(f.record, f.value, 0),
      "after.region=eu-west/source.db=inventory/after.vip=true/after.id=1004/after.note=null");
  for (std::string_view bad : {"after.score", "after.nested", "after.missing"}) {
    o.field_names = {std::string(bad)};
    auto e = Make(o)->EncodePartition(f.record, f.value, 0);
    ASSERT_FALSE(e.has_value()) << bad;
    EXPECT_NE(e.error().message().find("offset 55"), std::string::npos);
  }
  o.field_names = {};
  EXPECT_FALSE(Partitioner::Create(o).has_value());
}

TEST(Partitioner, FieldWithSchemaChecksTypes) {
  Fixture f(
      R"({"schema":{"type":"struct","fields":[{"type":"int64","field":"id"},{"type":"double","field":"d"},{"type":"string","optional":true,"field":"s"}]},"payload":{"id":9,"d":1,"s":null}})");
  PartitionerOptions o;
  o.kind = PartitionerKind::kField;
  o.field_names = {"id", "s"};
  EXPECT_EQ(*Make(o)->EncodePartition(f.record, f.value, 0), "id=9/s=null");
  o.field_names = {"d"};
  EXPECT_FALSE(Make(o)->EncodePartition(f.record, f.value, 0).has_value());
  o.field_names = {"nope"};
  EXPECT_FALSE(Make(o)->EncodePartition(f.record, f.value, 0).has_value());
}

TEST(Partitioner, HourlyDailyAndTimeBased) {
  Fixture f(kEvent);
  PartitionerOptions o;
  o.kind = PartitionerKind::kHourly;
  o.locale = "en-US";
  o.timezone = "UTC";
  o.timestamp_source = TimestampSource::kRecordField;
  o.timestamp_field = "source.ts_ms";  // 2024-05-01T13:45:00Z
  EXPECT_EQ(*Make(o)->EncodePartition(f.record, f.value, 0), "year=2024/month=05/day=01/hour=13");
  o.timestamp_field = "after.created";  // ISO string
  EXPECT_EQ(*Make(o)->EncodePartition(f.record, f.value, 0), "year=2024/month=05/day=01/hour=13");
  o.kind = PartitionerKind::kDaily;
  o.timestamp_source = TimestampSource::kRecord;  // 23:59:59Z; in Kolkata already May 2nd
  o.timezone = "Asia/Kolkata";
  EXPECT_EQ(*Make(o)->EncodePartition(f.record, f.value, 0), "year=2024/month=05/day=02");
  o.kind = PartitionerKind::kTimeBased;
  o.timezone = "America/New_York";
  o.timestamp_source = TimestampSource::kWallclock;
  o.partition_duration_ms = 15 * 60 * 1000;
  o.path_format = "'dt'=yyyy-MM-dd/'t'=HHmm/";  // the trailing delimiter goes away
  auto p = Make(o);
  EXPECT_FALSE(p->deterministic());
  EXPECT_EQ(*p->EncodePartition(f.record, f.value, Utc(2024, 3, 10, 7, 14)),
            "dt=2024-03-10/t=0300");
  EXPECT_EQ(*p->EncodePartition(f.record, f.value, Utc(2024, 3, 10, 6, 59)),
            "dt=2024-03-10/t=0145");
  // The repeated hour on 2024-11-03: both 01:30 EDT and 01:30 EST land in "0130".
  EXPECT_EQ(*p->EncodePartition(f.record, f.value, Utc(2024, 11, 3, 5, 31)),
            "dt=2024-11-03/t=0130");
  EXPECT_EQ(*p->EncodePartition(f.record, f.value, Utc(2024, 11, 3, 6, 31)),
            "dt=2024-11-03/t=0130");
}

TEST(Partitioner, DailyBucketsAcrossDst) {
  auto ny = *TimeZone::Load("America/New_York");
  constexpr int64_t kDay = 86400000;
  // 2024-03-10 is 23 hours long in New York; its bucket starts at 05:00Z, the next at 04:00Z.
  EXPECT_EQ(TimeBucketStart(Utc(2024, 3, 10, 12), kDay, *ny), Utc(2024, 3, 10, 5));
  EXPECT_EQ(TimeBucketStart(Utc(2024, 3, 11, 3, 59), kDay, *ny), Utc(2024, 3, 10, 5));
  EXPECT_EQ(TimeBucketStart(Utc(2024, 3, 11, 4), kDay, *ny), Utc(2024, 3, 11, 4));
  // Java division truncates toward zero before 1970.
  EXPECT_EQ(TimeBucketStart(-1, 3600000, *TimeZone::Utc()), 0);
}

TEST(Partitioner, TimeBasedConfigChecks) {
  PartitionerOptions o;
  o.kind = PartitionerKind::kTimeBased;
  o.partition_duration_ms = 3600000;
  o.path_format = "YYYY";
  o.timezone = "UTC";
  EXPECT_FALSE(Partitioner::Create(o).has_value());  // no locale
  o.locale = "en";
  o.timezone = "";
  EXPECT_FALSE(Partitioner::Create(o).has_value());
  o.timezone = "UTC";
  o.partition_duration_ms = -1;
  EXPECT_FALSE(Partitioner::Create(o).has_value());
  o.partition_duration_ms = 3600000;
  o.path_format = "YYYY q";
  EXPECT_FALSE(Partitioner::Create(o).has_value());
}

TEST(TimestampExtractor, FieldsAndRecordTime) {
  Fixture f(kEvent);
  TimestampExtractor record(TimestampSource::kRecord, "");
  EXPECT_EQ(*record.Extract(f.record, f.value, 0), Utc(2024, 5, 1, 23, 59, 59));
  f.record.timestamp_type = format::TimestampType::kNone;
  EXPECT_FALSE(record.Extract(f.record, f.value, 0).has_value());
  TimestampExtractor field(TimestampSource::kRecordField, "after.region");
  EXPECT_FALSE(field.Extract(f.record, f.value, 0).has_value());
  EXPECT_EQ(ParseTimestampText("1714571100000"), 1714571100000);
  EXPECT_EQ(ParseTimestampText("2024-05-01"), Utc(2024, 5, 1));
  EXPECT_EQ(ParseTimestampText("2024-05-01T13:45"), Utc(2024, 5, 1, 13, 45));
  EXPECT_EQ(ParseTimestampText("2024-05-01T13:45:07.5+02:00"), Utc(2024, 5, 1, 11, 45, 7) + 500);
  EXPECT_EQ(ParseTimestampText("2024-05-01 13:45:07-0130"), Utc(2024, 5, 1, 15, 15, 7));
  EXPECT_FALSE(ParseTimestampText("yesterday").has_value());
  EXPECT_FALSE(ParseTimestampText("2024-13-01").has_value());
}

TEST(Partitioner, FromConfig) {
  config::ConnectorConfig c;
  c.values["partitioner.class"].value =
      "io.confluent.connect.storage.partitioner.HourlyPartitioner";
  c.values["locale"].value = "en-US";
  c.values["timezone"].value = "UTC";
  c.values["timestamp.extractor"].value = "RecordField";
  c.values["timestamp.field"].value = "source.ts_ms";
  auto o = PartitionerOptions::FromConfig(c);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->kind, PartitionerKind::kHourly);
  Fixture f(kEvent);
  EXPECT_EQ(*Make(*o)->EncodePartition(f.record, f.value, 0), "year=2024/month=05/day=01/hour=13");
}

}  // namespace
}  // namespace tributary::lake
