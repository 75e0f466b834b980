// Progress: what a snapshot has done and how long it has left, for people and metrics.
//
// Per table: rows done / estimated (the estimate is the server's, e.g. TABLE_ROWS of
// information_schema, so "done" may pass it: the percentage is then capped at 99% until
// the table ends), rows/s over a sliding window of the last ~10 s, ETA of the table.
// Every `interval` Tick() logs one line at info:
//   snapshot db.t: 1.2M/5.0M rows (24%), 310k rows/s, ETA 12s; tables 2/7
// and, when stderr is a terminal, redraws a one-line bar on stderr ("\r...\x1b[K") at
// most every 200 ms; nothing is written to stderr when it is not a terminal.
// EndTable logs "snapshot db.t: done, 5.0M rows in 16s (312k rows/s); tables 2/7".
//
// The clock is the caller's: every time-dependent call takes `now`, so tests drive time.
// Threading: one thread (the engine's) calls everything except figures() and tables(),
// which any thread may call (the figures are published under a small lock at each Tick,
// BeginTable and EndTable; the metrics endpoint reads them).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "event/table_schema.h"

namespace tributary::snapshot {

// isatty(STDERR_FILENO).
bool IsStderrTty();

// "950", "12.3k", "1.2M", "3.4G": counts with one decimal above 1000.
std::string FormatCount(double n);
// "12s", "3m04s", "2h05m", "?" for a negative / not finite value.
std::string FormatDuration(double seconds);

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  // `interval`: between log lines (snapshot.progress.interval.ms); 0 = no log lines.
  // `tty`: draw the bar on `bar_out` (stderr by default).
  explicit Progress(std::chrono::milliseconds interval, bool tty = IsStderrTty(),
                    std::FILE* bar_out = stderr);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // A table starts. `table_index` is 0-based (the line shows "tables <index+1>/<count>");
  // `estimated_rows` 0 = unknown (no percentage, no ETA).
  void BeginTable(const event::TableId& id, uint64_t estimated_rows, size_t table_index,
                  size_t table_count, Clock::time_point now = Clock::now());
  // Rows (and their bytes) emitted in the current table since the last call.
  void AddRows(uint64_t rows, uint64_t bytes);
  // The current table is complete; logs its summary line.
  void EndTable(Clock::time_point now = Clock::now());
  // Takes a rate sample; logs (and redraws the bar) when due.
  void Tick(Clock::time_point now);

  // The figures of the current (or last) table, plus the whole snapshot's.
  struct Figures {
    uint64_t rows_done = 0;       // current table
    uint64_t rows_estimated = 0;  // current table
    double rows_per_sec = 0;      // sliding window
    double eta_sec = -1;          // current table; -1 unknown
    uint64_t total_rows = 0;      // all tables so far
    uint64_t total_bytes = 0;
    size_t tables_done = 0;
    size_t table_count = 0;
  };
  Figures figures() const;

  // Every table begun so far (a table snapshotted again, by an incremental snapshot,
  // starts over in its entry), in the order they began.
  struct TableFigures {
    std::string table;  // "db.t"
    uint64_t rows_done = 0;
    uint64_t rows_estimated = 0;
    bool done = false;
  };
  std::vector<TableFigures> tables() const;

  // The log line for the current state at `now`: exactly the text Tick logs.
  std::string Line(Clock::time_point now);

 private:
  struct Sample {
    Clock::time_point at;
    uint64_t rows;  // rows_done of the table at that time
  };
  void TakeSample(Clock::time_point now);
  double Rate(Clock::time_point now) const;
  double Eta(double rate) const;  // seconds, -1 unknown
  void Publish(Clock::time_point now);
  void DrawBar(Clock::time_point now);
  void ClearBar();

  std::chrono::milliseconds interval_;
  bool tty_;
  std::FILE* bar_out_;
  bool bar_drawn_ = false;

  std::string table_;  // "db.t"
  bool in_table_ = false;
  uint64_t rows_done_ = 0;
  uint64_t estimated_ = 0;
  uint64_t total_rows_ = 0;
  uint64_t total_bytes_ = 0;
  size_t table_index_ = 0;
  size_t table_count_ = 0;
  size_t tables_done_ = 0;
  Clock::time_point table_start_{};
  Clock::time_point last_log_{};
  Clock::time_point last_bar_{};
  std::deque<Sample> samples_;

  mutable std::mutex figures_mu_;
  Figures figures_;
  std::vector<TableFigures> tables_;  // under figures_mu_
  size_t current_ = 0;                // tables_ index of table_ (valid once in a table)
};

}  // namespace tributary::snapshot
