// MetricsRegistry: counters, gauges and info series with labels, rendered in the
// Prometheus text exposition format 0.0.4 (docs/metrics.md).
//
// A series (one name + one label set) is created once, under the registry's lock, and
// then updated without locks: Counter and Gauge are relaxed atomics, so a connector's
// thread may update them per batch at the cost of an atomic store. Callback gauges are
// evaluated while rendering, on the scraping thread: the callback must be thread-safe and
// cheap (read atomics). Info series (`..._info{...} 1`) carry text as labels (a binlog
// file name); their labels are replaced under a small lock of their own.
//
// Lifetime: series are owned by the registry and live as long as it; the references
// returned stay valid (never moved). Threading: every method is thread-safe.
// Names: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*;
// they are code constants, so a bad one (or a name registered twice with another type)
// is a bug: REQUIRES-checked, throws std::logic_error.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::server {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonic count. Add() for events counted here; Set() mirrors a counter kept
// elsewhere (ProducerStats) that only grows.
class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  void Set(uint64_t v) { value_.store(v, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { bits_.store(std::bit_cast<uint64_t>(v), std::memory_order_relaxed); }
  double value() const { return std::bit_cast<double>(bits_.load(std::memory_order_relaxed)); }

 private:
  std::atomic<uint64_t> bits_{std::bit_cast<uint64_t>(0.0)};
};

// `name{fixed labels, variable labels} 1`: facts that are text (binlog file, version).
class InfoSeries {
 public:
  // Replaces the variable labels (empty: the series is not shown).
  void Set(Labels labels);
  Labels labels() const;

 private:
  mutable std::mutex mu_;
  Labels labels_;
};

enum class MetricType { kCounter, kGauge };

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The series `name{labels}`, created on first use (later calls return the same one;
  // `help` of the first call is kept). Counter names should end in `_total`.
  Counter& GetCounter(std::string_view name, std::string_view help, Labels labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, Labels labels = {});
  // A gauge computed at each scrape by `fn` (thread-safe, cheap). Replaces an earlier
  // callback of the same series.
  void SetGaugeCallback(std::string_view name, std::string_view help, Labels labels,
                        std::function<double()> fn);
  // An info series (a gauge of value 1); its variable labels are set through the result.
  InfoSeries& GetInfo(std::string_view name, std::string_view help, Labels labels = {});

  // Every series, families in the order of their first registration, series in theirs:
  //   # HELP name help\n# TYPE name counter|gauge\nname{a="x"} 12\n
  std::string Render() const;

  // The current value of a counter or gauge series, for tests; NaN when there is none.
  double ValueForTest(std::string_view name, const Labels& labels) const;

 private:
  struct Series;
  struct Family;
  Series& Find(std::string_view name, std::string_view help, MetricType type, Labels labels);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
};

// Prometheus text escaping: label values (\\, \", \n) and HELP text (\\, \n).
std::string EscapeLabelValue(std::string_view v);
std::string EscapeHelp(std::string_view v);
// A sample value as the format writes it: integers without a fraction, NaN, +Inf, -Inf.
std::string FormatSampleValue(double v);
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace tributary::server
