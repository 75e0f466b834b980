// Cost of bounds-checked reads through ByteReader against a raw memcpy loop over the
// same bytes (the baseline, measured in the same run). Parsers read every binlog byte
// through ByteReader, so this overhead bounds what checked decoding costs.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "common/byte_reader.h"

namespace {

std::vector<std::byte> Buffer() {
  std::vector<std::byte> buf(1 << 16);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<std::byte>(i * 131);
  return buf;
}

void BM_RawMemcpyU32(benchmark::State& state) {
  auto buf = Buffer();
  for (auto _ : state) {
    uint64_t sum = 0;
    for (size_t i = 0; i + 4 <= buf.size(); i += 4) {
      uint32_t v;
      std::memcpy(&v, buf.data() + i, 4);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buf.size()));
}
BENCHMARK(BM_RawMemcpyU32);

void BM_ByteReaderU32(benchmark::State& state) {
  auto buf = Buffer();
  for (auto _ : state) {
    tributary::ByteReader r(buf);
    uint64_t sum = 0;
    while (auto v = r.ReadU32()) sum += *v;
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buf.size()));
}
BENCHMARK(BM_ByteReaderU32);

}  // namespace
