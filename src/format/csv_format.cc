#include "format/csv_format.h"

#include <fmt/format.h>

#include "config/connector_config.h"

namespace tributary::format {

std::string_view CsvMetadataColumnName(CsvMetadata column) {
  switch (column) {
    case CsvMetadata::kOp: return "__op";
    case CsvMetadata::kTsMs: return "__ts_ms";
    case CsvMetadata::kSourceTsMs: return "__source_ts_ms";
    case CsvMetadata::kDb: return "__db";
    case CsvMetadata::kTable: return "__table";
    case CsvMetadata::kFile: return "__file";
    case CsvMetadata::kPos: return "__pos";
    case CsvMetadata::kGtid: return "__gtid";
  }
  return "?";
}

Result<std::vector<CsvMetadata>> ParseCsvMetadataColumns(const std::vector<std::string>& names) {
  static constexpr std::pair<std::string_view, CsvMetadata> kNames[] = {
      {"op", CsvMetadata::kOp},
      {"ts_ms", CsvMetadata::kTsMs},
      {"source_ts_ms", CsvMetadata::kSourceTsMs},
      {"source.ts_ms", CsvMetadata::kSourceTsMs},
      {"db", CsvMetadata::kDb},
      {"source.db", CsvMetadata::kDb},
      {"table", CsvMetadata::kTable},
      {"source.table", CsvMetadata::kTable},
      {"file", CsvMetadata::kFile},
      {"source.file", CsvMetadata::kFile},
      {"pos", CsvMetadata::kPos},
      {"source.pos", CsvMetadata::kPos},
      {"gtid", CsvMetadata::kGtid},
      {"source.gtid", CsvMetadata::kGtid},
  };
  bool seen[8] = {};
  for (const std::string& raw : names) {
    std::string_view name = raw;
    if (name.starts_with("__")) name.remove_prefix(2);
    bool found = false;
    for (const auto& [n, c] : kNames) {
      if (n == name) {
        seen[static_cast<int>(c)] = true;
        found = true;
      }
    }
    if (!found) {
      return Error(Status::InvalidArgument(fmt::format(
          "csv.metadata.columns: unknown column '{}' (use op, ts_ms, source_ts_ms, db, table, "
          "file, pos, gtid)",
          raw)));
    }
  }
  std::vector<CsvMetadata> out;
  for (int i = 0; i < 8; ++i) {
    if (seen[i]) out.push_back(static_cast<CsvMetadata>(i));
  }
  return out;
}

Result<CsvOptions> CsvOptions::FromConfig(const config::ConnectorConfig& config) {
  CsvOptions o;
  if (config.Has("s3.compression.type") && config.GetString("s3.compression.type") == "gzip") {
    o.compression = Compression::kGzip;
  }
  if (config.Has("s3.compression.level")) {
    o.compression_level = static_cast<int>(config.GetLong("s3.compression.level"));
  }
  if (config.Has("csv.metadata.columns")) {
    auto cols = ParseCsvMetadataColumns(config.GetList("csv.metadata.columns"));
    if (!cols) return Error(cols.error());
    o.metadata = std::move(*cols);
  }
  if (config.Has("csv.null.value")) o.null_value = config.GetString("csv.null.value");
  if (config.Has("csv.header")) o.header = config.GetBool("csv.header");
  if (config.Has("csv.line.separator")) {
    std::string sep = config.GetString("csv.line.separator");
    if (sep == "crlf" || sep == "\r\n") {
      o.line_separator = "\r\n";
    } else if (sep == "lf" || sep == "\n") {
      o.line_separator = "\n";
    } else {
      return Error(Status::InvalidArgument("csv.line.separator must be lf or crlf"));
    }
  }
  return o;
}

void AppendCsvText(std::string_view text, std::string_view null_value, std::string* out) {
  bool quote = text.empty() || text == null_value || text.front() == ' ' || text.back() == ' ';
  if (!quote) {
    for (char c : text) {
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        quote = true;
        break;
      }
    }
  }
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

namespace {

// The object that holds the row's columns, and its schema (nullptr when unknown).
struct RowSource {
  JsonView row;
  const ConnectSchema* schema = nullptr;
  bool single_value = false;  // a scalar or array: one column "value"
};

RowSource RowOf(const ParsedValue& value) {
  RowSource r;
  if (value.debezium) {
    r.row = value.debezium->row();
    r.schema = value.debezium->row_schema;
    return r;
  }
  if (value.payload.is_object()) {
    r.row = value.payload;
    if (value.schema && value.schema->type == ConnectType::kStruct) r.schema = value.schema.get();
    return r;
  }
  r.row = value.payload;
  r.single_value = true;
  return r;
}

// One cell of a value; `schema` may be null.
void AppendCell(JsonView v, const ConnectSchema* schema, const CsvOptions& options,
                std::string* out) {
  if (v.is_null()) {
    if (schema != nullptr && schema->default_value) {
      AppendCell(schema->default_value->root(), schema, options, out);
      return;
    }
    out->append(options.null_value);
    return;
  }
  if (schema != nullptr && schema->name == kConnectDecimalName) {
    std::optional<DecimalValue> d;
    if (v.is_string()) {
      if (auto bytes = DecodeBase64(v.text()))
        d = DecimalFromTwosComplement(*bytes, schema->DecimalScale());
    } else if (v.is_number()) {
      d = DecimalFromNumberText(v.text());
    }
    if (d) {
      AppendCsvText(DecimalPlainText(*d), options.null_value, out);
      return;
    }
  }
  if (schema != nullptr && schema->name == kDebeziumVariableScaleDecimalName && v.is_object()) {
    JsonView scale = v.Get("scale");
    JsonView bytes = v.Get("value");
    auto s = scale.AsInt64();
    std::optional<std::string> raw = bytes.is_string() ? DecodeBase64(bytes.text()) : std::nullopt;
    if (s && raw) {
      AppendCsvText(DecimalPlainText(DecimalFromTwosComplement(*raw, static_cast<int32_t>(*s))),
                    options.null_value, out);
      return;
    }
  }
  switch (v.type()) {
    case JsonType::kNull: out->append(options.null_value); return;
    case JsonType::kBool: out->append(v.bool_value() ? "true" : "false"); return;
    case JsonType::kNumber: out->append(v.text()); return;
    case JsonType::kString:
      // bytes are base64 in the message already: written as they are.
      AppendCsvText(v.text(), options.null_value, out);
      return;
    case JsonType::kArray:
    case JsonType::kObject: {
      std::string json;
      AppendCompactJson(v, &json);
      AppendCsvText(json, options.null_value, out);
      return;
    }
  }
}

void AppendMetadataCell(CsvMetadata column, const ParsedValue& value, const CsvOptions& options,
                        std::string* out) {
  if (!value.debezium) {
    out->append(options.null_value);
    return;
  }
  const DebeziumEnvelope& e = *value.debezium;
  JsonView v;
  switch (column) {
    case CsvMetadata::kOp: {
      char op[2] = {e.op, 0};
      AppendCsvText(op, options.null_value, out);
      return;
    }
    case CsvMetadata::kTsMs: v = e.ts_ms; break;
    case CsvMetadata::kSourceTsMs: v = e.source.Get("ts_ms"); break;
    case CsvMetadata::kDb: v = e.source.Get("db"); break;
    case CsvMetadata::kTable: v = e.source.Get("table"); break;
    case CsvMetadata::kFile: v = e.source.Get("file"); break;
    case CsvMetadata::kPos: v = e.source.Get("pos"); break;
    case CsvMetadata::kGtid: v = e.source.Get("gtid"); break;
  }
  AppendCell(v, nullptr, options, out);
}

// CsvRowColumns(value) compared with `columns` without building it: nullopt when the
// value has no row (CsvRowColumns gives nullopt), else whether they are equal.
std::optional<bool> RowColumnsEqual(const ParsedValue& value,
                                    const std::vector<std::string>& columns) {
  if (value.is_tombstone()) return std::nullopt;
  RowSource r = RowOf(value);
  if (r.single_value) return columns.size() == 1 && columns[0] == "value";
  if (r.schema != nullptr) {
    if (r.schema->fields.size() != columns.size()) return false;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (r.schema->fields[i].name != columns[i]) return false;
    }
    return true;
  }
  if (!r.row.is_object()) return std::nullopt;
  if (r.row.size() != columns.size()) return false;
  size_t i = 0;
  for (JsonView c = r.row.first_child(); c.valid(); c = c.next_sibling(), ++i) {
    if (c.key() != columns[i]) return false;
  }
  return true;
}

// True when the row object's members are `columns`, in order and each once: cell i is
// then member i (no lookup by name). `unique` says the columns are known to be distinct
// (a schema's field names).
bool RowAligned(JsonView row, const std::vector<std::string>& columns, bool unique) {
  if (!row.is_object() || row.size() != columns.size()) return false;
  size_t i = 0;
  for (JsonView c = row.first_child(); c.valid(); c = c.next_sibling(), ++i) {
    if (c.key() != columns[i]) return false;
  }
  if (unique) return true;
  for (size_t a = 1; a < columns.size(); ++a) {
    for (size_t b = 0; b < a; ++b) {
      if (columns[a] == columns[b]) return false;  // a repeated name: the last value wins
    }
  }
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> CsvRowColumns(const ParsedValue& value) {
  if (value.is_tombstone()) return std::nullopt;
  RowSource r = RowOf(value);
  if (r.single_value) return std::vector<std::string>{"value"};
  std::vector<std::string> cols;
  if (r.schema != nullptr) {
    for (const ConnectField& f : r.schema->fields) cols.push_back(f.name);
    return cols;
  }
  if (!r.row.is_object()) return std::nullopt;  // e.g. a truncate event: no row image
  for (JsonView c = r.row.first_child(); c.valid(); c = c.next_sibling()) {
    cols.emplace_back(c.key());
  }
  return cols;
}

CsvFormat::CsvFormat(CsvOptions options) : options_(std::move(options)) {
  if (options_.compression == Compression::kGzip) {
    gzip_ = std::make_unique<GzipStream>(options_.compression_level);
  }
}

CsvFormat::~CsvFormat() = default;

std::string_view CsvFormat::Extension() const {
  return options_.compression == Compression::kGzip ? ".csv.gz" : ".csv";
}

Status CsvFormat::Begin(std::string* out) {
  out_ = out;
  records_ = 0;
  plain_bytes_ = 0;
  columns_.clear();
  columns_known_ = false;
  if (gzip_) return gzip_->Begin(out_);
  return Status::Ok();
}

bool CsvFormat::RequiresNewObject(const ParsedValue& value) const {
  if (records_ == 0 || !columns_known_) return false;
  std::optional<bool> same = RowColumnsEqual(value, columns_);
  return same && !*same;
}

Status CsvFormat::Emit(std::string_view bytes) {
  plain_bytes_ += bytes.size();
  if (gzip_) return gzip_->Write(bytes, out_);
  out_->append(bytes);
  return Status::Ok();
}

Status CsvFormat::Append(const SinkRecord& record, const ParsedValue& value) {
  if (out_ == nullptr) return Status::Internal("CsvFormat::Append before Begin");
  row_.clear();
  std::optional<bool> same =
      columns_known_ ? RowColumnsEqual(value, columns_) : std::optional<bool>();
  std::optional<std::vector<std::string>> cols;
  if (!columns_known_) cols = CsvRowColumns(value);
  if (!columns_known_ && cols) {
    columns_ = *cols;
    columns_known_ = true;
    if (options_.header) {
      bool first = true;
      for (const std::string& c : columns_) {
        if (!first) row_.push_back(',');
        first = false;
        AppendCsvText(c, options_.null_value, &row_);
      }
      for (CsvMetadata m : options_.metadata) {
        if (!first) row_.push_back(',');
        first = false;
        row_.append(CsvMetadataColumnName(m));
      }
      row_.append(options_.line_separator);
    }
  } else if (same && !*same) {
    return Status::FailedPrecondition(
        fmt::format("{}: the record's columns differ from the object's header; start a new object",
                    RecordPosition(record)));
  }
  if (records_ == 0 && !columns_known_ && options_.header && !options_.metadata.empty()) {
    // A first record without a row (truncate): the header has the metadata only.
    bool first = true;
    for (CsvMetadata m : options_.metadata) {
      if (!first) row_.push_back(',');
      first = false;
      row_.append(CsvMetadataColumnName(m));
    }
    row_.append(options_.line_separator);
    columns_known_ = true;
  }
  RowSource r = RowOf(value);
  bool first = true;
  if (r.single_value) {
    AppendCell(r.row, value.schema.get(), options_, &row_);
    first = false;
  } else {
    const bool aligned = RowAligned(r.row, columns_, r.schema != nullptr);
    JsonView member = aligned ? r.row.first_child() : JsonView();
    for (size_t i = 0; i < columns_.size(); ++i) {
      const std::string& c = columns_[i];
      if (!first) row_.push_back(',');
      first = false;
      const ConnectSchema* fs = nullptr;
      if (r.schema != nullptr) {
        if (i < r.schema->fields.size() && r.schema->fields[i].name == c) {
          fs = &r.schema->fields[i].schema;
        } else if (const ConnectField* f = r.schema->FindField(c)) {
          fs = &f->schema;
        }
      }
      if (aligned) {
        AppendCell(member, fs, options_, &row_);
        member = member.next_sibling();
      } else {
        AppendCell(r.row.Get(c), fs, options_, &row_);
      }
    }
  }
  for (CsvMetadata m : options_.metadata) {
    if (!first) row_.push_back(',');
    first = false;
    AppendMetadataCell(m, value, options_, &row_);
  }
  row_.append(options_.line_separator);
  ++records_;
  return Emit(row_);
}

Status CsvFormat::Finish() {
  if (out_ == nullptr) return Status::Internal("CsvFormat::Finish before Begin");
  Status s = gzip_ ? gzip_->Finish(out_) : Status::Ok();
  out_ = nullptr;
  return s;
}

uint64_t CsvFormat::EstimatedObjectBytes() const {
  if (!gzip_) return plain_bytes_;
  return gzip_->bytes_out() + gzip_->pending_in() / 2 + 8;
}

uint64_t CsvFormat::BufferedBytes() const {
  return row_.capacity() + (gzip_ ? GzipStream::kStateBytes : 0);
}

}  // namespace tributary::format
