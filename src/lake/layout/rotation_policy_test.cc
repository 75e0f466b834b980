#include "lake/layout/rotation_policy.h"

#include <gtest/gtest.h>

namespace tributary::lake {
namespace {

int64_t Utc(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return ((DaysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000;
}

// Feeds records through a policy the way the file builder will; returns the cut points
// (last offset of each committed object) and why.
struct Cuts {
  std::vector<std::pair<int64_t, RotateReason>> cuts;
};

Cuts Feed(RotationPolicy& p, const std::vector<RecordFacts>& records) {
  Cuts run;
  for (const RecordFacts& r : records) {
    RotateReason before = p.BeforeAppend(r);
    if (before != RotateReason::kNone) {
      run.cuts.emplace_back(p.last_offset(), before);
      p.Committed();
    }
    RotateReason after = p.AfterAppend(r, static_cast<uint64_t>(p.record_count() + 1) * 100);
    if (after != RotateReason::kNone) {
      run.cuts.emplace_back(r.offset, after);
      p.Committed();
    }
  }
  return run;
}

RecordFacts At(int64_t offset, int64_t time_ms, std::string_view partition = "p") {
  RecordFacts r;
  r.offset = offset;
  r.record_time_ms = time_ms;
  r.schedule_time_ms = time_ms;
  r.encoded_partition = partition;
  return r;
}

TEST(RotationPolicy, FlushSize) {
  RotationPolicy p({.flush_size = 3});
  std::vector<RecordFacts> rs;
  for (int i = 0; i < 7; ++i) rs.push_back(At(i, 0));
  Cuts run = Feed(p, rs);
  ASSERT_EQ(run.cuts.size(), 2u);
  EXPECT_EQ(run.cuts[0], std::make_pair(int64_t{2}, RotateReason::kFlushSize));
  EXPECT_EQ(run.cuts[1], std::make_pair(int64_t{5}, RotateReason::kFlushSize));
  EXPECT_EQ(p.record_count(), 1);
  EXPECT_EQ(p.first_offset(), 6);
}

TEST(RotationPolicy, RotateIntervalIsRecordTimeFromTheFirstRecord) {
  RotationPolicy p({.flush_size = 1000, .rotate_interval_ms = 1000});
  // 999 ms after the first record stays; exactly 1000 ms later starts a new object.
  Cuts run = Feed(p, {At(10, 5000), At(11, 5999), At(12, 6000), At(13, 6500), At(14, 7000)});
  ASSERT_EQ(run.cuts.size(), 2u);
  EXPECT_EQ(run.cuts[0], std::make_pair(int64_t{11}, RotateReason::kRotateInterval));
  EXPECT_EQ(run.cuts[1], std::make_pair(int64_t{13}, RotateReason::kRotateInterval));
  // Out-of-order (earlier) record times never rotate.
  RotationPolicy q({.flush_size = 1000, .rotate_interval_ms = 1000});
  EXPECT_TRUE(Feed(q, {At(0, 5000), At(1, 1000), At(2, 5500)}).cuts.empty());
}

TEST(RotationPolicy, PartitionChangeAndTombstones) {
  RotationPolicy p({.flush_size = 1000, .rotate_interval_ms = 60000});
  Cuts run = Feed(p, {At(0, 0, "a"), At(1, 1, "a"), At(2, 2, "b")});
  ASSERT_EQ(run.cuts.size(), 1u);
  EXPECT_EQ(run.cuts[0], std::make_pair(int64_t{1}, RotateReason::kPartitionChange));
  RotationPolicy no_change(
      {.flush_size = 1000, .rotate_interval_ms = 60000, .rotate_on_partition_change = false});
  EXPECT_TRUE(Feed(no_change, {At(0, 0, "a"), At(1, 1, "b")}).cuts.empty());
  // Without rotate.interval.ms a partition change does not rotate (Confluent).
  RotationPolicy plain({.flush_size = 1000});
  EXPECT_TRUE(Feed(plain, {At(0, 0, "a"), At(1, 1, "b")}).cuts.empty());
  RecordFacts tomb = At(2, 2, "tombstone");
  tomb.tombstone = true;
  RecordFacts schema = At(3, 3);
  schema.schema_changed = true;
  RotationPolicy t({.flush_size = 1000});
  Cuts tr = Feed(t, {At(0, 0), At(1, 1), tomb, At(3, 3)});
  ASSERT_EQ(tr.cuts.size(), 2u);
  EXPECT_EQ(tr.cuts[0].second, RotateReason::kTombstoneSwitch);
  EXPECT_EQ(tr.cuts[1], std::make_pair(int64_t{2}, RotateReason::kTombstoneSwitch));
  RotationPolicy s({.flush_size = 1000});
  Cuts sr = Feed(s, {At(0, 0), At(1, 1), At(2, 2), schema});
  ASSERT_EQ(sr.cuts.size(), 1u);
  EXPECT_EQ(sr.cuts[0], std::make_pair(int64_t{2}, RotateReason::kSchemaChange));
}

TEST(RotationPolicy, ScheduleIsAlignedAndDeterministic) {
  auto ny = *TimeZone::Load("America/New_York");
  constexpr int64_t kHour = 3600000;
  // Boundaries every 6 h from local midnight: 00, 06, 12, 18 New York time.
  EXPECT_EQ(NextScheduleBoundary(Utc(2024, 5, 1, 13), 6 * kHour, *ny), Utc(2024, 5, 1, 16));
  EXPECT_EQ(NextScheduleBoundary(Utc(2024, 5, 1, 16), 6 * kHour, *ny), Utc(2024, 5, 1, 22));
  EXPECT_EQ(NextScheduleBoundary(Utc(2024, 5, 1, 3, 59), 6 * kHour, *ny), Utc(2024, 5, 1, 4));
  RotationPolicy p({.flush_size = 1000, .rotate_schedule_interval_ms = 6 * kHour, .timezone = ny});
  Cuts run = Feed(p, {At(0, Utc(2024, 5, 1, 13)), At(1, Utc(2024, 5, 1, 15, 59)),
                      At(2, Utc(2024, 5, 1, 16)), At(3, Utc(2024, 5, 1, 21))});
  ASSERT_EQ(run.cuts.size(), 1u);
  EXPECT_EQ(run.cuts[0], std::make_pair(int64_t{1}, RotateReason::kSchedule));
}

TEST(RotationPolicy, WallclockCutsAreRecordedAndReplayed) {
  constexpr int64_t kMinute = 60000;
  RotationPolicy live({.flush_size = 1000, .rotate_schedule_interval_ms = 10 * kMinute});
  RecordFacts r0 = At(100, 0);
  r0.now_ms = Utc(2024, 5, 1, 12, 1);
  live.AfterAppend(r0, 10);
  RecordFacts r1 = At(101, 0);
  r1.now_ms = Utc(2024, 5, 1, 12, 2);
  live.AfterAppend(r1, 20);
  EXPECT_EQ(live.WallclockDue(Utc(2024, 5, 1, 12, 9)), RotateReason::kNone);
  EXPECT_EQ(live.WallclockDue(Utc(2024, 5, 1, 12, 10)), RotateReason::kWallclock);
  int64_t recorded = live.last_offset();  // the caller persists this before uploading
  EXPECT_EQ(recorded, 101);

  // A replay after a crash, hours later: the same cut, whatever the clock says.
  RotationPolicy replay({.flush_size = 1000, .rotate_schedule_interval_ms = 10 * kMinute});
  replay.AddRecordedCut(recorded);
  Cuts run = Feed(replay, {At(100, 0), At(101, 0), At(102, 0)});
  ASSERT_EQ(run.cuts.size(), 1u);
  EXPECT_EQ(run.cuts[0], std::make_pair(int64_t{101}, RotateReason::kRecordedCut));
}

TEST(RotationPolicy, ByteCap) {
  RotationPolicy p({.flush_size = 1000, .max_object_bytes = 250});
  Cuts run = Feed(p, {At(0, 0), At(1, 0), At(2, 0), At(3, 0)});
  ASSERT_EQ(run.cuts.size(), 1u);
  EXPECT_EQ(run.cuts[0], std::make_pair(int64_t{2}, RotateReason::kByteCap));
}

TEST(RotationPolicy, SchemaCompatibility) {
  auto a = format::JsonDocument::Parse(
      R"({"type":"struct","fields":[{"type":"int32","field":"id"}],"version":2})");
  auto b = format::JsonDocument::Parse(
      R"({"type":"struct","fields":[{"type":"int32","field":"id"},{"type":"string","optional":true,"field":"name"}],"version":2})");
  auto c =
      format::JsonDocument::Parse(R"({"type":"struct","fields":[{"type":"int32","field":"id"}]})");
  auto sa = format::ParseConnectSchema(a->root());
  auto sb = format::ParseConnectSchema(b->root());
  auto sc = format::ParseConnectSchema(c->root());
  ASSERT_TRUE(sa && sb && sc);
  EXPECT_FALSE(*SchemaRequiresRotation("NONE", &*sa, &*sa));
  EXPECT_TRUE(*SchemaRequiresRotation("NONE", &*sa, &*sb));
  EXPECT_TRUE(*SchemaRequiresRotation("NONE", nullptr, &*sa));
  EXPECT_FALSE(*SchemaRequiresRotation("NONE", nullptr, nullptr));
  EXPECT_TRUE(*SchemaRequiresRotation("BACKWARD", &*sa, &*sb));
  EXPECT_FALSE(SchemaRequiresRotation("BACKWARD", &*sa, &*sc).has_value());
}

}  // namespace
}  // namespace tributary::lake
