#include "mysql/rows_event.h"

#include <fmt/format.h>

#include "mysql/compression.h"
#include "mysql/json_diff.h"

namespace tributary::mysql {
namespace {

struct Kind {
  RowsKind kind;
  int version;
  bool compressed;
};

Kind Classify(EventType t) {
  switch (t) {
    case EventType::kWriteRowsV1: return {RowsKind::kWrite, 1, false};
    case EventType::kUpdateRowsV1: return {RowsKind::kUpdate, 1, false};
    case EventType::kDeleteRowsV1: return {RowsKind::kDelete, 1, false};
    case EventType::kWriteRowsV2: return {RowsKind::kWrite, 2, false};
    case EventType::kUpdateRowsV2: return {RowsKind::kUpdate, 2, false};
    case EventType::kDeleteRowsV2: return {RowsKind::kDelete, 2, false};
    case EventType::kPartialUpdateRows: return {RowsKind::kPartialUpdate, 2, false};
    case EventType::kMariaWriteRowsCompressedV1: return {RowsKind::kWrite, 1, true};
    case EventType::kMariaUpdateRowsCompressedV1: return {RowsKind::kUpdate, 1, true};
    case EventType::kMariaDeleteRowsCompressedV1: return {RowsKind::kDelete, 1, true};
    case EventType::kMariaWriteRowsCompressed: return {RowsKind::kWrite, 2, true};
    case EventType::kMariaUpdateRowsCompressed: return {RowsKind::kUpdate, 2, true};
    default: return {RowsKind::kDelete, 2, true};
  }
}

// Reads a bitmap of `bits` bits into `out` (its storage reused).
Status ReadBitmap(ByteReader& r, size_t bits, std::string_view what, std::vector<bool>* out) {
  auto bytes = r.ReadBytes((bits + 7) / 8);
  if (!bytes) return Status::Corruption(fmt::format("{} bitmap truncated", what));
  out->assign(bits, false);
  for (size_t i = 0; i < bits; ++i) {
    (*out)[i] = (static_cast<uint8_t>((*bytes)[i / 8]) >> (i % 8)) & 1;
  }
  return Status::Ok();
}

// Total Values the spare row images of a RowsEventSpares may hold (≈ 3 MB), so that one
// event of a very wide table does not pin its row storage for the rest of the stream.
constexpr size_t kMaxSpareValues = 65536;

size_t ImageCapacity(const RowChange& c) {
  return c.before.values.capacity() + c.after.values.capacity();
}

// Reads one row image: null bitmap over the present columns, then their values.
// `partial_json` marks JSON columns whose value is a diff list to apply to `before`.
// `n_present` is the number of set bits of `present` (counted once per event). Values
// are appended in place (no default construction then assignment: this is the hot loop).
Status ReadImage(ByteReader& r, const TableMap& table, const std::vector<bool>& present,
                 size_t n_present, const std::vector<bool>* partial_json, const RowImage* before,
                 RowImage* out) {
  auto nulls = r.ReadBytes((n_present + 7) / 8);
  if (!nulls) return Status::Corruption("row null bitmap truncated");
  const std::byte* null_bits = nulls->data();
  out->values.clear();
  out->values.reserve(table.columns.size());
  size_t k = 0;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (!present[i]) {
      out->values.push_back(event::Value::Absent());
      continue;
    }
    bool is_null = (static_cast<uint8_t>(null_bits[k / 8]) >> (k % 8)) & 1;
    ++k;
    if (is_null) {
      out->values.emplace_back();  // null
      continue;
    }
    const TableMapColumn& col = table.columns[i];
    size_t at = r.position();
    if (partial_json != nullptr && (*partial_json)[i]) {
      auto len = r.ReadU32();
      auto diff_bytes = len ? r.ReadBytes(*len) : Result<std::span<const std::byte>>(Error(len.error()));
      if (!diff_bytes) {
        return Status::Corruption(fmt::format("column {} partial JSON truncated at {}", i + 1, at));
      }
      auto diffs = ParseJsonDiffs(*diff_bytes);
      if (!diffs) return diffs.error().WithContext(fmt::format("column {} JSON diff", i + 1));
      if (before == nullptr || i >= before->values.size() || before->values[i].is_absent()) {
        // MINIMAL before image: the document is not in the binlog; keep the diff.
        event::Value v;
        v.kind = event::ValueKind::kJsonDiff;
        v.bytes = std::string_view(reinterpret_cast<const char*>(diff_bytes->data()), diff_bytes->size());
        out->values.push_back(std::move(v));
        continue;
      }
      if (before->values[i].kind != event::ValueKind::kJsonBinary) {
        return Status::Corruption(fmt::format(
            "column {}: partial JSON update of a value that is not a JSON document", i + 1));
      }
      const auto& old = before->values[i].bytes;
      auto text = ApplyJsonDiffs(std::as_bytes(std::span(old.data(), old.size())), *diffs);
      if (!text) return text.error().WithContext(fmt::format("column {} JSON diff", i + 1));
      event::Value v;
      v.kind = event::ValueKind::kJsonText;
      v.SetOwned(std::move(*text));
      out->values.push_back(std::move(v));
      continue;
    }
    auto v = DecodeColumnValue(r, col.meta);
    if (!v) {
      return v.error().WithContext(fmt::format("column {} ({}) at row offset {}", i + 1,
                                               col.name.empty() ? ColumnTypeName(col.meta.type)
                                                                : std::string_view(col.name),
                                               at));
    }
    out->values.push_back(std::move(*v));
  }
  return Status::Ok();
}

}  // namespace

Result<RowsEvent> DecodeRowsEvent(EventType type, ByteReader& r, uint8_t post_header_length,
                                  const TableLookup& lookup, RowsEventSpares* spares) {
  Kind kind = Classify(type);
  RowsEventSpares no_spares;
  RowsEventSpares& sp = spares != nullptr ? *spares : no_spares;
  RowsEvent ev;
  ev.kind = kind.kind;
  ev.version = kind.version;
  ev.compressed = kind.compressed;
  auto id = r.ReadUint(post_header_length == 6 ? 4 : 6);
  auto flags = r.ReadU16();
  if (!id || !flags) return Error(Status::Corruption("rows event post-header truncated"));
  ev.table_id = *id;
  ev.flags = *flags;
  if (kind.version == 2) {
    auto extra_len = r.ReadU16();
    if (!extra_len || *extra_len < 2) return Error(Status::Corruption("rows event extra data length invalid"));
    auto extra = r.ReadBytes(*extra_len - 2u);
    if (!extra) return Error(Status::Corruption("rows event extra data truncated"));
    ByteReader x(*extra);
    while (!x.empty()) {
      uint8_t t = *x.ReadU8();
      if (t == 0) {  // NDB info: length (of the whole info, this byte included), format, data
        auto len = x.ReadU8();
        if (!len || *len < 2) {
          return Error(Status::Corruption("rows event NDB extra row info has no valid length"));
        }
        auto info = x.ReadBytes(*len - 1u);
        if (!info) {
          return Error(Status::Corruption(
              fmt::format("rows event NDB extra row info of {} bytes truncated", *len)));
        }
        if (!ev.ndb_info_format) {  // MySQL keeps the first NDB info and skips others
          ev.ndb_info_format = static_cast<uint8_t>((*info)[0]);
          ev.ndb_info = std::string_view(reinterpret_cast<const char*>(info->data()) + 1,
                                         info->size() - 1);
        }
      } else if (t == 1) {  // partition info
        auto pid = x.ReadU16();
        if (!pid) return Error(Status::Corruption("rows event partition info truncated"));
        ev.partition_id = *pid;
        if (kind.kind == RowsKind::kUpdate || kind.kind == RowsKind::kPartialUpdate) {
          auto src = x.ReadU16();
          if (src) ev.source_partition_id = *src;
        }
      } else {
        break;  // unknown extra info: nothing after it can be interpreted
      }
    }
  }
  auto count = r.ReadLengthEncoded();
  if (!count) return Error(Status::Corruption("rows event column count truncated"));
  ev.table = lookup(ev.table_id);
  if (ev.table == nullptr) {
    return Error(Status::Corruption(fmt::format(
        "rows event for table id {} without a preceding TABLE_MAP", ev.table_id)));
  }
  const TableMap& table = *ev.table;
  if (*count != table.columns.size()) {
    return Error(Status::Corruption(fmt::format(
        "rows event has {} columns but the TABLE_MAP of {}.{} has {}", *count, table.database,
        table.table, table.columns.size())));
  }
  ev.column_count = static_cast<uint32_t>(*count);
  ev.columns_before = std::move(sp.columns_before);
  if (Status s = ReadBitmap(r, *count, "columns present", &ev.columns_before); !s.ok()) {
    return Error(s);
  }
  bool two_images = kind.kind == RowsKind::kUpdate || kind.kind == RowsKind::kPartialUpdate;
  if (two_images) {
    ev.columns_after = std::move(sp.columns_after);
    if (Status s = ReadBitmap(r, *count, "columns present after", &ev.columns_after); !s.ok()) {
      return Error(s);
    }
  }
  ByteReader rows = r;
  if (kind.compressed) {
    auto data = MariaDbUncompress(r.Rest());
    if (!data) return Error(data.error().WithContext("compressed rows"));
    ev.owned_rows = std::make_shared<const std::vector<std::byte>>(std::move(*data));
    rows = ByteReader(*ev.owned_rows);
  }
  size_t n_before = 0, n_after = 0;
  for (bool p : ev.columns_before) n_before += p;
  for (bool p : ev.columns_after) n_after += p;
  size_t n_json = 0;
  if (kind.kind == RowsKind::kPartialUpdate) {
    sp.json_columns.assign(table.columns.size(), false);
    for (size_t i = 0; i < table.columns.size(); ++i) {
      sp.json_columns[i] = table.columns[i].meta.type == ColumnType::kJson;
      n_json += sp.json_columns[i];
    }
  }
  ev.rows = std::move(sp.rows);
  ev.rows.clear();
  while (!rows.empty()) {
    size_t row_start = rows.position();
    // A spare row change (its images empty, their capacity kept) or a new one.
    if (!sp.free_rows.empty()) {
      sp.spare_values -= ImageCapacity(sp.free_rows.back());
      ev.rows.push_back(std::move(sp.free_rows.back()));
      sp.free_rows.pop_back();
    } else {
      ev.rows.emplace_back();
    }
    RowChange& change = ev.rows.back();
    const size_t row_no = ev.rows.size();
    if (kind.kind == RowsKind::kWrite) {
      if (Status s = ReadImage(rows, table, ev.columns_before, n_before, nullptr, nullptr, &change.after); !s.ok()) {
        return Error(s.WithContext(fmt::format("row {}", row_no)));
      }
    } else {
      if (Status s = ReadImage(rows, table, ev.columns_before, n_before, nullptr, nullptr, &change.before); !s.ok()) {
        return Error(s.WithContext(fmt::format("row {} before image", row_no)));
      }
      if (two_images) {
        bool any_partial = false;
        if (kind.kind == RowsKind::kPartialUpdate) {
          auto options = rows.ReadLengthEncoded();
          if (!options) return Error(Status::Corruption("partial update value options truncated"));
          if ((*options & 1) != 0 && n_json > 0) {
            if (Status s = ReadBitmap(rows, n_json, "partial JSON", &sp.partial_bits); !s.ok()) {
              return Error(s);
            }
            sp.partial.assign(table.columns.size(), false);
            for (size_t i = 0, j = 0; i < table.columns.size(); ++i) {
              if (sp.json_columns[i]) sp.partial[i] = sp.partial_bits[j++];
              any_partial |= sp.partial[i];
            }
          }
        }
        if (Status s = ReadImage(rows, table, ev.columns_after, n_after,
                                 any_partial ? &sp.partial : nullptr, &change.before,
                                 &change.after);
            !s.ok()) {
          return Error(s.WithContext(fmt::format("row {} after image", row_no)));
        }
      }
    }
    // Images of no columns take no bytes: whatever follows cannot be rows (and reading
    // on would never end).
    if (rows.position() == row_start) {
      return Error(Status::Corruption(fmt::format(
          "row {} has no columns present but {} bytes of rows follow", row_no,
          rows.remaining())));
    }
  }
  return ev;
}

void RecycleRowsEvent(RowsEvent& ev, RowsEventSpares* spares) {
  for (RowChange& c : ev.rows) {
    const size_t capacity = ImageCapacity(c);
    if (spares->free_rows.size() >= RowsEventSpares::kMaxRows ||
        spares->spare_values + capacity > kMaxSpareValues) {
      break;
    }
    c.before.values.clear();
    c.after.values.clear();
    spares->spare_values += capacity;
    spares->free_rows.push_back(std::move(c));
  }
  ev.rows.clear();
  if (ev.rows.capacity() <= RowsEventSpares::kMaxRows &&
      ev.rows.capacity() > spares->rows.capacity()) {
    spares->rows = std::move(ev.rows);
  }
  if (ev.columns_before.capacity() > spares->columns_before.capacity()) {
    spares->columns_before = std::move(ev.columns_before);
  }
  if (ev.columns_after.capacity() > spares->columns_after.capacity()) {
    spares->columns_after = std::move(ev.columns_after);
  }
  ev = RowsEvent();
}

}  // namespace tributary::mysql
