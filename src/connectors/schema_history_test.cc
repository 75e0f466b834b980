#include "connectors/schema_history.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "schema/catalog.h"

namespace tributary::connectors {
namespace {

BinlogPosition Pos(std::string file, uint64_t pos, int64_t ts_sec = 0) {
  BinlogPosition p;
  p.file = std::move(file);
  p.pos = pos;
  p.ts_sec = ts_sec;
  return p;
}

class SchemaHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("tributary-schema-history-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".jsonl");
    std::filesystem::remove(path_);
  }
  void TearDown() override { std::filesystem::remove(path_); }

  SchemaHistory History() {
    return SchemaHistory(std::make_unique<schema::FileHistoryStore>(path_.string()), "shop-server");
  }

  std::filesystem::path path_;
};

TEST(ComparePositions, OrdersFilesNumericallyThenPositions) {
  EXPECT_LT(ComparePositions(Pos("b.000009", 900), Pos("b.000010", 4)), 0);
  EXPECT_GT(ComparePositions(Pos("b.000010", 4), Pos("b.000009", 900)), 0);
  EXPECT_EQ(ComparePositions(Pos("b.000010", 4), Pos("b.000010", 4)), 0);
  EXPECT_LT(ComparePositions(Pos("b.000010", 4), Pos("b.000010", 5)), 0);
}

TEST_F(SchemaHistoryTest, RoundTripsTheTrackedSchemaThroughTheFileStore) {
  schema::SchemaTracker tracker({});
  SchemaHistory history = History();
  const char* ddl[] = {
      "CREATE TABLE orders (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
      "note VARCHAR(20) CHARACTER SET latin1, price DECIMAL(10,2) NOT NULL DEFAULT 0, "
      "kind ENUM('a','b') DEFAULT 'a', at DATETIME(3))",
      "ALTER TABLE orders ADD COLUMN qty SMALLINT AFTER id",
      "CREATE TABLE tmp (x INT)",
      "RENAME TABLE tmp TO gone",
      "DROP TABLE gone",
  };
  uint64_t pos = 100;
  for (const char* sql : ddl) {
    auto r = tracker.OnQuery("shop", sql, "f");
    ASSERT_TRUE(r.has_value() && r->has_value()) << sql;
    ASSERT_TRUE(history.Record(**r, Pos("bin.000001", pos += 100, 1700000000), 1700000000000).ok());
  }
  // Every line is a Debezium history record.
  std::ifstream in(path_);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first.rfind(R"({"source":{"server":"shop-server"},"position":{"ts_sec":1700000000,"file":"bin.000001","pos":200},)", 0), 0u) << first;
  EXPECT_NE(first.find(R"("tableChanges":[{"type":"CREATE","id":"\"shop\".\"orders\"")"), std::string::npos) << first;

  schema::SchemaTracker restored({});
  SchemaHistory again = History();
  auto stats = again.Recover(restored, std::nullopt);
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  EXPECT_EQ(stats->records, 5u);
  EXPECT_EQ(stats->replayed, 5u);
  auto want = tracker.Table({"shop", "orders"});
  auto got = restored.Table({"shop", "orders"});
  ASSERT_NE(got, nullptr);
  ASSERT_EQ(got->columns.size(), want->columns.size());
  for (size_t i = 0; i < got->columns.size(); ++i) {
    const auto& a = got->columns[i];
    const auto& b = want->columns[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.type, b.type) << a.name;
    EXPECT_EQ(a.length, b.length) << a.name;
    EXPECT_EQ(a.scale, b.scale) << a.name;
    EXPECT_EQ(a.is_unsigned, b.is_unsigned) << a.name;
    EXPECT_EQ(a.charset, b.charset) << a.name;
    EXPECT_EQ(a.enum_values, b.enum_values) << a.name;
    EXPECT_EQ(a.nullable, b.nullable) << a.name;
  }
  EXPECT_EQ(got->primary_key, want->primary_key);
  EXPECT_EQ(restored.Table({"shop", "gone"}), nullptr);
  EXPECT_EQ(restored.Table({"shop", "tmp"}), nullptr);
}

TEST_F(SchemaHistoryTest, ReplaysOnlyUpToTheResumePosition) {
  schema::SchemaTracker tracker({});
  SchemaHistory history = History();
  auto create = tracker.OnQuery("shop", "CREATE TABLE t (a INT)", "f");
  ASSERT_TRUE(history.Record(**create, Pos("bin.000002", 500), 0).ok());
  auto alter = tracker.OnQuery("shop", "ALTER TABLE t ADD b INT", "f");
  ASSERT_TRUE(history.Record(**alter, Pos("bin.000003", 120), 0).ok());

  schema::SchemaTracker restored({});
  auto stats = History().Recover(restored, Pos("bin.000002", 900));
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->replayed, 1u);
  EXPECT_EQ(restored.Table({"shop", "t"})->columns.size(), 1u);
}

TEST_F(SchemaHistoryTest, ADamagedHistoryStopsRecoveryWithWhere) {
  { std::ofstream(path_) << "{\"source\":{\"server\":\"x\"},\"position\":{}}\n"; }
  schema::SchemaTracker restored({});
  auto stats = History().Recover(restored, Pos("bin.000001", 4));
  ASSERT_FALSE(stats.has_value());
  EXPECT_NE(stats.error().message().find("line 1"), std::string::npos) << stats.error().message();
}

}  // namespace
}  // namespace tributary::connectors
