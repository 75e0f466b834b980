// BinlogStream's read-ahead: order, bounds, lifetimes of views, max_wait, errors in order,
// stopping a blocked reader. The bytes come from a scripted source (the network part is
// BinlogClient's, covered by the services tests).
#include "connectors/source_binlog_stream.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <variant>

namespace tributary::connectors {
namespace {

using namespace std::chrono_literals;
using mysql::EventType;

void PutLe(std::vector<std::byte>* out, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) out->push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
}

// A whole event without checksum: a 19-byte header of `type` around `body`.
std::vector<std::byte> Frame(EventType type, const std::vector<std::byte>& body, uint32_t log_pos) {
  std::vector<std::byte> out;
  PutLe(&out, 1700000000, 4);  // timestamp
  out.push_back(static_cast<std::byte>(type));
  PutLe(&out, 1, 4);  // server id
  PutLe(&out, mysql::kEventHeaderLength + body.size(), 4);
  PutLe(&out, log_pos, 4);
  PutLe(&out, 0, 2);  // flags
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::vector<std::byte> Rotate(std::string_view next_file, uint64_t position) {
  std::vector<std::byte> body;
  PutLe(&body, position, 8);
  for (char c : next_file) body.push_back(static_cast<std::byte>(c));
  return Frame(EventType::kRotate, body, 0);
}

std::vector<std::byte> Xid(uint64_t xid, uint32_t log_pos) {
  std::vector<std::byte> body;
  PutLe(&body, xid, 8);
  return Frame(EventType::kXid, body, log_pos);
}

struct EndOfBinlog {};

// Events, errors and the end, handed out in order; Next() blocks while there is nothing.
// Like the client, the bytes it returns live in one buffer reused by the next call.
class ScriptedSource : public mysql::BinlogEventSource {
 public:
  struct Script {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::variant<std::vector<std::byte>, Status, EndOfBinlog>> items;
    bool interrupted = false;
    size_t reads = 0;  // calls of Next() that returned

    void Push(std::variant<std::vector<std::byte>, Status, EndOfBinlog> item) {
      {
        std::lock_guard lock(mu);
        items.push_back(std::move(item));
      }
      cv.notify_all();
    }
    size_t Left() {
      std::lock_guard lock(mu);
      return items.size();
    }
    size_t Reads() {
      std::lock_guard lock(mu);
      return reads;
    }
  };

  explicit ScriptedSource(std::shared_ptr<Script> script) : script_(std::move(script)) {}

  Result<std::span<const std::byte>> Next() override {
    std::unique_lock lock(script_->mu);
    script_->cv.wait(lock, [&] { return script_->interrupted || !script_->items.empty(); });
    if (script_->interrupted) return Error(Status::Unavailable("interrupted"));
    auto item = std::move(script_->items.front());
    script_->items.pop_front();
    ++script_->reads;
    script_->cv.notify_all();
    if (auto* s = std::get_if<Status>(&item)) return Error(*s);
    if (std::holds_alternative<EndOfBinlog>(item)) return std::span<const std::byte>();
    // Overwrite the previous event's bytes, as the client's packet buffer does.
    auto& bytes = std::get<std::vector<std::byte>>(item);
    buffer_.assign(bytes.begin(), bytes.end());
    return std::span<const std::byte>(buffer_);
  }

  void Interrupt() override {
    {
      std::lock_guard lock(script_->mu);
      script_->interrupted = true;
    }
    script_->cv.notify_all();
  }

 private:
  std::shared_ptr<Script> script_;
  std::vector<std::byte> buffer_;
};

mysql::ServerInfo NoChecksumServer() {
  mysql::ServerInfo info;
  info.version = "10.11.0-MariaDB";
  info.mariadb = true;
  info.binlog_checksum = "NONE";
  return info;
}

struct Opened {
  std::shared_ptr<ScriptedSource::Script> script = std::make_shared<ScriptedSource::Script>();
  BinlogStream stream;
};

void Open(Opened& o, BinlogReadAheadOptions ra = {}) {
  Status s = o.stream.Open(std::make_unique<ScriptedSource>(o.script), NoChecksumServer(),
                           "bin.000001", {}, ra);
  ASSERT_TRUE(s.ok()) << s.message();
}

// Waits until the reader stops taking events from the script (blocked on the bound or
// finished); returns the number of reads.
size_t WaitReaderSettled(ScriptedSource::Script& script) {
  size_t last = script.Reads();
  for (int stable = 0; stable < 5;) {
    std::this_thread::sleep_for(20ms);
    size_t now = script.Reads();
    stable = now == last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

uint64_t XidOf(const BinlogStreamItem& item) {
  const auto* x = std::get_if<mysql::XidEvent>(&item.event->body);
  return x != nullptr ? x->xid : 0;
}

TEST(BinlogStreamTest, EventsInOrderWithTheirPlaces) {
  Opened o;
  Open(o);
  o.script->Push(Rotate("bin.000007", 4));
  for (uint32_t i = 1; i <= 100; ++i) o.script->Push(Xid(i, 100 + i * 27));

  auto first = o.stream.Next();
  ASSERT_TRUE(first.has_value()) << first.error().message();
  ASSERT_EQ(first->size(), 1u);
  const auto* rot = std::get_if<mysql::RotateEvent>(&(*first)[0].event->body);
  ASSERT_NE(rot, nullptr);
  EXPECT_EQ(rot->next_file, "bin.000007");
  EXPECT_EQ(o.stream.file(), "bin.000007");
  for (uint64_t i = 1; i <= 100; ++i) {
    auto batch = o.stream.Next();
    ASSERT_TRUE(batch.has_value()) << batch.error().message();
    ASSERT_EQ(batch->size(), 1u);
    EXPECT_EQ(XidOf((*batch)[0]), i);
    EXPECT_EQ((*batch)[0].place.file, "bin.000007");
    EXPECT_EQ((*batch)[0].place.end, 100 + i * 27);
    EXPECT_EQ((*batch)[0].place.offset, 100 + i * 27 - 27);
  }
}

TEST(BinlogStreamTest, ReadsAheadWithinItsBound) {
  Opened o;
  Open(o, {.max_bytes = 4096, .batch_bytes = 512});
  constexpr uint32_t kEvents = 2000;  // 27 bytes each: 54 000 bytes
  for (uint32_t i = 1; i <= kEvents; ++i) o.script->Push(Xid(i, i * 27));
  size_t reads = WaitReaderSettled(*o.script);
  // The reader went ahead, but stopped near the bound (queue + the batch being filled).
  EXPECT_GT(reads, 100u);
  EXPECT_LT(reads * 27, 4096u + 2 * 512 + 2 * 27);
  EXPECT_LE(o.stream.read_ahead_bytes(), 4096u + 512 + 27);
  for (uint64_t i = 1; i <= kEvents; ++i) {
    auto batch = o.stream.Next();
    ASSERT_TRUE(batch.has_value()) << batch.error().message();
    ASSERT_EQ(batch->size(), 1u);
    ASSERT_EQ(XidOf((*batch)[0]), i);
  }
  EXPECT_EQ(o.script->Left(), 0u);
}

TEST(BinlogStreamTest, ViewsStayValidWhileTheReaderGoesOn) {
  Opened o;
  Open(o, {.max_bytes = 64 << 10, .batch_bytes = 256});
  constexpr int kRotates = 300;
  auto name = [](int i) { return fmt::format("host-bin.{:06}", i); };
  for (int i = 1; i <= kRotates; ++i) o.script->Push(Rotate(name(i), 4));
  for (int i = 1; i <= kRotates; ++i) {
    auto batch = o.stream.Next();
    ASSERT_TRUE(batch.has_value()) << batch.error().message();
    const auto* rot = std::get_if<mysql::RotateEvent>(&(*batch)[0].event->body);
    ASSERT_NE(rot, nullptr);
    if (i == 1 || i == 150) {
      // Let the reader read everything (recycling and filling batches) meanwhile.
      WaitReaderSettled(*o.script);
    }
    // The view into the event's bytes still reads what the event said.
    ASSERT_EQ(rot->next_file, name(i));
    ASSERT_EQ((*batch)[0].place.file, name(i));
  }
}

TEST(BinlogStreamTest, MaxWaitReturnsEmptyWhenNothingArrives) {
  Opened o;
  Open(o);
  auto t0 = std::chrono::steady_clock::now();
  auto none = o.stream.Next(50ms);
  auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(none.has_value()) << none.error().message();
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(o.stream.at_end());
  EXPECT_GE(waited, 45ms);
  EXPECT_LT(waited, 2s);

  // An event that arrives during a wait ends it at once.
  std::thread late([&] {
    std::this_thread::sleep_for(100ms);
    o.script->Push(Xid(42, 1000));
  });
  t0 = std::chrono::steady_clock::now();
  auto got = o.stream.Next(10s);
  waited = std::chrono::steady_clock::now() - t0;
  late.join();
  ASSERT_TRUE(got.has_value()) << got.error().message();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(XidOf((*got)[0]), 42u);
  EXPECT_LT(waited, 5s);

  // Zero wait: what is already read ahead, else nothing.
  auto zero = o.stream.Next(0ms);
  ASSERT_TRUE(zero.has_value());
  EXPECT_TRUE(zero->empty());
}

TEST(BinlogStreamTest, ReaderErrorComesAfterTheEventsBeforeItAndStays) {
  Opened o;
  Open(o);
  for (uint32_t i = 1; i <= 3; ++i) o.script->Push(Xid(i, i * 27));
  o.script->Push(Status::Unavailable("connection lost"));
  o.script->Push(Xid(99, 999));  // never read: the reader stops at the error
  for (uint64_t i = 1; i <= 3; ++i) {
    auto batch = o.stream.Next(5s);
    ASSERT_TRUE(batch.has_value()) << batch.error().message();
    ASSERT_EQ(batch->size(), 1u);
    EXPECT_EQ(XidOf((*batch)[0]), i);
  }
  for (int again = 0; again < 2; ++again) {
    auto err = o.stream.Next(5s);
    ASSERT_FALSE(err.has_value());
    EXPECT_EQ(err.error().code(), StatusCode::kUnavailable);
    EXPECT_NE(err.error().message().find("connection lost"), std::string::npos);
  }
  EXPECT_EQ(o.script->Left(), 1u);
}

TEST(BinlogStreamTest, EndOfANonBlockingBinlog) {
  Opened o;
  Open(o);
  o.script->Push(Xid(1, 27));
  o.script->Push(EndOfBinlog{});
  auto one = o.stream.Next();
  ASSERT_TRUE(one.has_value());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_FALSE(o.stream.at_end());
  for (int again = 0; again < 2; ++again) {
    auto end = o.stream.Next();
    ASSERT_TRUE(end.has_value());
    EXPECT_TRUE(end->empty());
    EXPECT_TRUE(o.stream.at_end());
  }
}

TEST(BinlogStreamTest, DecodeErrorNamesFileAndOffset) {
  Opened o;
  Open(o);
  o.script->Push(Rotate("bin.000009", 4));
  auto bad = Xid(7, 500);
  bad[9] = std::byte{5};  // event_size 5: shorter than a header
  o.script->Push(bad);
  ASSERT_TRUE(o.stream.Next().has_value());
  auto err = o.stream.Next();
  ASSERT_FALSE(err.has_value());
  EXPECT_NE(err.error().message().find("bin.000009:"), std::string::npos) << err.error().message();
}

TEST(BinlogStreamTest, DestroyingStopsAReaderBlockedOnTheNetworkOrOnTheBound) {
  {
    Opened o;
    Open(o);
    auto none = o.stream.Next(10ms);  // the reader waits in the source's Next()
    ASSERT_TRUE(none.has_value());
  }
  {
    Opened o;
    Open(o, {.max_bytes = 256, .batch_bytes = 64});
    for (uint32_t i = 1; i <= 1000; ++i) o.script->Push(Xid(i, i * 27));
    WaitReaderSettled(*o.script);  // the reader waits for room in the queue
    EXPECT_GT(o.script->Left(), 900u);
  }
  SUCCEED();  // no hang, no leak (ASan)
}

}  // namespace
}  // namespace tributary::connectors
