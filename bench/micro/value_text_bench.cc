// Text conversion of column values to UTF-8 (mysql/value_text.h), the step the Debezium
// encoder runs for every CHAR/VARCHAR/TEXT value: ASCII and well-formed UTF-8 in utf8mb4
// columns (validation only), latin1, and a memcpy of the same bytes as the floor.
// Bytes/s are of the input text.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>

#include "event/value.h"
#include "mysql/decimal.h"
#include "mysql/value_text.h"

namespace {

constexpr uint16_t kUtf8mb4 = 45;
constexpr uint16_t kLatin1 = 8;

// Like the snapshot benchmark's VARCHAR(255) column (60–99 ASCII characters): 81 bytes.
const std::string& AsciiText() {
  static const std::string s =
      "The quick brown fox jumps over the lazy dog near the riverbank at dawn 0123456789";
  return s;
}

const std::string& ShortAscii() {
  static const std::string s = "user-4711@example";
  return s;
}

// Mostly ASCII with a few two- and three-byte characters (European text).
const std::string& MixedUtf8() {
  static const std::string s =
      "Grüße aus Köln: Straße 12, 50667 – Öffnungszeiten täglich außer sonntags €5";
  return s;
}

// Three-byte characters only (CJK).
const std::string& CjkUtf8() {
  static const std::string s =
      "東京都千代田区丸の内一丁目九番二号東京駅前の大通りを北へ進んだ所にあります";
  return s;
}

void Run(benchmark::State& state, const std::string& text, uint16_t collation) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(tributary::mysql::AppendUtf8(text, collation, &out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_Utf8mb4_Ascii80(benchmark::State& s) { Run(s, AsciiText(), kUtf8mb4); }
void BM_Utf8mb4_Ascii17(benchmark::State& s) { Run(s, ShortAscii(), kUtf8mb4); }
void BM_Utf8mb4_Mixed(benchmark::State& s) { Run(s, MixedUtf8(), kUtf8mb4); }
void BM_Utf8mb4_Cjk(benchmark::State& s) { Run(s, CjkUtf8(), kUtf8mb4); }
void BM_Latin1_Ascii80(benchmark::State& s) { Run(s, AsciiText(), kLatin1); }

// The JSON form (AppendValueJson: convert and escape in one pass), as `tributary binlog`
// prints values.
void BM_ValueJson_Utf8mb4_Ascii80(benchmark::State& state) {
  tributary::event::Value v;
  v.kind = tributary::event::ValueKind::kString;
  v.charset = kUtf8mb4;
  v.bytes = AsciiText();
  std::string out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(tributary::mysql::AppendValueJson(v, &out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * AsciiText().size()));
}

void BM_Memcpy_Ascii80(benchmark::State& state) {
  const std::string& text = AsciiText();
  std::string out;
  for (auto _ : state) {
    out.clear();
    out.append(text);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// What a snapshot DECIMAL(12,2) costs today: the server's text to MySQL's binary form
// (snapshot RowReader), then back to text (the Debezium encoder, every decimal mode).
void BM_Decimal_TextBinaryText(benchmark::State& state) {
  const std::string text = "-1234567.89";
  std::string bin, back;
  for (auto _ : state) {
    bin.clear();
    back.clear();
    benchmark::DoNotOptimize(tributary::mysql::AppendDecimalBinary(text, 12, 2, &bin));
    benchmark::DoNotOptimize(tributary::mysql::AppendDecimalText(bin, 12, 2, &back));
    benchmark::DoNotOptimize(back.data());
  }
}

BENCHMARK(BM_Decimal_TextBinaryText);
BENCHMARK(BM_Utf8mb4_Ascii80);
BENCHMARK(BM_Utf8mb4_Ascii17);
BENCHMARK(BM_Utf8mb4_Mixed);
BENCHMARK(BM_Utf8mb4_Cjk);
BENCHMARK(BM_Latin1_Ascii80);
BENCHMARK(BM_ValueJson_Utf8mb4_Ascii80);
BENCHMARK(BM_Memcpy_Ascii80);

}  // namespace
