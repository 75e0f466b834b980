#include "mysql/rows_event.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tributary::mysql
