#include "connectors/topic_partition_writer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "format/json_lines_format.h"
#include "lake/store/local_store.h"

namespace tributary::connectors {
namespace {

constexpr int64_t kT0 = 1714564800000;  // 2024-05-01T12:00:00Z

struct Rec {
  int64_t offset;
  std::optional<std::string> value;
  int64_t ts = kT0;
  std::optional<std::string> key = std::nullopt;
};

std::string Row(int64_t id) { return "{\"id\":" + std::to_string(id) + ",\"name\":\"n" + std::to_string(id) + "\"}"; }

// A sink over a real local folder store.
class Harness {
 public:
  Harness() {
    char tmpl[] = "/tmp/tpw-test-XXXXXX";
    root_ = mkdtemp(tmpl);
    store_ = std::move(*lake::LocalStore::Open(root_));
    options.name = "t";
    options.topics = {"orders"};
    options.rotation.flush_size = 3;
    format::JsonLinesOptions json;
    json.java_map_order = false;  // lines as produced (the format's own tests check the order)
    options.make_format = [json]() -> Result<std::unique_ptr<format::FormatWriter>> {
      return std::make_unique<format::JsonLinesFormat>(json);
    };
    options.make_key_format = options.make_format;
    options.upload_retry_backoff = std::chrono::milliseconds(10);
  }
  ~Harness() { std::filesystem::remove_all(root_); }

  std::unique_ptr<TopicPartitionWriter> NewWriter() {
    partitioner_ = std::move(*lake::Partitioner::Create(options.partitioner));
    SinkContext ctx;
    ctx.options = &options;
    ctx.store = store_.get();
    ctx.partitioner = partitioner_.get();
    return std::make_unique<TopicPartitionWriter>(ctx, "orders", 0);
  }

  WriteResult Feed(TopicPartitionWriter& w, const Rec& r, int64_t now = kT0) {
    if (!w.cuts_loaded()) {
      EXPECT_TRUE(w.LoadRecordedCuts(r.offset).ok());
    }
    format::SinkRecord sr;
    sr.topic = "orders";
    sr.partition = 0;
    sr.offset = r.offset;
    sr.timestamp_ms = r.ts;
    sr.timestamp_type = format::TimestampType::kCreateTime;
    sr.value = r.value;
    sr.key = r.key;
    auto parsed = parser_.Parse(sr);
    EXPECT_TRUE(parsed.has_value());
    std::optional<format::ParsedValue> key;
    if (options.store_keys) {
      format::SinkRecord kr = sr;
      kr.value = sr.key;
      key = *key_parser_.Parse(kr);
    }
    return w.Write(sr, *parsed, key ? &*key : nullptr, now);
  }

  // Every object (key → bytes), cut markers apart.
  std::map<std::string, std::string> Objects(bool with_markers = false) {
    std::map<std::string, std::string> out;
    auto listing = store_->ListAll("");
    EXPECT_TRUE(listing.has_value());
    for (const auto& o : *listing) {
      if (!with_markers && o.key.find("_tributary_cuts") != std::string::npos) continue;
      out[o.key] = *store_->Get(o.key);
    }
    return out;
  }
  void Clear() {
    std::filesystem::remove_all(root_);
    store_ = std::move(*lake::LocalStore::Open(root_));
  }

  SinkOptions options;

 private:
  std::string root_;
  std::unique_ptr<lake::LocalStore> store_;
  std::unique_ptr<lake::Partitioner> partitioner_;
  format::RecordValueParser parser_;
  format::RecordValueParser key_parser_;
};

TEST(TopicPartitionWriterTest, FlushSizeGivesConfluentNamesAndCommittableOffsets) {
  Harness h;
  auto w = h.NewWriter();
  for (int64_t i = 0; i < 10; ++i) ASSERT_TRUE(h.Feed(*w, {i, Row(i)}).ok());
  auto objects = h.Objects();
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects["topics/orders/partition=0/orders+0+0000000000.json"],
            Row(0) + "\n" + Row(1) + "\n" + Row(2) + "\n");
  EXPECT_TRUE(objects.count("topics/orders/partition=0/orders+0+0000000003.json"));
  EXPECT_TRUE(objects.count("topics/orders/partition=0/orders+0+0000000006.json"));
  // Offset 9 is in an open object: it is where a restart must begin.
  EXPECT_EQ(w->progress().Committable(), 9);
  EXPECT_EQ(w->open_objects(), 1u);
}

TEST(TopicPartitionWriterTest, ReplayAfterACrashWritesTheSameObjects) {
  Harness h;
  std::vector<Rec> recs;
  for (int64_t i = 0; i < 20; ++i) recs.push_back({i, Row(i)});
  h.options.rotation.flush_size = 4;
  {
    auto w = h.NewWriter();
    for (const auto& r : recs) ASSERT_TRUE(h.Feed(*w, r).ok());
  }
  auto uninterrupted = h.Objects();
  h.Clear();
  // Crash after offset 9 (objects 0..3 and 4..7 uploaded, 8..9 open), restart at the
  // committable offset, crash again after 14, restart, finish.
  int64_t resume = 0;
  for (int64_t crash_after : {9, 14, 19}) {
    auto w = h.NewWriter();
    for (int64_t i = resume; i <= crash_after; ++i) ASSERT_TRUE(h.Feed(*w, recs[i]).ok());
    resume = *w->progress().Committable();
  }
  EXPECT_EQ(h.Objects(), uninterrupted);
  EXPECT_EQ(uninterrupted.size(), 5u);
}

TEST(TopicPartitionWriterTest, WallClockCutIsRecordedAndReplayedAtTheSameOffset) {
  Harness h;
  h.options.rotation.flush_size = 1000;
  h.options.rotation.rotate_schedule_interval_ms = 60000;
  // First run: 5 records, then the wall clock passes the next minute boundary with no
  // new record: the sink records the cut (after offset 4) and uploads.
  {
    auto w = h.NewWriter();
    for (int64_t i = 0; i < 5; ++i) ASSERT_TRUE(h.Feed(*w, {i, Row(i)}, kT0 + 1000).ok());
    ASSERT_TRUE(w->CheckWallclock(kT0 + 30000).ok());  // not due yet
    EXPECT_EQ(w->open_objects(), 1u);
    ASSERT_TRUE(w->CheckWallclock(kT0 + 61000).ok());
    EXPECT_EQ(w->open_objects(), 0u);
    EXPECT_EQ(w->progress().Committable(), 5);
  }
  auto first = h.Objects(true);
  ASSERT_EQ(first.size(), 2u);  // the object and the marker
  EXPECT_TRUE(first.count(
      "topics/orders/_tributary_cuts/partition=0/00000000000000000004.cut"));
  // Replay as if the commit of offset 5 was lost: the records come again, in one go and
  // with a different wall clock; the object is cut after offset 4 again.
  auto w = h.NewWriter();
  for (int64_t i = 0; i < 8; ++i) ASSERT_TRUE(h.Feed(*w, {i, Row(i)}, kT0 + 5000).ok());
  auto second = h.Objects(true);
  EXPECT_EQ(second.at("topics/orders/partition=0/orders+0+0000000000.json"),
            first.at("topics/orders/partition=0/orders+0+0000000000.json"));
  EXPECT_EQ(w->progress().Committable(), 5);  // 5..7 open
}

TEST(TopicPartitionWriterTest, SpentMarkersAreDeleted) {
  Harness h;
  h.options.rotation.flush_size = 1000;
  h.options.rotation.rotate_schedule_interval_ms = 60000;
  {
    auto w = h.NewWriter();
    ASSERT_TRUE(h.Feed(*w, {0, Row(0)}).ok());
    ASSERT_TRUE(w->CheckWallclock(kT0 + 3600000).ok());
  }
  EXPECT_EQ(h.Objects(true).size(), 2u);
  auto w = h.NewWriter();
  ASSERT_TRUE(h.Feed(*w, {1, Row(1)}).ok());  // resumes at 1: the cut after 0 is spent
  EXPECT_EQ(h.Objects(true).size(), 1u);
}

TEST(TopicPartitionWriterTest, SpillingKeepsNamesAndBytes) {
  Harness h;
  h.options.rotation.flush_size = 500;
  std::vector<Rec> recs;
  for (int64_t i = 0; i < 1200; ++i) recs.push_back({i, Row(i)});
  {
    auto w = h.NewWriter();
    for (const auto& r : recs) ASSERT_TRUE(h.Feed(*w, r).ok());
  }
  auto plain = h.Objects();
  h.Clear();
  h.options.part_size = 4096;  // spilled objects go through the streaming upload
  auto w = h.NewWriter();
  for (const auto& r : recs) {
    ASSERT_TRUE(h.Feed(*w, r).ok());
    if (r.offset % 97 == 0) {
      ASSERT_TRUE(w->SpillLargest().has_value());
    }
  }
  EXPECT_GT(w->stats().spills, 0u);
  EXPECT_EQ(h.Objects(), plain);
  EXPECT_EQ(plain.size(), 2u);
}

TEST(TopicPartitionWriterTest, SchemaChangeRotates) {
  Harness h;
  h.options.rotation.flush_size = 100;
  auto w = h.NewWriter();
  std::string s1 = R"({"schema":{"type":"struct","fields":[{"field":"id","type":"int32"}],"optional":false},"payload":{"id":1}})";
  std::string s2 = R"({"schema":{"type":"struct","fields":[{"field":"id","type":"int32"},{"field":"x","type":"string","optional":true}],"optional":false},"payload":{"id":2,"x":"a"}})";
  ASSERT_TRUE(h.Feed(*w, {0, s1}).ok());
  ASSERT_TRUE(h.Feed(*w, {1, s1}).ok());
  ASSERT_TRUE(h.Feed(*w, {2, s2}).ok());  // new schema: 0..1 committed first
  auto objects = h.Objects();
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects.begin()->second, "{\"id\":1}\n{\"id\":1}\n");
  EXPECT_EQ(w->progress().Committable(), 2);
}

TEST(TopicPartitionWriterTest, TombstonesWithWriteGoToTheirPartitionAsKeys) {
  Harness h;
  h.options.store_keys = true;
  h.options.rotation.flush_size = 2;
  auto w = h.NewWriter();
  ASSERT_TRUE(h.Feed(*w, {0, Row(0), kT0, "{\"id\":0}"}).ok());
  ASSERT_TRUE(h.Feed(*w, {1, std::nullopt, kT0, "{\"id\":0}"}).ok());  // switch: 0 committed
  ASSERT_TRUE(h.Feed(*w, {2, std::nullopt, kT0, "{\"id\":1}"}).ok());  // flush.size
  auto objects = h.Objects();
  EXPECT_EQ(objects["topics/orders/partition=0/orders+0+0000000000.json"], Row(0) + "\n");
  EXPECT_EQ(objects["topics/orders/partition=0/orders+0+0000000000.keys.json"], "{\"id\":0}\n");
  EXPECT_EQ(objects["topics/orders/tombstone/orders+0+0000000001.keys.json"],
            "{\"id\":0}\n{\"id\":1}\n");
  EXPECT_FALSE(objects.count("topics/orders/tombstone/orders+0+0000000001.json"));
  EXPECT_EQ(objects.size(), 3u);
}

TEST(TopicPartitionWriterTest, FieldPartitionerOpensOneObjectPerValue) {
  Harness h;
  h.options.partitioner.kind = lake::PartitionerKind::kField;
  h.options.partitioner.field_names = {"region"};
  h.options.rotation.flush_size = 4;
  auto w = h.NewWriter();
  const char* regions[] = {"eu", "us", "eu", "us"};
  for (int64_t i = 0; i < 4; ++i) {
    std::string v = std::string("{\"id\":") + std::to_string(i) + ",\"region\":\"" + regions[i] + "\"}";
    ASSERT_TRUE(h.Feed(*w, {i, v}).ok());
  }
  auto objects = h.Objects();
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects["topics/orders/region=eu/orders+0+0000000000.json"],
            "{\"id\":0,\"region\":\"eu\"}\n{\"id\":2,\"region\":\"eu\"}\n");
  EXPECT_EQ(objects["topics/orders/region=us/orders+0+0000000001.json"],
            "{\"id\":1,\"region\":\"us\"}\n{\"id\":3,\"region\":\"us\"}\n");
}

TEST(TopicPartitionWriterTest, AnUnencodableRecordIsTheRecordsFault) {
  Harness h;
  h.options.partitioner.kind = lake::PartitionerKind::kField;
  h.options.partitioner.field_names = {"region"};
  auto w = h.NewWriter();
  WriteResult r = h.Feed(*w, {7, "[1,2]"});
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.record_fault);
  EXPECT_NE(r.status.message().find("offset 7"), std::string::npos) << r.status.message();
  EXPECT_EQ(w->open_objects(), 0u);
}

}  // namespace
}  // namespace tributary::connectors
