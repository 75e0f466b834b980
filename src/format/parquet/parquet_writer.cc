#include "format/parquet/parquet_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "format/parquet/decimal.h"

namespace tributary::format::parquet {

namespace {
constexpr std::string_view kMagic = "PAR1";
constexpr std::string_view kVersion = "0.1.0";
}  // namespace

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(OutputSink* sink,
                                                           WriterOptions options) {
  if (sink == nullptr) return Error(Status::InvalidArgument("parquet writer: no output sink"));
  if (options.page_size < 1 || options.row_group_size < 1 ||
      options.dictionary_page_size_limit < 1) {
    return Error(Status::InvalidArgument(
        "parquet writer: page, row group and dictionary sizes must be positive"));
  }
  if (options.data_page_version != 1 && options.data_page_version != 2) {
    return Error(Status::InvalidArgument("parquet writer: data page version must be 1 or 2"));
  }
  std::unique_ptr<ParquetWriter> w(new ParquetWriter(sink, std::move(options)));
  auto compressor = Compressor::Make(w->options_.codec, w->options_.compression_level);
  if (!compressor) return Error(compressor.error());
  w->compressor_ = std::move(*compressor);
  if (w->options_.created_by.empty())
    w->options_.created_by = fmt::format("tributary version {}", kVersion);
  return w;
}

ParquetWriter::~ParquetWriter() = default;

Status ParquetWriter::Write(std::string_view bytes) {
  Status s = sink_->Write(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
  if (s.ok()) offset_ += static_cast<int64_t>(bytes.size());
  return s;
}

Status ParquetWriter::Begin(const ParquetSchema& schema) {
  if (begun_) return Status::FailedPrecondition("parquet writer: Begin called twice");
  schema_ = schema;
  Status s = schema_.Finalize();
  if (!s.ok()) return s;
  if (schema_.num_leaves() == 0) return Status::InvalidArgument("parquet schema has no columns");
  for (int i = 0; i < schema_.num_leaves(); ++i) {
    if (schema_.leaf(i).def_level > 255)
      return Status::Unsupported("parquet schema nests too deep");
  }
  ColumnWriterOptions co;
  co.codec = options_.codec;
  co.dictionary = options_.dictionary;
  co.statistics_max_length = options_.statistics_max_length;
  co.page_statistics = options_.page_statistics;
  co.data_page_version = options_.data_page_version;
  columns_.reserve(static_cast<size_t>(schema_.num_leaves()));
  for (int i = 0; i < schema_.num_leaves(); ++i)
    columns_.emplace_back(schema_, i, co, compressor_.get(), &scratch_);
  // Limits are checked every ~1/16 of the smallest limit's worth of appended bytes, so a
  // page overshoots its size by at most that much.
  check_interval_ = std::max<int64_t>(
      1,
      std::min({options_.page_size, options_.dictionary_page_size_limit, options_.row_group_size}) /
          16);
  begun_ = true;
  return Write(kMagic);
}

void ParquetWriter::Misuse(int leaf, std::string_view what) {
  if (!error_.ok()) return;
  std::string name = leaf >= 0 && leaf < schema_.num_leaves()
                         ? fmt::format("{}", fmt::join(schema_.Path(schema_.leaf_node(leaf)), "."))
                         : fmt::format("#{}", leaf);
  error_ = Status::InvalidArgument(fmt::format("parquet writer: column {}: {}", name, what));
}

void ParquetWriter::AppendNullGroup(int node) {
  if (node <= 0 || static_cast<size_t>(node) >= schema_.num_nodes())
    return Misuse(-1, "no such group");
  const SchemaNode& n = schema_.node(node);
  if (n.repetition != Repetition::kOptional)
    return Misuse(n.first_leaf, "NULL for a required group or column");
  auto def = static_cast<int16_t>(n.def_level - 1);
  for (int l = n.first_leaf; l < n.first_leaf + n.leaf_count; ++l) columns_[l].AppendNull(def);
  appended_ += n.leaf_count;
  pending_bytes_ += n.leaf_count;
}

Status ParquetWriter::AppendDecimalText(int leaf, std::string_view text) {
  if (!CheckLeaf(leaf)) return error_;
  const SchemaNode& n = schema_.leaf(leaf);
  if (n.logical.kind != LogicalType::Kind::kDecimal) {
    Misuse(leaf, "not a DECIMAL column");
    return error_;
  }
  auto v = ParseDecimalText(text, n.logical.precision, n.logical.scale);
  if (!v) {
    if (error_.ok()) error_ = v.error();
    return v.error();
  }
  auto bytes = std::span<const uint8_t>(v->bytes, 32);
  return AppendDecimalUnscaled(leaf, bytes);
}

Status ParquetWriter::AppendDecimalUnscaled(int leaf, std::span<const uint8_t> big_endian) {
  if (!CheckLeaf(leaf)) return error_;
  const SchemaNode& n = schema_.leaf(leaf);
  auto fail = [&](Status s) {
    s = s.WithContext(
        fmt::format("column {}", fmt::join(schema_.Path(schema_.leaf_node(leaf)), ".")));
    if (error_.ok()) error_ = s;
    return s;
  };
  if (n.logical.kind != LogicalType::Kind::kDecimal)
    return fail(Status::InvalidArgument("not a DECIMAL column"));
  auto v = DecimalFromBigEndian(big_endian);
  if (!v) return fail(v.error());
  switch (n.type) {
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: {
      auto i = DecimalToInt64(*v);
      if (!i) return fail(i.error());
      if (n.type == PhysicalType::kInt32) {
        if (*i < INT32_MIN || *i > INT32_MAX)
          return fail(Status::InvalidArgument("decimal does not fit INT32"));
        AppendInt32(leaf, static_cast<int32_t>(*i));
      } else {
        AppendInt64(leaf, *i);
      }
      return Status::Ok();
    }
    case PhysicalType::kFixedLenByteArray: {
      uint8_t out[32];
      Status s = NarrowDecimal(*v, n.type_length, out);
      if (!s.ok()) return fail(s);
      AppendBytes(leaf, std::string_view(reinterpret_cast<const char*>(out),
                                         static_cast<size_t>(n.type_length)));
      return Status::Ok();
    }
    default: return fail(Status::InvalidArgument("DECIMAL on an unsupported physical type"));
  }
}

Status ParquetWriter::EndRow() {
  if (!begun_ || finished_)
    return Status::FailedPrecondition("parquet writer: EndRow outside Begin..Finish");
  if (appended_ != static_cast<int64_t>(columns_.size()) && error_.ok()) {
    error_ =
        Status::InvalidArgument(fmt::format("parquet writer: row {} has {} values for {} columns",
                                            total_rows_, appended_, columns_.size()));
  }
  appended_ = 0;
  if (!error_.ok()) return error_;
  ++rows_in_group_;
  ++total_rows_;
  if (options_.max_row_group_rows > 0 && rows_in_group_ >= options_.max_row_group_rows) {
    return FlushRowGroup();
  }
  if (pending_bytes_ >= check_interval_) return CheckLimits();
  return Status::Ok();
}

Status ParquetWriter::CheckLimits() {
  pending_bytes_ = 0;
  int64_t buffered = 0;
  int64_t memory = 0;
  for (ColumnWriter& c : columns_) {
    if (c.dictionary_probe_due()) {
      Status s = c.ProbeDictionary();
      if (!s.ok()) return error_ = s;
    }
    if (c.dictionary_active() &&
        static_cast<int64_t>(c.DictionaryPlainBytes()) > options_.dictionary_page_size_limit) {
      Status s = c.FallbackToPlain();
      if (!s.ok()) return error_ = s;
    }
    if (static_cast<int64_t>(c.PageSizeEstimate()) >= options_.page_size) {
      Status s = c.FlushPage();
      if (!s.ok()) return error_ = s;
    }
    buffered += static_cast<int64_t>(c.BufferedBytes());
    memory += static_cast<int64_t>(c.MemoryBytes());
  }
  peak_memory_ = std::max(peak_memory_, memory);
  if (buffered >= options_.row_group_size) return FlushRowGroup();
  return Status::Ok();
}

int64_t ParquetWriter::BufferedBytes() const {
  int64_t n = 0;
  for (const ColumnWriter& c : columns_) n += static_cast<int64_t>(c.BufferedBytes());
  return n;
}

int64_t ParquetWriter::MemoryBytes() const {
  auto n = static_cast<int64_t>(scratch_.page.capacity() + scratch_.compressed.capacity());
  for (const ColumnWriter& c : columns_) n += static_cast<int64_t>(c.MemoryBytes());
  return n;
}

Status ParquetWriter::FlushRowGroup() {
  if (!error_.ok()) return error_;
  if (rows_in_group_ == 0) return Status::Ok();
  peak_memory_ = std::max(peak_memory_, MemoryBytes());
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].rows_in_chunk() != rows_in_group_) {
      Misuse(static_cast<int>(i),
             fmt::format("{} values for {} rows", columns_[i].rows_in_chunk(), rows_in_group_));
      return error_;
    }
  }
  RowGroupMeta rg;
  rg.file_offset = offset_;
  rg.num_rows = rows_in_group_;
  rg.ordinal = static_cast<int16_t>(row_groups_.size());
  rg.columns.resize(columns_.size());
  std::vector<std::vector<PageIndexEntry>> pages(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    Status s = columns_[i].WriteChunk(sink_, offset_, &rg.columns[i], &pages[i]);
    if (!s.ok()) return error_ = s;
    offset_ += rg.columns[i].total_compressed_size;
    rg.total_byte_size += rg.columns[i].total_uncompressed_size;
    rg.total_compressed_size += rg.columns[i].total_compressed_size;
  }
  row_groups_.push_back(std::move(rg));
  if (options_.page_index) page_index_.push_back(std::move(pages));
  rows_in_group_ = 0;
  pending_bytes_ = 0;
  return Status::Ok();
}

Result<FileStats> ParquetWriter::Finish() {
  if (!begun_ || finished_)
    return Error(Status::FailedPrecondition("parquet writer: Finish outside Begin"));
  if (appended_ != 0)
    return Error(Status::InvalidArgument("parquet writer: Finish in the middle of a row"));
  Status s = FlushRowGroup();
  if (!s.ok()) return Error(s);
  finished_ = true;
  if (options_.page_index) {
    std::string buf;
    // Column indexes of every chunk, then offset indexes, as parquet-mr and Arrow lay them out.
    for (size_t g = 0; g < row_groups_.size(); ++g) {
      for (size_t c = 0; c < columns_.size(); ++c) {
        const auto& pages = page_index_[g][c];
        bool usable = std::all_of(pages.begin(), pages.end(), [](const PageIndexEntry& p) {
          return p.null_page || p.has_min_max;
        });
        if (!usable) continue;  // e.g. a page of NaNs only: no valid bounds
        buf.clear();
        SerializeColumnIndex(pages, &buf);
        row_groups_[g].columns[c].column_index_offset = offset_;
        row_groups_[g].columns[c].column_index_length = static_cast<int32_t>(buf.size());
        s = Write(buf);
        if (!s.ok()) return Error(s);
      }
    }
    for (size_t g = 0; g < row_groups_.size(); ++g) {
      for (size_t c = 0; c < columns_.size(); ++c) {
        buf.clear();
        SerializeOffsetIndex(page_index_[g][c], &buf);
        row_groups_[g].columns[c].offset_index_offset = offset_;
        row_groups_[g].columns[c].offset_index_length = static_cast<int32_t>(buf.size());
        s = Write(buf);
        if (!s.ok()) return Error(s);
      }
    }
  }
  std::vector<KeyValue> kv = options_.key_value_metadata;
  kv.push_back({"tributary.writer.version", std::string(kVersion)});
  std::string footer;
  SerializeFileMetaData(schema_, row_groups_, total_rows_, kv, options_.created_by, &footer);
  auto len = static_cast<uint32_t>(footer.size());
  footer.append(reinterpret_cast<const char*>(&len), 4);
  footer.append(kMagic);
  s = Write(footer);
  if (!s.ok()) return Error(s);
  FileStats st;
  st.rows = total_rows_;
  st.row_groups = static_cast<int64_t>(row_groups_.size());
  st.bytes = offset_;
  st.peak_memory_bytes = peak_memory_;
  return st;
}

}  // namespace tributary::format::parquet
