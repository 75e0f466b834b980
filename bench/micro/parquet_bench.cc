// Parquet writer hot paths on the issue-8 data set (10 mixed columns, bench_data.h),
// written to memory: the whole writer per codec, and the pieces it spends its time in
// (dictionary hashing, RLE/bit-packing, PLAIN copies, statistics) alone.
//
//   cmake --build build/rel --target bench_parquet && build/rel/bench/micro/bench_parquet
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>

#include "format/parquet/bench_data.h"
#include "format/parquet/dictionary.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/rle_encoder.h"
#include "format/parquet/statistics.h"

namespace pq = tributary::format::parquet;

namespace {

const pq::bench::BenchData& Data() {
  static const pq::bench::BenchData d = pq::bench::Generate(200000, 1);
  return d;
}

void WriteFile(benchmark::State& state, pq::Codec codec) {
  const auto& d = Data();
  size_t bytes = 0;
  for (auto _ : state) {
    pq::StringSink sink;
    pq::WriterOptions o;
    o.codec = codec;
    auto w = pq::ParquetWriter::Open(&sink, o);
    if (!w || !(*w)->Begin(pq::bench::Schema()).ok() || !pq::bench::WriteRows(d, w->get()).ok() ||
        !(*w)->Finish()) {
      state.SkipWithError("write failed");
      return;
    }
    bytes = sink.bytes().size();
    benchmark::DoNotOptimize(sink.bytes().data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d.rows));
  state.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
}

void BM_WriteUncompressed(benchmark::State& s) { WriteFile(s, pq::Codec::kUncompressed); }
void BM_WriteSnappy(benchmark::State& s) { WriteFile(s, pq::Codec::kSnappy); }
void BM_WriteZstd(benchmark::State& s) { WriteFile(s, pq::Codec::kZstd); }
BENCHMARK(BM_WriteUncompressed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteSnappy)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteZstd)->Unit(benchmark::kMillisecond);

void BM_DictionaryInt64(benchmark::State& state) {
  std::vector<uint64_t> v(1 << 16);
  std::mt19937_64 rng(1);
  for (auto& x : v) x = rng() % static_cast<uint64_t>(state.range(0));
  pq::FixedDictionary<uint64_t> dict;
  for (auto _ : state) {
    dict.Reset();
    for (uint64_t x : v) benchmark::DoNotOptimize(dict.GetOrInsert(x));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * v.size()));
}
BENCHMARK(BM_DictionaryInt64)->Arg(16)->Arg(100000);

void BM_DictionaryStrings(benchmark::State& state) {
  const auto& d = Data();
  pq::ByteDictionary dict;
  for (auto _ : state) {
    dict.Reset();
    for (size_t i = 0; i < d.rows; ++i)
      benchmark::DoNotOptimize(dict.GetOrInsert(d.text(d.name[i])));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d.rows));
}
BENCHMARK(BM_DictionaryStrings);

void BM_RleHybrid(benchmark::State& state) {
  int width = static_cast<int>(state.range(0));
  std::vector<uint32_t> v(1 << 16);
  std::mt19937 rng(2);
  for (auto& x : v) x = width == 0 ? 0 : rng() & ((1u << width) - 1);
  std::string out;
  for (auto _ : state) {
    out.clear();
    pq::EncodeRleHybrid(v.data(), v.size(), width, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * v.size()));
}
BENCHMARK(BM_RleHybrid)->Arg(1)->Arg(3)->Arg(10)->Arg(17);

void BM_StatisticsStrings(benchmark::State& state) {
  const auto& d = Data();
  for (auto _ : state) {
    pq::StatsAccumulator s(pq::SortOrder::kBytes, true);
    for (size_t i = 0; i < d.rows; ++i) s.UpdateBytes(d.text(d.payload[i]));
    benchmark::DoNotOptimize(s.has_min_max());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d.rows));
}
BENCHMARK(BM_StatisticsStrings);

void BM_StatisticsInt64(benchmark::State& state) {
  const auto& d = Data();
  for (auto _ : state) {
    pq::StatsAccumulator s(pq::SortOrder::kSigned64, false);
    s.Update64(reinterpret_cast<const uint64_t*>(d.id.data()), d.id.size());
    benchmark::DoNotOptimize(s.has_min_max());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d.rows));
}
BENCHMARK(BM_StatisticsInt64);

}  // namespace

BENCHMARK_MAIN();
