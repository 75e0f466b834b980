// Decode-only rate of the binlog event decoder from memory, in rows per second on one
// core, for (a) wide bulk rows (10 mixed columns, 1000 rows per WRITE_ROWS event) and
// (b) single-row transactions; the binlogs are synthetic (synthetic_binlog.h).
//
// Baselines over the same bytes, measured in the same run: a CRC32 pass (the decoder
// verifies every event's CRC32, so decoding cannot be faster than this) and a memcpy
// (memory bandwidth). "Decode + JSON" adds what `tributary binlog` does per event on top
// of decoding. After the runs a table gives each rate and decode's time relative to the
// baselines; docs/benchmarks.md records the figures.
//
//   cmake --build build/rel --target bench_decode && build/rel/bench/micro/bench_decode
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "mysql/event_decoder.h"
#include "mysql/event_json.h"
#include "synthetic_binlog.h"

namespace {

using tributary::bench::SyntheticBinlog;
using tributary::mysql::EventDecoder;

const SyntheticBinlog& WideRows() {
  static const SyntheticBinlog binlog = tributary::bench::MakeWideRowsBinlog(
      /*transactions=*/5, /*events_per_transaction=*/10, /*rows_per_event=*/1000);
  return binlog;
}

const SyntheticBinlog& SingleRowTransactions() {
  static const SyntheticBinlog binlog = tributary::bench::MakeSingleRowBinlog(20'000);
  return binlog;
}

// Decodes every event of `file` (a whole binlog image) as BinlogFileReader does, and
// with `json` also renders each as `tributary binlog` prints it. Returns the rows seen.
// `recycle`: each event's row storage goes back to the decoder once handled, as the
// source connector's BinlogStream does (false: allocated per event and row image).
tributary::Result<uint64_t> DecodeAll(std::span<const std::byte> file, std::string* json,
                                      bool recycle = true) {
  EventDecoder decoder;
  tributary::mysql::EventJsonContext ctx;
  uint64_t rows = 0;
  size_t pos = 4;
  while (pos < file.size()) {
    auto header = EventDecoder::DecodeHeader(file.subspan(pos));
    if (!header) return tributary::Error(header.error());
    auto ev = decoder.Decode(file.subspan(pos, header->event_size), pos);
    if (!ev) return tributary::Error(ev.error());
    if (const auto* r = std::get_if<tributary::mysql::RowsEvent>(&ev->body)) rows += r->rows.size();
    if (json != nullptr) {
      json->clear();
      if (auto s = tributary::mysql::AppendEventJson(*ev, ctx, json); !s.ok()) return tributary::Error(s);
    }
    if (recycle) decoder.Recycle(*ev);
    pos += header->event_size;
  }
  return rows;
}

void SetCounters(benchmark::State& state, const SyntheticBinlog& binlog) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * binlog.rows));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * binlog.bytes.size()));
}

void BM_Decode(benchmark::State& state, const SyntheticBinlog& (*workload)(), bool json,
               bool recycle = true) {
  const SyntheticBinlog& binlog = workload();
  std::string out;
  auto check = DecodeAll(binlog.bytes, json ? &out : nullptr);
  if (!check || *check != binlog.rows) {
    state.SkipWithError(check ? "decoded row count differs from the generated one"
                              : check.error().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto rows = DecodeAll(binlog.bytes, json ? &out : nullptr, recycle);
    benchmark::DoNotOptimize(rows);
  }
  SetCounters(state, binlog);
}

void BM_Crc32(benchmark::State& state, const SyntheticBinlog& (*workload)()) {
  const SyntheticBinlog& binlog = workload();
  for (auto _ : state) {
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(binlog.bytes.data()),
                static_cast<uInt>(binlog.bytes.size()));
    benchmark::DoNotOptimize(crc);
  }
  SetCounters(state, binlog);
}

void BM_Memcpy(benchmark::State& state, const SyntheticBinlog& (*workload)()) {
  const SyntheticBinlog& binlog = workload();
  std::vector<std::byte> copy(binlog.bytes.size());
  for (auto _ : state) {
    std::memcpy(copy.data(), binlog.bytes.data(), binlog.bytes.size());
    benchmark::ClobberMemory();
  }
  SetCounters(state, binlog);
}

BENCHMARK_CAPTURE(BM_Decode, wide_rows, &WideRows, false);
BENCHMARK_CAPTURE(BM_Decode, single_row_txns, &SingleRowTransactions, false);
BENCHMARK_CAPTURE(BM_Decode, wide_rows_json, &WideRows, true);
BENCHMARK_CAPTURE(BM_Decode, single_row_txns_json, &SingleRowTransactions, true);
BENCHMARK_CAPTURE(BM_Decode, wide_rows_no_recycle, &WideRows, false, false);
BENCHMARK_CAPTURE(BM_Decode, single_row_txns_no_recycle, &SingleRowTransactions, false, false);
BENCHMARK_CAPTURE(BM_Crc32, wide_rows, &WideRows);
BENCHMARK_CAPTURE(BM_Crc32, single_row_txns, &SingleRowTransactions);
BENCHMARK_CAPTURE(BM_Memcpy, wide_rows, &WideRows);
BENCHMARK_CAPTURE(BM_Memcpy, single_row_txns, &SingleRowTransactions);

// The console output, plus each benchmark's items_per_second kept for the ratio table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (run.error_occurred || it == run.counters.end()) continue;
      // With --benchmark_repetitions, the best repetition (as the e2e script's best of N);
      // with --benchmark_report_aggregates_only, the median.
      std::string name = run.run_name.str();
      if (run.run_type == Run::RT_Iteration) {
        best_[name] = std::max(best_[name], it->second.value);
      } else if (run.aggregate_name == "median") {
        median_[name] = it->second.value;
      }
    }
  }

  void PrintRatios() const {
    fmt::print("\nRows per second on one core, and decode's time relative to the baselines "
               "over the same bytes (same run):\n");
    fmt::print("{:<17} {:>14} {:>14} {:>14} {:>14} {:>12} {:>12}\n", "workload", "decode",
               "decode+JSON", "CRC32 pass", "memcpy", "vs CRC32", "vs memcpy");
    for (const char* w : {"wide_rows", "single_row_txns"}) {
      double decode = Get("BM_Decode", w), json = Get("BM_Decode", std::string(w) + "_json");
      double crc = Get("BM_Crc32", w), copy = Get("BM_Memcpy", w);
      if (decode == 0) continue;
      fmt::print("{:<17} {:>14} {:>14} {:>14} {:>14} {:>12} {:>12}\n", w, Rate(decode),
                 Rate(json), Rate(crc), Rate(copy), Times(crc, decode), Times(copy, decode));
    }
    double wide = Get("BM_Decode", "wide_rows");
    if (wide != 0) {
      fmt::print("\nTarget >= 2M rows/s per core decode-only on wide rows: {} ({})\n",
                 wide >= 2e6 ? "met" : "MISSED", Rate(wide));
    }
  }

 private:
  double Get(std::string_view bench, std::string_view workload) const {
    std::string name = fmt::format("{}/{}", bench, workload);
    if (auto it = best_.find(name); it != best_.end()) return it->second;
    auto it = median_.find(name);
    return it == median_.end() ? 0 : it->second;
  }
  // How many times longer decoding takes than the baseline.
  static std::string Times(double baseline, double decode) {
    return baseline == 0 ? "-" : fmt::format("{:.1f}x", baseline / decode);
  }
  static std::string Rate(double rows_per_second) {
    if (rows_per_second == 0) return "-";
    if (rows_per_second >= 1e9) return fmt::format("{:.2f}G", rows_per_second / 1e9);
    return fmt::format("{:.2f}M", rows_per_second / 1e6);
  }

  std::map<std::string, double> best_;    // rows/s of the fastest repetition
  std::map<std::string, double> median_;  // rows/s of the median repetition
};

// --write_binlogs=DIR writes the two synthetic binlogs as files, to cross-check them with
// `tributary binlog` and `mariadb-binlog -v` (which decodes them as MariaDB would).
bool WriteBinlogs(std::string_view dir) {
  for (auto [name, binlog] : {std::pair{"wide_rows.bin", &WideRows()},
                              std::pair{"single_row_txns.bin", &SingleRowTransactions()}}) {
    std::string path = fmt::format("{}/{}", dir, name);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(binlog->bytes.data(), 1, binlog->bytes.size(), f) != binlog->bytes.size()) {
      fmt::print(stderr, "bench_decode: cannot write {}\n", path);
      if (f != nullptr) std::fclose(f);
      return false;
    }
    std::fclose(f);
    fmt::print("wrote {} ({} rows)\n", path, binlog->rows);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  constexpr std::string_view kWriteFlag = "--write_binlogs=";
  if (argc == 2 && std::string_view(argv[1]).starts_with(kWriteFlag)) {
    return WriteBinlogs(std::string_view(argv[1]).substr(kWriteFlag.size())) ? 0 : 1;
  }
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  fmt::print("wide_rows: {} rows in {} events, {:.1f} MiB; single_row_txns: {} rows in {} "
             "events, {:.1f} MiB\n",
             WideRows().rows, WideRows().events, WideRows().bytes.size() / 1048576.0,
             SingleRowTransactions().rows, SingleRowTransactions().events,
             SingleRowTransactions().bytes.size() / 1048576.0);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
