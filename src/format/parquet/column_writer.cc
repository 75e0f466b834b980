#include "format/parquet/column_writer.h"

#include <algorithm>

#include "format/parquet/rle_encoder.h"

namespace tributary::format::parquet {

ColumnWriter::ColumnWriter(const ParquetSchema& schema, int leaf,
                           const ColumnWriterOptions& options, Compressor* compressor,
                           PageScratch* scratch)
    : schema_(schema),
      leaf_(leaf),
      options_(options),
      compressor_(compressor),
      page_(scratch->page),
      compressed_(scratch->compressed),
      type_(schema.leaf(leaf).type),
      order_(schema.SortOrderOf(leaf)),
      max_def_(schema.leaf(leaf).def_level),
      leaf_optional_(schema.leaf(leaf).repetition == Repetition::kOptional),
      fixed_width_(schema.leaf(leaf).type == PhysicalType::kFixedLenByteArray
                       ? schema.leaf(leaf).type_length
                       : 0),
      dict_enabled_(options.dictionary && schema.leaf(leaf).type != PhysicalType::kBoolean),
      use_dict_(dict_enabled_),
      bytes_dict_(fixed_width_),
      chunk_stats_(order_, false),
      page_stats_(order_, false) {
  using K = LogicalType::Kind;
  K k = schema.leaf(leaf).logical.kind;
  bool utf8 = k == K::kString || k == K::kEnum || k == K::kJson;
  chunk_stats_ = StatsAccumulator(order_, utf8);
  page_stats_ = StatsAccumulator(order_, utf8);
}

size_t ColumnWriter::DictionaryPlainBytes() const {
  switch (type_) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return dict32_.plain_bytes();
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return dict64_.plain_bytes();
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: return bytes_dict_.plain_bytes();
    default: return 0;
  }
}

static size_t DictSize(PhysicalType t, const FixedDictionary<uint32_t>& d32,
                       const FixedDictionary<uint64_t>& d64, const ByteDictionary& db) {
  switch (t) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return d32.size();
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return d64.size();
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: return db.size();
    default: return 0;
  }
}

size_t ColumnWriter::PageSizeEstimate() const {
  size_t levels = max_def_ > 0 ? defs_.size() / 4 : 0;  // a loose bound of the RLE size
  if (use_dict_) {
    size_t n = DictSize(type_, dict32_, dict64_, bytes_dict_);
    return levels + indices_.size() * static_cast<size_t>(BitWidth(n)) / 8 + 1;
  }
  return levels + plain_.size() + bools_.size() / 8;
}

size_t ColumnWriter::BufferedBytes() const {
  return chunk_bytes_ + PageSizeEstimate() + DictionaryPlainBytes();
}

size_t ColumnWriter::MemoryBytes() const {
  size_t blobs = 0;
  for (const PageBlob& b : blobs_) blobs += b.header.capacity() + b.body.capacity();
  for (const std::string& b : spare_) blobs += b.capacity();
  return blobs + defs_.capacity() + bools_.capacity() + indices_.capacity() * 4 +
         plain_.capacity() + dict32_.memory_bytes() + dict64_.memory_bytes() +
         bytes_dict_.memory_bytes() + seen_.capacity() * 4 +
         pages_.capacity() * sizeof(PageIndexEntry);
}

void ColumnWriter::PageStats(StatsAccumulator* stats) {
  stats->Reset();
  stats->AddNulls(page_nulls_);
  if (page_values_ == page_nulls_) return;
  if (type_ == PhysicalType::kBoolean) {
    bool has0 = false, has1 = false;
    for (uint8_t b : bools_) (b ? has1 : has0) = true;
    if (has0) stats->UpdateBool(false);
    if (has1) stats->UpdateBool(true);
    return;
  }
  if (use_dict_) {
    size_t n = DictSize(type_, dict32_, dict64_, bytes_dict_);
    if (seen_.size() < n) seen_.resize(n, 0);
    ++epoch_;
    if (type_ == PhysicalType::kByteArray || type_ == PhysicalType::kFixedLenByteArray) {
      for (uint32_t idx : indices_) {
        if (seen_[idx] == epoch_) continue;
        seen_[idx] = epoch_;
        stats->UpdateBytes(bytes_dict_.value(idx));
      }
    } else if (type_ == PhysicalType::kInt32 || type_ == PhysicalType::kFloat) {
      scratch32_.clear();
      for (uint32_t idx : indices_) {
        if (seen_[idx] == epoch_) continue;
        seen_[idx] = epoch_;
        scratch32_.push_back(dict32_.value(idx));
      }
      stats->Update32(scratch32_.data(), scratch32_.size());
    } else {
      scratch64_.clear();
      for (uint32_t idx : indices_) {
        if (seen_[idx] == epoch_) continue;
        seen_[idx] = epoch_;
        scratch64_.push_back(dict64_.value(idx));
      }
      stats->Update64(scratch64_.data(), scratch64_.size());
    }
    return;
  }
  const char* p = plain_.data();
  size_t size = plain_.size();
  switch (type_) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      stats->Update32(reinterpret_cast<const uint32_t*>(p), size / 4);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      stats->Update64(reinterpret_cast<const uint64_t*>(p), size / 8);
      break;
    case PhysicalType::kFixedLenByteArray:
      for (size_t off = 0; off + static_cast<size_t>(fixed_width_) <= size; off += fixed_width_) {
        stats->UpdateBytes({p + off, static_cast<size_t>(fixed_width_)});
      }
      break;
    case PhysicalType::kByteArray:
      for (size_t off = 0; off + 4 <= size;) {
        uint32_t n;
        std::memcpy(&n, p + off, 4);
        stats->UpdateBytes({p + off + 4, n});
        off += 4 + n;
      }
      break;
    default: break;
  }
}

std::string ColumnWriter::TakeSpare() {
  if (spare_.empty()) return {};
  std::string b = std::move(spare_.back());
  spare_.pop_back();
  b.clear();
  return b;
}

Status ColumnWriter::MakePage(const PageHeader& header_in, std::string_view body, PageBlob* out) {
  PageHeader header = header_in;
  header.uncompressed_size = static_cast<int32_t>(body.size());
  out->body = TakeSpare();
  if (options_.codec != Codec::kUncompressed) {
    // Compress into warm scratch, then keep an exact-size copy (the scratch is sized
    // for the worst case).
    auto n = compressor_->Compress(body, &compressed_);
    if (!n) return n.error();
    out->body.assign(compressed_.data(), *n);
  } else {
    out->body.assign(body);
  }
  header.compressed_size = static_cast<int32_t>(out->body.size());
  out->header.clear();
  SerializePageHeader(header, &out->header);
  uncompressed_bytes_ += static_cast<int64_t>(out->header.size()) + header.uncompressed_size;
  return Status::Ok();
}

Status ColumnWriter::FlushPage() {
  if (page_values_ == 0) return Status::Ok();
  size_t dict_size = DictSize(type_, dict32_, dict64_, bytes_dict_);
  // A dictionary page is only written when it has entries; a page of nulls only is PLAIN.
  bool dict_page = use_dict_ && dict_size > 0;
  Encoding encoding = dict_page ? Encoding::kRleDictionary : Encoding::kPlain;

  page_.clear();
  size_t levels_bytes = 0;
  if (max_def_ > 0) {
    if (options_.data_page_version == 1) {
      page_.append(4, '\0');
      EncodeRleHybrid(defs_.data(), defs_.size(), BitWidth(max_def_), &page_);
      auto n = static_cast<uint32_t>(page_.size() - 4);
      std::memcpy(page_.data(), &n, 4);
    } else {
      EncodeRleHybrid(defs_.data(), defs_.size(), BitWidth(max_def_), &page_);
    }
    levels_bytes = page_.size();
  }
  if (dict_page) {
    int width = BitWidth(dict_size - 1);
    page_.push_back(static_cast<char>(width));
    EncodeRleHybrid(indices_.data(), indices_.size(), width, &page_);
  } else if (type_ == PhysicalType::kBoolean) {
    size_t old = page_.size();
    page_.resize(old + (bools_.size() + 7) / 8, '\0');
    auto* out = reinterpret_cast<unsigned char*>(page_.data() + old);
    for (size_t i = 0; i < bools_.size(); ++i)
      out[i / 8] |= static_cast<unsigned char>(bools_[i] << (i % 8));
  } else if (max_def_ > 0 || options_.data_page_version != 1) {
    page_.append(plain_.data(), plain_.size());
  }

  PageStats(&page_stats_);
  EncodedStatistics encoded = page_stats_.Encode(options_.statistics_max_length);

  PageHeader h;
  h.num_values = static_cast<int32_t>(page_values_);
  h.encoding = encoding;
  h.statistics = options_.page_statistics ? &encoded : nullptr;
  size_t page_start = chunk_bytes_;
  PageBlob blob;
  if (options_.data_page_version == 1) {
    h.type = PageType::kDataPage;
    // A required column's PLAIN page is its value buffer as is: no copy into page_.
    bool direct = max_def_ == 0 && !dict_page && type_ != PhysicalType::kBoolean;
    Status s = MakePage(h, direct ? plain_.view() : std::string_view(page_), &blob);
    if (!s.ok()) return s;
  } else {
    // V2: levels stay uncompressed in front of the compressed values.
    h.type = PageType::kDataPageV2;
    h.num_nulls = static_cast<int32_t>(page_nulls_);
    h.num_rows = static_cast<int32_t>(page_values_);
    h.def_levels_byte_length = static_cast<int32_t>(levels_bytes);
    std::string_view values(page_.data() + levels_bytes, page_.size() - levels_bytes);
    blob.body = TakeSpare();
    blob.body.assign(page_.data(), levels_bytes);
    if (options_.codec != Codec::kUncompressed) {
      auto n = compressor_->Compress(values, &compressed_);
      if (!n) return n.error();
      blob.body.append(compressed_.data(), *n);
    } else {
      blob.body.append(values);
    }
    h.is_compressed = options_.codec != Codec::kUncompressed;
    h.uncompressed_size = static_cast<int32_t>(page_.size());
    h.compressed_size = static_cast<int32_t>(blob.body.size());
    SerializePageHeader(h, &blob.header);
    uncompressed_bytes_ += static_cast<int64_t>(blob.header.size() + page_.size());
  }
  chunk_bytes_ += blob.header.size() + blob.body.size();
  blobs_.push_back(std::move(blob));

  PageIndexEntry entry;
  entry.null_page = page_nulls_ == page_values_;
  entry.has_min_max = encoded.has_min_max;
  entry.min = std::move(encoded.min);
  entry.max = std::move(encoded.max);
  entry.null_count = page_nulls_;
  entry.offset = static_cast<int64_t>(page_start);
  entry.compressed_size = static_cast<int32_t>(chunk_bytes_ - page_start);
  entry.first_row = rows_in_chunk_;
  pages_.push_back(std::move(entry));

  chunk_stats_.Merge(page_stats_);
  (dict_page ? dict_pages_ : plain_pages_)++;
  if (dict_page) dict_values_flushed_ += static_cast<int64_t>(indices_.size());
  chunk_values_ += page_values_;
  rows_in_chunk_ += page_values_;
  defs_.clear();
  bools_.clear();
  indices_.clear();
  plain_.clear();
  page_values_ = 0;
  page_nulls_ = 0;
  return Status::Ok();
}

void ColumnWriter::IndicesToPlain() {
  plain_.clear();
  for (uint32_t idx : indices_) {
    switch (type_) {
      case PhysicalType::kInt32:
      case PhysicalType::kFloat: {
        uint32_t v = dict32_.value(idx);
        plain_.Append(&v, 4);
        break;
      }
      case PhysicalType::kInt64:
      case PhysicalType::kDouble: {
        uint64_t v = dict64_.value(idx);
        plain_.Append(&v, 8);
        break;
      }
      default: {
        std::string_view v = bytes_dict_.value(idx);
        if (fixed_width_ == 0) {
          auto n = static_cast<uint32_t>(v.size());
          plain_.Append(&n, 4);
        }
        plain_.Append(v.data(), v.size());
      }
    }
  }
  indices_.clear();
}

Status ColumnWriter::ProbeDictionary() {
  probed_ = true;
  size_t entries = DictSize(type_, dict32_, dict64_, bytes_dict_);
  auto values = static_cast<size_t>(dict_values_in_chunk());
  size_t encoded = DictionaryPlainBytes() + values * static_cast<size_t>(BitWidth(entries)) / 8;
  if (encoded < raw_dict_bytes_) return Status::Ok();      // the dictionary pays off
  if (dict_values_flushed_ > 0) return FallbackToPlain();  // earlier pages need it
  IndicesToPlain();
  dict32_.Reset();
  dict64_.Reset();
  bytes_dict_.Reset();
  use_dict_ = false;
  return Status::Ok();
}

Status ColumnWriter::FallbackToPlain() {
  Status s = FlushPage();
  if (!s.ok()) return s;
  use_dict_ = false;
  return Status::Ok();
}

Status ColumnWriter::WriteChunk(OutputSink* sink, int64_t file_offset, ColumnChunkMeta* meta,
                                std::vector<PageIndexEntry>* pages) {
  Status s = FlushPage();
  if (!s.ok()) return s;
  *meta = ColumnChunkMeta{};
  meta->type = type_;
  meta->path = schema_.Path(schema_.leaf_node(leaf_));
  meta->codec = options_.codec;
  meta->num_values = chunk_values_;

  PageBlob dict;
  size_t dict_size = DictSize(type_, dict32_, dict64_, bytes_dict_);
  if (dict_size > 0) {
    std::string_view body =
        type_ == PhysicalType::kByteArray || type_ == PhysicalType::kFixedLenByteArray
            ? bytes_dict_.plain()
        : (type_ == PhysicalType::kInt32 || type_ == PhysicalType::kFloat) ? dict32_.plain()
                                                                           : dict64_.plain();
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    h.num_values = static_cast<int32_t>(dict_size);
    s = MakePage(h, body, &dict);
    if (!s.ok()) return s;
    meta->dictionary_page_offset = file_offset;
  }
  size_t dict_bytes = dict.header.size() + dict.body.size();
  meta->data_page_offset = file_offset + static_cast<int64_t>(dict_bytes);
  meta->total_compressed_size = static_cast<int64_t>(dict_bytes + chunk_bytes_);
  meta->total_uncompressed_size = uncompressed_bytes_;

  if (dict_size > 0) meta->encodings.push_back(Encoding::kPlain);  // the dictionary page
  if (plain_pages_ > 0 && dict_size == 0)
    meta->encodings.push_back(Encoding::kPlain);
  else if (plain_pages_ > 0 && dict_size > 0) { /* PLAIN already listed */
  }
  meta->encodings.push_back(Encoding::kRle);
  if (dict_pages_ > 0) meta->encodings.push_back(Encoding::kRleDictionary);
  PageType data_type =
      options_.data_page_version == 1 ? PageType::kDataPage : PageType::kDataPageV2;
  if (dict_size > 0)
    meta->encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
  if (dict_pages_ > 0)
    meta->encoding_stats.push_back({data_type, Encoding::kRleDictionary, dict_pages_});
  if (plain_pages_ > 0) meta->encoding_stats.push_back({data_type, Encoding::kPlain, plain_pages_});

  meta->has_statistics = true;
  meta->statistics = chunk_stats_.Encode(options_.statistics_max_length);

  auto write = [sink](const std::string& b) {
    return b.empty() ? Status::Ok() : sink->Write(std::as_bytes(std::span<const char>(b)));
  };
  if (dict_bytes > 0) {
    if (s = write(dict.header); !s.ok()) return s;
    if (s = write(dict.body); !s.ok()) return s;
  }
  for (PageBlob& b : blobs_) {
    if (s = write(b.header); !s.ok()) return s;
    if (s = write(b.body); !s.ok()) return s;
    spare_.push_back(std::move(b.body));
  }
  for (PageIndexEntry& p : pages_) {
    p.offset += meta->data_page_offset;
    pages->push_back(std::move(p));
  }

  // Reset for the next row group.
  pages_.clear();
  blobs_.clear();
  chunk_bytes_ = 0;
  chunk_stats_.Reset();
  chunk_values_ = 0;
  rows_in_chunk_ = 0;
  uncompressed_bytes_ = 0;
  dict_pages_ = 0;
  plain_pages_ = 0;
  dict32_.Reset();
  dict64_.Reset();
  bytes_dict_.Reset();
  std::fill(seen_.begin(), seen_.end(), 0);
  epoch_ = 0;
  use_dict_ = dict_enabled_;
  raw_dict_bytes_ = 0;
  dict_values_flushed_ = 0;
  probed_ = false;
  return Status::Ok();
}

}  // namespace tributary::format::parquet
