// The S3 sink's per-record work for schemaless JSON (format.class=JsonFormat): a record
// value to its line in the object buffer, on the sink task's thread. 1000 distinct
// Debezium-shaped change events like bench/e2e/sink_to_s3.sh's, each benchmark writing
// them round robin into one growing object buffer (reset at 64 MB):
//   BM_TreeParseAndEncode   RecordValueParser (simdjson → JsonDocument) + JsonLinesFormat
//   BM_Transcode            SchemalessJsonTranscoder (no tree) + JsonLinesFormat
//   BM_CopyFloor            the input bytes appended as they are (memcpy floor)
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "format/json_lines_format.h"
#include "format/record_value.h"
#include "format/schemaless_json_transcoder.h"

namespace {

using namespace tributary::format;  // NOLINT

std::vector<std::string> Payloads() {
  std::mt19937 rnd(1);
  auto pick = [&](std::initializer_list<const char*> v) {
    return std::string(v.begin()[rnd() % v.size()]);
  };
  std::vector<std::string> out;
  for (int i = 0; i < 1000; ++i) {
    std::string score = std::to_string(rnd() % 100000);
    while (score.size() < 4) score.insert(0, "0");
    score.insert(score.size() - 3, ".");
    while (score.back() == '0') score.pop_back();
    if (score.back() == '.') score += "0";
    out.push_back(
        "{\"before\":null,\"after\":{\"id\":" + std::to_string(i) + ",\"first_name\":\"" +
        pick({"Anne", "Bob", "Chen", "Dana", "Eve"}) + "\",\"last_name\":\"" +
        pick({"Kretchmar", "Walker", "Smith", "Ng", "Ito"}) + "\",\"email\":\"user" +
        std::to_string(i) + "@example.com\",\"city\":\"" + pick({"Paris", "Lima", "Oslo", "Pune"}) +
        "\",\"balance\":" + std::to_string(rnd() % 10000000) + ",\"score\":" + score +
        ",\"active\":" + (rnd() % 2 ? "true" : "false") +
        "},\"source\":{\"version\":\"2.7.0.Final\",\"connector\":\"mysql\",\"name\":\"bench\","
        "\"ts_ms\":" +
        std::to_string(1714564800000 + i) +
        ",\"db\":\"inventory\",\"table\":\"customers\",\"server_id\":1,\"file\":\"binlog.000001\","
        "\"pos\":" +
        std::to_string(4 + i * 100) +
        ",\"row\":0},\"op\":\"c\",\"ts_ms\":" + std::to_string(1714564800005 + i) + "}");
  }
  return out;
}

SinkRecord Record(const std::string& value, int64_t offset) {
  SinkRecord r;
  r.topic = "bench";
  r.offset = offset;
  r.value = value;
  return r;
}

constexpr size_t kObjectBytes = 64u << 20;

void BM_TreeParseAndEncode(benchmark::State& state) {
  auto payloads = Payloads();
  RecordValueParser parser;
  JsonLinesFormat format({});
  std::string object;
  (void)format.Begin(&object);
  int64_t i = 0;
  for (auto _ : state) {
    const std::string& p = payloads[static_cast<size_t>(i) % payloads.size()];
    SinkRecord r = Record(p, i++);
    auto v = parser.Parse(r);
    if (!v || !format.Append(r, *v).ok()) state.SkipWithError("encode failed");
    if (object.size() > kObjectBytes) object.clear();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TreeParseAndEncode);

void BM_Transcode(benchmark::State& state) {
  auto payloads = Payloads();
  SchemalessJsonTranscoder transcoder({}, EnvelopeMode::kAuto);
  JsonLinesFormat format({});
  std::string object, line;
  (void)format.Begin(&object);
  int64_t i = 0;
  for (auto _ : state) {
    const std::string& p = payloads[static_cast<size_t>(i) % payloads.size()];
    SinkRecord r = Record(p, i++);
    line.clear();
    if (!transcoder.Transcode(p, &line)) state.SkipWithError("declined");
    ParsedValue v;
    v.kind = ValueKind::kPlain;
    v.encoded_json = line;
    if (!format.Append(r, v).ok()) state.SkipWithError("append failed");
    if (object.size() > kObjectBytes) object.clear();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Transcode);

void BM_CopyFloor(benchmark::State& state) {
  auto payloads = Payloads();
  std::string object;
  size_t i = 0;
  for (auto _ : state) {
    object.append(payloads[i++ % payloads.size()]);
    object.push_back('\n');
    if (object.size() > kObjectBytes) object.clear();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CopyFloor);

}  // namespace
