// The Thrift structures of a Parquet file that the writer produces (parquet.thrift):
// page headers, the footer's FileMetaData with schema, row groups and column chunks,
// and the page indexes (ColumnIndex / OffsetIndex). Plain structs filled by the writer
// and serialized with the compact protocol; no reading side.
//
// Thread-compatible values; the Serialize* functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "format/parquet/compression.h"
#include "format/parquet/schema.h"
#include "format/parquet/statistics.h"

namespace tributary::format::parquet {

// Thrift enum values (do not renumber).
enum class Encoding : uint8_t { kPlain = 0, kRle = 3, kRleDictionary = 8 };
enum class PageType : uint8_t { kDataPage = 0, kDictionaryPage = 2, kDataPageV2 = 3 };

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_size = 0;  // page body, levels included, header excluded
  int32_t compressed_size = 0;
  int32_t num_values = 0;  // levels (rows) in a data page; entries in a dictionary
  Encoding encoding = Encoding::kPlain;
  const EncodedStatistics* statistics = nullptr;  // data pages; may be null
  // DATA_PAGE_V2 only:
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t def_levels_byte_length = 0;
  bool is_compressed = true;
};
void SerializePageHeader(const PageHeader& h, std::string* out);

struct PageEncodingCount {
  PageType type;
  Encoding encoding;
  int32_t count;
};

struct ColumnChunkMeta {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // headers included, as the spec defines it
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  int64_t dictionary_page_offset = -1;  // -1: no dictionary page
  bool has_statistics = false;
  EncodedStatistics statistics;
  std::vector<PageEncodingCount> encoding_stats;
  int64_t column_index_offset = -1;
  int32_t column_index_length = 0;
  int64_t offset_index_offset = -1;
  int32_t offset_index_length = 0;
};

struct RowGroupMeta {
  std::vector<ColumnChunkMeta> columns;
  int64_t total_byte_size = 0;  // sum of the columns' uncompressed sizes
  int64_t num_rows = 0;
  int64_t file_offset = 0;
  int64_t total_compressed_size = 0;
  int16_t ordinal = 0;
};

struct KeyValue {
  std::string key;
  std::string value;
};

void SerializeFileMetaData(const ParquetSchema& schema, const std::vector<RowGroupMeta>& row_groups,
                           int64_t num_rows, const std::vector<KeyValue>& key_values,
                           const std::string& created_by, std::string* out);

// One page of a column chunk as the page indexes describe it.
struct PageIndexEntry {
  bool null_page = false;  // every value null (min/max empty)
  bool has_min_max = false;
  std::string min, max;  // encoded like statistics (truncated)
  int64_t null_count = 0;
  int64_t offset = 0;           // absolute file offset of the page header
  int32_t compressed_size = 0;  // header + body
  int64_t first_row = 0;        // within the row group
};
void SerializeColumnIndex(const std::vector<PageIndexEntry>& pages, std::string* out);
void SerializeOffsetIndex(const std::vector<PageIndexEntry>& pages, std::string* out);

}  // namespace tributary::format::parquet
