#include "snapshot/progress.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <sstream>

namespace tributary::snapshot {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = Progress::Clock;

// Routes spdlog's default logger into a string for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%v");
    auto logger = std::make_shared<spdlog::logger>("progress-test", sink);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }
  void clear() { out_.str(""); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(FormatTest, Counts) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(950), "950");
  EXPECT_EQ(FormatCount(999.9), "999");
  EXPECT_EQ(FormatCount(1000), "1.0k");
  EXPECT_EQ(FormatCount(12'345), "12.3k");
  EXPECT_EQ(FormatCount(310'000), "310k");
  EXPECT_EQ(FormatCount(999'700), "1.0M");
  EXPECT_EQ(FormatCount(1'200'000), "1.2M");
  EXPECT_EQ(FormatCount(5'000'000), "5.0M");
  EXPECT_EQ(FormatCount(3'400'000'000), "3.4G");
  EXPECT_EQ(FormatCount(-1), "?");
}

TEST(FormatTest, Durations) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(12.4), "12s");
  EXPECT_EQ(FormatDuration(184), "3m04s");
  EXPECT_EQ(FormatDuration(7500), "2h05m");
  EXPECT_EQ(FormatDuration(400'000), "4d15h");
  EXPECT_EQ(FormatDuration(-1), "?");
}

TEST(ProgressTest, LineAsTheBriefShowsIt) {
  CapturedLog log;
  Progress p(seconds(5), /*tty=*/false);
  Clock::time_point t0{seconds(1000)};
  p.BeginTable({"db", "t"}, 5'000'000, 1, 7, t0);
  // 1.2M rows in 4 s, sampled every second: 300k rows/s... then the last second at 310k/s
  // keeps the 4-s window average at (1.2M)/4 = 300k.
  for (int i = 1; i <= 4; ++i) {
    p.AddRows(300'000, 30'000'000);
    p.Tick(t0 + seconds(i));
  }
  EXPECT_EQ(log.text(), "");  // 4 s < 5 s interval
  EXPECT_EQ(p.Line(t0 + seconds(4)),
            "snapshot db.t: 1.2M/5.0M rows (24%), 300k rows/s, ETA 13s; tables 2/7");
  p.AddRows(300'000, 30'000'000);
  p.Tick(t0 + seconds(5));
  EXPECT_EQ(log.text(), "snapshot db.t: 1.5M/5.0M rows (30%), 300k rows/s, ETA 12s; tables 2/7\n");

  Progress::Figures f = p.figures();
  EXPECT_EQ(f.rows_done, 1'500'000u);
  EXPECT_EQ(f.rows_estimated, 5'000'000u);
  EXPECT_NEAR(f.rows_per_sec, 300'000, 1);
  EXPECT_NEAR(f.eta_sec, 3'500'000.0 / 300'000, 0.01);
  EXPECT_EQ(f.total_bytes, 150'000'000u);
  EXPECT_EQ(f.table_count, 7u);
  EXPECT_EQ(f.tables_done, 0u);
}

TEST(ProgressTest, RateIsASlidingWindow) {
  Progress p(seconds(0), false);
  Clock::time_point t0{seconds(50)};
  p.BeginTable({"db", "t"}, 0, 0, 1, t0);
  // 20 s at 1000 rows/s, then 20 s at 100 rows/s: the window (~10 s) shows 100 rows/s.
  for (int i = 1; i <= 20; ++i) {
    p.AddRows(1000, 0);
    p.Tick(t0 + seconds(i));
  }
  EXPECT_NEAR(p.figures().rows_per_sec, 1000, 1);
  for (int i = 21; i <= 40; ++i) {
    p.AddRows(100, 0);
    p.Tick(t0 + seconds(i));
  }
  EXPECT_NEAR(p.figures().rows_per_sec, 100, 1);
  // Unknown estimate: no percentage and no ETA.
  EXPECT_EQ(p.Line(t0 + seconds(40)), "snapshot db.t: 22.0k rows, 100 rows/s; tables 1/1");
  EXPECT_EQ(p.figures().eta_sec, -1);
}

TEST(ProgressTest, EstimateExceededAndEndTable) {
  CapturedLog log;
  Progress p(seconds(10), false);
  Clock::time_point t0{seconds(7)};
  p.BeginTable({"shop", "orders"}, 1000, 0, 2, t0);
  p.AddRows(1500, 0);
  p.Tick(t0 + seconds(1));
  // Past the server's estimate: capped at 99%, ETA unknown.
  EXPECT_EQ(p.Line(t0 + seconds(1)),
            "snapshot shop.orders: 1.5k/1.0k rows (99%), 1.5k rows/s, ETA ?; tables 1/2");
  p.AddRows(500, 0);
  p.EndTable(t0 + seconds(2));
  EXPECT_EQ(log.text(), "snapshot shop.orders: done, 2.0k rows in 2s (1.0k rows/s); tables 1/2\n");
  Progress::Figures f = p.figures();
  EXPECT_EQ(f.tables_done, 1u);
  EXPECT_EQ(f.total_rows, 2000u);
  EXPECT_EQ(f.eta_sec, 0);

  // The next table: its own counts, the totals go on.
  log.clear();
  p.BeginTable({"shop", "items"}, 10, 1, 2, t0 + seconds(2));
  p.AddRows(10, 0);
  p.EndTable(t0 + seconds(3));
  EXPECT_EQ(log.text(), "snapshot shop.items: done, 10 rows in 1s (10 rows/s); tables 2/2\n");
  EXPECT_EQ(p.figures().total_rows, 2010u);
  EXPECT_EQ(p.figures().rows_done, 10u);
}

TEST(ProgressTest, BarOnlyOnATerminal) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = open_memstream(&buf, &len);
  ASSERT_NE(out, nullptr);
  {
    CapturedLog log;
    Progress p(seconds(0), /*tty=*/true, out);
    Clock::time_point t0{seconds(10)};
    p.BeginTable({"db", "t"}, 100, 0, 1, t0);
    p.AddRows(50, 0);
    p.Tick(t0 + seconds(1));
    std::fflush(out);
    std::string drawn(buf, len);
    EXPECT_EQ(drawn,
              "\r[############............] db.t: 50/100 rows (50%), 50 rows/s, ETA 1s; "
              "tables 1/1\x1b[K");
    // A redraw within 200 ms is skipped.
    p.AddRows(1, 0);
    p.Tick(t0 + seconds(1) + milliseconds(100));
    std::fflush(out);
    EXPECT_EQ(std::string(buf, len), drawn);
    // Ending the table clears the bar before the log line.
    p.EndTable(t0 + seconds(2));
    std::fflush(out);
    EXPECT_EQ(std::string(buf, len), drawn + "\r\x1b[K");
  }
  std::fclose(out);
  std::free(buf);

  // Not a terminal: nothing written at all.
  buf = nullptr;
  len = 0;
  out = open_memstream(&buf, &len);
  {
    CapturedLog log;
    Progress p(seconds(1), /*tty=*/false, out);
    Clock::time_point t0{seconds(10)};
    p.BeginTable({"db", "t"}, 100, 0, 1, t0);
    p.AddRows(50, 0);
    p.Tick(t0 + seconds(2));
    p.EndTable(t0 + seconds(3));
    EXPECT_NE(log.text(), "");
  }
  std::fflush(out);
  EXPECT_EQ(len, 0u);
  std::fclose(out);
  std::free(buf);
}

}  // namespace
}  // namespace tributary::snapshot

namespace tributary::snapshot {
namespace {

// The per-table figures the metrics endpoint publishes (tributary_snapshot_rows_scanned).
TEST(ProgressTest, TablesArePublishedPerTable) {
  using std::chrono::seconds;
  Progress p(seconds(0), false);
  auto t0 = Progress::Clock::now();
  EXPECT_TRUE(p.tables().empty());
  p.BeginTable({"shop", "orders"}, 1000, 0, 2, t0);
  p.AddRows(600, 6000);
  p.Tick(t0 + seconds(1));
  auto tables = p.tables();
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].table, "shop.orders");
  EXPECT_EQ(tables[0].rows_done, 600u);
  EXPECT_EQ(tables[0].rows_estimated, 1000u);
  EXPECT_FALSE(tables[0].done);
  p.AddRows(50, 500);
  p.EndTable(t0 + seconds(2));
  p.BeginTable({"shop", "items"}, 10, 1, 2, t0 + seconds(2));
  p.AddRows(12, 120);
  p.EndTable(t0 + seconds(3));
  tables = p.tables();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].rows_done, 650u);
  EXPECT_TRUE(tables[0].done);
  EXPECT_EQ(tables[1].table, "shop.items");
  EXPECT_EQ(tables[1].rows_done, 12u);
  EXPECT_TRUE(tables[1].done);
  // Snapshotted again (incremental): the entry starts over.
  p.BeginTable({"shop", "orders"}, 700, 0, 1, t0 + seconds(4));
  p.AddRows(3, 30);
  p.Tick(t0 + seconds(5));
  tables = p.tables();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].rows_done, 3u);
  EXPECT_EQ(tables[0].rows_estimated, 700u);
  EXPECT_FALSE(tables[0].done);
  EXPECT_EQ(p.figures().total_rows, 665u);
}

}  // namespace
}  // namespace tributary::snapshot
