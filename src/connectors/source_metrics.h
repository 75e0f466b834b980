// SourceMetrics: the MySQL source connector's series in the metrics endpoint's registry
// (docs/metrics.md), named after Debezium's MySQL MBeans (snapshot and streaming
// contexts) where one exists.
//
// Published from the connector's own thread: MySqlSource::Impl::Tick (after every binlog
// batch and every snapshot chunk) calls PublishSourceMetrics, which at most every 100 ms
// copies counters the connector keeps anyway (rows emitted, ProducerStats, snapshot
// Progress) into the series with relaxed atomic stores; the per-row path only gains one
// plain increment (Impl::stream_rows_emitted). Between ticks (an idle binlog: up to the
// server's heartbeat period, at most 1 s) the values stay as last published;
// `..._milli_seconds_since_last_event` and `..._connected` are computed at scrape time.
//
// Lifetime: the endpoint must outlive this object, which must outlive the connector's
// Run(). Threading: Publish / OnStopped on the connector's thread; scrapes on the
// endpoint's.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "connectors/mysql_source.h"
#include "server/metrics_endpoint.h"

namespace tributary::connectors {

class SourceMetrics {
 public:
  // Registers every series (all visible, at 0, from the start).
  explicit SourceMetrics(server::MetricsEndpoint& endpoint);
  // The registry (the endpoint's) outlives this object: its callbacks that read this
  // object are replaced by constants, under the registry's lock, before it goes.
  ~SourceMetrics();
  SourceMetrics(const SourceMetrics&) = delete;
  SourceMetrics& operator=(const SourceMetrics&) = delete;

  // Run() returned: a snapshot still running counts as aborted; not connected any more.
  void OnStopped();

 private:
  friend void PublishSourceMetrics(const MySqlSource::Impl& impl, SourceMetrics& m);
  using Gauge = server::Gauge;
  using Counter = server::Counter;

  server::MetricsEndpoint& endpoint_;
  server::MetricsRegistry& registry_;
  server::Labels base_;  // {connector}
  // A stream silent for 3 server heartbeat periods (at least 5 s) is not connected.
  std::atomic<int64_t> connected_window_ms_{5000};

  // Snapshot context.
  Gauge& snapshot_running_;
  Gauge& snapshot_completed_;
  Gauge& snapshot_aborted_;
  Gauge& snapshot_paused_;
  Gauge& snapshot_total_tables_;
  Gauge& snapshot_remaining_tables_;
  Gauge& snapshot_duration_;
  Gauge& snapshot_rows_per_second_;
  Gauge& snapshot_eta_;
  Counter& snapshot_events_;
  struct TableSeries {
    Gauge* rows_scanned;
    Gauge* rows_estimated;
    Gauge* completed;
  };
  std::map<std::string, TableSeries> tables_;
  bool snapshot_seen_ = false;
  bool snapshot_was_running_ = false;  // at the last publish

  // Streaming context.
  Counter& streaming_events_;
  Gauge& behind_source_ms_;
  Gauge& last_event_ts_;
  Gauge& binlog_position_;
  server::InfoSeries& binlog_info_;
  std::chrono::steady_clock::time_point last_publish_{};
  std::string binlog_file_;                                   // as last published
  uint64_t last_pos_ = 0, last_event_no_ = 0, last_row_ = 0;  // the offset last published
  std::atomic<int64_t> last_tick_ms_{0};                      // wall clock of the last publish
  std::atomic<int64_t> last_event_ms_{0};  // wall clock when the offset last moved
  std::atomic<bool> stopped_{false};

  // Producer.
  Counter& sent_;
  Counter& acked_;
  Counter& failed_;
  Counter& bytes_sent_;
  Counter& queue_full_waits_;
  Gauge& in_flight_;
};

// Copies the connector's figures into `m`. On the connector's thread (Impl::Tick).
void PublishSourceMetrics(const MySqlSource::Impl& impl, SourceMetrics& m);

}  // namespace tributary::connectors
