// The benchmark data set of issue 8: N rows x 10 mixed columns (ints, decimal, string,
// timestamp, JSON text, enum, double, nullable text, date), generated deterministically
// from a seed and held in memory, so a benchmark times only the writing. Used by
// parquet_tool (bench/e2e/parquet_vs_pyarrow.py) and bench/micro/parquet_bench.cc.
// Not part of Tributary proper.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/schema.h"

namespace tributary::format::parquet::bench {

struct BenchData {
  size_t rows = 0;
  std::vector<int64_t> id, price, created;
  std::vector<int32_t> qty, birth;
  std::vector<double> score;
  std::string arena;  // text values, addressed by (offset, length); length ~0u = NULL
  std::vector<std::pair<uint32_t, uint32_t>> name, payload, status, note;

  std::string_view text(std::pair<uint32_t, uint32_t> p) const {
    return {arena.data() + p.first, p.second};
  }
};

BenchData Generate(size_t rows, uint64_t seed);
ParquetSchema Schema();
// Appends every row to `w` (after Begin(Schema())).
Status WriteRows(const BenchData& d, ParquetWriter* w);

}  // namespace tributary::format::parquet::bench
