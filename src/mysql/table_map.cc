#include "mysql/table_map.h"

#include <fmt/format.h>

namespace tributary::mysql {
namespace {

bool IsNumeric(ColumnType t) {
  switch (t) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
    case ColumnType::kNewDecimal:
    case ColumnType::kFloat:
    case ColumnType::kDouble:
      return true;
    default:
      return false;
  }
}

// Columns that DEFAULT_CHARSET / COLUMN_CHARSET describe (MySQL's is_character_type).
// MySQL 9 counts VECTOR among them: in mysql9.0.1_vector-type the table
// bar(id, VECTOR, foo TEXT, VECTOR) logs default collation 63 with one exception,
// character column 1 → 255, which is `foo` only when the VECTORs are counted.
bool IsCharacter(ColumnType real) {
  switch (real) {
    case ColumnType::kVector:
    case ColumnType::kString:
    case ColumnType::kVarString:
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
      return true;
    default:
      return false;
  }
}

bool IsEnumOrSet(ColumnType real) { return real == ColumnType::kEnum || real == ColumnType::kSet; }

Result<uint64_t> Packed(ByteReader& r, std::string_view what) {
  auto v = r.ReadLengthEncoded();
  if (!v) return Error(Status::Corruption(fmt::format("TABLE_MAP {}: {}", what, v.error().message())));
  return *v;
}

Result<std::string_view> PackedString(ByteReader& r, std::string_view what) {
  auto len = Packed(r, what);
  if (!len) return Error(len.error());
  auto s = r.ReadString(*len);
  if (!s) return Error(Status::Corruption(fmt::format("TABLE_MAP {}: {}", what, s.error().message())));
  return *s;
}

// Bitmaps in optional metadata are most-significant-bit first.
bool BitMsb(std::span<const std::byte> bits, size_t i) {
  return (static_cast<uint8_t>(bits[i / 8]) & (0x80 >> (i % 8))) != 0;
}

// DEFAULT_CHARSET and ENUM_AND_SET_DEFAULT_CHARSET: a default collation, then
// (index among the described columns, collation) pairs for the exceptions.
Status ApplyDefaultCharset(ByteReader& r, std::vector<TableMapColumn*>& cols) {
  auto def = Packed(r, "default charset");
  if (!def) return def.error();
  for (auto* c : cols) {
    c->meta.charset = static_cast<uint16_t>(*def);
    c->charset_known = true;
  }
  while (!r.empty()) {
    auto idx = Packed(r, "charset column index");
    auto cs = idx ? Packed(r, "charset collation") : idx;
    if (!cs) return cs.error();
    if (*idx >= cols.size()) return Status::Corruption("TABLE_MAP charset column index out of range");
    cols[*idx]->meta.charset = static_cast<uint16_t>(*cs);
  }
  return Status::Ok();
}

Status ApplyColumnCharsets(ByteReader& r, std::vector<TableMapColumn*>& cols) {
  for (auto* c : cols) {
    auto cs = Packed(r, "column charset");
    if (!cs) return cs.error();
    c->meta.charset = static_cast<uint16_t>(*cs);
    c->charset_known = true;
  }
  // One collation per described column, no more: extra ones mean the columns were
  // counted differently from the server, and every collation would be misassigned.
  if (!r.empty()) {
    return Status::Corruption(fmt::format(
        "TABLE_MAP column charsets: {} bytes left after the {} described columns",
        r.remaining(), cols.size()));
  }
  return Status::Ok();
}

Status ApplyStrValues(ByteReader& r, std::vector<TableMapColumn*>& cols, bool is_set) {
  for (auto* c : cols) {
    auto n = Packed(r, "enum/set value count");
    if (!n) return n.error();
    if (*n > r.remaining()) return Status::Corruption("TABLE_MAP enum/set value count too large");
    auto& out = is_set ? c->set_values : c->enum_values;
    for (uint64_t i = 0; i < *n; ++i) {
      auto s = PackedString(r, "enum/set value");
      if (!s) return s.error();
      out.emplace_back(*s);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<TableMap> DecodeTableMap(ByteReader& r, uint8_t post_header_length, bool mariadb) {
  TableMap tm;
  auto id = r.ReadUint(post_header_length == 6 ? 4 : 6);
  auto flags = r.ReadU16();
  if (!id || !flags) return Error(Status::Corruption("TABLE_MAP post-header truncated"));
  tm.table_id = *id;
  tm.flags = *flags;
  auto db_len = r.ReadU8();
  auto db = db_len ? r.ReadString(*db_len) : Result<std::string_view>(Error(db_len.error()));
  if (!db || !r.Skip(1).ok()) return Error(Status::Corruption("TABLE_MAP database name truncated"));
  auto tbl_len = r.ReadU8();
  auto tbl = tbl_len ? r.ReadString(*tbl_len) : Result<std::string_view>(Error(tbl_len.error()));
  if (!tbl || !r.Skip(1).ok()) return Error(Status::Corruption("TABLE_MAP table name truncated"));
  tm.database = std::string(*db);
  tm.table = std::string(*tbl);
  auto count = Packed(r, "column count");
  if (!count) return Error(count.error());
  if (*count > r.remaining() || *count > 4096) {
    return Error(Status::Corruption(fmt::format("TABLE_MAP column count {} is impossible", *count)));
  }
  auto types = r.ReadBytes(*count);
  if (!types) return Error(Status::Corruption("TABLE_MAP column types truncated"));
  tm.columns.resize(*count);
  auto meta_len = Packed(r, "metadata length");
  if (!meta_len) return Error(meta_len.error());
  auto meta_bytes = r.ReadBytes(*meta_len);
  if (!meta_bytes) return Error(Status::Corruption("TABLE_MAP metadata truncated"));
  ByteReader mr(*meta_bytes);
  for (size_t i = 0; i < *count; ++i) {
    auto& c = tm.columns[i];
    c.meta.type = static_cast<ColumnType>((*types)[i]);
    auto m = ReadColumnMetadata(mr, c.meta.type);
    if (!m) return Error(m.error().WithContext(fmt::format("TABLE_MAP column {}", i + 1)));
    c.meta.meta = *m;
    c.real_type = c.meta.type;
    if (c.meta.type == ColumnType::kString) c.real_type = UnpackStringMeta(c.meta.meta).real_type;
  }
  auto nulls = r.ReadBytes((*count + 7) / 8);
  if (!nulls) return Error(Status::Corruption("TABLE_MAP null bitmap truncated"));
  for (size_t i = 0; i < *count; ++i) {
    tm.columns[i].nullable = (static_cast<uint8_t>((*nulls)[i / 8]) >> (i % 8)) & 1;
  }

  // Optional metadata: (type, packed length, value) until the end of the body.
  std::vector<TableMapColumn*> numeric, character, enum_set, enums, sets, geometry, vectors;
  for (auto& c : tm.columns) {
    if (IsNumeric(c.meta.type) || (mariadb && c.meta.type == ColumnType::kYear)) {
      numeric.push_back(&c);
    }
    if (IsCharacter(c.real_type) || (mariadb && c.meta.type == ColumnType::kGeometry)) {
      character.push_back(&c);
    }
    if (IsEnumOrSet(c.real_type)) enum_set.push_back(&c);
    if (c.real_type == ColumnType::kEnum) enums.push_back(&c);
    if (c.real_type == ColumnType::kSet) sets.push_back(&c);
    if (c.meta.type == ColumnType::kGeometry) geometry.push_back(&c);
    if (c.meta.type == ColumnType::kVector) vectors.push_back(&c);
  }
  while (!r.empty()) {
    auto type = r.ReadU8();
    auto len = Packed(r, "optional metadata length");
    if (!len) return Error(len.error());
    auto value = r.ReadBytes(*len);
    if (!value) return Error(Status::Corruption("TABLE_MAP optional metadata truncated"));
    tm.optional_metadata_types.push_back(*type);
    ByteReader v(*value);
    Status s;
    switch (*type) {
      case 1:  // SIGNEDNESS
        if (value->size() * 8 < numeric.size()) {
          s = Status::Corruption("TABLE_MAP signedness bitmap too short");
          break;
        }
        for (size_t i = 0; i < numeric.size(); ++i) {
          numeric[i]->meta.is_unsigned = BitMsb(*value, i);
          numeric[i]->signedness_known = true;
        }
        break;
      case 2: s = ApplyDefaultCharset(v, character); break;
      case 3: s = ApplyColumnCharsets(v, character); break;
      case 4:  // COLUMN_NAME
        for (auto& c : tm.columns) {
          auto name = PackedString(v, "column name");
          if (!name) {
            s = name.error();
            break;
          }
          c.name = std::string(*name);
        }
        tm.has_column_names = s.ok();
        break;
      case 5: s = ApplyStrValues(v, sets, /*is_set=*/true); break;
      case 6: s = ApplyStrValues(v, enums, /*is_set=*/false); break;
      case 7:  // GEOMETRY_TYPE
        for (auto* c : geometry) {
          auto g = Packed(v, "geometry type");
          if (!g) {
            s = g.error();
            break;
          }
          c->geometry_type = static_cast<uint32_t>(*g);
        }
        break;
      case 8:  // SIMPLE_PRIMARY_KEY
        while (!v.empty() && s.ok()) {
          auto idx = Packed(v, "primary key column");
          if (!idx) s = idx.error();
          else if (*idx >= tm.columns.size()) s = Status::Corruption("TABLE_MAP primary key column out of range");
          else {
            tm.primary_key.push_back(static_cast<uint32_t>(*idx));
            tm.primary_key_prefixes.push_back(0);
          }
        }
        break;
      case 9:  // PRIMARY_KEY_WITH_PREFIX
        while (!v.empty() && s.ok()) {
          auto idx = Packed(v, "primary key column");
          auto prefix = idx ? Packed(v, "primary key prefix") : idx;
          if (!prefix) s = prefix.error();
          else if (*idx >= tm.columns.size()) s = Status::Corruption("TABLE_MAP primary key column out of range");
          else {
            tm.primary_key.push_back(static_cast<uint32_t>(*idx));
            tm.primary_key_prefixes.push_back(static_cast<uint32_t>(*prefix));
          }
        }
        break;
      case 10: s = ApplyDefaultCharset(v, enum_set); break;
      case 11: s = ApplyColumnCharsets(v, enum_set); break;
      case 12:  // COLUMN_VISIBILITY
        if (value->size() * 8 < tm.columns.size()) {
          s = Status::Corruption("TABLE_MAP visibility bitmap too short");
          break;
        }
        for (size_t i = 0; i < tm.columns.size(); ++i) tm.columns[i].visible = BitMsb(*value, i);
        break;
      case 13:  // VECTOR_DIMENSIONALITY
        for (auto* c : vectors) {
          auto d = Packed(v, "vector dimensionality");
          if (!d) {
            s = d.error();
            break;
          }
          c->vector_dimensions = static_cast<uint32_t>(*d);
        }
        break;
      default: break;  // newer metadata we do not know: skipped by its length
    }
    if (!s.ok()) return Error(s);
  }
  return tm;
}

}  // namespace tributary::mysql
