#include "mysql/rows_event.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "mysql/binlog_file.h"
#include "mysql/event_json.h"

namespace tributary::mysql {
namespace {

std::vector<std::byte> Bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

std::shared_ptr<const TableMap> OneIntTable() {
  auto tm = std::make_shared<TableMap>();
  tm->table_id = 7;
  tm->database = "db";
  tm->table = "t";
  TableMapColumn c;
  c.meta.type = ColumnType::kLong;
  c.real_type = ColumnType::kLong;
  tm->columns.push_back(c);
  return tm;
}

Result<RowsEvent> Decode(const std::vector<std::byte>& body) {
  auto table = OneIntTable();
  ByteReader r(body);
  return DecodeRowsEvent(EventType::kWriteRowsV2, r, 10,
                         [&](uint64_t id) { return id == 7 ? table : nullptr; });
}

TEST(RowsEventTest, DecodesARow) {
  // table id 7, flags 1, extra length 2, 1 column, present 0x01, row: nulls 0x00, 42.
  auto ev = Decode(Bytes({7, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0x01, 0x00, 42, 0, 0, 0}));
  ASSERT_TRUE(ev.has_value()) << ev.error().ToString();
  ASSERT_EQ(ev->rows.size(), 1u);
  EXPECT_EQ(ev->rows[0].after.values[0].s.i, 42);
}

// Found by the fuzzer (tests/fuzz/regressions/rows-empty-image-endless-loop): an image
// with no columns present consumes no bytes, so leftover bytes looped forever.
TEST(RowsEventTest, ImagesThatConsumeNothingAreCorruptionNotAnEndlessLoop) {
  auto ev = Decode(Bytes({7, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0x00, 0xAA}));
  ASSERT_FALSE(ev.has_value());
  EXPECT_EQ(ev.error().code(), StatusCode::kCorruption);
}

TEST(RowsEventTest, UnknownTableAndColumnCountMismatch) {
  auto table = OneIntTable();
  auto body = Bytes({9, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0x01, 0x00, 1, 0, 0, 0});
  ByteReader r(body);
  auto unknown = DecodeRowsEvent(EventType::kWriteRowsV2, r, 10, [](uint64_t) { return nullptr; });
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message().find("without a preceding TABLE_MAP"), std::string::npos);
  auto mismatch = Decode(Bytes({7, 0, 0, 0, 0, 0, 1, 0, 2, 0, 2, 0x03, 0x00}));
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_NE(mismatch.error().message().find("has 2 columns but the TABLE_MAP of db.t has 1"),
            std::string::npos);
}

// Row storage reuse: a sequence of events of every kind decoded with one RowsEventSpares
// (each event recycled after use) equals the same events decoded fresh, whatever kind of
// event the recycled rows last held (a write after an update has no before image).
std::vector<std::byte> RowsBody(std::initializer_list<int> rows, bool two_bitmaps) {
  std::vector<std::byte> body = Bytes({7, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0x01});
  if (two_bitmaps) body.push_back(std::byte{0x01});
  for (int b : rows) body.push_back(static_cast<std::byte>(b));
  return body;
}

std::string Describe(const RowsEvent& ev) {
  std::string out = std::to_string(static_cast<int>(ev.kind)) + ":";
  for (const RowChange& c : ev.rows) {
    out += "[";
    for (const auto* img : {&c.before, &c.after}) {
      out += "(";
      for (const event::Value& v : img->values) {
        out += v.is_null() ? "null" : std::to_string(v.s.i);
        out += ",";
      }
      out += ")";
    }
    out += "]";
  }
  return out + " cols " + std::to_string(ev.columns_before.size()) + "/" +
         std::to_string(ev.columns_after.size());
}

TEST(RowsEventTest, RecycledRowStorageDecodesLikeFreshStorage) {
  auto table = OneIntTable();
  auto lookup = [&](uint64_t id) { return id == 7 ? table : nullptr; };
  struct Case {
    EventType type;
    std::vector<std::byte> body;
  };
  const std::vector<Case> cases = {
      // update: two rows, (1 → 2), (NULL → 3)
      {EventType::kUpdateRowsV2,
       RowsBody({0x00, 1, 0, 0, 0, 0x00, 2, 0, 0, 0, 0x01, 0x00, 3, 0, 0, 0}, true)},
      // write: three rows 10, NULL, 12
      {EventType::kWriteRowsV2, RowsBody({0x00, 10, 0, 0, 0, 0x01, 0x00, 12, 0, 0, 0}, false)},
      // delete: one row 20
      {EventType::kDeleteRowsV2, RowsBody({0x00, 20, 0, 0, 0}, false)},
      // write: one row 30
      {EventType::kWriteRowsV2, RowsBody({0x00, 30, 0, 0, 0}, false)},
      // update again: 40 → 41
      {EventType::kUpdateRowsV2, RowsBody({0x00, 40, 0, 0, 0, 0x00, 41, 0, 0, 0}, true)},
  };
  RowsEventSpares spares;
  for (int round = 0; round < 3; ++round) {
    for (const Case& c : cases) {
      ByteReader fresh_reader(c.body);
      auto fresh = DecodeRowsEvent(c.type, fresh_reader, 10, lookup);
      ASSERT_TRUE(fresh.has_value()) << fresh.error().ToString();
      ByteReader reader(c.body);
      auto reused = DecodeRowsEvent(c.type, reader, 10, lookup, &spares);
      ASSERT_TRUE(reused.has_value()) << reused.error().ToString();
      EXPECT_EQ(Describe(*reused), Describe(*fresh));
      RecycleRowsEvent(*reused, &spares);
      EXPECT_TRUE(reused->rows.empty());
    }
  }
  EXPECT_FALSE(spares.free_rows.empty());
  EXPECT_LE(spares.free_rows.size(), RowsEventSpares::kMaxRows);
}

TEST(RowsEventTest, RecycledStorageIsBounded) {
  RowsEventSpares spares;
  RowsEvent ev;
  ev.rows.resize(RowsEventSpares::kMaxRows + 100);
  for (RowChange& c : ev.rows) c.after.values.resize(3);
  RecycleRowsEvent(ev, &spares);
  EXPECT_EQ(spares.free_rows.size(), RowsEventSpares::kMaxRows);
  for (const RowChange& c : spares.free_rows) {
    EXPECT_TRUE(c.before.values.empty());
    EXPECT_TRUE(c.after.values.empty());
  }
  // Very wide images: only up to the Values budget is kept.
  RowsEventSpares wide;
  RowsEvent big;
  big.rows.resize(100);
  for (RowChange& c : big.rows) c.after.values.resize(4096);
  RecycleRowsEvent(big, &wide);
  EXPECT_EQ(wide.free_rows.size(), 16u);  // 65,536 / 4,096
  EXPECT_EQ(wide.spare_values, 65536u);
}

// Oracle over the shared binlog files: every event rendered as `tributary binlog` prints
// it, by a decoder that recycles each event's rows and by one that never does.
TEST(RowsEventTest, RecyclingDecoderRendersEveryTestBinlogIdentically) {
  const auto dir = std::filesystem::path(TRIBUTARY_BINLOG_TESTDATA) / "files";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no test binlogs at " << dir;
  size_t files = 0, rows_events = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".bin") == std::string::npos || name.ends_with(".txt")) continue;
    auto fresh = BinlogFileReader::Open(entry.path().string());
    auto recycling = BinlogFileReader::Open(entry.path().string());
    ASSERT_TRUE(fresh.has_value() && recycling.has_value()) << name;
    ++files;
    EventJsonContext ctx;
    while (true) {
      auto a = (*fresh)->Next();
      auto b = (*recycling)->Next();
      ASSERT_EQ(a.has_value(), b.has_value()) << name;
      if (!a) break;
      ASSERT_EQ(a->has_value(), b->has_value()) << name;
      if (!a->has_value()) {
        EXPECT_EQ(a->error().ToString(), b->error().ToString()) << name;
        break;
      }
      std::string ja, jb;
      Status sa = AppendEventJson(**a, ctx, &ja);
      Status sb = AppendEventJson(**b, ctx, &jb);
      EXPECT_EQ(sa.ToString(), sb.ToString()) << name;
      EXPECT_EQ(ja, jb) << name << " at " << (**a).offset;
      if (std::holds_alternative<RowsEvent>((**b).body)) ++rows_events;
      (*recycling)->decoder().Recycle(**b);
    }
  }
  EXPECT_GT(files, 20u);
  EXPECT_GT(rows_events, 100u);
}

}  // namespace
}  // namespace tributary::mysql
