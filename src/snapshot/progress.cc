#include "snapshot/progress.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace tributary::snapshot {
namespace {

constexpr std::chrono::seconds kRateWindow{10};
constexpr std::chrono::milliseconds kBarEvery{200};
constexpr int kBarWidth = 24;

double Seconds(Progress::Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

bool IsStderrTty() { return isatty(STDERR_FILENO) == 1; }

std::string FormatCount(double n) {
  if (!std::isfinite(n) || n < 0) return "?";
  if (n < 1000) return fmt::format("{:.0f}", std::floor(n));
  static constexpr const char* kUnits[] = {"k", "M", "G", "T"};
  double v = n;
  size_t unit = 0;
  v /= 1000;
  while (v >= 1000 && unit + 1 < std::size(kUnits)) {
    v /= 1000;
    ++unit;
  }
  // One decimal below 100 of the unit ("1.2M", "12.3k"), none above ("310k").
  if (v < 100) {
    double rounded = std::round(v * 10) / 10;
    if (rounded >= 100) return fmt::format("{:.0f}{}", rounded, kUnits[unit]);
    return fmt::format("{:.1f}{}", rounded, kUnits[unit]);
  }
  double rounded = std::round(v);
  if (rounded >= 1000 && unit + 1 < std::size(kUnits))
    return fmt::format("1.0{}", kUnits[unit + 1]);
  return fmt::format("{:.0f}{}", rounded, kUnits[unit]);
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto s = static_cast<uint64_t>(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 100 * 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  return fmt::format("{}d{:02}h", s / 86400, (s % 86400) / 3600);
}

Progress::Progress(std::chrono::milliseconds interval, bool tty, std::FILE* bar_out)
    : interval_(interval), tty_(tty && bar_out != nullptr), bar_out_(bar_out) {}

Progress::~Progress() { ClearBar(); }

void Progress::BeginTable(const event::TableId& id, uint64_t estimated_rows, size_t table_index,
                          size_t table_count, Clock::time_point now) {
  table_ = fmt::format("{}.{}", id.database, id.table);
  in_table_ = true;
  rows_done_ = 0;
  estimated_ = estimated_rows;
  table_index_ = table_index;
  table_count_ = table_count;
  table_start_ = now;
  if (last_log_ == Clock::time_point{}) last_log_ = now;
  TakeSample(now);
  {
    std::lock_guard lock(figures_mu_);
    auto it = std::find_if(tables_.begin(), tables_.end(),
                           [&](const TableFigures& t) { return t.table == table_; });
    if (it == tables_.end()) it = tables_.insert(tables_.end(), TableFigures{table_});
    it->rows_done = 0;
    it->rows_estimated = estimated_rows;
    it->done = false;
    current_ = static_cast<size_t>(it - tables_.begin());
  }
  Publish(now);
}

void Progress::AddRows(uint64_t rows, uint64_t bytes) {
  rows_done_ += rows;
  total_rows_ += rows;
  total_bytes_ += bytes;
}

void Progress::EndTable(Clock::time_point now) {
  if (!in_table_) return;
  TakeSample(now);
  ++tables_done_;
  double elapsed = Seconds(now - table_start_);
  std::string line =
      fmt::format("snapshot {}: done, {} rows in {}", table_,
                  FormatCount(static_cast<double>(rows_done_)), FormatDuration(elapsed));
  if (elapsed > 0) {
    line += fmt::format(" ({} rows/s)", FormatCount(static_cast<double>(rows_done_) / elapsed));
  }
  line += fmt::format("; tables {}/{}", tables_done_, table_count_);
  in_table_ = false;
  Publish(now);
  {
    std::lock_guard lock(figures_mu_);
    if (current_ < tables_.size()) tables_[current_].done = true;
  }
  ClearBar();
  spdlog::info("{}", line);
}

void Progress::Tick(Clock::time_point now) {
  TakeSample(now);
  Publish(now);
  if (!in_table_) return;
  if (interval_.count() > 0 && now - last_log_ >= interval_) {
    last_log_ = now;
    std::string line = Line(now);
    ClearBar();
    spdlog::info("{}", line);
  }
  if (tty_ && (!bar_drawn_ || now - last_bar_ >= kBarEvery)) DrawBar(now);
}

void Progress::TakeSample(Clock::time_point now) {
  if (!samples_.empty() && now < samples_.back().at) return;  // clock went backwards: ignore
  if (!samples_.empty() && samples_.back().at == now) {
    samples_.back().rows = total_rows_;
  } else {
    samples_.push_back({now, total_rows_});
  }
  // Keep one sample at or before the window's start as the base of the rate.
  while (samples_.size() > 2 && samples_[1].at <= now - kRateWindow) samples_.pop_front();
}

double Progress::Rate(Clock::time_point now) const {
  if (samples_.empty()) return 0;
  const Sample& base = samples_.front();
  double span = Seconds(now - base.at);
  if (span <= 0) return 0;
  return static_cast<double>(total_rows_ - base.rows) / span;
}

std::string Progress::Line(Clock::time_point now) {
  double rate = Rate(now);
  std::string line =
      fmt::format("snapshot {}: {}", table_, FormatCount(static_cast<double>(rows_done_)));
  if (estimated_ > 0) {
    uint64_t pct = std::min<uint64_t>(rows_done_ * 100 / estimated_, in_table_ ? 99 : 100);
    line += fmt::format("/{} rows ({}%)", FormatCount(static_cast<double>(estimated_)), pct);
  } else {
    line += " rows";
  }
  line += fmt::format(", {} rows/s", FormatCount(rate));
  if (estimated_ > 0) line += fmt::format(", ETA {}", FormatDuration(Eta(rate)));
  line += fmt::format("; tables {}/{}", table_index_ + 1, table_count_);
  return line;
}

double Progress::Eta(double rate) const {
  if (!in_table_) return 0;
  if (estimated_ == 0) return -1;
  // Past the estimate the server's guess was low: the end is near but unknown.
  if (rows_done_ >= estimated_) return -1;
  if (rate <= 0) return -1;
  return static_cast<double>(estimated_ - rows_done_) / rate;
}

void Progress::Publish(Clock::time_point now) {
  Figures f;
  f.rows_done = rows_done_;
  f.rows_estimated = estimated_;
  f.rows_per_sec = Rate(now);
  f.eta_sec = Eta(f.rows_per_sec);
  f.total_rows = total_rows_;
  f.total_bytes = total_bytes_;
  f.tables_done = tables_done_;
  f.table_count = table_count_;
  std::lock_guard lock(figures_mu_);
  figures_ = f;
  if (current_ < tables_.size()) tables_[current_].rows_done = rows_done_;
}

std::vector<Progress::TableFigures> Progress::tables() const {
  std::lock_guard lock(figures_mu_);
  return tables_;
}

Progress::Figures Progress::figures() const {
  std::lock_guard lock(figures_mu_);
  return figures_;
}

void Progress::DrawBar(Clock::time_point now) {
  last_bar_ = now;
  double fraction = 0;
  if (estimated_ > 0) {
    fraction = std::min(1.0, static_cast<double>(rows_done_) / static_cast<double>(estimated_));
  }
  int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kBarWidth - filled), '.');
  std::string line = Line(now);
  std::string_view text(line);
  if (text.starts_with("snapshot ")) text.remove_prefix(9);
  fmt::print(bar_out_, "\r[{}] {}\x1b[K", bar, text);
  std::fflush(bar_out_);
  bar_drawn_ = true;
}

void Progress::ClearBar() {
  if (!bar_drawn_) return;
  fmt::print(bar_out_, "\r\x1b[K");
  std::fflush(bar_out_);
  bar_drawn_ = false;
}

}  // namespace tributary::snapshot
