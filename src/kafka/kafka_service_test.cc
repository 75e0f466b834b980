// Against the real local broker (scripts/services.sh; TRIBUTARY_KAFKA_BOOTSTRAP). Every
// topic is named test-kafka-<pid>-<n> and deleted at the end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/kafka_config.h"
#include "kafka/murmur2.h"
#include "kafka/offset_store.h"
#include "kafka/producer.h"

namespace tributary::kafka {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Bootstrap() {
  const char* env = std::getenv("TRIBUTARY_KAFKA_BOOTSTRAP");
  return env != nullptr && *env != '\0' ? env : "127.0.0.1:9092";
}

ClientConfig Client(std::string bootstrap = Bootstrap()) {
  ClientConfig c;
  c.Set("bootstrap.servers", std::move(bootstrap));
  return c;
}

std::vector<std::string>& CreatedTopics() {
  static std::vector<std::string> topics;
  return topics;
}

std::string UniqueName(std::string_view what) {
  static std::atomic<int> n{0};
  return fmt::format("test-kafka-{}-{}-{}", ::getpid(), what, ++n);
}

// Creates a topic for this run and remembers it for deletion.
std::string NewTestTopic(std::string_view what, int partitions,
                         std::map<std::string, std::string> configs = {}) {
  std::string name = UniqueName(what);
  auto admin = Admin::Open(Client());
  EXPECT_TRUE(admin.has_value());
  NewTopic t;
  t.name = name;
  t.partitions = partitions;
  t.replication_factor = 1;
  t.configs = std::move(configs);
  auto created = (*admin)->CreateTopicIfMissing(t, seconds(30));
  EXPECT_TRUE(created.has_value()) << created.error().ToString();
  CreatedTopics().push_back(name);
  return name;
}

class DeleteTopicsAtExit : public ::testing::Environment {
 public:
  void TearDown() override {
    auto admin = Admin::Open(Client());
    if (!admin) return;
    Status s = (*admin)->DeleteTopics(CreatedTopics(), seconds(30));
    if (!s.ok()) fmt::print(stderr, "deleting test topics: {}\n", s.ToString());
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new DeleteTopicsAtExit);

std::unique_ptr<Producer> OpenProducer(ProducerOptions options = {}) {
  if (options.client.entries().empty()) options.client = Client();
  auto p = Producer::Open(std::move(options));
  EXPECT_TRUE(p.has_value()) << p.error().ToString();
  return std::move(*p);
}

std::unique_ptr<Consumer> OpenConsumer(ConsumerOptions options) {
  if (options.client.entries().empty()) options.client = Client();
  auto c = Consumer::Open(std::move(options));
  EXPECT_TRUE(c.has_value()) << c.error().ToString();
  return std::move(*c);
}

OutgoingRecord Record(std::string_view topic, std::optional<std::string_view> key,
                      std::optional<std::string_view> value) {
  OutgoingRecord r;
  r.topic = topic;
  r.key = key;
  r.value = value;
  return r;
}

// Reads `topic` (all partitions from the beginning, manual assignment) until `want`
// records arrived or the time is up.
struct Seen {
  std::string key;
  std::string value;
  int32_t partition;
  int64_t offset;
};
std::vector<Seen> ReadAll(const std::string& topic, size_t want, IsolationLevel iso,
                          milliseconds patience = milliseconds(20000)) {
  ConsumerOptions o;
  o.isolation = iso;
  auto c = OpenConsumer(std::move(o));
  auto count = c->PartitionCount(topic, seconds(10));
  EXPECT_TRUE(count.has_value());
  std::vector<PartitionAssignment> parts;
  for (int32_t p = 0; p < *count; ++p) parts.push_back({topic, p, kOffsetBeginning});
  EXPECT_TRUE(c->Assign(parts).ok());
  std::vector<Seen> out;
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
    auto batch = c->Poll(milliseconds(200));
    EXPECT_TRUE(batch.has_value());
    for (const ConsumedRecord& r : batch->records) {
      out.push_back({std::string(r.key().value_or("<null>")),
                     std::string(r.value().value_or("<null>")), r.partition(), r.offset()});
    }
  }
  // A short extra wait shows there is nothing beyond `want`.
  auto more = c->Poll(milliseconds(500));
  if (more) {
    for (const ConsumedRecord& r : more->records) {
      out.push_back({std::string(r.key().value_or("<null>")),
                     std::string(r.value().value_or("<null>")), r.partition(), r.offset()});
    }
  }
  return out;
}

// ------------------------------------------------------------------ produce + consume

TEST(KafkaServiceTest, Produce100kOrderedAcksThenConsumeCommitResume) {
  const std::string topic = NewTestTopic("bulk", 6);
  constexpr uint64_t kCount = 100000;
  std::atomic<uint64_t> last_reported{0};
  std::atomic<bool> monotonic{true};
  ProducerOptions po;
  po.client = Client();
  po.client.Set("linger.ms", "5");
  po.queue_max_messages = 20000;  // smaller than kCount: Send must block and resume
  po.on_acked = [&](uint64_t through) {
    if (through <= last_reported.load()) monotonic = false;
    last_reported = through;
  };
  auto producer = OpenProducer(std::move(po));
  for (uint64_t i = 1; i <= kCount; ++i) {
    std::string key = fmt::format("k{}", i % 1000);
    std::string value = fmt::format("v{}", i);
    auto seq = producer->Send(Record(topic, key, value));
    ASSERT_TRUE(seq.has_value()) << seq.error().ToString();
    ASSERT_EQ(*seq, i);
    ASSERT_LE(producer->AckedThrough(), *seq);
  }
  ASSERT_TRUE(producer->Flush(seconds(60)).ok());
  EXPECT_EQ(producer->AckedThrough(), kCount);
  EXPECT_EQ(last_reported.load(), kCount);
  EXPECT_TRUE(monotonic.load());
  EXPECT_EQ(producer->stats().acked, kCount);
  EXPECT_EQ(producer->stats().failed, 0u);
  EXPECT_FALSE(producer->FirstFailure().has_value());

  const std::string group = UniqueName("group");
  std::set<uint64_t> seen;
  uint64_t duplicates = 0;
  {
    ConsumerOptions co;
    co.group_id = group;
    auto consumer = OpenConsumer(std::move(co));
    ASSERT_TRUE(consumer->Subscribe({topic}).ok());
    auto deadline = std::chrono::steady_clock::now() + seconds(60);
    // Read about half, committing what was processed, then stop.
    while (seen.size() < kCount / 2 && std::chrono::steady_clock::now() < deadline) {
      auto batch = consumer->Poll(milliseconds(500));
      ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
      std::map<std::pair<std::string, int32_t>, int64_t> next;
      for (const ConsumedRecord& r : batch->records) {
        uint64_t v = std::stoull(std::string(r.value()->substr(1)));
        if (!seen.insert(v).second) ++duplicates;
        EXPECT_EQ(*r.key(), fmt::format("k{}", v % 1000));
        next[{std::string(r.topic()), r.partition()}] = r.offset() + 1;
      }
      std::vector<TopicPartitionOffset> commit;
      for (const auto& [tp, off] : next) commit.push_back({tp.first, tp.second, off});
      ASSERT_TRUE(consumer->Commit(commit).ok());
    }
    auto assignment = consumer->Assignment();
    ASSERT_TRUE(assignment.has_value());
    EXPECT_EQ(assignment->size(), 6u);
    std::vector<TopicPartition> parts;
    for (int32_t p = 0; p < 6; ++p) parts.push_back({topic, p});
    auto committed = consumer->Committed(parts, seconds(10));
    ASSERT_TRUE(committed.has_value());
    int64_t committed_total = 0;
    for (const auto& c : *committed) committed_total += std::max<int64_t>(c.offset, 0);
    EXPECT_EQ(static_cast<uint64_t>(committed_total), seen.size());
    ASSERT_TRUE(consumer->Close().ok());
  }
  // A new member of the same group resumes at the committed offsets.
  {
    ConsumerOptions co;
    co.group_id = group;
    auto consumer = OpenConsumer(std::move(co));
    ASSERT_TRUE(consumer->Subscribe({topic}).ok());
    auto deadline = std::chrono::steady_clock::now() + seconds(60);
    while (seen.size() < kCount && std::chrono::steady_clock::now() < deadline) {
      auto batch = consumer->Poll(milliseconds(500));
      ASSERT_TRUE(batch.has_value());
      for (const ConsumedRecord& r : batch->records) {
        uint64_t v = std::stoull(std::string(r.value()->substr(1)));
        if (!seen.insert(v).second) ++duplicates;
      }
    }
    ASSERT_TRUE(consumer->Close().ok());
  }
  EXPECT_EQ(seen.size(), kCount);
  EXPECT_EQ(duplicates, 0u);
}

// Null and empty keys/values and headers survive the round trip as they were.
// Send() remembers the previous record's topic handle: records alternating between topics,
// in runs and one by one, each land in their own topic (the views passed in are rebuilt
// each time, so a stale cached name would show).
TEST(KafkaServiceTest, RecordsAlternatingBetweenTopicsLandInTheirOwn) {
  const std::string a = NewTestTopic("alt-a", 1);
  const std::string b = NewTestTopic("alt-b", 1);
  auto producer = OpenProducer();
  std::vector<std::string> order;  // topic of record i
  for (int i = 0; i < 60; ++i) {
    const bool to_a = i < 20 ? (i % 2 == 0) : (i / 10) % 2 == 0;  // alternate, then runs of 10
    std::string topic = to_a ? a : b;  // a fresh string each time
    std::string value = fmt::format("v{}", i);
    auto seq = producer->Send(Record(topic, std::nullopt, value));
    ASSERT_TRUE(seq.has_value()) << seq.error().ToString();
    order.push_back(topic);
  }
  ASSERT_TRUE(producer->Flush(seconds(30)).ok());
  size_t want_a = static_cast<size_t>(std::count(order.begin(), order.end(), a));
  auto got_a = ReadAll(a, want_a, IsolationLevel::kReadUncommitted);
  auto got_b = ReadAll(b, order.size() - want_a, IsolationLevel::kReadUncommitted);
  ASSERT_EQ(got_a.size(), want_a);
  ASSERT_EQ(got_b.size(), order.size() - want_a);
  size_t ia = 0, ib = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const Seen& s = order[i] == a ? got_a[ia++] : got_b[ib++];
    EXPECT_EQ(s.value, fmt::format("v{}", i)) << "record " << i;
  }
}

TEST(KafkaServiceTest, NullEmptyAndHeaders) {
  const std::string topic = NewTestTopic("nulls", 1);
  auto producer = OpenProducer();
  std::vector<RecordHeader> headers{{"__debezium.newkey", std::string_view("{\"id\":2}")},
                                    {"null-header", std::nullopt},
                                    {"empty-header", std::string_view("")}};
  OutgoingRecord with_headers = Record(topic, "k1", "v1");
  with_headers.headers = headers;
  with_headers.timestamp_ms = 1700000000123;
  ASSERT_TRUE(producer->Send(with_headers).has_value());
  ASSERT_TRUE(producer->Send(Record(topic, "k2", std::nullopt)).has_value());  // tombstone
  ASSERT_TRUE(producer->Send(Record(topic, std::nullopt, "v3")).has_value());
  ASSERT_TRUE(producer->Send(Record(topic, std::string_view(""), std::string_view(""))).has_value());
  ASSERT_TRUE(producer->Flush(seconds(30)).ok());

  ConsumerOptions co;
  auto c = OpenConsumer(std::move(co));
  ASSERT_TRUE(c->Assign({{topic, 0, kOffsetBeginning}}).ok());
  std::vector<std::string> got;
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (got.size() < 4 && std::chrono::steady_clock::now() < deadline) {
    auto batch = c->Poll(milliseconds(300));
    ASSERT_TRUE(batch.has_value());
    for (const ConsumedRecord& r : batch->records) {
      auto k = r.key();
      auto v = r.value();
      std::string line = fmt::format("{}|{}", k ? "'" + std::string(*k) + "'" : "null",
                                     v ? "'" + std::string(*v) + "'" : "null");
      if (r.offset() == 0) {
        EXPECT_EQ(r.timestamp_ms(), 1700000000123);
        EXPECT_EQ(r.timestamp_type(), TimestampType::kCreateTime);
        auto hs = r.headers();
        ASSERT_EQ(hs.size(), 3u);
        EXPECT_EQ(r.header_count(), 3u);
        EXPECT_EQ(hs[0].name, "__debezium.newkey");
        EXPECT_EQ(hs[0].value, "{\"id\":2}");
        EXPECT_EQ(hs[1].name, "null-header");
        EXPECT_FALSE(hs[1].value.has_value());
        EXPECT_EQ(hs[2].name, "empty-header");
        ASSERT_TRUE(hs[2].value.has_value());
        EXPECT_EQ(*hs[2].value, "");
      }
      got.push_back(line);
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{"'k1'|'v1'", "'k2'|null", "null|'v3'", "''|''"}));
}

// ------------------------------------------------------------------ partitioning

TEST(KafkaServiceTest, Murmur2PlacementMatchesJava) {
  const std::string topic = NewTestTopic("murmur", 12);
  auto producer = OpenProducer();
  ASSERT_EQ(producer->PartitionCount(topic, seconds(10)).value_or(-1), 12);
  constexpr int kKeys = 2000;
  for (int i = 0; i < kKeys; ++i) {
    std::string key = fmt::format("{{\"id\":{}}}", i);
    ASSERT_TRUE(producer->Send(Record(topic, key, "x")).has_value());
  }
  // Null keys: librdkafka sticks to one partition per sticky.partitioning.linger.ms
  // (10 ms, like the Java producer's sticky partitioner), so send them in bursts.
  constexpr int kNullKeys = 200;
  for (int i = 0; i < kNullKeys; ++i) {
    ASSERT_TRUE(producer->Send(Record(topic, std::nullopt, "null-key")).has_value());
    if (i % 10 == 9) std::this_thread::sleep_for(milliseconds(25));
  }
  ASSERT_TRUE(producer->Flush(seconds(30)).ok());
  auto all = ReadAll(topic, kKeys + kNullKeys, IsolationLevel::kReadUncommitted);
  ASSERT_EQ(all.size(), static_cast<size_t>(kKeys + kNullKeys));
  int checked = 0;
  std::set<int32_t> used;
  std::set<int32_t> null_partitions;
  for (const Seen& s : all) {
    if (s.key == "<null>") {
      null_partitions.insert(s.partition);
      continue;
    }
    EXPECT_EQ(s.partition, PartitionForKey(s.key, 12)) << s.key;
    used.insert(s.partition);
    ++checked;
  }
  EXPECT_EQ(checked, kKeys);
  EXPECT_EQ(used.size(), 12u);
  // Null keys are spread (murmur2_random), not all on one partition.
  EXPECT_GT(null_partitions.size(), 1u);
  // The documented vector: {"id":1001} → partition 2 of 3 ... here of 12:
  EXPECT_EQ(PartitionForKey("{\"id\":1001}", 12), static_cast<int32_t>(1645685654u % 12));
}

// ------------------------------------------------------------------ cooperative rebalance

class RecordingListener : public RebalanceListener {
 public:
  RecordingListener(std::string name, std::function<void()> commit_pending)
      : name_(std::move(name)), commit_pending_(std::move(commit_pending)) {}
  void OnAssigned(std::span<PartitionAssignment> parts) override {
    for (auto& p : parts) owned.insert({p.topic, p.partition});
    assigned_calls++;
  }
  void OnRevoked(std::span<const TopicPartition> parts) override {
    commit_pending_();  // finish the work of partitions about to move
    for (const auto& p : parts) owned.erase(p);
    revoked += parts.size();
  }
  void OnLost(std::span<const TopicPartition> parts) override {
    for (const auto& p : parts) owned.erase(p);
    lost += parts.size();
  }

  std::set<TopicPartition> owned;
  int assigned_calls = 0;
  size_t revoked = 0;
  size_t lost = 0;

 private:
  std::string name_;
  std::function<void()> commit_pending_;
};

TEST(KafkaServiceTest, CooperativeRebalanceTwoConsumersNoLossNoDuplicates) {
  const std::string topic = NewTestTopic("coop", 8);
  constexpr int kCount = 40000;
  {
    auto producer = OpenProducer();
    for (int i = 0; i < kCount; ++i) {
      std::string v = std::to_string(i);
      ASSERT_TRUE(producer->Send(Record(topic, v, v)).has_value());
    }
    ASSERT_TRUE(producer->Flush(seconds(30)).ok());
  }
  const std::string group = UniqueName("coop-group");
  std::map<int, int> seen;  // value → times processed
  // Highest successfully committed offset per partition, over both members: a record
  // below it must never be delivered again.
  std::map<TopicPartition, int64_t> committed;
  int committed_duplicates = 0;
  int failed_commits = 0;

  struct Member {
    std::unique_ptr<Consumer> consumer;
    std::unique_ptr<RecordingListener> listener;
    std::map<TopicPartition, int64_t> pending;  // processed, not yet committed
    std::map<TopicPartition, int64_t>* committed = nullptr;
    int* failed_commits = nullptr;
    void CommitPending() {
      std::vector<TopicPartitionOffset> offsets;
      for (const auto& [tp, off] : pending) offsets.push_back({tp.topic, tp.partition, off});
      Status s = consumer->Commit(offsets);
      if (s.ok()) {
        for (const auto& [tp, off] : pending) (*committed)[tp] = std::max((*committed)[tp], off);
      } else {
        // librdkafka < 2.10 (issue #4059): a commit racing a rebalance fails with
        // ILLEGAL_GENERATION and the assignment is lost; must be a retryable error.
        EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
        fmt::print("commit of {} partitions failed: {}\n", offsets.size(), s.ToString());
        ++*failed_commits;
      }
      pending.clear();
    }
  };
  auto make_member = [&](std::string name) {
    auto m = std::make_unique<Member>();
    Member* raw = m.get();
    m->listener = std::make_unique<RecordingListener>(name, [raw] { raw->CommitPending(); });
    m->committed = &committed;
    m->failed_commits = &failed_commits;
    ConsumerOptions co;
    co.group_id = group;
    co.listener = m->listener.get();
    co.max_batch_records = 500;  // small batches: the rebalance lands mid-stream
    m->consumer = OpenConsumer(std::move(co));
    EXPECT_TRUE(m->consumer->Subscribe({topic}).ok());
    return m;
  };
  // Commit only every few batches so revocation must commit the rest.
  auto poll_once = [&](Member& m, int round) {
    auto batch = m.consumer->Poll(milliseconds(100));
    ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
    for (const ConsumedRecord& r : batch->records) {
      TopicPartition tp{std::string(r.topic()), r.partition()};
      EXPECT_TRUE(m.listener->owned.count(tp)) << "record from a partition not owned";
      seen[std::stoi(std::string(*r.value()))]++;
      if (r.offset() < committed[tp]) ++committed_duplicates;
      m.pending[tp] = r.offset() + 1;
    }
    if (round % 4 == 0) m.CommitPending();
  };

  auto a = make_member("a");
  int round = 0;
  size_t total = 0;
  auto count_total = [&] {
    total = 0;
    for (auto& [v, n] : seen) total += static_cast<size_t>(n);
  };
  // A alone reads a part.
  auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (seen.size() < kCount / 4 && std::chrono::steady_clock::now() < deadline) {
    poll_once(*a, ++round);
  }
  ASSERT_EQ(a->listener->owned.size(), 8u);
  // B joins: cooperative-sticky moves only some partitions.
  auto b = make_member("b");
  bool b_started = false;
  while (seen.size() < static_cast<size_t>(kCount) && std::chrono::steady_clock::now() < deadline) {
    poll_once(*a, ++round);
    poll_once(*b, round);
    if (!b->listener->owned.empty()) b_started = true;
  }
  a->CommitPending();
  b->CommitPending();
  count_total();
  EXPECT_TRUE(b_started);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kCount)) << "records lost";
  EXPECT_EQ(committed_duplicates, 0) << "a record below a committed offset came again";
  // Without a failed commit (see above) nothing at all is read twice.
  if (failed_commits == 0) {
    EXPECT_EQ(total, static_cast<size_t>(kCount));
  }
  fmt::print("cooperative rebalance: {} records, {} read twice, {} failed commits, {} "
             "partitions revoked from A, {} lost\n",
             kCount, total - kCount, failed_commits, a->listener->revoked,
             a->listener->lost + b->listener->lost);
  // Incremental: A gave up some partitions, not all.
  EXPECT_GT(a->listener->revoked, 0u);
  EXPECT_LT(a->listener->revoked, 8u);
  EXPECT_EQ(a->listener->owned.size() + b->listener->owned.size(), 8u);
  ASSERT_TRUE(a->consumer->Close().ok());
  // B takes everything back; nothing is left to read, so nothing is read twice.
  int extra = 0;
  auto until = std::chrono::steady_clock::now() + seconds(15);
  while (std::chrono::steady_clock::now() < until) {
    auto batch = b->consumer->Poll(milliseconds(200));
    ASSERT_TRUE(batch.has_value());
    extra += static_cast<int>(batch->records.size());
    if (b->listener->owned.size() == 8u && std::chrono::steady_clock::now() + seconds(12) > until) break;
  }
  EXPECT_EQ(b->listener->owned.size(), 8u);
  EXPECT_EQ(extra, 0);
  ASSERT_TRUE(b->consumer->Close().ok());
}

// ------------------------------------------------------------------ pause / seek

TEST(KafkaServiceTest, PauseResumeSeek) {
  const std::string topic = NewTestTopic("pause", 1);
  auto producer = OpenProducer();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(producer->Send(Record(topic, std::nullopt, std::to_string(i))).has_value());
  }
  ASSERT_TRUE(producer->Flush(seconds(30)).ok());
  ConsumerOptions co;
  auto c = OpenConsumer(std::move(co));
  ASSERT_TRUE(c->Assign({{topic, 0, kOffsetBeginning}}).ok());
  auto wm = c->Watermarks({topic, 0}, seconds(10));
  ASSERT_TRUE(wm.has_value());
  EXPECT_EQ(wm->first, 0);
  EXPECT_EQ(wm->second, 100);
  ASSERT_TRUE(c->Pause({{topic, 0}}).ok());
  size_t while_paused = 0;
  for (int i = 0; i < 5; ++i) while_paused += c->Poll(milliseconds(200))->records.size();
  EXPECT_EQ(while_paused, 0u);
  ASSERT_TRUE(c->Resume({{topic, 0}}).ok());
  int64_t first = -1;
  for (int i = 0; i < 50 && first < 0; ++i) {
    auto batch = c->Poll(milliseconds(200));
    ASSERT_TRUE(batch.has_value());
    if (!batch->records.empty()) first = batch->records.front().offset();
  }
  EXPECT_EQ(first, 0);
  ASSERT_TRUE(c->Seek({{topic, 0, 90}}, seconds(10)).ok());
  int64_t after_seek = -1;
  for (int i = 0; i < 50 && after_seek < 0; ++i) {
    auto batch = c->Poll(milliseconds(200));
    ASSERT_TRUE(batch.has_value());
    if (!batch->records.empty()) after_seek = batch->records.front().offset();
  }
  EXPECT_EQ(after_seek, 90);
}

// ------------------------------------------------------------------ admin

TEST(KafkaServiceTest, AdminCreatesWithConfigsAndDescribes) {
  auto admin = Admin::Open(Client());
  ASSERT_TRUE(admin.has_value());
  const std::string history = UniqueName("history");
  CreatedTopics().push_back(history);
  auto created = (*admin)->CreateTopicIfMissing(HistoryTopic(history), seconds(30));
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  EXPECT_TRUE(*created);
  auto again = (*admin)->CreateTopicIfMissing(HistoryTopic(history), seconds(30));
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(*again);
  auto desc = (*admin)->DescribeTopic(history, seconds(10));
  ASSERT_TRUE(desc.has_value()) << desc.error().ToString();
  EXPECT_EQ(desc->partitions, 1);
  EXPECT_EQ(desc->replication_factor, 1);
  auto configs = (*admin)->DescribeTopicConfigs(history, seconds(10));
  ASSERT_TRUE(configs.has_value()) << configs.error().ToString();
  EXPECT_EQ(configs->at("retention.ms"), "-1");
  EXPECT_EQ(configs->at("retention.bytes"), "-1");
  EXPECT_EQ(configs->at("cleanup.policy"), "delete");

  const std::string offsets = UniqueName("offsets");
  CreatedTopics().push_back(offsets);
  ASSERT_TRUE((*admin)->CreateTopicIfMissing(OffsetsTopic(offsets), seconds(30)).value_or(false));
  EXPECT_EQ((*admin)->DescribeTopic(offsets, seconds(10))->partitions, 25);
  EXPECT_EQ((*admin)->DescribeTopicConfigs(offsets, seconds(10))->at("cleanup.policy"), "compact");

  auto missing = (*admin)->DescribeTopic(UniqueName("missing"), seconds(10));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);

  NewTopic bad;
  bad.name = UniqueName("bad");
  bad.partitions = 1;
  bad.configs = {{"cleanup.policy", "sometimes"}};
  auto refused = (*admin)->CreateTopicIfMissing(bad, seconds(30));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument) << refused.error().ToString();
}

// ------------------------------------------------------------------ offset store

TEST(KafkaServiceTest, KafkaOffsetStoreRoundTrip) {
  const std::string topic = UniqueName("connect-offsets");
  CreatedTopics().push_back(topic);
  KafkaOffsetStoreOptions o;
  o.client = Client();
  o.topic = topic;
  o.connector_name = "mysql-source-connector";
  o.server = "dbserver1";
  auto store = KafkaOffsetStore::Open(o);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto empty = (*store)->Load();
  ASSERT_TRUE(empty.has_value()) << empty.error().ToString();
  EXPECT_FALSE(empty->has_value());

  ASSERT_TRUE((*store)->Store(R"({"file":"mysql-bin.000002","pos":154})").ok());
  const std::string last =
      R"({"ts_sec":1543312728,"file":"mysql-bin.000002","pos":530,"gtids":"50303655-f22a-11e8-92a5-0242ac1d0003:1-1","row":1,"server_id":1201,"event":2})";
  ASSERT_TRUE((*store)->Store(last).ok());
  // Another connector in the same topic does not disturb ours.
  KafkaOffsetStoreOptions other = o;
  other.connector_name = "other-connector";
  auto other_store = KafkaOffsetStore::Open(other);
  ASSERT_TRUE(other_store.has_value());
  ASSERT_TRUE((*other_store)->Store(R"({"file":"x","pos":1})").ok());

  auto reopened = KafkaOffsetStore::Open(o);
  ASSERT_TRUE(reopened.has_value());
  auto loaded = (*reopened)->Load();
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, last);
  EXPECT_EQ(**(*other_store)->Load(), R"({"file":"x","pos":1})");

  // Kafka Connect's layout: the key bytes, on the murmur2 partition of 25.
  auto records = ReadAll(topic, 3, IsolationLevel::kReadCommitted);
  ASSERT_EQ(records.size(), 3u);
  const std::string key = R"(["mysql-source-connector",{"server":"dbserver1"}])";
  int ours = 0;
  for (const Seen& s : records) {
    EXPECT_EQ(s.partition, PartitionForKey(s.key, 25));
    if (s.key == key) {
      ++ours;
      EXPECT_EQ(s.partition, 12);  // formats.md's vector
    }
  }
  EXPECT_EQ(ours, 2);
}

// ------------------------------------------------------------------ transactions

TEST(KafkaServiceTest, TransactionsCommittedVisibleAbortedNot) {
  const std::string topic = NewTestTopic("txn", 3);
  ProducerOptions po;
  po.client = Client();
  po.transactional_id = UniqueName("txn-id");
  auto p = OpenProducer(std::move(po));
  ASSERT_TRUE(p->InitTransactions(seconds(30)).ok());

  ASSERT_TRUE(p->BeginTransaction().ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(p->Send(Record(topic, std::to_string(i), "committed-1")).has_value());
  }
  ASSERT_TRUE(p->CommitTransaction(seconds(30)).ok());
  EXPECT_EQ(p->AckedThrough(), 10u);

  ASSERT_TRUE(p->BeginTransaction().ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(p->Send(Record(topic, std::to_string(i), "aborted")).has_value());
  }
  ASSERT_TRUE(p->Flush(seconds(30)).ok());  // written to the log, then aborted
  ASSERT_TRUE(p->AbortTransaction(seconds(30)).ok());
  EXPECT_EQ(p->AckedThrough(), 15u);
  EXPECT_FALSE(p->FirstFailure().has_value());

  ASSERT_TRUE(p->BeginTransaction().ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(p->Send(Record(topic, std::to_string(i), "committed-2")).has_value());
  }
  ASSERT_TRUE(p->CommitTransaction(seconds(30)).ok());

  auto committed = ReadAll(topic, 13, IsolationLevel::kReadCommitted);
  ASSERT_EQ(committed.size(), 13u);
  for (const Seen& s : committed) EXPECT_NE(s.value, "aborted");
  auto everything = ReadAll(topic, 18, IsolationLevel::kReadUncommitted);
  EXPECT_EQ(everything.size(), 18u);
}

// ------------------------------------------------------------------ failures

TEST(KafkaServiceTest, UnreachableBrokerClearErrorWithinTimeout) {
  ProducerOptions po;
  po.client = Client("127.0.0.1:1");
  po.client.Set("delivery.timeout.ms", "60000");
  auto p = OpenProducer(std::move(po));
  auto start = std::chrono::steady_clock::now();
  Status s = p->CheckBrokers(seconds(3));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("127.0.0.1:1"), std::string::npos) << s.message();
  EXPECT_LT(took, seconds(5));
  fmt::print("unreachable broker: {}\n", s.ToString());

  // Records wait (not lost, not acknowledged); Flush says so in time.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(p->Send(Record("t", "k", "v")).has_value());
  start = std::chrono::steady_clock::now();
  Status f = p->Flush(seconds(2));
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(4));
  EXPECT_EQ(f.code(), StatusCode::kUnavailable) << f.ToString();
  EXPECT_NE(f.message().find("10 records not acknowledged"), std::string::npos) << f.message();
  EXPECT_EQ(p->AckedThrough(), 0u);
  EXPECT_FALSE(p->FirstFailure().has_value());

  auto admin = Admin::Open(Client("127.0.0.1:1"));
  ASSERT_TRUE(admin.has_value());
  start = std::chrono::steady_clock::now();
  auto created = (*admin)->CreateTopicIfMissing(HistoryTopic("never"), seconds(2));
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code(), StatusCode::kUnavailable) << created.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(5));
}

TEST(KafkaServiceTest, RecordTooLargeNamesTopicAndStopsAcks) {
  // The broker refuses it (topic max.message.bytes) after the client let it through.
  const std::string topic = NewTestTopic("large", 1, {{"max.message.bytes", "20000"}});
  std::atomic<int> failures{0};
  ProducerOptions po;
  po.client = Client();
  po.client.Set("message.max.bytes", "2000000");
  po.on_failure = [&](const DeliveryFailure&) { ++failures; };
  auto p = OpenProducer(std::move(po));
  // Incompressible: producers compress with lz4 by default, and the topic's limit applies
  // to the compressed batch (100,000 'x' would pass as a few hundred bytes).
  std::string big(100000, '\0');
  std::mt19937_64 bits(42);
  for (char& c : big) c = static_cast<char>(bits());
  ASSERT_TRUE(p->Send(Record(topic, "a", "small")).has_value());
  ASSERT_TRUE(p->Flush(seconds(30)).ok());
  OutgoingRecord large = Record(topic, "b", big);
  large.token = 4242;
  ASSERT_TRUE(p->Send(large).has_value());
  Status s = p->Flush(seconds(30));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(topic), std::string::npos) << s.message();
  auto failure = p->FirstFailure();
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->sequence, 2u);
  EXPECT_EQ(failure->token, 4242u);
  EXPECT_EQ(failure->topic, topic);
  EXPECT_EQ(p->AckedThrough(), 1u);
  EXPECT_EQ(failures.load(), 1);
  // Later sends report the failure instead of silently continuing.
  auto later = p->Send(Record(topic, "c", "small"));
  ASSERT_FALSE(later.has_value());
  EXPECT_EQ(later.error().code(), StatusCode::kInvalidArgument);

  // Larger than the client's own limit: refused at once, naming the topic.
  auto p2 = OpenProducer();
  std::string huge(1500000, 'y');
  auto refused = p2->Send(Record(topic, "d", huge));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find(topic), std::string::npos);
}

TEST(KafkaServiceTest, BadClientSettingFailsAtOpen) {
  ProducerOptions po;
  po.client = Client();
  po.client.Set("max.in.flight.requests.per.connection", "10");
  auto p = Producer::Open(po);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code(), StatusCode::kInvalidArgument);
  po.client = Client();
  po.client.Set("not.a.property", "1");
  p = Producer::Open(po);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message().find("not.a.property"), std::string::npos);
}

}  // namespace
}  // namespace tributary::kafka
