#include "connectors/source_metrics.h"

#include <algorithm>
#include <vector>

#include "connectors/mysql_source_impl.h"
#include "snapshot/progress.h"

namespace tributary::connectors {
namespace {

server::Labels With(const server::Labels& base, std::string key, std::string value) {
  server::Labels l = base;
  l.emplace_back(std::move(key), std::move(value));
  return l;
}

}  // namespace

SourceMetrics::SourceMetrics(server::MetricsEndpoint& endpoint)
    : endpoint_(endpoint),
      registry_(endpoint.registry()),
      base_{{"connector", endpoint.connector()}},
      snapshot_running_(registry_.GetGauge("tributary_snapshot_running",
                                           "1 while a snapshot runs (SnapshotRunning).", base_)),
      snapshot_completed_(
          registry_.GetGauge("tributary_snapshot_completed",
                             "1 once the last snapshot completed (SnapshotCompleted).", base_)),
      snapshot_aborted_(registry_.GetGauge(
          "tributary_snapshot_aborted",
          "1 when the connector stopped during a snapshot (SnapshotAborted).", base_)),
      snapshot_paused_(
          registry_.GetGauge("tributary_snapshot_paused",
                             "1 while a snapshot is paused by a signal (SnapshotPaused).", base_)),
      snapshot_total_tables_(
          registry_.GetGauge("tributary_snapshot_total_table_count",
                             "Tables in the running or last snapshot (TotalTableCount).", base_)),
      snapshot_remaining_tables_(registry_.GetGauge(
          "tributary_snapshot_remaining_table_count",
          "Tables of the running snapshot not completed yet (RemainingTableCount).", base_)),
      snapshot_duration_(registry_.GetGauge(
          "tributary_snapshot_duration_seconds",
          "Seconds the running or last snapshot took so far (SnapshotDurationInSeconds).", base_)),
      snapshot_rows_per_second_(
          registry_.GetGauge("tributary_snapshot_rows_per_second",
                             "Snapshot rows read per second over the last ~10 s.", base_)),
      snapshot_eta_(registry_.GetGauge(
          "tributary_snapshot_table_eta_seconds",
          "Estimated seconds left in the current snapshot table; -1 unknown.", base_)),
      snapshot_events_(registry_.GetCounter(
          "tributary_snapshot_events_seen_total",
          "Snapshot rows read and sent, all tables (TotalNumberOfEventsSeen, snapshot).", base_)),
      streaming_events_(registry_.GetCounter(
          "tributary_streaming_events_seen_total",
          "Row change events emitted from the binlog (TotalNumberOfEventsSeen, streaming).",
          base_)),
      behind_source_ms_(registry_.GetGauge(
          "tributary_streaming_milli_seconds_behind_source",
          "Milliseconds between the last event's binlog timestamp and its processing "
          "(MilliSecondsBehindSource; the binlog timestamp has second resolution).",
          base_)),
      last_event_ts_(
          registry_.GetGauge("tributary_streaming_last_event_timestamp_seconds",
                             "Binlog timestamp (Unix seconds) of the last event handled.", base_)),
      binlog_position_(registry_.GetGauge("tributary_streaming_binlog_position",
                                          "Binlog position of the source offset (BinlogPosition).",
                                          base_)),
      binlog_info_(registry_.GetInfo("tributary_streaming_binlog_info",
                                     "Binlog file of the source offset (BinlogFilename).", base_)),
      sent_(registry_.GetCounter("tributary_producer_records_sent_total",
                                 "Records handed to the Kafka producer.", base_)),
      acked_(registry_.GetCounter("tributary_producer_records_acked_total",
                                  "Records Kafka acknowledged.", base_)),
      failed_(registry_.GetCounter("tributary_producer_records_failed_total",
                                   "Records Kafka refused or that timed out.", base_)),
      bytes_sent_(registry_.GetCounter("tributary_producer_bytes_sent_total",
                                       "Key and value bytes handed to the Kafka producer.", base_)),
      queue_full_waits_(registry_.GetCounter(
          "tributary_producer_queue_full_waits_total",
          "Times a send waited because the producer's local queue was full.", base_)),
      in_flight_(registry_.GetGauge(
          "tributary_producer_records_in_flight",
          "Records sent and not yet acknowledged or failed (the producer queue).", base_)) {
  registry_.SetGaugeCallback(
      "tributary_streaming_connected",
      "1 while the binlog stream delivers events or server heartbeats (Connected).", base_, [this] {
        if (stopped_.load(std::memory_order_relaxed)) return 0.0;
        int64_t last = last_tick_ms_.load(std::memory_order_relaxed);
        int64_t window = connected_window_ms_.load(std::memory_order_relaxed);
        return last > 0 && source_detail::NowMs() - last < window ? 1.0 : 0.0;
      });
  registry_.SetGaugeCallback(
      "tributary_streaming_milli_seconds_since_last_event",
      "Milliseconds since the connector last handled an event that moved its offset "
      "(MilliSecondsSinceLastEvent); -1 before the first.",
      base_, [this] {
        int64_t last = last_event_ms_.load(std::memory_order_relaxed);
        return last > 0 ? static_cast<double>(source_detail::NowMs() - last) : -1.0;
      });
}

SourceMetrics::~SourceMetrics() {
  // Same name, help and labels as above: the series stay, their callbacks no longer read
  // this object (a scrape may come after the connector returned, before the endpoint goes).
  registry_.SetGaugeCallback(
      "tributary_streaming_connected",
      "1 while the binlog stream delivers events or server heartbeats (Connected).", base_,
      [] { return 0.0; });
  registry_.SetGaugeCallback(
      "tributary_streaming_milli_seconds_since_last_event",
      "Milliseconds since the connector last handled an event that moved its offset "
      "(MilliSecondsSinceLastEvent); -1 before the first.",
      base_, [] { return -1.0; });
}

void SourceMetrics::OnStopped() {
  stopped_.store(true);
  if (snapshot_running_.value() > 0) {
    snapshot_running_.Set(0);
    snapshot_aborted_.Set(1);
  }
}

void PublishSourceMetrics(const MySqlSource::Impl& impl, SourceMetrics& m) {
  // Ticks come after every binlog batch: at most 10 publishes a second are plenty (an idle
  // stream still ticks on the server's heartbeat, so the last figures always get out).
  const auto steady_now = Clock::now();
  if (steady_now - m.last_publish_ < std::chrono::milliseconds(100)) return;
  m.last_publish_ = steady_now;
  const int64_t now_ms = source_detail::NowMs();
  m.last_tick_ms_.store(now_ms, std::memory_order_relaxed);
  m.connected_window_ms_.store(std::max<int64_t>(3 * impl.binlog.heartbeat_period.count(), 5000),
                               std::memory_order_relaxed);

  // Snapshot.
  if (impl.progress) {
    snapshot::Progress::Figures f = impl.progress->figures();
    m.snapshot_events_.Set(f.total_rows);
    if (impl.snap) {
      m.snapshot_rows_per_second_.Set(f.rows_per_sec);
      m.snapshot_eta_.Set(f.eta_sec);
    }
    // Per-table figures change only while a snapshot runs (and at its end).
    const bool tables_moving = impl.snap.has_value() || m.snapshot_was_running_;
    m.snapshot_was_running_ = impl.snap.has_value();
    auto tables =
        tables_moving ? impl.progress->tables() : std::vector<snapshot::Progress::TableFigures>();
    for (const auto& t : tables) {
      auto it = m.tables_.find(t.table);
      if (it == m.tables_.end()) {
        auto labels = With(m.base_, "table", t.table);
        SourceMetrics::TableSeries s;
        s.rows_scanned = &m.registry_.GetGauge(
            "tributary_snapshot_rows_scanned",
            "Rows read by the snapshot of each table so far (RowsScanned).", labels);
        s.rows_estimated = &m.registry_.GetGauge(
            "tributary_snapshot_rows_estimated",
            "The server's estimate of each table's rows (information_schema), at its start.",
            labels);
        s.completed = &m.registry_.GetGauge("tributary_snapshot_table_completed",
                                            "1 once the table's snapshot completed.", labels);
        it = m.tables_.emplace(t.table, s).first;
      }
      it->second.rows_scanned->Set(static_cast<double>(t.rows_done));
      it->second.rows_estimated->Set(static_cast<double>(t.rows_estimated));
      it->second.completed->Set(t.done ? 1 : 0);
    }
    if (!tables.empty()) m.snapshot_seen_ = true;
  }
  if (impl.snap) {
    m.snapshot_seen_ = true;
    m.snapshot_running_.Set(1);
    m.snapshot_completed_.Set(0);
    m.snapshot_aborted_.Set(0);
    m.snapshot_paused_.Set(impl.snap->paused ? 1 : 0);
    m.snapshot_total_tables_.Set(static_cast<double>(impl.snap->tables_total));
    m.snapshot_remaining_tables_.Set(static_cast<double>(impl.snap->tables.size()));
    m.snapshot_duration_.Set(
        std::chrono::duration<double>(Clock::now() - impl.snapshot_started).count());
    m.endpoint_.SetPhase(server::ConnectorPhase::kSnapshot);
  } else {
    if (m.snapshot_seen_ && m.snapshot_completed_.value() == 0 &&
        m.snapshot_aborted_.value() == 0) {
      // Ended since the last tick (EndSnapshot): its duration is final.
      m.snapshot_duration_.Set(
          std::chrono::duration<double>(Clock::now() - impl.snapshot_started).count());
      m.snapshot_completed_.Set(1);
      m.snapshot_remaining_tables_.Set(0);
      m.snapshot_rows_per_second_.Set(0);
      m.snapshot_eta_.Set(0);
      if (impl.progress) {
        m.snapshot_total_tables_.Set(static_cast<double>(impl.progress->figures().table_count));
      }
    }
    m.snapshot_running_.Set(0);
    m.snapshot_paused_.Set(0);
    m.endpoint_.SetPhase(server::ConnectorPhase::kStreaming);
  }

  // Streaming.
  m.streaming_events_.Set(impl.stream_rows_emitted);
  const SourceOffset& at = impl.cursor.offset();
  if (at.ts_sec > 0) m.last_event_ts_.Set(static_cast<double>(at.ts_sec));
  if (at.file != m.binlog_file_ || at.pos != m.last_pos_ || at.event != m.last_event_no_ ||
      at.row != m.last_row_) {
    if (m.last_pos_ != 0 || !m.binlog_file_.empty()) {
      m.last_event_ms_.store(now_ms, std::memory_order_relaxed);
      // Debezium's MilliSecondsBehindSource: measured when an event is handled, so an idle,
      // caught-up stream (or a stored offset's old timestamp after a restart) does not
      // show a growing lag.
      if (at.ts_sec > 0) {
        m.behind_source_ms_.Set(
            static_cast<double>(std::max<int64_t>(0, now_ms - at.ts_sec * 1000)));
      }
    }
    if (at.file != m.binlog_file_) {
      m.binlog_file_ = at.file;
      m.binlog_info_.Set({{"binlog_file", at.file}});
    }
    m.last_pos_ = at.pos;
    m.last_event_no_ = at.event;
    m.last_row_ = at.row;
  }
  m.binlog_position_.Set(static_cast<double>(at.pos));

  // Producer.
  if (impl.producer) {
    kafka::ProducerStats p = impl.producer->stats();
    m.sent_.Set(p.sent);
    m.acked_.Set(p.acked);
    m.failed_.Set(p.failed);
    m.bytes_sent_.Set(p.bytes_sent);
    m.queue_full_waits_.Set(p.queue_full_waits);
    uint64_t done = p.acked + p.failed;
    m.in_flight_.Set(static_cast<double>(p.sent > done ? p.sent - done : 0));
  }
}

void MySqlSource::SetMetrics(SourceMetrics* metrics) { impl_->metrics = metrics; }

}  // namespace tributary::connectors
