#include "connectors/topic_partition_writer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "connectors/object_buffer_pool.h"
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

// A real local folder store behind a gate: writes of a held key wait until it is
// released; a key may fail for good (kFailedPrecondition) or a number of times
// (kUnavailable, retryable). For the upload pool's order and failure tests.
class GateStore final : public lake::ObjectStore {
 public:
  explicit GateStore(lake::ObjectStore* inner) : inner_(inner) {}

  void Hold(const std::string& key_part) {
    std::lock_guard lock(mu_);
    held_.insert(key_part);
  }
  void Release(const std::string& key_part) {
    {
      std::lock_guard lock(mu_);
      held_.erase(key_part);
    }
    cv_.notify_all();
  }
  void FailForGood(const std::string& key_part) {
    std::lock_guard lock(mu_);
    broken_.insert(key_part);
  }
  void FailTimes(const std::string& key_part, int times) {
    std::lock_guard lock(mu_);
    flaky_[key_part] = times;
  }
  int writes() const {
    std::lock_guard lock(mu_);
    return writes_;
  }

  std::string Describe() const override { return "gate:" + inner_->Describe(); }
  Status Put(std::string_view key, std::span<const std::byte> data,
             const lake::WriteOptions& options = {}) override {
    if (Status s = Gate(key); !s.ok()) return s;
    return inner_->Put(key, data, options);
  }
  Result<std::unique_ptr<lake::ObjectUpload>> BeginUpload(
      std::string_view key, const lake::WriteOptions& options = {}) override {
    if (Status s = Gate(key); !s.ok()) return Error(s);
    return inner_->BeginUpload(key, options);
  }
  Result<std::string> Get(std::string_view key) override { return inner_->Get(key); }
  Result<std::optional<lake::ObjectInfo>> Head(std::string_view key) override {
    return inner_->Head(key);
  }
  Result<lake::ListPage> List(std::string_view prefix, std::string_view token,
                              int max_keys = 1000) override {
    return inner_->List(prefix, token, max_keys);
  }
  Status Delete(std::string_view key) override { return inner_->Delete(key); }

 private:
  Status Gate(std::string_view key) {
    std::unique_lock lock(mu_);
    ++writes_;
    auto matches = [&](const std::set<std::string>& set) {
      for (const auto& part : set) {
        if (key.find(part) != std::string_view::npos) return true;
      }
      return false;
    };
    cv_.wait(lock, [&] { return !matches(held_); });
    if (matches(broken_)) return Status::FailedPrecondition(fmt::format("{}: 403 AccessDenied", key));
    for (auto& [part, left] : flaky_) {
      if (key.find(part) != std::string_view::npos && left > 0) {
        --left;
        return Status::Unavailable(fmt::format("{}: 503 SlowDown", key));
      }
    }
    return Status::Ok();
  }

  lake::ObjectStore* inner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> held_, broken_;
  std::map<std::string, int> flaky_;
  int writes_ = 0;
};

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

  std::unique_ptr<TopicPartitionWriter> NewWriter(UploadPool* uploads = nullptr,
                                                  lake::ObjectStore* store = nullptr) {
    partitioner_ = std::move(*lake::Partitioner::Create(options.partitioner));
    SinkContext ctx;
    ctx.options = &options;
    ctx.store = store != nullptr ? store : store_.get();
    ctx.partitioner = partitioner_.get();
    ctx.uploads = uploads;
    ctx.buffers = buffers;
    ctx.object_buffer_limit = buffer_limit;
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

  lake::ObjectStore* store() { return store_.get(); }
  UploadPool::Options PoolOptions(lake::ObjectStore* store, int threads) {
    UploadPool::Options o;
    o.store = store;
    o.threads = threads;
    o.part_size = options.part_size;
    o.retry_backoff = options.upload_retry_backoff;
    return o;
  }

  SinkOptions options;
  ObjectBufferPool* buffers = nullptr;  // for the writers made after it is set
  uint64_t buffer_limit = 32ull << 20;

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

TEST(TopicPartitionWriterTest, ObjectBuffersAreReusedAndSizedFromTheLastObject) {
  Harness h;
  h.options.rotation.flush_size = 2000;
  std::vector<Rec> recs;
  for (int64_t i = 0; i < 10000; ++i) recs.push_back({i, Row(i)});
  {
    auto w = h.NewWriter();
    for (const auto& r : recs) ASSERT_TRUE(h.Feed(*w, r).ok());
  }
  auto plain = h.Objects();
  ASSERT_EQ(plain.size(), 5u);
  h.Clear();

  ObjectBufferPool::Options po;
  po.min_capacity = 1024;
  ObjectBufferPool buffers(po);
  h.buffers = &buffers;
  UploadPool uploads(h.PoolOptions(h.store(), 2));
  auto w = h.NewWriter(&uploads);
  uint64_t first_object_bytes = 0;
  for (const auto& r : recs) {
    ASSERT_TRUE(h.Feed(*w, r).ok());
    if (r.offset == 1999) first_object_bytes = plain.begin()->second.size();
    if (r.offset == 2000) {
      // The second object starts with a buffer for the first one's size and an eighth:
      // it never grows by copying.
      EXPECT_GE(w->MemoryBytes(), first_object_bytes + first_object_bytes / 8);
      EXPECT_LT(w->MemoryBytes(), 2 * first_object_bytes);
    }
    // Let the uploads give their buffers back before the next object opens.
    if (r.offset % 2000 == 1999) uploads.WaitAll();
  }
  ASSERT_TRUE(w->WaitUploads().ok());
  EXPECT_EQ(h.Objects(), plain);
  ObjectBufferPool::Stats st = buffers.stats();
  EXPECT_EQ(st.taken, 4u);   // the first object takes none: no size known yet
  EXPECT_EQ(st.reused, 4u);  // each later one the buffer of the one before
  EXPECT_EQ(buffers.idle_buffers(), 1u);
  EXPECT_GE(buffers.idle_bytes(), first_object_bytes);
}

TEST(TopicPartitionWriterTest, ObjectsPastTheBufferLimitAreWrittenThroughOneBuffer) {
  Harness h;
  h.options.rotation.flush_size = 100000;  // objects of ~3 MB
  h.options.part_size = 512 << 10;
  std::vector<Rec> recs;
  for (int64_t i = 0; i < 300000; ++i) recs.push_back({i, Row(i)});
  {
    auto w = h.NewWriter();
    for (const auto& r : recs) ASSERT_TRUE(h.Feed(*w, r).ok());
  }
  auto plain = h.Objects();
  ASSERT_EQ(plain.size(), 3u);
  h.Clear();

  ObjectBufferPool buffers;
  h.buffers = &buffers;
  h.buffer_limit = 1 << 20;
  auto w = h.NewWriter();  // cuts uploaded in place: the buffer is back before the next
  uint64_t peak_after_first = 0;
  for (const auto& r : recs) {
    ASSERT_TRUE(h.Feed(*w, r).ok());
    if (r.offset >= 100000) peak_after_first = std::max(peak_after_first, w->MemoryBytes());
  }
  EXPECT_EQ(h.Objects(), plain);
  // The later objects (3 MB each) never held more than the limit's buffer in memory (the
  // first object's buffer, grown to 4 MB, is too large to be taken for them).
  EXPECT_GE(peak_after_first, 1u << 20);
  EXPECT_LE(peak_after_first, (1u << 20) + (1u << 20) / 8 + 4096);
  EXPECT_EQ(w->stats().spills, 0u);  // the task asked for none
  EXPECT_EQ(buffers.stats().reused, 1u);
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

// ---------------------------------------------------------------- upload pool

constexpr const char* kObj0 = "orders+0+0000000000.json";
constexpr const char* kObj3 = "orders+0+0000000003.json";
constexpr const char* kObj6 = "orders+0+0000000006.json";

// Waits until the pool has nothing pending (the test's own bound: 10 s).
void Drain(UploadPool& pool) {
  for (int i = 0; i < 1000 && pool.pending_objects() > 0; ++i) {
    pool.WaitForProgress(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(pool.pending_objects(), 0u);
}

TEST(UploadPoolTest, OutOfOrderCompletionKeepsTheOffsetAtTheEarliestCut) {
  Harness h;  // flush.size 3
  std::vector<Rec> recs;
  for (int64_t i = 0; i < 10; ++i) recs.push_back({i, Row(i)});
  {
    auto w = h.NewWriter();  // the reference: uploads in place
    for (const auto& r : recs) ASSERT_TRUE(h.Feed(*w, r).ok());
  }
  auto reference = h.Objects();
  ASSERT_EQ(reference.size(), 3u);
  h.Clear();

  GateStore gate(h.store());
  gate.Hold(kObj0);  // the first cut's upload stalls; the later ones go through
  UploadPool pool(h.PoolOptions(&gate, 2));
  auto w = h.NewWriter(&pool, &gate);
  for (const auto& r : recs) ASSERT_TRUE(h.Feed(*w, r).ok());  // cuts at 0, 3, 6; 9 open
  EXPECT_EQ(w->uploading(), 3u);
  // One worker is stuck on object 0; the other uploads 3 and 6.
  for (int i = 0; i < 1000 && pool.pending_objects() > 1; ++i) {
    pool.WaitForProgress(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(pool.pending_objects(), 1u);
  auto partial = h.Objects();
  EXPECT_EQ(partial.size(), 2u);
  EXPECT_FALSE(partial.count("topics/orders/partition=0/" + std::string(kObj0)));
  ASSERT_TRUE(w->ReapUploads().ok());
  EXPECT_EQ(w->uploading(), 1u);                // 3 and 6 reaped, 0 still uploading
  EXPECT_EQ(w->progress().Committable(), 0);    // not past the unfinished cut
  EXPECT_GT(pool.pending_bytes(), 0u);          // object 0 still counts against memory
  EXPECT_EQ(w->stats().objects, 2u);

  gate.Release(kObj0);
  ASSERT_TRUE(w->WaitUploads().ok());
  EXPECT_EQ(w->uploading(), 0u);
  EXPECT_EQ(w->progress().Committable(), 9);  // offset 9 is open
  EXPECT_EQ(pool.pending_bytes(), 0u);
  EXPECT_EQ(w->stats().objects, 3u);
  EXPECT_TRUE(pool.error().ok());
  EXPECT_EQ(h.Objects(), reference);  // same names, same bytes
}

TEST(UploadPoolTest, AFailedUploadIsFatalAndHoldsTheOffset) {
  Harness h;
  GateStore gate(h.store());
  gate.FailForGood(kObj3);
  UploadPool pool(h.PoolOptions(&gate, 2));
  auto w = h.NewWriter(&pool, &gate);
  for (int64_t i = 0; i < 9; ++i) ASSERT_TRUE(h.Feed(*w, {i, Row(i)}).ok());  // cuts 0, 3, 6
  Drain(pool);
  Status s = w->ReapUploads();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("AccessDenied"), std::string::npos) << s.message();
  EXPECT_FALSE(pool.error().ok());
  EXPECT_FALSE(w->WaitUploads().ok());  // does not block on the failed cut
  // 0..2 are durable, 3..5 are not, so nothing at or after 3 may be committed, even
  // though the cut at 6 was uploaded.
  EXPECT_EQ(w->progress().Committable(), 3);
  EXPECT_EQ(w->uploading(), 1u);
  auto objects = h.Objects();
  EXPECT_EQ(objects.size(), 2u);
  EXPECT_TRUE(objects.count("topics/orders/partition=0/" + std::string(kObj6)));
}

TEST(UploadPoolTest, RetryableFailuresAreRetriedUntilTheUploadSucceeds) {
  Harness h;
  GateStore gate(h.store());
  gate.FailTimes(kObj0, 2);
  UploadPool pool(h.PoolOptions(&gate, 1));
  auto w = h.NewWriter(&pool, &gate);
  for (int64_t i = 0; i < 3; ++i) ASSERT_TRUE(h.Feed(*w, {i, Row(i)}).ok());
  ASSERT_TRUE(w->WaitUploads().ok());
  EXPECT_EQ(w->stats().upload_retries, 2u);
  EXPECT_EQ(w->stats().objects, 1u);
  EXPECT_EQ(w->progress().Committable(), 3);
  EXPECT_EQ(gate.writes(), 3);
  EXPECT_TRUE(pool.error().ok());
}

TEST(UploadPoolTest, StopEndsTheRetriesOfAnOutage) {
  Harness h;
  h.options.upload_retry_backoff = std::chrono::milliseconds(50);
  GateStore gate(h.store());
  gate.FailTimes(kObj0, 1000000);  // the store is down
  std::stop_source stop;
  UploadPool::Options o = h.PoolOptions(&gate, 1);
  o.stop = stop.get_token();
  UploadPool pool(o);
  auto w = h.NewWriter(&pool, &gate);
  for (int64_t i = 0; i < 3; ++i) ASSERT_TRUE(h.Feed(*w, {i, Row(i)}).ok());
  for (int i = 0; i < 1000 && gate.writes() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(w->ReapUploads().ok());  // still retrying: not finished, not failed
  EXPECT_EQ(w->progress().Committable(), 0);
  stop.request_stop();
  Status s = w->WaitUploads();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.retryable()) << s.message();
  EXPECT_EQ(w->progress().Committable(), 0);  // read again after the restart
  EXPECT_TRUE(h.Objects().empty());
}

TEST(UploadPoolTest, SpilledAndMultipartObjectsKeepNamesAndBytes) {
  Harness h;
  h.options.rotation.flush_size = 300;
  std::vector<Rec> recs;
  for (int64_t i = 0; i < 1500; ++i) recs.push_back({i, Row(i)});
  {
    auto w = h.NewWriter();
    for (const auto& r : recs) ASSERT_TRUE(h.Feed(*w, r).ok());
  }
  auto plain = h.Objects();
  ASSERT_EQ(plain.size(), 5u);
  h.Clear();
  h.options.part_size = 2048;  // every object goes as a streaming (multipart) upload
  UploadPool pool(h.PoolOptions(h.store(), 3));
  auto w = h.NewWriter(&pool);
  for (const auto& r : recs) {
    ASSERT_TRUE(h.Feed(*w, r).ok());
    if (r.offset % 97 == 0) {
      ASSERT_TRUE(w->SpillLargest().has_value());
    }
  }
  ASSERT_TRUE(w->WaitUploads().ok());
  EXPECT_GT(w->stats().spills, 0u);
  EXPECT_EQ(w->stats().objects, 5u);
  EXPECT_EQ(pool.pending_bytes(), 0u);
  EXPECT_EQ(w->progress().Committable(), 1500);
  EXPECT_EQ(h.Objects(), plain);
}

TEST(UploadPoolTest, KeysObjectsAndValueObjectsOfACutAreOneBatch) {
  Harness h;
  h.options.store_keys = true;
  h.options.rotation.flush_size = 2;
  GateStore gate(h.store());
  gate.Hold("orders+0+0000000000.keys.json");
  UploadPool pool(h.PoolOptions(&gate, 2));
  auto w = h.NewWriter(&pool, &gate);
  ASSERT_TRUE(h.Feed(*w, {0, Row(0), kT0, "{\"id\":0}"}).ok());
  ASSERT_TRUE(h.Feed(*w, {1, Row(1), kT0, "{\"id\":1}"}).ok());  // cut: value + keys object
  for (int i = 0; i < 1000 && pool.pending_objects() > 1; ++i) {
    pool.WaitForProgress(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(pool.pending_objects(), 1u);
  ASSERT_TRUE(w->ReapUploads().ok());
  EXPECT_EQ(h.Objects().size(), 1u);          // the value object is there ...
  EXPECT_EQ(w->progress().Committable(), 0);  // ... but its keys are not: not durable
  gate.Release("orders+0+0000000000.keys.json");
  ASSERT_TRUE(w->WaitUploads().ok());
  EXPECT_EQ(w->progress().Committable(), 2);
  EXPECT_EQ(h.Objects().size(), 2u);
}

}  // namespace
}  // namespace tributary::connectors
