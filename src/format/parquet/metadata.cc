#include "format/parquet/metadata.h"

#include "format/parquet/thrift_compact.h"

namespace tributary::format::parquet {
namespace {

void WriteStatistics(CompactWriter& w, int16_t id, const EncodedStatistics& s) {
  w.BeginStructField(id);
  w.FieldI64(3, s.null_count);
  if (s.has_min_max) {
    w.FieldBinary(5, s.max);  // max_value
    w.FieldBinary(6, s.min);  // min_value
    w.FieldBool(7, s.max_exact);
    w.FieldBool(8, s.min_exact);
  }
  w.EndStruct();
}

// ConvertedType for readers that predate LogicalType, or -1.
int ConvertedTypeOf(const SchemaNode& n) {
  using K = LogicalType::Kind;
  const LogicalType& l = n.logical;
  switch (l.kind) {
    case K::kString: return 0;  // UTF8
    case K::kEnum: return 4;
    case K::kDecimal: return 5;
    case K::kDate: return 6;
    case K::kJson: return 19;
    case K::kTime:
      if (!l.adjusted_to_utc) return -1;  // legacy TIME_* implies UTC adjustment
      return l.unit == TimeUnit::kMillis ? 7 : l.unit == TimeUnit::kMicros ? 8 : -1;
    case K::kTimestamp:
      if (!l.adjusted_to_utc) return -1;
      return l.unit == TimeUnit::kMillis ? 9 : l.unit == TimeUnit::kMicros ? 10 : -1;
    case K::kInt: {
      int base = l.is_signed ? 15 : 11;  // INT_8 / UINT_8
      int step = l.bit_width == 8 ? 0 : l.bit_width == 16 ? 1 : l.bit_width == 32 ? 2 : 3;
      return base + step;
    }
    default: return -1;
  }
}

void WriteLogicalType(CompactWriter& w, const LogicalType& l) {
  using K = LogicalType::Kind;
  if (l.kind == K::kNone) return;
  w.BeginStructField(10);
  switch (l.kind) {
    case K::kString: w.FieldEmptyStruct(1); break;
    case K::kEnum: w.FieldEmptyStruct(4); break;
    case K::kDecimal:
      w.BeginStructField(5);
      w.FieldI32(1, l.scale);
      w.FieldI32(2, l.precision);
      w.EndStruct();
      break;
    case K::kDate: w.FieldEmptyStruct(6); break;
    case K::kTime:
    case K::kTimestamp:
      w.BeginStructField(l.kind == K::kTime ? 7 : 8);
      w.FieldBool(1, l.adjusted_to_utc);
      w.BeginStructField(2);
      w.FieldEmptyStruct(static_cast<int16_t>(l.unit));
      w.EndStruct();
      w.EndStruct();
      break;
    case K::kInt:
      w.BeginStructField(10);
      w.FieldI8(1, l.bit_width);
      w.FieldBool(2, l.is_signed);
      w.EndStruct();
      break;
    case K::kJson: w.FieldEmptyStruct(12); break;
    case K::kUuid: w.FieldEmptyStruct(14); break;
    case K::kNone: break;
  }
  w.EndStruct();
}

void WriteSchemaElement(CompactWriter& w, const ParquetSchema& schema, int id) {
  const SchemaNode& n = schema.node(id);
  w.BeginListStruct();
  if (!n.is_group) {
    w.FieldI32(1, static_cast<int32_t>(n.type));
    if (n.type == PhysicalType::kFixedLenByteArray) w.FieldI32(2, n.type_length);
  }
  if (id != ParquetSchema::kRoot) w.FieldI32(3, static_cast<int32_t>(n.repetition));
  w.FieldBinary(4, n.name);
  if (n.is_group) w.FieldI32(5, static_cast<int32_t>(n.children.size()));
  if (!n.is_group) {
    int ct = ConvertedTypeOf(n);
    if (ct >= 0) w.FieldI32(6, ct);
    if (n.logical.kind == LogicalType::Kind::kDecimal) {
      w.FieldI32(7, n.logical.scale);
      w.FieldI32(8, n.logical.precision);
    }
    WriteLogicalType(w, n.logical);
  }
  w.EndStruct();
  for (int c : n.children) WriteSchemaElement(w, schema, c);
}

void WriteColumnChunk(CompactWriter& w, const ColumnChunkMeta& c) {
  w.BeginListStruct();
  int64_t start = c.dictionary_page_offset >= 0 ? c.dictionary_page_offset : c.data_page_offset;
  w.FieldI64(2, start);   // file_offset
  w.BeginStructField(3);  // meta_data
  w.FieldI32(1, static_cast<int32_t>(c.type));
  w.FieldListHeader(2, CompactType::kI32, static_cast<uint32_t>(c.encodings.size()));
  for (Encoding e : c.encodings) w.ListI32(static_cast<int32_t>(e));
  w.FieldListHeader(3, CompactType::kBinary, static_cast<uint32_t>(c.path.size()));
  for (const std::string& p : c.path) w.ListBinary(p);
  w.FieldI32(4, static_cast<int32_t>(c.codec));
  w.FieldI64(5, c.num_values);
  w.FieldI64(6, c.total_uncompressed_size);
  w.FieldI64(7, c.total_compressed_size);
  w.FieldI64(9, c.data_page_offset);
  if (c.dictionary_page_offset >= 0) w.FieldI64(11, c.dictionary_page_offset);
  if (c.has_statistics) WriteStatistics(w, 12, c.statistics);
  if (!c.encoding_stats.empty()) {
    w.FieldListHeader(13, CompactType::kStruct, static_cast<uint32_t>(c.encoding_stats.size()));
    for (const PageEncodingCount& e : c.encoding_stats) {
      w.BeginListStruct();
      w.FieldI32(1, static_cast<int32_t>(e.type));
      w.FieldI32(2, static_cast<int32_t>(e.encoding));
      w.FieldI32(3, e.count);
      w.EndStruct();
    }
  }
  w.EndStruct();
  if (c.offset_index_offset >= 0) {
    w.FieldI64(4, c.offset_index_offset);
    w.FieldI32(5, c.offset_index_length);
  }
  if (c.column_index_offset >= 0) {
    w.FieldI64(6, c.column_index_offset);
    w.FieldI32(7, c.column_index_length);
  }
  w.EndStruct();
}

}  // namespace

void SerializePageHeader(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  w.FieldI32(1, static_cast<int32_t>(h.type));
  w.FieldI32(2, h.uncompressed_size);
  w.FieldI32(3, h.compressed_size);
  switch (h.type) {
    case PageType::kDataPage:
      w.BeginStructField(5);
      w.FieldI32(1, h.num_values);
      w.FieldI32(2, static_cast<int32_t>(h.encoding));
      w.FieldI32(3, static_cast<int32_t>(Encoding::kRle));
      w.FieldI32(4, static_cast<int32_t>(Encoding::kRle));
      if (h.statistics != nullptr) WriteStatistics(w, 5, *h.statistics);
      w.EndStruct();
      break;
    case PageType::kDictionaryPage:
      w.BeginStructField(7);
      w.FieldI32(1, h.num_values);
      w.FieldI32(2, static_cast<int32_t>(Encoding::kPlain));
      w.EndStruct();
      break;
    case PageType::kDataPageV2:
      w.BeginStructField(8);
      w.FieldI32(1, h.num_values);
      w.FieldI32(2, h.num_nulls);
      w.FieldI32(3, h.num_rows);
      w.FieldI32(4, static_cast<int32_t>(h.encoding));
      w.FieldI32(5, h.def_levels_byte_length);
      w.FieldI32(6, 0);
      w.FieldBool(7, h.is_compressed);
      if (h.statistics != nullptr) WriteStatistics(w, 8, *h.statistics);
      w.EndStruct();
      break;
  }
  w.Finish();
}

void SerializeFileMetaData(const ParquetSchema& schema, const std::vector<RowGroupMeta>& row_groups,
                           int64_t num_rows, const std::vector<KeyValue>& key_values,
                           const std::string& created_by, std::string* out) {
  CompactWriter w(out);
  w.FieldI32(1, 2);  // version
  w.FieldListHeader(2, CompactType::kStruct, static_cast<uint32_t>(schema.num_nodes()));
  WriteSchemaElement(w, schema, ParquetSchema::kRoot);
  w.FieldI64(3, num_rows);
  w.FieldListHeader(4, CompactType::kStruct, static_cast<uint32_t>(row_groups.size()));
  for (const RowGroupMeta& rg : row_groups) {
    w.BeginListStruct();
    w.FieldListHeader(1, CompactType::kStruct, static_cast<uint32_t>(rg.columns.size()));
    for (const ColumnChunkMeta& c : rg.columns) WriteColumnChunk(w, c);
    w.FieldI64(2, rg.total_byte_size);
    w.FieldI64(3, rg.num_rows);
    w.FieldI64(5, rg.file_offset);
    w.FieldI64(6, rg.total_compressed_size);
    w.FieldI16(7, rg.ordinal);
    w.EndStruct();
  }
  if (!key_values.empty()) {
    w.FieldListHeader(5, CompactType::kStruct, static_cast<uint32_t>(key_values.size()));
    for (const KeyValue& kv : key_values) {
      w.BeginListStruct();
      w.FieldBinary(1, kv.key);
      w.FieldBinary(2, kv.value);
      w.EndStruct();
    }
  }
  w.FieldBinary(6, created_by);
  w.FieldListHeader(7, CompactType::kStruct, static_cast<uint32_t>(schema.num_leaves()));
  for (int i = 0; i < schema.num_leaves(); ++i) {
    w.BeginListStruct();
    w.FieldEmptyStruct(1);  // TYPE_ORDER
    w.EndStruct();
  }
  w.Finish();
}

void SerializeColumnIndex(const std::vector<PageIndexEntry>& pages, std::string* out) {
  CompactWriter w(out);
  auto n = static_cast<uint32_t>(pages.size());
  w.FieldListHeader(1, CompactType::kBoolTrue, n);
  for (const PageIndexEntry& p : pages) w.ListBool(p.null_page);
  w.FieldListHeader(2, CompactType::kBinary, n);
  for (const PageIndexEntry& p : pages) w.ListBinary(p.min);
  w.FieldListHeader(3, CompactType::kBinary, n);
  for (const PageIndexEntry& p : pages) w.ListBinary(p.max);
  w.FieldI32(4, 0);  // boundary_order UNORDERED
  w.FieldListHeader(5, CompactType::kI64, n);
  for (const PageIndexEntry& p : pages) w.ListI64(p.null_count);
  w.Finish();
}

void SerializeOffsetIndex(const std::vector<PageIndexEntry>& pages, std::string* out) {
  CompactWriter w(out);
  w.FieldListHeader(1, CompactType::kStruct, static_cast<uint32_t>(pages.size()));
  for (const PageIndexEntry& p : pages) {
    w.BeginListStruct();
    w.FieldI64(1, p.offset);
    w.FieldI32(2, p.compressed_size);
    w.FieldI64(3, p.first_row);
    w.EndStruct();
  }
  w.Finish();
}

}  // namespace tributary::format::parquet
