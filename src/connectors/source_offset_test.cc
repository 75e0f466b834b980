#include "connectors/source_offset.h"

#include <gtest/gtest.h>

namespace tributary::connectors {
namespace {

SourceOffset At(std::string file, uint64_t pos) {
  SourceOffset o;
  o.file = std::move(file);
  o.pos = pos;
  return o;
}

TEST(SourceOffsetJson, WritesDebeziumFieldsOmittingZeros) {
  SourceOffset o;
  o.file = "mysql-bin.000002";
  o.pos = 154;
  EXPECT_EQ(SourceOffsetJson(o), R"({"file":"mysql-bin.000002","pos":154})");
  o.pos = 530;
  o.gtids = "0-1-42";
  o.row = 1;
  o.event = 2;
  o.ts_sec = 1543312728;
  o.server_id = 1201;
  EXPECT_EQ(SourceOffsetJson(o),
            R"({"file":"mysql-bin.000002","pos":530,"gtids":"0-1-42","row":1,"event":2,)"
            R"("ts_sec":1543312728,"server_id":1201})");
}

TEST(ParseSourceOffset, ReadsDebeziumOffsetInAnyOrder) {
  // formats.md 4.3, as Kafka Connect stored it for Debezium.
  auto o = ParseSourceOffset(
      R"({"ts_sec":1543312728,"file":"mysql-bin.000002","pos":530,)"
      R"("gtids":"50303655-f22a-11e8-92a5-0242ac1d0003:1-1","row":1,"server_id":1201,"event":2})");
  ASSERT_TRUE(o.has_value()) << o.error().ToString();
  EXPECT_EQ(o->file, "mysql-bin.000002");
  EXPECT_EQ(o->pos, 530u);
  EXPECT_EQ(o->gtids, "50303655-f22a-11e8-92a5-0242ac1d0003:1-1");
  EXPECT_EQ(o->row, 1u);
  EXPECT_EQ(o->event, 2u);
  EXPECT_EQ(o->ts_sec, 1543312728);
  EXPECT_EQ(o->server_id, 1201u);
}

TEST(ParseSourceOffset, RoundTrips) {
  SourceOffset o{"binlog.000010", 44602, "0-1-7,1-2-9", 3, 4, 1658130705, 7, "", false};
  auto back = ParseSourceOffset(SourceOffsetJson(o));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, o);
}

TEST(ParseSourceOffset, CarriesSnapshotProgress) {
  SourceOffset o{"binlog.000010", 44602, "", 0, 0, 0, 0, "", false};
  o.snapshot = R"({"key":"[5]","kind":"initial","tables":[["d","t"]]})";  // as nlohmann dumps it
  o.snapshot_initial = true;
  std::string json = SourceOffsetJson(o);
  EXPECT_EQ(json,
            R"({"file":"binlog.000010","pos":44602,"snapshot":true,"tributary_snapshot":)"
            R"({"key":"[5]","kind":"initial","tables":[["d","t"]]}})");
  auto back = ParseSourceOffset(json);
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(*back, o);
  EXPECT_FALSE(ParseSourceOffset(R"({"file":"b","tributary_snapshot":[1]})").has_value());
  // The cursor keeps the progress across transactions until it is replaced.
  SourceOffset start;
  start.file = "b.000001";
  OffsetCursor c(start);
  c.SetSnapshot(o.snapshot, false);
  c.OnTransactionStart(100);
  c.OnTransactionEnd(200, "");
  EXPECT_EQ(c.offset().snapshot, o.snapshot);
  EXPECT_FALSE(c.offset().snapshot_initial);
  c.SetSnapshot("", true);
  EXPECT_TRUE(c.offset().snapshot.empty());
  EXPECT_FALSE(c.offset().snapshot_initial);
}

TEST(ParseSourceOffset, AcceptsSnapshotMarkersAndQuotedNumbers) {
  auto o = ParseSourceOffset(R"({"file":"b.000001","pos":"44602","snapshot":true,"transaction_id":null})");
  ASSERT_TRUE(o.has_value()) << o.error().ToString();
  EXPECT_EQ(o->pos, 44602u);
  EXPECT_EQ(o->event, 0u);
}

TEST(ParseSourceOffset, RejectsBadOffsets) {
  EXPECT_EQ(ParseSourceOffset("[1]").error().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseSourceOffset("{\"pos\":4}").error().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseSourceOffset("{\"file\":\"x\",\"pos\":\"abc\"}").error().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ParseSourceOffset("{\"file\":\"x\",\"pos\":-5}").error().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseSourceOffset("{\"file\":").error().code(), StatusCode::kCorruption);
}

// A transaction of two rows events (3 rows, then 2 rows) starting at 1000 and ending at 2000.
TEST(OffsetCursor, FollowsRowsAndTransactions) {
  OffsetCursor c(At("b.000001", 4));
  c.OnRotate("b.000001", 4);
  EXPECT_EQ(c.offset().pos, 4u);
  c.OnTransactionStart(1000);  // GTID
  c.OnTransactionStart(1050);  // BEGIN after it: the GTID event stays the start
  EXPECT_EQ(c.offset().pos, 1000u);
  c.OnRowDone(0, 3);
  EXPECT_EQ(c.offset().row, 1u);
  EXPECT_EQ(c.offset().event, 0u);
  c.OnRowDone(1, 3);
  c.OnRowDone(2, 3);  // last row: the event is complete
  EXPECT_EQ(c.offset().row, 0u);
  EXPECT_EQ(c.offset().event, 1u);
  c.OnRowDone(0, 2);
  EXPECT_EQ(SourceOffsetJson(c.offset()), R"({"file":"b.000001","pos":1000,"row":1,"event":1})");
  c.OnRowDone(1, 2);
  c.OnTransactionEnd(2000, "0-1-5");
  EXPECT_EQ(SourceOffsetJson(c.offset()), R"({"file":"b.000001","pos":2000,"gtids":"0-1-5"})");
  c.OnRotate("b.000002", 4);
  EXPECT_EQ(c.offset().file, "b.000002");
  EXPECT_EQ(c.offset().pos, 4u);
}

TEST(OffsetCursor, RotateInsideATransactionKeepsItsStart) {
  OffsetCursor c(At("b.000001", 4));
  c.OnTransactionStart(500);
  c.OnRotate("b.000002", 4);
  EXPECT_EQ(c.offset().file, "b.000001");
  EXPECT_EQ(c.offset().pos, 500u);
  c.OnTransactionEnd(900, "");
  EXPECT_EQ(c.offset().file, "b.000002");
  EXPECT_EQ(c.offset().pos, 900u);
}

// A restart at {"pos":1000,"event":1,"row":1} replays the transaction: the first rows
// event is skipped whole, the second loses one row, the third is emitted entirely; the
// cursor counts back to the same offset as the skipping goes.
TEST(ResumeSkipper, SkipsEmittedEventsAndRows) {
  SourceOffset stored = At("b.000001", 1000);
  stored.event = 1;
  stored.row = 1;
  ResumeSkipper skip(stored.event, stored.row);
  OffsetCursor c(stored);
  c.OnTransactionStart(1000);
  EXPECT_FALSE(skip.done());
  uint64_t s1 = skip.RowsToSkip(3);
  EXPECT_GE(s1, 3u);
  for (uint64_t i = 0; i < 3; ++i) c.OnRowDone(i, 3);
  uint64_t s2 = skip.RowsToSkip(2);
  EXPECT_EQ(s2, 1u);
  c.OnRowDone(0, 2);
  EXPECT_EQ(c.offset(), stored);  // back where the previous run was
  EXPECT_TRUE(skip.done());
  EXPECT_EQ(skip.RowsToSkip(5), 0u);
}

TEST(ResumeSkipper, EmptyRowsEventsCountAsEvents) {
  ResumeSkipper skip(2, 0);
  EXPECT_GE(skip.RowsToSkip(0), 0u);
  EXPECT_FALSE(skip.done());
  EXPECT_GE(skip.RowsToSkip(1), 1u);
  EXPECT_TRUE(skip.done());
}

TEST(PendingOffsets, HandsOutOnlyFullyAcknowledgedOffsets) {
  PendingOffsets p;
  SourceOffset a = At("f", 100), b = At("f", 200), c = At("f", 300);
  p.Add(2, a);  // valid once records 1..2 are acked
  p.Add(5, b);
  p.Add(9, c);
  EXPECT_FALSE(p.TakeCommittable(1).has_value());
  auto got = p.TakeCommittable(4);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, a);
  EXPECT_FALSE(p.TakeCommittable(4).has_value());  // taken
  got = p.TakeCommittable(100);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, c);  // the newest, b dropped with it
  EXPECT_EQ(p.size(), 0u);
}

TEST(PendingOffsets, SameSequenceReplacesAndNoRecordsIsImmediate) {
  PendingOffsets p;
  // Transactions of tables not captured: no record sent since sequence 7.
  p.Add(7, At("f", 10));
  p.Add(7, At("f", 20));
  EXPECT_EQ(p.size(), 1u);
  auto got = p.TakeCommittable(7);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->pos, 20u);
  // Nothing sent at all yet (sequence 0): committable at once.
  p.Add(0, At("f", 30));
  EXPECT_TRUE(p.TakeCommittable(0).has_value());
}

}  // namespace
}  // namespace tributary::connectors
