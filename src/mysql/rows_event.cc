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

Result<std::vector<bool>> ReadBitmap(ByteReader& r, size_t bits, std::string_view what) {
  auto bytes = r.ReadBytes((bits + 7) / 8);
  if (!bytes) return Error(Status::Corruption(fmt::format("{} bitmap truncated", what)));
  std::vector<bool> out(bits);
  for (size_t i = 0; i < bits; ++i) out[i] = (static_cast<uint8_t>((*bytes)[i / 8]) >> (i % 8)) & 1;
  return out;
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
                                  const TableLookup& lookup) {
  Kind kind = Classify(type);
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
  auto before = ReadBitmap(r, *count, "columns present");
  if (!before) return Error(before.error());
  ev.columns_before = std::move(*before);
  bool two_images = kind.kind == RowsKind::kUpdate || kind.kind == RowsKind::kPartialUpdate;
  if (two_images) {
    auto after = ReadBitmap(r, *count, "columns present after");
    if (!after) return Error(after.error());
    ev.columns_after = std::move(*after);
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
  std::vector<bool> json_cols(table.columns.size());
  size_t n_json = 0;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    json_cols[i] = table.columns[i].meta.type == ColumnType::kJson;
    n_json += json_cols[i];
  }
  while (!rows.empty()) {
    size_t row_start = rows.position();
    RowChange change;
    if (kind.kind == RowsKind::kWrite) {
      if (Status s = ReadImage(rows, table, ev.columns_before, n_before, nullptr, nullptr, &change.after); !s.ok()) {
        return Error(s.WithContext(fmt::format("row {}", ev.rows.size() + 1)));
      }
    } else {
      if (Status s = ReadImage(rows, table, ev.columns_before, n_before, nullptr, nullptr, &change.before); !s.ok()) {
        return Error(s.WithContext(fmt::format("row {} before image", ev.rows.size() + 1)));
      }
      if (two_images) {
        std::vector<bool> partial(table.columns.size(), false);
        bool any_partial = false;
        if (kind.kind == RowsKind::kPartialUpdate) {
          auto options = rows.ReadLengthEncoded();
          if (!options) return Error(Status::Corruption("partial update value options truncated"));
          if ((*options & 1) != 0 && n_json > 0) {
            auto bits = ReadBitmap(rows, n_json, "partial JSON");
            if (!bits) return Error(bits.error());
            for (size_t i = 0, j = 0; i < table.columns.size(); ++i) {
              if (json_cols[i]) partial[i] = (*bits)[j++];
              any_partial |= partial[i];
            }
          }
        }
        if (Status s = ReadImage(rows, table, ev.columns_after, n_after, any_partial ? &partial : nullptr,
                                 &change.before, &change.after);
            !s.ok()) {
          return Error(s.WithContext(fmt::format("row {} after image", ev.rows.size() + 1)));
        }
      }
    }
    // Images of no columns take no bytes: whatever follows cannot be rows (and reading
    // on would never end).
    if (rows.position() == row_start) {
      return Error(Status::Corruption(fmt::format(
          "row {} has no columns present but {} bytes of rows follow", ev.rows.size() + 1,
          rows.remaining())));
    }
    ev.rows.push_back(std::move(change));
  }
  return ev;
}

}  // namespace tributary::mysql
