#include "server/metrics_registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tributary::server {
namespace {

TEST(MetricsRegistry, RendersCountersAndGaugesInTextFormat) {
  MetricsRegistry r;
  r.GetCounter("tributary_x_total", "Things seen.", {{"connector", "c1"}}).Add(3);
  r.GetCounter("tributary_x_total", "ignored second help", {{"connector", "c2"}}).Add();
  r.GetGauge("tributary_y", "A level.").Set(2.5);
  EXPECT_EQ(r.Render(),
            "# HELP tributary_x_total Things seen.\n"
            "# TYPE tributary_x_total counter\n"
            "tributary_x_total{connector=\"c1\"} 3\n"
            "tributary_x_total{connector=\"c2\"} 1\n"
            "# HELP tributary_y A level.\n"
            "# TYPE tributary_y gauge\n"
            "tributary_y 2.5\n");
}

TEST(MetricsRegistry, SameSeriesIsReturnedAgain) {
  MetricsRegistry r;
  Counter& a = r.GetCounter("c_total", "h", {{"t", "a"}});
  Counter& b = r.GetCounter("c_total", "h", {{"t", "a"}});
  EXPECT_EQ(&a, &b);
  Counter& other = r.GetCounter("c_total", "h", {{"t", "b"}});
  EXPECT_NE(&a, &other);
  a.Add(5);
  b.Add(2);
  EXPECT_EQ(r.ValueForTest("c_total", {{"t", "a"}}), 7);
  EXPECT_EQ(r.ValueForTest("c_total", {{"t", "b"}}), 0);
  EXPECT_TRUE(std::isnan(r.ValueForTest("c_total", {{"t", "zzz"}})));
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  MetricsRegistry r;
  r.GetGauge("g", "line1\nback\\slash \"quoted\"", {{"table", "db.t\"x\\y\nz"}}).Set(1);
  EXPECT_EQ(r.Render(),
            "# HELP g line1\\nback\\\\slash \"quoted\"\n"
            "# TYPE g gauge\n"
            "g{table=\"db.t\\\"x\\\\y\\nz\"} 1\n");
}

TEST(MetricsRegistry, SampleValues) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(-3), "-3");
  EXPECT_EQ(FormatSampleValue(1e15), "1000000000000000");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(1e300), "1e+300");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(MetricsRegistry, CounterAbove2To53StaysExact) {
  MetricsRegistry r;
  r.GetCounter("big_total", "h").Set(18446744073709551615ull);
  EXPECT_NE(r.Render().find("big_total 18446744073709551615\n"), std::string::npos);
}

TEST(MetricsRegistry, CallbackGaugeIsEvaluatedAtRender) {
  MetricsRegistry r;
  int calls = 0;
  r.SetGaugeCallback("cb", "h", {{"c", "x"}}, [&] { return static_cast<double>(++calls); });
  EXPECT_NE(r.Render().find("cb{c=\"x\"} 1\n"), std::string::npos);
  EXPECT_NE(r.Render().find("cb{c=\"x\"} 2\n"), std::string::npos);
}

TEST(MetricsRegistry, InfoSeriesShowsItsCurrentLabelsOnly) {
  MetricsRegistry r;
  InfoSeries& info = r.GetInfo("binlog_info", "Where.", {{"connector", "c"}});
  EXPECT_EQ(r.Render().find("binlog_info{"), std::string::npos);  // no labels yet: hidden
  info.Set({{"binlog_file", "mysql-bin.000001"}});
  EXPECT_NE(r.Render().find("binlog_info{connector=\"c\",binlog_file=\"mysql-bin.000001\"} 1\n"),
            std::string::npos);
  info.Set({{"binlog_file", "mysql-bin.000002"}});
  std::string text = r.Render();
  EXPECT_EQ(text.find("000001"), std::string::npos);
  EXPECT_NE(text.find("binlog_file=\"mysql-bin.000002\"} 1\n"), std::string::npos);
}

TEST(MetricsRegistry, BadNamesAndTypeClashesAreBugs) {
  MetricsRegistry r;
  EXPECT_THROW(r.GetCounter("9bad", "h"), std::logic_error);
  EXPECT_THROW(r.GetCounter("bad-name", "h"), std::logic_error);
  EXPECT_THROW(r.GetGauge("ok", "h", {{"bad label", "v"}}), std::logic_error);
  EXPECT_THROW(r.GetGauge("ok", "h", {{"__reserved", "v"}}), std::logic_error);
  r.GetGauge("twice", "h");
  EXPECT_THROW(r.GetCounter("twice", "h"), std::logic_error);
  EXPECT_TRUE(IsValidMetricName("a:b_c9"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(MetricsRegistry, ConcurrentUpdatesAndRenders) {
  MetricsRegistry r;
  Counter& c = r.GetCounter("n_total", "h");
  Gauge& g = r.GetGauge("g", "h");
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        c.Add();
        g.Set(i);
      }
    });
  }
  std::thread reader([&] {
    for (int i = 0; i < 200; ++i) {
      std::string text = r.Render();
      ASSERT_NE(text.find("n_total "), std::string::npos);
      r.GetGauge("g_new", "h", {{"i", std::to_string(i % 7)}});  // registration meanwhile
    }
  });
  for (auto& w : writers) w.join();
  reader.join();
  EXPECT_EQ(c.value(), 400000u);
  EXPECT_EQ(g.value(), 99999);
}

}  // namespace
}  // namespace tributary::server
