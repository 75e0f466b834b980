// ParquetWriter: streams rows into one Parquet file through an OutputSink.
//
// Lifecycle: Open(sink, options) -> Begin(schema) -> rows -> Finish(). A row is built one
// value per leaf column (the leaf index of ParquetSchema), in any order of leaves, and
// closed with EndRow():
//
//   w->AppendInt64(id_leaf, 42);
//   w->AppendBytes(name_leaf, "Ann");
//   w->AppendNull(note_leaf);          // an optional leaf
//   w->AppendNullGroup(before_node);   // an optional group: every leaf under it
//   TRIBUTARY_RETURN_IF_ERROR(w->EndRow());
//
// Why a column-builder API and not Append(batch): the sink parses Debezium JSON records
// one value at a time and can hand each value straight to its column; an intermediate
// row or batch object would be one more copy of every string. The Append* calls are
// inline and cheap (no virtual call, no allocation beyond buffer growth) and return
// nothing; a misuse (wrong type, null in a required leaf) is remembered and returned by
// the next EndRow(), and the file is then unusable.
//
// Limits: pages are closed when their encoded size reaches `page_size`; a column's
// dictionary falls back to PLAIN when its dictionary page would pass
// `dictionary_page_size_limit`; a row group is written to the sink when the buffered
// bytes of all columns reach `row_group_size` (or at FlushRowGroup(), e.g. at file
// rotation). Memory per open file is about row_group_size + columns x (page_size +
// ~3 x dictionary_page_size_limit for the dictionary and its hash table) + 2 x page_size of
// shared page scratch; MemoryBytes() measures it.
//
// Single-threaded: one writer per thread. The sink must outlive the writer.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/parquet/column_writer.h"
#include "format/parquet/compression.h"
#include "format/parquet/metadata.h"
#include "format/parquet/output_sink.h"
#include "format/parquet/schema.h"

namespace tributary::format::parquet {

struct WriterOptions {
  Codec codec = Codec::kSnappy;
  int compression_level = kDefaultCompressionLevel;
  int64_t page_size = 1 << 20;           // parquet.page.size
  int64_t row_group_size = 128LL << 20;  // parquet.row.group.size (buffered bytes)
  int64_t max_row_group_rows = 0;        // 0 = no row limit
  bool dictionary = true;
  int64_t dictionary_page_size_limit = 1 << 20;
  size_t statistics_max_length = 64;  // byte-array min/max longer than this are truncated
  bool page_statistics = true;        // statistics in data page headers
  bool page_index = true;             // ColumnIndex + OffsetIndex
  int data_page_version = 1;          // 1, or 2 for DATA_PAGE_V2
  std::vector<KeyValue> key_value_metadata;
  std::string created_by;  // empty: "tributary version <v>"
};

struct FileStats {
  int64_t rows = 0;
  int64_t row_groups = 0;
  int64_t bytes = 0;              // file size
  int64_t peak_memory_bytes = 0;  // largest MemoryBytes() seen at a limit check
};

class ParquetWriter {
 public:
  static Result<std::unique_ptr<ParquetWriter>> Open(OutputSink* sink, WriterOptions options);
  ~ParquetWriter();

  // Copies and finalizes `schema`, writes the magic. Once per writer.
  Status Begin(const ParquetSchema& schema);
  const ParquetSchema& schema() const { return schema_; }

  // --- row building (hot path) ---
  void AppendNull(int leaf) {
    if (!CheckLeaf(leaf)) return;
    ColumnWriter& c = columns_[leaf];
    if (!c.leaf_optional()) [[unlikely]]
      return Misuse(leaf, "NULL in a required column");
    c.AppendNull(static_cast<int16_t>(c.max_def_level() - 1));
    ++appended_;
    ++pending_bytes_;
  }
  // Every leaf under the optional group `node` (a schema node id) is null.
  void AppendNullGroup(int node);
  void AppendBool(int leaf, bool v) {
    if (!CheckLeaf(leaf, PhysicalType::kBoolean)) return;
    columns_[leaf].AppendBool(v);
    Count(1);
  }
  void AppendInt32(int leaf, int32_t v) {
    if (!CheckLeaf(leaf, PhysicalType::kInt32)) return;
    columns_[leaf].AppendFixed32(static_cast<uint32_t>(v));
    Count(4);
  }
  void AppendInt64(int leaf, int64_t v) {
    if (!CheckLeaf(leaf, PhysicalType::kInt64)) return;
    columns_[leaf].AppendFixed64(static_cast<uint64_t>(v));
    Count(8);
  }
  void AppendFloat(int leaf, float v) {
    if (!CheckLeaf(leaf, PhysicalType::kFloat)) return;
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    columns_[leaf].AppendFixed32(bits);
    Count(4);
  }
  void AppendDouble(int leaf, double v) {
    if (!CheckLeaf(leaf, PhysicalType::kDouble)) return;
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    columns_[leaf].AppendFixed64(bits);
    Count(8);
  }
  // BYTE_ARRAY, or FIXED_LEN_BYTE_ARRAY of exactly its width. The bytes are copied.
  void AppendBytes(int leaf, std::string_view v) {
    if (leaf < 0 || static_cast<size_t>(leaf) >= columns_.size()) [[unlikely]]
      return Misuse(leaf, "no such column");
    ColumnWriter& c = columns_[leaf];
    if (c.physical_type() == PhysicalType::kByteArray) [[likely]] {
      c.AppendBytes(v);
    } else if (c.physical_type() == PhysicalType::kFixedLenByteArray &&
               v.size() == static_cast<size_t>(c.fixed_width())) {
      c.AppendBytes(v);
    } else {
      return Misuse(leaf, "bytes of the wrong type or width");
    }
    Count(v.size() + 4);
  }
  // A DECIMAL leaf from exact text ("-12.50") or from big-endian two's complement
  // unscaled bytes, stored in the leaf's physical type. Errors are returned directly
  // (and also make the row fail).
  Status AppendDecimalText(int leaf, std::string_view text);
  Status AppendDecimalUnscaled(int leaf, std::span<const uint8_t> big_endian);

  // Ends the row: every leaf must have received exactly one value. Returns the first
  // misuse since the last EndRow, or a flush error. May write a row group to the sink.
  Status EndRow();

  // Writes the buffered rows as a row group now (no-op without rows).
  Status FlushRowGroup();
  // Writes the last row group, the page indexes and the footer. The writer is done.
  Result<FileStats> Finish();

  int64_t rows_written() const { return total_rows_; }
  // Bytes given to the sink so far (the file's size once the buffered row group and the
  // footer are added: BufferedBytes() estimates the former).
  int64_t bytes_written() const { return offset_; }
  // Bytes buffered for the open row group (encoded pages, open pages, dictionaries).
  int64_t BufferedBytes() const;
  // Memory held by the writer's buffers (capacity, hash tables included).
  int64_t MemoryBytes() const;

 private:
  ParquetWriter(OutputSink* sink, WriterOptions options)
      : sink_(sink), options_(std::move(options)) {}

  bool CheckLeaf(int leaf) {
    if (leaf < 0 || static_cast<size_t>(leaf) >= columns_.size()) [[unlikely]] {
      Misuse(leaf, "no such column");
      return false;
    }
    return true;
  }
  bool CheckLeaf(int leaf, PhysicalType t) {
    if (!CheckLeaf(leaf)) return false;
    if (columns_[leaf].physical_type() != t) [[unlikely]] {
      Misuse(leaf, "value of the wrong type");
      return false;
    }
    return true;
  }
  void Count(size_t bytes) {
    ++appended_;
    pending_bytes_ += bytes;
  }
  void Misuse(int leaf, std::string_view what);
  Status CheckLimits();
  Status Write(std::string_view bytes);

  OutputSink* sink_;
  WriterOptions options_;
  ParquetSchema schema_;
  std::unique_ptr<Compressor> compressor_;
  PageScratch scratch_;
  std::vector<ColumnWriter> columns_;
  bool begun_ = false;
  bool finished_ = false;
  Status error_;  // first misuse since the last EndRow (sticky once the file is broken)
  int64_t appended_ = 0;
  int64_t pending_bytes_ = 0;
  int64_t check_interval_ = 1;
  int64_t rows_in_group_ = 0;
  int64_t total_rows_ = 0;
  int64_t offset_ = 0;
  int64_t peak_memory_ = 0;
  std::vector<RowGroupMeta> row_groups_;
  std::vector<std::vector<std::vector<PageIndexEntry>>> page_index_;  // [row group][column]
};

}  // namespace tributary::format::parquet
