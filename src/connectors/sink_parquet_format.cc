#include "connectors/sink_parquet_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "config/connector_config.h"
#include "format/parquet/output_sink.h"
#include "format/parquet/schema.h"

namespace tributary::connectors {
namespace {

namespace pq = format::parquet;
using format::ConnectSchema;
using format::ConnectType;
using format::JsonView;

enum class Conv : uint8_t {
  kGroup,
  kBool,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kString,
  kBytes,
  kDecimal,      // DECIMAL column: base64 unscaled bytes, or a JSON number
  kDecimalText,  // too wide for DECIMAL(38): exact text
  kJsonText,     // arrays, maps: compact JSON
  kZonedTimestamp,  // io.debezium.time.ZonedTimestamp ISO text → µs since the epoch (UTC)
};

struct FieldPlan {
  std::string name;
  bool optional = true;
  Conv conv = Conv::kString;
  int node = -1;
  int leaf = -1;
  int32_t scale = 0;
  std::vector<FieldPlan> children;
  // Groups: the children's names are distinct, so a value whose members are the children
  // in order can be read by position (see WriteStruct).
  bool distinct_names = false;
};

// Sets plan->distinct_names (groups only; a few fields, quadratic is fine).
void MarkDistinctNames(FieldPlan* plan) {
  plan->distinct_names = true;
  for (size_t i = 0; i < plan->children.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (plan->children[i].name == plan->children[j].name) plan->distinct_names = false;
    }
  }
}

// a == b for the short member names of a row, without a call to memcmp.
inline bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t n = a.size();
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    uint64_t x, y;
    for (size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&x, p + i, 8);
      std::memcpy(&y, q + i, 8);
      if (x != y) return false;
    }
    std::memcpy(&x, p + n - 8, 8);
    std::memcpy(&y, q + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    uint32_t x0, y0, x1, y1;
    std::memcpy(&x0, p, 4);
    std::memcpy(&y0, q, 4);
    std::memcpy(&x1, p + n - 4, 4);
    std::memcpy(&y1, q + n - 4, 4);
    return x0 == y0 && x1 == y1;
  }
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

constexpr int32_t kMaxDecimalPrecision = 38;
constexpr std::string_view kZonedTimestampName = "io.debezium.time.ZonedTimestamp";

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

// ISO-8601 instant with an offset as Debezium's ZonedTimestamp writes it
// (DateTimeFormatter.ISO_OFFSET_DATE_TIME): `[+-]YYYY-MM-DDTHH:MM[:SS[.f{1,9}]](Z|±HH:MM[:SS])`.
// Fractions beyond microseconds are cut (MySQL keeps at most 6 digits).
std::optional<int64_t> ParseZonedTimestampMicros(std::string_view s) {
  size_t i = 0;
  auto digits = [&](size_t n, int64_t* out) {
    if (i + n > s.size()) return false;
    int64_t v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    i += n;
    return true;
  };
  auto expect = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  bool neg_year = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg_year = s[i++] == '-';
  size_t year_digits = 0;
  while (i + year_digits < s.size() && s[i + year_digits] >= '0' && s[i + year_digits] <= '9') {
    ++year_digits;
  }
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
  if (year_digits < 4 || year_digits > 9 || !digits(year_digits, &year)) return std::nullopt;
  if (neg_year) year = -year;
  if (!expect('-') || !digits(2, &month) || !expect('-') || !digits(2, &day)) return std::nullopt;
  if (!expect('T') || !digits(2, &hour) || !expect(':') || !digits(2, &minute)) return std::nullopt;
  if (expect(':')) {
    if (!digits(2, &second)) return std::nullopt;
    if (expect('.')) {
      size_t n = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (n < 6) micros = micros * 10 + (s[i] - '0');
        ++n;
        ++i;
      }
      if (n == 0 || n > 9) return std::nullopt;
      for (size_t k = n; k < 6; ++k) micros *= 10;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t offset_s = 0;
  if (expect('Z')) {
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    bool neg = s[i++] == '-';
    int64_t oh = 0, om = 0, os = 0;
    if (!digits(2, &oh) || !expect(':') || !digits(2, &om)) return std::nullopt;
    if (expect(':') && !digits(2, &os)) return std::nullopt;
    if (oh > 18 || om > 59 || os > 59) return std::nullopt;
    offset_s = (oh * 3600 + om * 60 + os) * (neg ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  int64_t secs = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
                 offset_s;
  return secs * 1000000 + micros;
}

namespace {

std::string_view Name(const ConnectSchema& s) { return s.name; }

Status AddField(pq::ParquetSchema& schema, int parent, const std::string& name,
                const ConnectSchema& s, FieldPlan* plan) {
  plan->name = name;
  plan->optional = s.optional;
  auto rep = s.optional ? pq::Repetition::kOptional : pq::Repetition::kRequired;
  auto leaf = [&](pq::PhysicalType t, pq::LogicalType l, Conv conv, int32_t len = 0) {
    plan->conv = conv;
    plan->node = schema.AddLeaf(parent, name, t, rep, l, len);
  };
  using PT = pq::PhysicalType;
  using LT = pq::LogicalType;
  std::string_view n = Name(s);
  switch (s.type) {
    case ConnectType::kStruct: {
      plan->conv = Conv::kGroup;
      plan->node = schema.AddGroup(parent, name, rep);
      if (s.fields.empty()) {
        return Status::Unsupported(fmt::format("field '{}': an empty struct has no Parquet form", name));
      }
      plan->children.resize(s.fields.size());
      for (size_t i = 0; i < s.fields.size(); ++i) {
        if (Status st = AddField(schema, plan->node, s.fields[i].name, s.fields[i].schema,
                                 &plan->children[i]);
            !st.ok()) {
          return st;
        }
      }
      return Status::Ok();
    }
    case ConnectType::kBoolean: leaf(PT::kBoolean, LT::None(), Conv::kBool); break;
    case ConnectType::kInt8: leaf(PT::kInt32, LT::Int(8, true), Conv::kInt32); break;
    case ConnectType::kInt16: leaf(PT::kInt32, LT::Int(16, true), Conv::kInt32); break;
    case ConnectType::kInt32:
      if (n == format::kConnectDateName || n == "io.debezium.time.Date") {
        leaf(PT::kInt32, LT::Date(), Conv::kInt32);
      } else if (n == format::kConnectTimeName || n == "io.debezium.time.Time") {
        leaf(PT::kInt32, LT::Time(false, pq::TimeUnit::kMillis), Conv::kInt32);
      } else {
        leaf(PT::kInt32, LT::None(), Conv::kInt32);
      }
      break;
    case ConnectType::kInt64:
      if (n == format::kConnectTimestampName) {
        leaf(PT::kInt64, LT::Timestamp(true, pq::TimeUnit::kMillis), Conv::kInt64);
      } else if (n == "io.debezium.time.Timestamp") {
        leaf(PT::kInt64, LT::Timestamp(false, pq::TimeUnit::kMillis), Conv::kInt64);
      } else if (n == "io.debezium.time.MicroTimestamp") {
        leaf(PT::kInt64, LT::Timestamp(false, pq::TimeUnit::kMicros), Conv::kInt64);
      } else if (n == "io.debezium.time.NanoTimestamp") {
        leaf(PT::kInt64, LT::Timestamp(false, pq::TimeUnit::kNanos), Conv::kInt64);
      } else if (n == "io.debezium.time.MicroTime") {
        leaf(PT::kInt64, LT::Time(false, pq::TimeUnit::kMicros), Conv::kInt64);
      } else if (n == "io.debezium.time.NanoTime") {
        leaf(PT::kInt64, LT::Time(false, pq::TimeUnit::kNanos), Conv::kInt64);
      } else {
        leaf(PT::kInt64, LT::None(), Conv::kInt64);
      }
      break;
    case ConnectType::kFloat32: leaf(PT::kFloat, LT::None(), Conv::kFloat); break;
    case ConnectType::kFloat64: leaf(PT::kDouble, LT::None(), Conv::kDouble); break;
    case ConnectType::kString:
      if (n == kZonedTimestampName) {
        leaf(PT::kInt64, LT::Timestamp(true, pq::TimeUnit::kMicros), Conv::kZonedTimestamp);
      } else {
        leaf(PT::kByteArray, n == "io.debezium.data.Json" ? LT::Json() : LT::String(),
             Conv::kString);
      }
      break;
    case ConnectType::kBytes:
      if (s.is_decimal()) {
        int32_t scale = s.DecimalScale();
        int32_t precision = kMaxDecimalPrecision;
        if (auto p = s.Parameter("connect.decimal.precision")) {
          precision = std::max<int32_t>(1, std::atoi(std::string(*p).c_str()));
        }
        plan->scale = scale;
        if (precision > kMaxDecimalPrecision || scale > precision || scale < 0) {
          leaf(PT::kByteArray, LT::String(), Conv::kDecimalText);
        } else if (precision <= 9) {
          leaf(PT::kInt32, LT::Decimal(precision, scale), Conv::kDecimal);
        } else if (precision <= 18) {
          leaf(PT::kInt64, LT::Decimal(precision, scale), Conv::kDecimal);
        } else {
          leaf(PT::kFixedLenByteArray, LT::Decimal(precision, scale), Conv::kDecimal,
               pq::DecimalByteWidth(precision));
        }
      } else {
        leaf(PT::kByteArray, LT::None(), Conv::kBytes);
      }
      break;
    case ConnectType::kArray:
    case ConnectType::kMap: leaf(PT::kByteArray, LT::Json(), Conv::kJsonText); break;
  }
  return Status::Ok();
}

void Number(const pq::ParquetSchema& schema, FieldPlan* plan) {
  if (plan->conv != Conv::kGroup) {
    plan->leaf = schema.LeafIndex(plan->node);
    return;
  }
  for (auto& c : plan->children) Number(schema, &c);
  MarkDistinctNames(plan);
}

class SinkParquetFormat final : public format::FormatWriter {
 public:
  explicit SinkParquetFormat(SinkParquetOptions options) : options_(std::move(options)) {}

  std::string_view Extension() const override {
    switch (options_.writer.codec) {
      case pq::Codec::kSnappy: return ".snappy.parquet";
      case pq::Codec::kGzip: return ".gz.parquet";
      case pq::Codec::kZstd: return ".zstd.parquet";
      case pq::Codec::kUncompressed: break;
    }
    return ".parquet";
  }

  Status Begin(std::string* out) override {
    out_ = out;
    writer_.reset();
    sink_.reset();
    schema_.reset();
    records_ = 0;
    return Status::Ok();
  }

  Status Append(const format::SinkRecord& record, const format::ParsedValue& value) override {
    if (!value.schema || value.schema->type != ConnectType::kStruct) {
      return Status::Unsupported(fmt::format(
          "{}: ParquetFormat needs values with a struct schema (JsonConverter with "
          "value.converter.schemas.enable=true), as Kafka Connect's does",
          format::RecordPosition(record)));
    }
    if (writer_ == nullptr) {
      if (Status s = Open(value); !s.ok()) return s.WithContext(format::RecordPosition(record));
    } else if (RequiresNewObject(value)) {
      return Status::FailedPrecondition("the record's schema differs from the object's");
    }
    // Convert first, then append: a row must never be left half built. The conversion
    // reads the payload once and leaves the row's values in cells_.
    cells_.clear();
    arena_.clear();
    if (Status s = ConvertStruct(root_, value.payload); !s.ok()) {
      return s.WithContext(format::RecordPosition(record));
    }
    if (Status s = AppendCells(); !s.ok()) return s.WithContext(format::RecordPosition(record));
    if (Status s = writer_->EndRow(); !s.ok()) return s.WithContext(format::RecordPosition(record));
    ++records_;
    return Status::Ok();
  }

  Status Finish() override {
    if (writer_ == nullptr) return Status::Ok();
    auto stats = writer_->Finish();
    if (!stats) return stats.error();
    return Status::Ok();
  }

  bool RequiresNewObject(const format::ParsedValue& value) const override {
    if (records_ == 0 || !schema_) return false;
    if (value.schema.get() == schema_.get()) return false;
    return !value.schema || !format::SameSchema(*value.schema, *schema_);
  }

  uint64_t record_count() const override { return records_; }
  uint64_t EstimatedObjectBytes() const override {
    if (writer_ == nullptr) return 0;
    return static_cast<uint64_t>(writer_->bytes_written() + writer_->BufferedBytes());
  }
  uint64_t BufferedBytes() const override {
    return writer_ == nullptr ? 0 : static_cast<uint64_t>(writer_->MemoryBytes());
  }

 private:
  Status Open(const format::ParsedValue& value) {
    pq::ParquetSchema schema;
    root_ = FieldPlan{};
    root_.conv = Conv::kGroup;
    root_.children.resize(value.schema->fields.size());
    for (size_t i = 0; i < value.schema->fields.size(); ++i) {
      const auto& f = value.schema->fields[i];
      if (Status s = AddField(schema, pq::ParquetSchema::kRoot, f.name, f.schema, &root_.children[i]);
          !s.ok()) {
        return s;
      }
    }
    if (Status s = schema.Finalize(); !s.ok()) return s;
    for (auto& c : root_.children) Number(schema, &c);
    MarkDistinctNames(&root_);
    sink_ = std::make_unique<pq::AppendToStringSink>(out_);
    auto w = pq::ParquetWriter::Open(sink_.get(), options_.writer);
    if (!w) return w.error();
    writer_ = std::move(*w);
    if (Status s = writer_->Begin(schema); !s.ok()) return s;
    schema_ = value.schema;
    return Status::Ok();
  }

  // One converted value of the row: what the writer is to be given for a leaf (or a null
  // optional group), in the order the writer takes them.
  enum class Op : uint8_t { kNull, kNullGroup, kBool, kInt32, kInt64, kFloat, kDouble, kBytes,
                            kArenaBytes, kDecimalText };
  struct Cell {
    Op op;
    int32_t target;  // leaf (node for kNullGroup)
    union {
      int64_t i;
      double d;
      float f;
      bool b;
    };
    // kBytes: a view of the payload (valid until the next Parse); kArenaBytes and
    // kDecimalText: offset and length in arena_ (which may grow while the row converts).
    const char* data;
    size_t size;
  };

  void Push(Op op, int32_t target) {
    cells_.emplace_back();
    Cell& c = cells_.back();
    c.op = op;
    c.target = target;
    c.i = 0;
    c.data = nullptr;
    c.size = 0;
  }
  // Moves the bytes arena_ gained since `from` into a cell.
  void PushArena(Op op, int32_t leaf, size_t from) {
    Push(op, leaf);
    cells_.back().i = static_cast<int64_t>(from);
    cells_.back().size = arena_.size() - from;
  }

  Status ConvertStruct(const FieldPlan& group, JsonView obj) {
    const std::vector<FieldPlan>& fields = group.children;
    // Values written by Connect-style producers carry their members in schema order: then
    // the i-th member is the i-th field (with distinct field names no member name repeats,
    // so Get's "last one wins" agrees); otherwise look each field up by name.
    if (group.distinct_names && obj.is_object() && obj.size() == fields.size()) {
      JsonView c = obj.first_child();
      size_t i = 0;
      for (; i < fields.size() && c.valid(); ++i, c = c.next_sibling()) {
        if (!SameName(c.key(), fields[i].name)) break;
      }
      if (i == fields.size()) {
        c = obj.first_child();
        for (const FieldPlan& f : fields) {
          if (Status s = ConvertField(f, c); !s.ok()) return s;
          c = c.next_sibling();
        }
        return Status::Ok();
      }
    }
    for (const FieldPlan& f : fields) {
      if (Status s = ConvertField(f, obj.Get(f.name)); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status ConvertField(const FieldPlan& f, JsonView v) {
    if (v.is_null()) {
      if (!f.optional) return Status::Corruption(fmt::format("required field '{}' is null", f.name));
      if (f.conv == Conv::kGroup) {
        Push(Op::kNullGroup, f.node);
      } else {
        Push(Op::kNull, f.leaf);
      }
      return Status::Ok();
    }
    auto bad = [&](std::string_view want) {
      return Status::Corruption(fmt::format("field '{}': expected {}", f.name, want));
    };
    switch (f.conv) {
      case Conv::kGroup:
        if (!v.is_object()) return bad("an object");
        return ConvertStruct(f, v);
      case Conv::kBool:
        if (!v.is_bool()) return bad("a boolean");
        Push(Op::kBool, f.leaf);
        cells_.back().b = v.bool_value();
        return Status::Ok();
      case Conv::kInt32: {
        auto i = v.AsInt64();
        if (!i || *i < INT32_MIN || *i > INT32_MAX) return bad("a 32-bit integer");
        Push(Op::kInt32, f.leaf);
        cells_.back().i = *i;
        return Status::Ok();
      }
      case Conv::kInt64: {
        auto i = v.AsInt64();
        if (!i) return bad("a 64-bit integer");
        Push(Op::kInt64, f.leaf);
        cells_.back().i = *i;
        return Status::Ok();
      }
      case Conv::kFloat:
      case Conv::kDouble: {
        std::optional<double> d = v.AsDouble();
        if (!d && v.is_string()) {  // JsonConverter writes NaN / Infinity as strings
          if (v.text() == "NaN") d = std::numeric_limits<double>::quiet_NaN();
          if (v.text() == "Infinity") d = std::numeric_limits<double>::infinity();
          if (v.text() == "-Infinity") d = -std::numeric_limits<double>::infinity();
        }
        if (!d) return bad("a number");
        if (f.conv == Conv::kFloat) {
          Push(Op::kFloat, f.leaf);
          cells_.back().f = static_cast<float>(*d);
        } else {
          Push(Op::kDouble, f.leaf);
          cells_.back().d = *d;
        }
        return Status::Ok();
      }
      case Conv::kString:
        if (v.is_string()) {
          std::string_view t = v.text();
          Push(Op::kBytes, f.leaf);
          cells_.back().data = t.data();
          cells_.back().size = t.size();
        } else {
          size_t from = arena_.size();
          format::AppendCompactJson(v, &arena_);
          PushArena(Op::kArenaBytes, f.leaf, from);
        }
        return Status::Ok();
      case Conv::kZonedTimestamp: {
        std::optional<int64_t> us;
        if (v.is_string()) us = ParseZonedTimestampMicros(v.text());
        if (!us) return bad("an ISO-8601 timestamp with an offset (ZonedTimestamp)");
        Push(Op::kInt64, f.leaf);
        cells_.back().i = *us;
        return Status::Ok();
      }
      case Conv::kJsonText: {
        size_t from = arena_.size();
        format::AppendCompactJson(v, &arena_);
        PushArena(Op::kArenaBytes, f.leaf, from);
        return Status::Ok();
      }
      case Conv::kBytes: {
        if (!v.is_string()) return bad("base64 text");
        auto bytes = format::DecodeBase64(v.text());
        if (!bytes) return bad("base64 text");
        size_t from = arena_.size();
        arena_.append(bytes->data(), bytes->size());
        PushArena(Op::kArenaBytes, f.leaf, from);
        return Status::Ok();
      }
      case Conv::kDecimal:
      case Conv::kDecimalText: {
        std::optional<format::DecimalValue> d;
        if (v.is_string()) {
          auto bytes = format::DecodeBase64(v.text());
          if (!bytes) return bad("a decimal (base64 unscaled bytes)");
          d = format::DecimalFromTwosComplement(*bytes, f.scale);
        } else if (v.is_number()) {
          d = format::DecimalFromNumberText(v.text());
        }
        if (!d) return bad("a decimal");
        size_t from = arena_.size();
        arena_ += format::DecimalPlainText(*d);
        PushArena(f.conv == Conv::kDecimalText ? Op::kArenaBytes : Op::kDecimalText, f.leaf, from);
        return Status::Ok();
      }
    }
    return Status::Internal("unknown conversion");
  }

  std::string_view ArenaBytes(const Cell& c) const {
    return std::string_view(arena_).substr(static_cast<size_t>(c.i), c.size);
  }

  // Gives the writer the converted row. Only a DECIMAL text out of its column's range can
  // fail here (as before the conversion pass existed: the writer then refuses the file).
  Status AppendCells() {
    for (const Cell& c : cells_) {
      switch (c.op) {
        case Op::kNull: writer_->AppendNull(c.target); break;
        case Op::kNullGroup: writer_->AppendNullGroup(c.target); break;
        case Op::kBool: writer_->AppendBool(c.target, c.b); break;
        case Op::kInt32: writer_->AppendInt32(c.target, static_cast<int32_t>(c.i)); break;
        case Op::kInt64: writer_->AppendInt64(c.target, c.i); break;
        case Op::kFloat: writer_->AppendFloat(c.target, c.f); break;
        case Op::kDouble: writer_->AppendDouble(c.target, c.d); break;
        case Op::kBytes: writer_->AppendBytes(c.target, std::string_view(c.data, c.size)); break;
        case Op::kArenaBytes: writer_->AppendBytes(c.target, ArenaBytes(c)); break;
        case Op::kDecimalText:
          if (Status s = writer_->AppendDecimalText(c.target, ArenaBytes(c)); !s.ok()) return s;
          break;
      }
    }
    return Status::Ok();
  }

  SinkParquetOptions options_;
  std::string* out_ = nullptr;
  std::unique_ptr<pq::AppendToStringSink> sink_;
  std::unique_ptr<pq::ParquetWriter> writer_;
  std::shared_ptr<const ConnectSchema> schema_;
  FieldPlan root_;
  std::vector<Cell> cells_;  // the row being converted (reused)
  std::string arena_;        // bytes the row's conversion produced (reused)
  uint64_t records_ = 0;
};

}  // namespace

Result<SinkParquetOptions> SinkParquetOptions::FromConfig(const config::ConnectorConfig& config,
                                                          uint64_t memory_budget_bytes) {
  SinkParquetOptions o;
  std::string codec = config.Has("parquet.codec") ? config.GetString("parquet.codec") : "snappy";
  auto c = pq::ParseCodec(codec);
  if (!c) {
    return Error(Status::Unsupported(
        fmt::format("parquet.codec={} is not supported by Tributary's Parquet writer; use "
                    "snappy, zstd, gzip or none",
                    codec)));
  }
  o.writer.codec = *c;
  // Row groups stream into the object buffer (which the budget can spill); what stays in
  // the writer is one row group per open object, so keep it a fraction of the budget.
  int64_t rg = static_cast<int64_t>(memory_budget_bytes / 8);
  o.writer.row_group_size = std::clamp<int64_t>(rg, 1 << 20, 128LL << 20);
  o.writer.page_size = 256 << 10;
  o.writer.dictionary_page_size_limit = 256 << 10;
  return o;
}

std::unique_ptr<format::FormatWriter> MakeSinkParquetFormat(const SinkParquetOptions& options) {
  return std::make_unique<SinkParquetFormat>(options);
}

}  // namespace tributary::connectors
