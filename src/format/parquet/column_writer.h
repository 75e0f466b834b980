// ColumnWriter: the values of one leaf column inside the current row group. Buffers one
// open page (definition levels, then either dictionary indices or PLAIN bytes), turns it
// into a compressed data page when the ParquetWriter says so, and keeps the finished
// pages of the chunk in memory until the row group is written (a column chunk must be
// contiguous in the file, so every column but one has to wait for the row group's end).
//
// Memory per column: the open page (about `page_size`), the dictionary (up to
// `dictionary_page_size_limit` plus its hash table) and the chunk's compressed pages.
//
// Owned by the ParquetWriter; single-threaded. The Append* calls are the hot path: no
// virtual calls, no allocation beyond amortized buffer growth.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/parquet/compression.h"
#include "format/parquet/dictionary.h"
#include "format/parquet/metadata.h"
#include "format/parquet/output_sink.h"
#include "format/parquet/schema.h"
#include "format/parquet/statistics.h"

namespace tributary::format::parquet {

// Buffers a page passes through on its way out (assembled body, compressed body). Pages
// are flushed one at a time, so every column of a writer shares one of these.
struct PageScratch {
  std::string page;
  std::string compressed;
};

struct ColumnWriterOptions {
  Codec codec = Codec::kSnappy;
  bool dictionary = true;
  size_t statistics_max_length = 64;
  bool page_statistics = true;
  int data_page_version = 1;  // 1 or 2
};

// A growable byte buffer whose appends inline to a bounds check and a memcpy.
class ByteBuffer {
 public:
  [[gnu::always_inline]] void Append(const void* p, size_t n) {
    if (size_ + n > buf_.size()) [[unlikely]]
      Grow(n);
    CopySmall(buf_.data() + size_, static_cast<const char*>(p), n);
    size_ += n;
  }
  // memcpy with the short sizes of column values inlined (fixed-size, overlapping moves).
  [[gnu::always_inline]] static void CopySmall(char* d, const char* s, size_t n) {
    if (n >= 8 && n <= 16) {
      uint64_t a, b;
      std::memcpy(&a, s, 8);
      std::memcpy(&b, s + n - 8, 8);
      std::memcpy(d, &a, 8);
      std::memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
      uint32_t a, b;
      std::memcpy(&a, s, 4);
      std::memcpy(&b, s + n - 4, 4);
      std::memcpy(d, &a, 4);
      std::memcpy(d + n - 4, &b, 4);
    } else {
      std::memcpy(d, s, n);
    }
  }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  size_t capacity() const { return buf_.size(); }
  const char* data() const { return buf_.data(); }
  std::string_view view() const { return {buf_.data(), size_}; }

 private:
  [[gnu::noinline]] void Grow(size_t n) {
    buf_.resize(std::max(buf_.size() * 2, size_ + n + 1024));
  }
  std::string buf_;
  size_t size_ = 0;
};

class ColumnWriter {
 public:
  // `schema`, `compressor` and `scratch` must outlive the writer.
  ColumnWriter(const ParquetSchema& schema, int leaf, const ColumnWriterOptions& options,
               Compressor* compressor, PageScratch* scratch);

  PhysicalType physical_type() const { return type_; }
  int16_t max_def_level() const { return max_def_; }
  bool leaf_optional() const { return leaf_optional_; }
  int32_t fixed_width() const { return fixed_width_; }

  // --- hot path ---
  void AppendNull(int16_t def_level) {
    defs_.push_back(static_cast<uint8_t>(def_level));
    ++page_values_;
    ++page_nulls_;
  }
  void AppendBool(bool v) {
    Defined();
    bools_.push_back(v ? 1 : 0);
  }
  void AppendFixed32(uint32_t bits) {
    Defined();
    if (use_dict_) {
      raw_dict_bytes_ += 4;
      indices_.push_back(dict32_.GetOrInsert(bits));
    } else {
      plain_.Append(&bits, 4);
    }
  }
  void AppendFixed64(uint64_t bits) {
    Defined();
    if (use_dict_) {
      raw_dict_bytes_ += 8;
      indices_.push_back(dict64_.GetOrInsert(bits));
    } else {
      plain_.Append(&bits, 8);
    }
  }
  // REQUIRES: for FIXED_LEN_BYTE_ARRAY, v.size() == fixed_width().
  void AppendBytes(std::string_view v) {
    Defined();
    if (use_dict_) {
      raw_dict_bytes_ += v.size() + (fixed_width_ == 0 ? 4 : 0);
      indices_.push_back(bytes_dict_.GetOrInsert(v));
    } else {
      if (fixed_width_ == 0) {
        auto n = static_cast<uint32_t>(v.size());
        plain_.Append(&n, 4);
      }
      plain_.Append(v.data(), v.size());
    }
  }

  // --- limits (checked by the ParquetWriter between rows) ---
  // Encoded size of the open page, roughly (before compression).
  size_t PageSizeEstimate() const;
  size_t DictionaryPlainBytes() const;
  bool dictionary_active() const { return use_dict_; }
  // Bytes this column holds for the row group: finished pages + open page + dictionary.
  size_t BufferedBytes() const;
  // Capacity of every buffer, hash tables included (the real memory use).
  size_t MemoryBytes() const;
  int64_t rows_in_chunk() const { return rows_in_chunk_ + page_values_; }

  // Closes the open page (no-op when empty).
  Status FlushPage();
  // Closes the open page and writes the rest of the chunk in PLAIN (the dictionary
  // grew past its limit).
  Status FallbackToPlain();
  // Once per chunk, after the first `kDictionaryProbeValues` values: when dictionary +
  // indices are not smaller than the PLAIN values they stand for (a column of unique
  // values), gives the dictionary up. Without a finished page yet, the open page is
  // re-encoded PLAIN and the chunk gets no dictionary page at all (parquet-mr's
  // "compression satisfying" rule). Returns true when it switched.
  static constexpr int64_t kDictionaryProbeValues = 8192;
  bool dictionary_probe_due() const {
    return use_dict_ && !probed_ && static_cast<int64_t>(raw_dict_bytes_) > 0 &&
           dict_values_in_chunk() >= kDictionaryProbeValues;
  }
  Status ProbeDictionary();
  // Closes the chunk: flushes the open page and writes [dictionary page] data pages to
  // `sink`, starting at absolute file offset `file_offset`. Fills `meta` and `pages`
  // (page index entries with absolute offsets) and resets for the next row group.
  Status WriteChunk(OutputSink* sink, int64_t file_offset, ColumnChunkMeta* meta,
                    std::vector<PageIndexEntry>* pages);

 private:
  void Defined() {
    if (max_def_ > 0) defs_.push_back(static_cast<uint8_t>(max_def_));
    ++page_values_;
  }
  void PageStats(StatsAccumulator* stats);
  int64_t dict_values_in_chunk() const {
    return dict_values_flushed_ + static_cast<int64_t>(indices_.size());
  }
  void IndicesToPlain();
  // A finished page: its serialized header and its (compressed) body.
  struct PageBlob {
    std::string header;
    std::string body;
  };
  // Compresses `body` into `out` and serializes its header.
  Status MakePage(const PageHeader& header, std::string_view body, PageBlob* out);
  std::string TakeSpare();

  const ParquetSchema& schema_;
  int leaf_;
  ColumnWriterOptions options_;
  Compressor* compressor_;
  std::string& page_;  // shared scratch (PageScratch)
  std::string& compressed_;
  PhysicalType type_;
  SortOrder order_;
  int16_t max_def_;
  bool leaf_optional_;
  int32_t fixed_width_;
  bool dict_enabled_;

  // open page
  bool use_dict_;
  std::vector<uint8_t> defs_;
  std::vector<uint8_t> bools_;
  std::vector<uint32_t> indices_;
  ByteBuffer plain_;
  int64_t page_values_ = 0;
  int64_t page_nulls_ = 0;

  // dictionaries (one is used, by type)
  FixedDictionary<uint32_t> dict32_;
  FixedDictionary<uint64_t> dict64_;
  ByteDictionary bytes_dict_;
  std::vector<uint32_t> seen_;       // per dictionary entry: last page epoch that used it
  size_t raw_dict_bytes_ = 0;        // PLAIN size of the values dictionary-encoded in this chunk
  int64_t dict_values_flushed_ = 0;  // dictionary-encoded values in finished pages
  bool probed_ = false;
  uint32_t epoch_ = 0;

  // chunk
  std::vector<PageBlob> blobs_;     // the chunk's data pages, in order
  size_t chunk_bytes_ = 0;          // their total size
  std::vector<std::string> spare_;  // page bodies written out, kept for reuse
  StatsAccumulator chunk_stats_;
  StatsAccumulator page_stats_;
  int64_t chunk_values_ = 0;
  int64_t rows_in_chunk_ = 0;
  int64_t uncompressed_bytes_ = 0;
  int32_t dict_pages_ = 0;
  int32_t plain_pages_ = 0;
  std::vector<PageIndexEntry> pages_;  // offsets relative to chunk_

  // scratch
  std::vector<uint64_t> scratch64_;
  std::vector<uint32_t> scratch32_;
};

}  // namespace tributary::format::parquet
