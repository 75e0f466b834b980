// Debezium change-event encoding: events/s for a 10-column create event, JsonConverter
// schemas on and off, against a memcpy of the same output bytes (the floor).
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "format/debezium/envelope.h"
#include "format/debezium/schema_builder.h"

namespace {

using namespace tributary;                    // NOLINT
using namespace tributary::format::debezium;  // NOLINT
using event::SqlType;
using event::Value;
using event::ValueKind;

event::Column Col(const char* name, SqlType t, const char* tn, bool nullable = true) {
  event::Column c;
  c.name = name;
  c.type = t;
  c.type_name = tn;
  c.nullable = nullable;
  return c;
}

struct Fixture {
  std::shared_ptr<const TableEncoding> enc;
  std::vector<Value> row;
  std::string decimal;
  EncoderOptions options;

  explicit Fixture(bool schemas) {
    auto t = std::make_shared<event::TableSchema>();
    t->id = {"shop", "customers"};
    t->columns = {Col("id", SqlType::kInt, "INT", false),
                  Col("name", SqlType::kVarchar, "VARCHAR"),
                  Col("email", SqlType::kVarchar, "VARCHAR"),
                  Col("age", SqlType::kSmallInt, "SMALLINT"),
                  Col("balance", SqlType::kDecimal, "DECIMAL"),
                  Col("created", SqlType::kDateTime, "DATETIME"),
                  Col("updated", SqlType::kTimestamp, "TIMESTAMP"),
                  Col("score", SqlType::kDouble, "DOUBLE"),
                  Col("active", SqlType::kBoolean, "BOOLEAN"),
                  Col("note", SqlType::kText, "TEXT")};
    for (auto& c : t->columns) {
      if (c.type == SqlType::kVarchar || c.type == SqlType::kText) c.charset = "utf8mb4";
    }
    t->columns[4].length = 10;
    t->columns[4].scale = 2;
    t->primary_key = {"id"};
    options.topic_prefix = "bench";
    options.run_id = "00000000-0000-4000-8000-000000000000";
    options.key_converter.schemas_enable = schemas;
    options.value_converter.schemas_enable = schemas;
    auto filters = ColumnFilters::Create(options.filters);
    enc = *BuildTableEncoding(t, options, *filters);
    // 1234.56 as MySQL DECIMAL(10,2): 8 integer digits (4 bytes) + 2 fraction (1 byte).
    decimal = std::string("\x80\x00\x04\xd2\x38", 5);
    row.resize(10);
    auto i = [](int64_t v) {
      Value x;
      x.kind = ValueKind::kInt;
      x.s.i = v;
      return x;
    };
    auto s = [](std::string_view v) {
      Value x;
      x.kind = ValueKind::kString;
      x.charset = 45;
      x.bytes = v;
      return x;
    };
    row[0] = i(1001);
    row[1] = s("Anne Kretchmar");
    row[2] = s("annek@noanswer.org");
    row[3] = i(42);
    row[4].kind = ValueKind::kDecimal;
    row[4].precision = 10;
    row[4].scale = 2;
    row[4].bytes = decimal;
    row[5].kind = ValueKind::kDateTime;
    row[5].s.datetime = {2024, 3, 14, 15, 9, 26, 0};
    row[6].kind = ValueKind::kTimestamp;
    row[6].s.timestamp = {1710428966, 0};
    row[7].kind = ValueKind::kDouble;
    row[7].s.d = 98.6;
    row[8] = i(1);
    row[9] = s("a note with \"quotes\" and a tab\t");
  }

  ChangeEvent Event() const {
    ChangeEvent e;
    e.op = Operation::kCreate;
    e.after = row;
    e.source.ts_us = 1710428966000000;
    e.source.db = "shop";
    e.source.table = "customers";
    e.source.server_id = 1;
    e.source.file = "mysql-bin.000042";
    e.source.pos = 123456;
    e.source.thread = 7;
    e.ts_ns = 1710428966123456789;
    return e;
  }
};

void BM_Encode(benchmark::State& state) {
  Fixture f(state.range(0) != 0);
  EventEncoder encoder(f.options);
  RecordBuffer out;
  ChangeEvent e = f.Event();
  size_t bytes = 0;
  for (auto _ : state) {
    out.Clear();
    Status s = encoder.Encode(*f.enc, e, &out);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    bytes = out[0].key.size() + out[0].value.size();
    benchmark::DoNotOptimize(out[0].value.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["bytes/event"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Encode)->Arg(0)->Arg(1)->ArgName("schemas");

// Baseline: copying the same output bytes into a reused buffer.
void BM_MemcpyOutput(benchmark::State& state) {
  Fixture f(state.range(0) != 0);
  EventEncoder encoder(f.options);
  RecordBuffer out;
  ChangeEvent e = f.Event();
  (void)encoder.Encode(*f.enc, e, &out);
  std::string src = out[0].key + out[0].value;
  std::string dst;
  dst.reserve(src.size());
  for (auto _ : state) {
    dst.assign(src);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
}
BENCHMARK(BM_MemcpyOutput)->Arg(0)->Arg(1)->ArgName("schemas");

}  // namespace

BENCHMARK_MAIN();
