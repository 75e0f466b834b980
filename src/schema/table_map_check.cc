#include "schema/table_map_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "mysql/value_text.h"

namespace tributary::schema {
namespace {

using event::Column;
using event::SqlType;
using mysql::ColumnType;
using mysql::TableMapColumn;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The binlog types a column of SQL type `t` may be logged as (the map's real type, i.e.
// after unfolding STRING into ENUM/SET/STRING).
struct TypeSet {
  ColumnType types[4] = {};
  int count = 0;
  TypeSet() = default;
  TypeSet(std::initializer_list<ColumnType> list) {
    for (ColumnType t : list) types[count++] = t;
  }
  bool Has(ColumnType t) const { return std::find(types, types + count, t) != types + count; }
};

TypeSet BinlogTypes(SqlType t) {
  switch (t) {
    case SqlType::kBoolean:
    case SqlType::kTinyInt: return {ColumnType::kTiny};
    case SqlType::kSmallInt: return {ColumnType::kShort};
    case SqlType::kMediumInt: return {ColumnType::kInt24};
    case SqlType::kInt: return {ColumnType::kLong};
    case SqlType::kBigInt: return {ColumnType::kLongLong};
    case SqlType::kDecimal: return {ColumnType::kNewDecimal, ColumnType::kDecimal};
    case SqlType::kFloat: return {ColumnType::kFloat, ColumnType::kDouble};
    case SqlType::kDouble: return {ColumnType::kDouble};
    case SqlType::kBit: return {ColumnType::kBit};
    case SqlType::kYear: return {ColumnType::kYear};
    case SqlType::kDate: return {ColumnType::kDate, ColumnType::kNewDate};
    case SqlType::kTime: return {ColumnType::kTime2, ColumnType::kTime};
    case SqlType::kDateTime: return {ColumnType::kDateTime2, ColumnType::kDateTime};
    case SqlType::kTimestamp: return {ColumnType::kTimestamp2, ColumnType::kTimestamp};
    case SqlType::kChar:
    case SqlType::kBinary:
      // A CHAR longer than 255 bytes... is still STRING; some servers log short VARCHARs
      // of old tables as VAR_STRING.
      return {ColumnType::kString, ColumnType::kVarchar, ColumnType::kVarString};
    case SqlType::kVarchar:
    case SqlType::kVarbinary: return {ColumnType::kVarchar, ColumnType::kVarString};
    case SqlType::kTinyText:
    case SqlType::kText:
    case SqlType::kMediumText:
    case SqlType::kLongText:
    case SqlType::kTinyBlob:
    case SqlType::kBlob:
    case SqlType::kMediumBlob:
    case SqlType::kLongBlob:
      return {ColumnType::kBlob, ColumnType::kTinyBlob, ColumnType::kMediumBlob,
              ColumnType::kLongBlob};
    case SqlType::kEnum: return {ColumnType::kEnum};
    case SqlType::kSet: return {ColumnType::kSet};
    // MySQL's JSON type; MariaDB's JSON is LONGTEXT.
    case SqlType::kJson: return {ColumnType::kJson, ColumnType::kBlob};
    case SqlType::kGeometry: return {ColumnType::kGeometry};
    case SqlType::kVector: return {ColumnType::kVector};
    case SqlType::kUuid:
    case SqlType::kInet4:
    case SqlType::kInet6: return {ColumnType::kString};
    case SqlType::kUnknown: break;
  }
  return {};
}

std::string MapTypeText(const TableMapColumn& c) {
  std::string name(mysql::ColumnTypeName(c.real_type));
  switch (c.real_type) {
    case ColumnType::kNewDecimal:
      return fmt::format("{}({},{})", name, c.meta.meta >> 8, c.meta.meta & 0xff);
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
      return fmt::format("{}({} bytes)", name, c.meta.meta);
    case ColumnType::kTime2:
    case ColumnType::kDateTime2:
    case ColumnType::kTimestamp2:
      return fmt::format("{}({})", name, c.meta.meta);
    default:
      return name;
  }
}

std::string ColumnLabel(size_t index, const Column& column) {
  return fmt::format("column {} `{}`", index + 1, column.name);
}

// The schema's character set of a text column, or "binary" for binary string types.
std::string SchemaCharset(const Column& c) {
  if (event::IsBinaryStringType(c.type)) return "binary";
  if (c.type == SqlType::kJson) return "utf8mb4";
  return Lower(c.charset == "utf8" ? "utf8mb3" : c.charset);
}

}  // namespace

std::string DescribeColumnType(const Column& c) {
  std::string out = c.type_name.empty() ? "UNKNOWN" : c.type_name;
  if (c.type == SqlType::kEnum || c.type == SqlType::kSet) {
    out += '(';
    for (size_t i = 0; i < c.enum_values.size(); ++i) {
      if (i > 0) out += ',';
      out += '\'';
      for (char ch : c.enum_values[i]) {
        if (ch == '\'') out += '\'';
        out += ch;
      }
      out += '\'';
    }
    out += ')';
  } else if (c.length && c.scale) {
    out += fmt::format("({},{})", *c.length, *c.scale);
  } else if (c.length) {
    out += fmt::format("({})", *c.length);
  }
  if (c.is_unsigned) out += " UNSIGNED";
  if (c.zerofill) out += " ZEROFILL";
  return out;
}

std::vector<std::string> CompareTableMap(const mysql::TableMap& map,
                                         const event::TableSchema& schema) {
  std::vector<std::string> diffs;
  if (map.columns.size() != schema.columns.size()) {
    std::string names;
    for (const Column& c : schema.columns) {
      if (!names.empty()) names += ", ";
      names += c.name;
    }
    diffs.push_back(fmt::format("the binlog row has {} columns, the schema has {} ({})",
                                map.columns.size(), schema.columns.size(), names));
    return diffs;
  }
  for (size_t i = 0; i < map.columns.size(); ++i) {
    const TableMapColumn& mc = map.columns[i];
    const Column& sc = schema.columns[i];
    if (!BinlogTypes(sc.type).Has(mc.real_type)) {
      diffs.push_back(fmt::format("{}: binlog type {}, schema says {}", ColumnLabel(i, sc),
                                  MapTypeText(mc), DescribeColumnType(sc)));
      continue;
    }
    if (sc.type == SqlType::kDecimal && mc.real_type == ColumnType::kNewDecimal && sc.length) {
      int precision = mc.meta.meta >> 8, scale = mc.meta.meta & 0xff;
      if (precision != *sc.length || scale != sc.scale.value_or(0)) {
        diffs.push_back(fmt::format("{}: binlog type {}, schema says {}", ColumnLabel(i, sc),
                                    MapTypeText(mc), DescribeColumnType(sc)));
      }
    }
    if ((mc.real_type == ColumnType::kDateTime2 || mc.real_type == ColumnType::kTime2 ||
         mc.real_type == ColumnType::kTimestamp2) &&
        mc.meta.meta != sc.length.value_or(0)) {
      diffs.push_back(fmt::format("{}: binlog type {}, schema says {}", ColumnLabel(i, sc),
                                  MapTypeText(mc), DescribeColumnType(sc)));
    }
    if (!mc.name.empty() && Lower(mc.name) != Lower(sc.name)) {
      diffs.push_back(fmt::format("column {}: named `{}` in the binlog, `{}` in the schema", i + 1,
                                  mc.name, sc.name));
    }
    if (mc.signedness_known && event::IsIntegerType(sc.type) && mc.meta.is_unsigned != sc.is_unsigned) {
      diffs.push_back(fmt::format("{}: {} in the binlog, {} in the schema", ColumnLabel(i, sc),
                                  mc.meta.is_unsigned ? "UNSIGNED" : "signed",
                                  sc.is_unsigned ? "UNSIGNED" : "signed"));
    }
    if (mc.charset_known && (event::IsTextType(sc.type) || event::IsBinaryStringType(sc.type)) && sc.type != SqlType::kEnum &&
        sc.type != SqlType::kSet) {
      std::string binlog_cs(mysql::CollationCharsetName(mc.meta.charset));
      std::string schema_cs = SchemaCharset(sc);
      if (!binlog_cs.empty() && !schema_cs.empty() && binlog_cs != schema_cs) {
        diffs.push_back(fmt::format("{}: character set {} in the binlog, {} in the schema",
                                    ColumnLabel(i, sc), binlog_cs, schema_cs));
      }
    }
    const auto& members = mc.real_type == ColumnType::kSet ? mc.set_values : mc.enum_values;
    if (!members.empty() && (sc.type == SqlType::kEnum || sc.type == SqlType::kSet) &&
        members != sc.enum_values) {
      diffs.push_back(fmt::format("{}: members {} in the binlog, schema says {}",
                                  ColumnLabel(i, sc), fmt::join(members, ","),
                                  DescribeColumnType(sc)));
    }
  }
  if (!map.primary_key.empty()) {
    std::vector<std::string> binlog_pk;
    for (uint32_t idx : map.primary_key) {
      binlog_pk.push_back(idx < schema.columns.size() ? Lower(schema.columns[idx].name)
                                                      : fmt::format("#{}", idx));
    }
    std::vector<std::string> schema_pk;
    for (const auto& n : schema.IdentityKey()) schema_pk.push_back(Lower(n));
    if (binlog_pk != schema_pk) {
      diffs.push_back(fmt::format("primary key ({}) in the binlog, ({}) in the schema",
                                  fmt::join(binlog_pk, ", "), fmt::join(schema_pk, ", ")));
    }
  }
  return diffs;
}

void CompleteTableMap(const event::TableSchema& schema, mysql::TableMap* map) {
  size_t n = std::min(map->columns.size(), schema.columns.size());
  for (size_t i = 0; i < n; ++i) {
    TableMapColumn& mc = map->columns[i];
    const Column& sc = schema.columns[i];
    if (!mc.signedness_known && event::IsIntegerType(sc.type)) {
      mc.meta.is_unsigned = sc.is_unsigned;
      mc.signedness_known = true;
    }
    if (!mc.charset_known) {
      if (event::IsBinaryStringType(sc.type)) {
        mc.meta.charset = mysql::kBinaryCollation;
        mc.charset_known = true;
      } else if (event::IsTextType(sc.type) || sc.type == SqlType::kJson) {
        uint16_t id = mysql::CollationIdForCharset(SchemaCharset(sc));
        if (id != 0) {
          mc.meta.charset = id;
          mc.charset_known = true;
        }
      }
    }
    if (mc.name.empty()) mc.name = sc.name;
    if (mc.real_type == ColumnType::kEnum && mc.enum_values.empty()) mc.enum_values = sc.enum_values;
    if (mc.real_type == ColumnType::kSet && mc.set_values.empty()) mc.set_values = sc.enum_values;
  }
  map->has_column_names = true;
  if (map->primary_key.empty()) {
    for (const auto& name : schema.IdentityKey()) {
      int idx = schema.FindColumn(name);
      if (idx >= 0) map->primary_key.push_back(static_cast<uint32_t>(idx));
    }
  }
}

event::TableSchema SchemaFromTableMap(const mysql::TableMap& map) {
  event::TableSchema s;
  s.id = {map.database, map.table};
  for (const TableMapColumn& mc : map.columns) {
    Column c;
    c.name = mc.name;
    c.nullable = mc.nullable;
    c.is_unsigned = mc.meta.is_unsigned;
    c.invisible = !mc.visible;
    std::string cs(mc.charset_known ? mysql::CollationCharsetName(mc.meta.charset) : "");
    bool binary = cs == "binary";
    int max_bytes_per_char = cs == "utf8mb4" || cs == "utf32" ? 4
                             : cs == "utf8mb3" || cs == "ujis" || cs == "eucjpms" ? 3
                             : cs == "ucs2" || cs == "utf16" || cs == "utf16le" || cs == "big5" ||
                                       cs == "gbk" || cs == "sjis" || cs == "cp932" ||
                                       cs == "euckr" || cs == "gb2312"
                                 ? 2
                             : cs == "gb18030" ? 4
                                               : 1;
    auto set = [&](SqlType t, std::string_view name) {
      c.type = t;
      c.type_name = name;
    };
    switch (mc.real_type) {
      case ColumnType::kTiny: set(SqlType::kTinyInt, "TINYINT"); break;
      case ColumnType::kShort: set(SqlType::kSmallInt, "SMALLINT"); break;
      case ColumnType::kInt24: set(SqlType::kMediumInt, "MEDIUMINT"); break;
      case ColumnType::kLong: set(SqlType::kInt, "INT"); break;
      case ColumnType::kLongLong: set(SqlType::kBigInt, "BIGINT"); break;
      case ColumnType::kNewDecimal:
      case ColumnType::kDecimal:
        set(SqlType::kDecimal, "DECIMAL");
        c.length = mc.meta.meta >> 8;
        c.scale = mc.meta.meta & 0xff;
        break;
      case ColumnType::kFloat: set(SqlType::kFloat, "FLOAT"); break;
      case ColumnType::kDouble: set(SqlType::kDouble, "DOUBLE"); break;
      case ColumnType::kBit:
        set(SqlType::kBit, "BIT");
        c.length = (mc.meta.meta >> 8) * 8 + (mc.meta.meta & 0xff);
        break;
      case ColumnType::kYear: set(SqlType::kYear, "YEAR"); break;
      case ColumnType::kDate:
      case ColumnType::kNewDate: set(SqlType::kDate, "DATE"); break;
      case ColumnType::kTime: set(SqlType::kTime, "TIME"); break;
      case ColumnType::kTime2:
        set(SqlType::kTime, "TIME");
        if (mc.meta.meta > 0) c.length = mc.meta.meta;
        break;
      case ColumnType::kDateTime: set(SqlType::kDateTime, "DATETIME"); break;
      case ColumnType::kDateTime2:
        set(SqlType::kDateTime, "DATETIME");
        if (mc.meta.meta > 0) c.length = mc.meta.meta;
        break;
      case ColumnType::kTimestamp: set(SqlType::kTimestamp, "TIMESTAMP"); break;
      case ColumnType::kTimestamp2:
        set(SqlType::kTimestamp, "TIMESTAMP");
        if (mc.meta.meta > 0) c.length = mc.meta.meta;
        break;
      case ColumnType::kVarchar:
      case ColumnType::kVarString:
        if (binary) {
          set(SqlType::kVarbinary, "VARBINARY");
          c.length = mc.meta.meta;
        } else {
          set(SqlType::kVarchar, "VARCHAR");
          c.length = mc.meta.meta / max_bytes_per_char;
        }
        break;
      case ColumnType::kString: {
        int bytes = mysql::UnpackStringMeta(mc.meta.meta).length;
        if (binary) {
          set(SqlType::kBinary, "BINARY");
          c.length = bytes;
        } else {
          set(SqlType::kChar, "CHAR");
          c.length = bytes / max_bytes_per_char;
        }
        break;
      }
      case ColumnType::kEnum:
        set(SqlType::kEnum, "ENUM");
        c.enum_values = mc.enum_values;
        break;
      case ColumnType::kSet:
        set(SqlType::kSet, "SET");
        c.enum_values = mc.set_values;
        break;
      case ColumnType::kBlob:
      case ColumnType::kTinyBlob:
      case ColumnType::kMediumBlob:
      case ColumnType::kLongBlob: {
        static constexpr std::pair<SqlType, const char*> kText[] = {
            {SqlType::kTinyText, "TINYTEXT"}, {SqlType::kText, "TEXT"},
            {SqlType::kMediumText, "MEDIUMTEXT"}, {SqlType::kLongText, "LONGTEXT"}};
        static constexpr std::pair<SqlType, const char*> kBlob[] = {
            {SqlType::kTinyBlob, "TINYBLOB"}, {SqlType::kBlob, "BLOB"},
            {SqlType::kMediumBlob, "MEDIUMBLOB"}, {SqlType::kLongBlob, "LONGBLOB"}};
        int idx = std::clamp<int>(mc.meta.meta, 1, 4) - 1;
        const auto& t = binary ? kBlob[idx] : kText[idx];
        set(t.first, t.second);
        break;
      }
      case ColumnType::kJson: set(SqlType::kJson, "JSON"); break;
      case ColumnType::kGeometry: {
        static constexpr const char* kGeometryNames[] = {
            "GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING",
            "MULTIPOLYGON", "GEOMETRYCOLLECTION"};
        set(SqlType::kGeometry, mc.geometry_type < 8 ? kGeometryNames[mc.geometry_type] : "GEOMETRY");
        break;
      }
      case ColumnType::kVector:
        set(SqlType::kVector, "VECTOR");
        if (mc.vector_dimensions > 0) c.length = static_cast<int32_t>(mc.vector_dimensions);
        break;
      default: set(SqlType::kUnknown, mysql::ColumnTypeName(mc.real_type)); break;
    }
    if ((event::IsTextType(c.type) || c.type == SqlType::kJson) && !binary) c.charset = cs;
    s.columns.push_back(std::move(c));
  }
  for (uint32_t idx : map.primary_key) {
    if (idx < s.columns.size()) {
      s.primary_key.push_back(s.columns[idx].name);
      s.columns[idx].nullable = false;
    }
  }
  return s;
}

}  // namespace tributary::schema
