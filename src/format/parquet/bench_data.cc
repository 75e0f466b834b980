#include "format/parquet/bench_data.h"

#include <fmt/format.h>

namespace tributary::format::parquet::bench {
namespace {

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
};

void AddText(BenchData& d, std::vector<std::pair<uint32_t, uint32_t>>& col, std::string_view s) {
  col.emplace_back(static_cast<uint32_t>(d.arena.size()), static_cast<uint32_t>(s.size()));
  d.arena += s;
}

}  // namespace

BenchData Generate(size_t rows, uint64_t seed) {
  static const char* kStatus[] = {"pending", "paid", "shipped", "delivered", "cancelled"};
  static const char* kWords[] = {"alpha", "bravo",    "charlie", "delta",  "echo", "foxtrot",
                                 "golf",  "hotel",    "india",   "juliet", "kilo", "lima",
                                 "mike",  "november", "oscar",   "papa"};
  BenchData d;
  d.rows = rows;
  Rng r{seed};
  int64_t t0 = 1700000000LL * 1000000;
  std::string s;
  for (size_t i = 0; i < rows; ++i) {
    d.id.push_back(1000000000LL + static_cast<int64_t>(i));
    d.qty.push_back(static_cast<int32_t>(r.Below(1000)));
    d.price.push_back(static_cast<int64_t>(r.Below(100000000)));
    s = fmt::format("customer-{:05d}", r.Below(100000));
    AddText(d, d.name, s);
    d.created.push_back(t0 + static_cast<int64_t>(i) * 1000 + static_cast<int64_t>(r.Below(1000)));
    s = fmt::format(
        "{{\"sku\":\"SKU-{}\",\"tags\":[\"{}\",\"{}\"],\"weight\":{}.{:02d},\"gift\":{}}}",
        r.Below(50000), kWords[r.Below(16)], kWords[r.Below(16)], r.Below(100), r.Below(100),
        r.Below(2) ? "true" : "false");
    AddText(d, d.payload, s);
    AddText(d, d.status, kStatus[r.Below(5)]);
    d.score.push_back(static_cast<double>(r.Below(1000000)) / 1000.0);
    if (r.Below(10) < 3) {
      d.note.emplace_back(0, ~0u);
    } else {
      s.clear();
      size_t words = 2 + r.Below(5);
      for (size_t k = 0; k < words; ++k) {
        if (k) s += ' ';
        s += kWords[r.Below(16)];
      }
      AddText(d, d.note, s);
    }
    d.birth.push_back(static_cast<int32_t>(r.Below(20000)));
  }
  return d;
}

ParquetSchema Schema() {
  ParquetSchema s;
  using P = PhysicalType;
  using L = LogicalType;
  auto req = Repetition::kRequired;
  s.AddLeaf(0, "id", P::kInt64, req, L::Int(64, true));
  s.AddLeaf(0, "qty", P::kInt32, req, L::Int(32, true));
  s.AddLeaf(0, "price", P::kInt64, req, L::Decimal(12, 2));
  s.AddLeaf(0, "name", P::kByteArray, req, L::String());
  s.AddLeaf(0, "created_at", P::kInt64, req, L::Timestamp(true, TimeUnit::kMicros));
  s.AddLeaf(0, "payload", P::kByteArray, req, L::Json());
  s.AddLeaf(0, "status", P::kByteArray, req, L::String());
  s.AddLeaf(0, "score", P::kDouble, req);
  s.AddLeaf(0, "note", P::kByteArray, Repetition::kOptional, L::String());
  s.AddLeaf(0, "birth_date", P::kInt32, req, L::Date());
  return s;
}

Status WriteRows(const BenchData& d, ParquetWriter* w) {
  for (size_t i = 0; i < d.rows; ++i) {
    w->AppendInt64(0, d.id[i]);
    w->AppendInt32(1, d.qty[i]);
    w->AppendInt64(2, d.price[i]);
    w->AppendBytes(3, d.text(d.name[i]));
    w->AppendInt64(4, d.created[i]);
    w->AppendBytes(5, d.text(d.payload[i]));
    w->AppendBytes(6, d.text(d.status[i]));
    w->AppendDouble(7, d.score[i]);
    if (d.note[i].second == ~0u) {
      w->AppendNull(8);
    } else {
      w->AppendBytes(8, d.text(d.note[i]));
    }
    w->AppendInt32(9, d.birth[i]);
    Status s = w->EndRow();
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace tributary::format::parquet::bench
