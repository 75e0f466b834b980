// parquet_tool: drives the Parquet writer from JSON, for the Python tests
// (tests/e2e/test_parquet_writer.py) and the pyarrow benchmark (bench/e2e/).
//
//   parquet_tool JOBS.jsonl     one job per line (or one JSON document holding a list)
//
// A job: {"output": path, "options": {...}, "schema": [fields], "rows": [objects]}
//  - options: codec, level, page_size, row_group_size, max_row_group_rows, dictionary,
//    dictionary_page_size_limit, statistics_max_length, page_statistics, page_index,
//    data_page_version, metadata {key: value}
//  - a field: {"name", "type": boolean|int32|int64|float|double|byte_array|
//    fixed_len_byte_array, "length", "optional", "logical"} or a group {"name",
//    "optional", "fields": [...]}; logical: "string" | "enum" | "json" | "uuid" | "date" |
//    {"decimal": [p, s]} | {"int": [bits, signed]} | {"time": [unit, utc]} |
//    {"timestamp": [unit, utc]}
//  - a row: {name: value}; a missing name or null is NULL; a group's value is an object
//    or null. Binary values (byte arrays without a text logical type) are hex strings;
//    decimals are text ("-1.50") or {"unscaled": "<hex big-endian two's complement>"};
//    floats may be "nan", "inf", "-inf".
// Or, for the benchmark: {"output", "options", "generate": {"rows": N, "seed": S,
// "repeat": R}}: 10 mixed columns (bench_data.h) generated in memory first, then only the
// writing is timed, best of R writes in this process.
//
// Prints one JSON line per job: rows, row_groups, bytes, seconds, peak memory (the
// writer's own measure and the process's VmHWM), or {"error": ...}. Exit 1 if any job
// failed.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "format/parquet/bench_data.h"
#include "format/parquet/parquet_writer.h"

namespace pq = tributary::format::parquet;
using json = nlohmann::json;
using tributary::Status;

namespace {

class FileSink final : public pq::OutputSink {
 public:
  explicit FileSink(FILE* f) : f_(f) {}
  Status Write(std::span<const std::byte> data) override {
    if (std::fwrite(data.data(), 1, data.size(), f_) != data.size())
      return Status::IoError("write failed");
    return Status::Ok();
  }

 private:
  FILE* f_;
};

long ProcStatusKb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  }
  return -1;
}

struct ToolError {
  std::string message;
};

pq::PhysicalType ParseType(const std::string& t) {
  if (t == "boolean") return pq::PhysicalType::kBoolean;
  if (t == "int32") return pq::PhysicalType::kInt32;
  if (t == "int64") return pq::PhysicalType::kInt64;
  if (t == "float") return pq::PhysicalType::kFloat;
  if (t == "double") return pq::PhysicalType::kDouble;
  if (t == "byte_array") return pq::PhysicalType::kByteArray;
  if (t == "fixed_len_byte_array") return pq::PhysicalType::kFixedLenByteArray;
  throw ToolError{"unknown type " + t};
}

pq::TimeUnit ParseUnit(const std::string& u) {
  if (u == "millis") return pq::TimeUnit::kMillis;
  if (u == "micros") return pq::TimeUnit::kMicros;
  if (u == "nanos") return pq::TimeUnit::kNanos;
  throw ToolError{"unknown unit " + u};
}

pq::LogicalType ParseLogical(const json& j) {
  if (j.is_null()) return {};
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (s == "string") return pq::LogicalType::String();
    if (s == "enum") return pq::LogicalType::Enum();
    if (s == "json") return pq::LogicalType::Json();
    if (s == "uuid") return pq::LogicalType::Uuid();
    if (s == "date") return pq::LogicalType::Date();
    throw ToolError{"unknown logical type " + s};
  }
  if (j.contains("decimal")) return pq::LogicalType::Decimal(j["decimal"][0], j["decimal"][1]);
  if (j.contains("int")) return pq::LogicalType::Int(j["int"][0], j["int"][1]);
  if (j.contains("time")) return pq::LogicalType::Time(j["time"][1], ParseUnit(j["time"][0]));
  if (j.contains("timestamp"))
    return pq::LogicalType::Timestamp(j["timestamp"][1], ParseUnit(j["timestamp"][0]));
  throw ToolError{"unknown logical type " + j.dump()};
}

void AddFields(pq::ParquetSchema* s, int parent, const json& fields) {
  for (const json& f : fields) {
    auto rep = f.value("optional", true) ? pq::Repetition::kOptional : pq::Repetition::kRequired;
    if (f.contains("fields")) {
      int g = s->AddGroup(parent, f["name"], rep);
      AddFields(s, g, f["fields"]);
    } else {
      s->AddLeaf(parent, f["name"], ParseType(f["type"]), rep,
                 ParseLogical(f.value("logical", json())), f.value("length", 0));
    }
  }
}

std::string FromHex(const std::string& h) {
  if (h.size() % 2 != 0) throw ToolError{"odd hex string"};
  std::string out(h.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(std::stoi(h.substr(2 * i, 2), nullptr, 16));
  return out;
}

double ParseFloating(const json& v) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    return std::stod(s);
  }
  return v.get<double>();
}

int64_t ParseInt(const json& v) {
  if (v.is_number_unsigned()) return static_cast<int64_t>(v.get<uint64_t>());
  return v.get<int64_t>();
}

void Check(const Status& s) {
  if (!s.ok()) throw ToolError{s.ToString()};
}

void AppendValue(pq::ParquetWriter& w, const pq::ParquetSchema& s, int node, const json& v) {
  const pq::SchemaNode& n = s.node(node);
  if (v.is_null()) {
    if (n.is_group) {
      w.AppendNullGroup(node);
    } else {
      w.AppendNull(s.LeafIndex(node));
    }
    return;
  }
  if (n.is_group) {
    for (int c : n.children) {
      auto it = v.find(s.node(c).name);
      AppendValue(w, s, c, it == v.end() ? json() : *it);
    }
    return;
  }
  int leaf = s.LeafIndex(node);
  if (n.logical.kind == pq::LogicalType::Kind::kDecimal) {
    if (v.is_object()) {
      std::string b = FromHex(v["unscaled"]);
      Check(w.AppendDecimalUnscaled(
          leaf, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.data()), b.size())));
    } else {
      Check(w.AppendDecimalText(leaf, v.get<std::string>()));
    }
    return;
  }
  switch (n.type) {
    case pq::PhysicalType::kBoolean: w.AppendBool(leaf, v.get<bool>()); break;
    case pq::PhysicalType::kInt32: w.AppendInt32(leaf, static_cast<int32_t>(ParseInt(v))); break;
    case pq::PhysicalType::kInt64: w.AppendInt64(leaf, ParseInt(v)); break;
    case pq::PhysicalType::kFloat: w.AppendFloat(leaf, static_cast<float>(ParseFloating(v))); break;
    case pq::PhysicalType::kDouble: w.AppendDouble(leaf, ParseFloating(v)); break;
    case pq::PhysicalType::kByteArray:
    case pq::PhysicalType::kFixedLenByteArray: {
      using K = pq::LogicalType::Kind;
      K k = n.logical.kind;
      if (k == K::kString || k == K::kEnum || k == K::kJson) {
        w.AppendBytes(leaf, v.get<std::string>());
      } else {
        w.AppendBytes(leaf, FromHex(v.get<std::string>()));
      }
      break;
    }
  }
}

pq::WriterOptions ParseOptions(const json& o) {
  pq::WriterOptions opt;
  if (o.is_null()) return opt;
  if (o.contains("codec")) {
    auto c = pq::ParseCodec(o["codec"].get<std::string>());
    if (!c) throw ToolError{c.error().ToString()};
    opt.codec = *c;
  }
  opt.compression_level = o.value("level", opt.compression_level);
  opt.page_size = o.value("page_size", opt.page_size);
  opt.row_group_size = o.value("row_group_size", opt.row_group_size);
  opt.max_row_group_rows = o.value("max_row_group_rows", opt.max_row_group_rows);
  opt.dictionary = o.value("dictionary", opt.dictionary);
  opt.dictionary_page_size_limit =
      o.value("dictionary_page_size_limit", opt.dictionary_page_size_limit);
  opt.statistics_max_length = o.value("statistics_max_length", opt.statistics_max_length);
  opt.page_statistics = o.value("page_statistics", opt.page_statistics);
  opt.page_index = o.value("page_index", opt.page_index);
  opt.data_page_version = o.value("data_page_version", opt.data_page_version);
  if (o.contains("metadata")) {
    for (auto& [k, v] : o["metadata"].items())
      opt.key_value_metadata.push_back({k, v.get<std::string>()});
  }
  return opt;
}

struct WriteResult {
  pq::FileStats stats;
  double seconds = 0;
  double cpu_seconds = 0;
};

// Writes the job's file once (generated rows or the job's rows) and times it.
WriteResult WriteOnce(const json& job, const pq::WriterOptions& opt,
                      const pq::ParquetSchema& schema, const pq::bench::BenchData* data) {
  std::string output = job.at("output");
  FILE* f = std::fopen(output.c_str(), "wb");
  if (f == nullptr) throw ToolError{"cannot open " + output};
  std::vector<char> buf(1 << 20);
  std::setvbuf(f, buf.data(), _IOFBF, buf.size());
  FileSink sink(f);
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  try {
    auto w = pq::ParquetWriter::Open(&sink, opt);
    if (!w) throw ToolError{w.error().ToString()};
    pq::ParquetWriter& pw = **w;
    Check(pw.Begin(schema));
    if (data != nullptr) {
      Check(pq::bench::WriteRows(*data, &pw));
    } else {
      const pq::ParquetSchema& ws = pw.schema();
      for (const json& row : job.at("rows")) {
        for (int c : ws.node(pq::ParquetSchema::kRoot).children) {
          auto it = row.find(ws.node(c).name);
          AppendValue(pw, ws, c, it == row.end() ? json() : *it);
        }
        Check(pw.EndRow());
      }
    }
    auto st = pw.Finish();
    if (!st) throw ToolError{st.error().ToString()};
    if (std::fclose(f) != 0) throw ToolError{"cannot write " + output};
    WriteResult r;
    r.stats = *st;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    return r;
  } catch (...) {
    std::fclose(f);
    throw;
  }
}

json RunJob(const json& job) {
  pq::WriterOptions opt = ParseOptions(job.value("options", json()));
  pq::ParquetSchema schema;
  pq::bench::BenchData data;
  bool generate = job.contains("generate");
  int repeat = 1;
  if (generate) {
    const json& g = job["generate"];
    data = pq::bench::Generate(g.value("rows", 1000000), g.value("seed", 1));
    schema = pq::bench::Schema();
    repeat = std::max(1, g.value("repeat", 1));  // best of N in this process, as pyarrow's runs are
  } else {
    AddFields(&schema, pq::ParquetSchema::kRoot, job.at("schema"));
  }
  {
    // Reset the peak RSS (VmHWM) so rss_peak_kb measures the writing, not the input.
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
  }
  long rss_before = ProcStatusKb("VmRSS:");
  WriteResult best;
  for (int i = 0; i < repeat; ++i) {
    WriteResult r = WriteOnce(job, opt, schema, generate ? &data : nullptr);
    if (i == 0 || r.seconds < best.seconds) best = r;
  }
  return json{{"output", job.at("output")},
              {"rows", best.stats.rows},
              {"row_groups", best.stats.row_groups},
              {"bytes", best.stats.bytes},
              {"seconds", best.seconds},
              {"cpu_seconds", best.cpu_seconds},
              {"writer_peak_memory_bytes", best.stats.peak_memory_bytes},
              {"rss_before_kb", rss_before},
              {"rss_peak_kb", ProcStatusKb("VmHWM:")}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: parquet_tool JOBS.jsonl\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  std::vector<json> jobs;
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  try {
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '[') {
      for (auto& j : json::parse(text)) jobs.push_back(j);
    } else {
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.find_first_not_of(" \t\r") != std::string::npos) jobs.push_back(json::parse(line));
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bad JSON: %s\n", e.what());
    return 2;
  }
  int rc = 0;
  for (const json& job : jobs) {
    json result;
    try {
      result = RunJob(job);
    } catch (const ToolError& e) {
      result = json{{"output", job.value("output", "")}, {"error", e.message}};
      rc = 1;
    } catch (const std::exception& e) {
      result = json{{"output", job.value("output", "")}, {"error", e.what()}};
      rc = 1;
    }
    std::cout << result.dump() << "\n";
  }
  return rc;
}
