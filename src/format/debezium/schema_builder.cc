#include "format/debezium/schema_builder.h"

#include <algorithm>
#include <regex>

#include "format/debezium/json_writer.h"
#include "mysql/value_text.h"

namespace tributary::format::debezium {
namespace {

using event::IsTextType;

using event::Column;
using event::SqlType;

std::string Join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(sep);
    out += v[i];
  }
  return out;
}

// Debezium's column type name: the canonical name plus " UNSIGNED" / " UNSIGNED ZEROFILL".
std::string DebeziumTypeName(const Column& c) {
  std::string t = c.type_name;
  if (c.zerofill) {
    t += " UNSIGNED ZEROFILL";
  } else if (c.is_unsigned) {
    t += " UNSIGNED";
  }
  return t;
}

// Debezium's Column.length(): the declared length, 1 for ENUM, 2n-1 for SET, else -1.
int DebeziumLength(const Column& c) {
  if (c.type == SqlType::kEnum) return 1;
  if (c.type == SqlType::kSet) return std::max<int>(0, static_cast<int>(c.enum_values.size()) * 2 - 1);
  return c.length ? *c.length : -1;
}

std::string FallbackJson(Conversion c) {
  switch (c) {
    case Conversion::kBoolean: return "false";
    case Conversion::kInteger:
    case Conversion::kYear:
    case Conversion::kDateDays:
    case Conversion::kTimeMicros:
    case Conversion::kTimeMillis:
    case Conversion::kDateTimeMillis:
    case Conversion::kDateTimeMicros: return "0";
    case Conversion::kFloat32:
    case Conversion::kFloat64:
    case Conversion::kDecimalDouble: return "0.0";
    case Conversion::kUnsignedDecimal:
    case Conversion::kDecimalPrecise: return "\"AA==\"";
    case Conversion::kDecimalString: return "\"0\"";
    case Conversion::kZonedTimestamp: return "\"1970-01-01T00:00:00Z\"";
    case Conversion::kJson: return "\"{}\"";
    case Conversion::kBinary:
    case Conversion::kBits:
    case Conversion::kString:
    case Conversion::kText:
    case Conversion::kEnum:
    case Conversion::kSet: return "\"\"";
    case Conversion::kGeometry: return "{\"wkb\":\"AQcAAAAAAAAA\",\"srid\":null}";
    case Conversion::kPoint: return "null";
    case Conversion::kVector: return "[]";
  }
  return "null";
}

ConnectSchema DecimalSchema(int precision, int scale) {
  ConnectSchema s = ConnectSchema::Named(ConnectType::kBytes, "org.apache.kafka.connect.data.Decimal", 1);
  s.Param("scale", std::to_string(scale));
  s.Param("connect.decimal.precision", std::to_string(precision));
  return s;
}

// Sets plan.conversion and plan.schema for the column type; false for a type Debezium
// has no converter for (the column is left out of events).
bool MapType(const Column& c, const EncoderOptions& o, ColumnPlan* p) {
  using CT = ConnectType;
  const int fsp = c.length ? *c.length : -1;
  const bool adaptive = o.time_precision_mode != TimePrecisionMode::kConnect;
  switch (c.type) {
    case SqlType::kBoolean:
      p->conversion = Conversion::kBoolean;
      p->schema = ConnectSchema::Of(CT::kBoolean);
      return true;
    case SqlType::kBit:
      if (!c.length || *c.length <= 1) {
        p->conversion = Conversion::kBoolean;
        p->schema = ConnectSchema::Of(CT::kBoolean);
      } else {
        p->conversion = Conversion::kBits;
        p->schema = ConnectSchema::Named(CT::kBytes, "io.debezium.data.Bits", 1);
        p->schema.Param("length", std::to_string(*c.length));
      }
      return true;
    case SqlType::kTinyInt:
      p->conversion = Conversion::kInteger;
      p->int_bits = 8;
      p->schema = ConnectSchema::Of(CT::kInt16);
      return true;
    case SqlType::kSmallInt:
      p->conversion = Conversion::kInteger;
      p->int_bits = 16;
      p->schema = ConnectSchema::Of(c.is_unsigned ? CT::kInt32 : CT::kInt16);
      return true;
    case SqlType::kMediumInt:
      p->conversion = Conversion::kInteger;
      p->int_bits = 24;
      p->schema = ConnectSchema::Of(CT::kInt32);
      return true;
    case SqlType::kInt:
      p->conversion = Conversion::kInteger;
      p->int_bits = 32;
      p->schema = ConnectSchema::Of(c.is_unsigned ? CT::kInt64 : CT::kInt32);
      return true;
    case SqlType::kBigInt:
      p->int_bits = 64;
      if (c.is_unsigned && o.bigint_unsigned_mode == BigIntUnsignedMode::kPrecise) {
        p->conversion = Conversion::kUnsignedDecimal;
        p->precision = 20;
        p->scale = 0;
        p->schema = DecimalSchema(20, 0);
      } else {
        p->conversion = Conversion::kInteger;
        p->schema = ConnectSchema::Of(CT::kInt64);
      }
      return true;
    case SqlType::kFloat:
      if (!c.scale && (!c.length || *c.length <= 24)) {
        p->conversion = Conversion::kFloat32;
        p->schema = ConnectSchema::Of(CT::kFloat32);
      } else {
        p->conversion = Conversion::kFloat64;
        p->schema = ConnectSchema::Of(CT::kFloat64);
      }
      return true;
    case SqlType::kDouble:
      p->conversion = Conversion::kFloat64;
      p->schema = ConnectSchema::Of(CT::kFloat64);
      return true;
    case SqlType::kDecimal:
      p->precision = c.length ? *c.length : 10;
      p->scale = c.scale ? *c.scale : 0;
      switch (o.decimal_mode) {
        case DecimalMode::kPrecise:
          p->conversion = Conversion::kDecimalPrecise;
          p->schema = DecimalSchema(p->precision, p->scale);
          break;
        case DecimalMode::kDouble:
          p->conversion = Conversion::kDecimalDouble;
          p->schema = ConnectSchema::Of(CT::kFloat64);
          break;
        case DecimalMode::kString:
          p->conversion = Conversion::kDecimalString;
          p->schema = ConnectSchema::Of(CT::kString);
          break;
      }
      return true;
    case SqlType::kChar:
    case SqlType::kVarchar:
    case SqlType::kTinyText:
    case SqlType::kText:
    case SqlType::kMediumText:
    case SqlType::kLongText:
      p->conversion = Conversion::kString;
      p->schema = ConnectSchema::Of(CT::kString);
      return true;
    case SqlType::kBinary:
    case SqlType::kVarbinary:
    case SqlType::kTinyBlob:
    case SqlType::kBlob:
    case SqlType::kMediumBlob:
    case SqlType::kLongBlob:
      p->conversion = Conversion::kBinary;
      p->binary_mode = o.binary_mode;
      p->schema = ConnectSchema::Of(o.binary_mode == BinaryMode::kBytes ? CT::kBytes : CT::kString);
      return true;
    case SqlType::kEnum:
      p->conversion = Conversion::kEnum;
      p->schema = ConnectSchema::Named(CT::kString, "io.debezium.data.Enum", 1);
      p->schema.Param("allowed", Join(c.enum_values, ','));
      return true;
    case SqlType::kSet:
      p->conversion = Conversion::kSet;
      p->schema = ConnectSchema::Named(CT::kString, "io.debezium.data.EnumSet", 1);
      p->schema.Param("allowed", Join(c.enum_values, ','));
      return true;
    case SqlType::kJson:
      p->conversion = Conversion::kJson;
      p->schema = ConnectSchema::Named(CT::kString, "io.debezium.data.Json", 1);
      return true;
    case SqlType::kYear:
      p->conversion = Conversion::kYear;
      p->schema = ConnectSchema::Named(CT::kInt32, "io.debezium.time.Year", 1);
      return true;
    case SqlType::kDate:
      p->conversion = Conversion::kDateDays;
      p->schema = adaptive ? ConnectSchema::Named(CT::kInt32, "io.debezium.time.Date", 1)
                           : ConnectSchema::Named(CT::kInt32, "org.apache.kafka.connect.data.Date", 1);
      return true;
    case SqlType::kTime:
      if (o.time_precision_mode == TimePrecisionMode::kAdaptiveTimeMicroseconds ||
          (o.time_precision_mode == TimePrecisionMode::kAdaptive && fsp > 3)) {
        p->conversion = Conversion::kTimeMicros;
        p->schema = ConnectSchema::Named(CT::kInt64, "io.debezium.time.MicroTime", 1);
      } else if (o.time_precision_mode == TimePrecisionMode::kAdaptive) {
        p->conversion = Conversion::kTimeMillis;
        p->schema = ConnectSchema::Named(CT::kInt32, "io.debezium.time.Time", 1);
      } else {
        p->conversion = Conversion::kTimeMillis;
        p->schema = ConnectSchema::Named(CT::kInt32, "org.apache.kafka.connect.data.Time", 1);
      }
      return true;
    case SqlType::kDateTime:
      if (!adaptive) {
        p->conversion = Conversion::kDateTimeMillis;
        p->schema = ConnectSchema::Named(CT::kInt64, "org.apache.kafka.connect.data.Timestamp", 1);
      } else if (fsp <= 3) {
        p->conversion = Conversion::kDateTimeMillis;
        p->schema = ConnectSchema::Named(CT::kInt64, "io.debezium.time.Timestamp", 1);
      } else {
        p->conversion = Conversion::kDateTimeMicros;
        p->schema = ConnectSchema::Named(CT::kInt64, "io.debezium.time.MicroTimestamp", 1);
      }
      return true;
    case SqlType::kTimestamp:
      p->conversion = Conversion::kZonedTimestamp;
      p->schema = ConnectSchema::Named(CT::kString, "io.debezium.time.ZonedTimestamp", 1);
      return true;
    case SqlType::kGeometry:
      if (c.type_name == "POINT") {
        p->conversion = Conversion::kPoint;
        p->schema = ConnectSchema::Named(CT::kStruct, "io.debezium.data.geometry.Point", 1);
        p->schema.doc = "Geometry (POINT)";
        p->schema.Field("x", ConnectSchema::Of(CT::kFloat64));
        p->schema.Field("y", ConnectSchema::Of(CT::kFloat64));
        p->schema.Field("wkb", ConnectSchema::Of(CT::kBytes, true));
        p->schema.Field("srid", ConnectSchema::Of(CT::kInt32, true));
      } else {
        p->conversion = Conversion::kGeometry;
        p->schema = ConnectSchema::Named(CT::kStruct, "io.debezium.data.geometry.Geometry", 1, true);
        p->schema.doc = "Geometry";
        p->schema.Field("wkb", ConnectSchema::Of(CT::kBytes));
        p->schema.Field("srid", ConnectSchema::Of(CT::kInt32, true));
      }
      return true;
    case SqlType::kVector: {
      p->conversion = Conversion::kVector;
      p->schema = ConnectSchema::Named(CT::kArray, "io.debezium.data.FloatVector", 1);
      p->schema.items = std::make_shared<ConnectSchema>(ConnectSchema::Of(CT::kFloat32));
      return true;
    }
    case SqlType::kUuid:
    case SqlType::kInet4:
    case SqlType::kInet6:
      p->conversion = Conversion::kText;
      p->schema = ConnectSchema::Of(CT::kString);
      return true;
    case SqlType::kUnknown:
      return false;
  }
  return false;
}

// One field plan; nullopt when the column's type has no converter.
std::optional<ColumnPlan> MakePlan(const event::TableSchema& t, int index, const EncoderOptions& o,
                                   const ConverterOptions& conv, const ColumnMapper* mapper,
                                   std::vector<std::string>* notes) {
  const Column& c = t.columns[index];
  ColumnPlan p;
  p.column_index = index;
  p.field_name = c.name;
  p.field_name_json.assign(1, ',');
  AppendJsonStringLiteral(c.name, &p.field_name_json);
  p.field_name_json.push_back(':');
  p.optional = c.nullable;
  p.is_unsigned = c.is_unsigned || c.zerofill;
  p.fsp = c.length ? *c.length : -1;
  p.length = DebeziumLength(c);
  p.decimal_numeric = conv.decimal_numeric;
  p.time_adjuster = o.enable_time_adjuster;
  p.enum_values = c.enum_values;
  if (!c.collation.empty()) {
    // Not all collation names are known here; the charset decides the conversion.
  }
  p.collation = c.charset.empty() ? 0 : mysql::CollationIdForCharset(c.charset);
  if (!MapType(c, o, &p)) {
    notes->push_back("column " + c.name + " of type " + c.type_name +
                     " has no Debezium mapping and is left out");
    return std::nullopt;
  }
  if (p.conversion != Conversion::kTimeMillis && p.conversion != Conversion::kTimeMicros &&
      p.conversion != Conversion::kDateTimeMillis && p.conversion != Conversion::kDateTimeMicros &&
      p.conversion != Conversion::kZonedTimestamp) {
    p.fsp = c.length && (c.type == SqlType::kTime || c.type == SqlType::kDateTime ||
                         c.type == SqlType::kTimestamp)
                ? *c.length
                : -1;
  }
  if (mapper) {
    switch (mapper->kind) {
      case MapperKind::kMaskChars:
      case MapperKind::kMaskHash:
        p.schema.Param("masked", "true");
        if (IsTextType(c.type)) p.mapper = *mapper;
        break;
      case MapperKind::kTruncate:
        if (p.length < 0 || p.length > mapper->length) {
          p.schema.Param("truncateLength", std::to_string(mapper->length));
          if (p.conversion == Conversion::kString || p.conversion == Conversion::kEnum ||
              p.conversion == Conversion::kSet || p.conversion == Conversion::kBinary) {
            p.mapper = *mapper;
          }
        }
        break;
      case MapperKind::kPropagateSourceType: {
        std::string tn = DebeziumTypeName(c);
        for (char& ch : tn) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        p.schema.Param("__debezium.source.column.type", tn);
        if (DebeziumLength(c) != -1) {
          p.schema.Param("__debezium.source.column.length", std::to_string(DebeziumLength(c)));
        }
        if (c.scale) p.schema.Param("__debezium.source.column.scale", std::to_string(*c.scale));
        if (!c.comment.empty()) p.schema.Param("__debezium.source.column.comment", c.comment);
        p.schema.Param("__debezium.source.column.name", c.name);
        break;
      }
    }
  }
  if (c.nullable) p.schema.optional = true;
  if (o.include_schema_comments && !c.comment.empty()) p.schema.doc = c.comment;
  if (c.default_value && !c.default_is_null && !c.default_is_expression) {
    p.default_json = DefaultJson(p, *c.default_value);
    if (!p.default_json && !c.nullable) {
      notes->push_back("column " + c.name + ": default '" + *c.default_value +
                       "' cannot be converted; the schema has no default");
    }
  }
  p.schema.default_json = p.default_json;
  p.fallback_json = FallbackJson(p.conversion);
  return p;
}

ConnectSchema ExtendedValueSchema(const ConnectSchema& value, bool deleted_field,
                                  const std::vector<FieldReference>& add_fields,
                                  const ConnectSchema& envelope) {
  ConnectSchema s = value;
  bool changed = false;
  if (deleted_field) {
    s.Field("__deleted", ConnectSchema::Of(ConnectType::kString, true));
    changed = true;
  }
  for (const FieldReference& r : add_fields) {
    const ConnectSchema* parent = &envelope;
    if (r.from != FieldReference::Struct::kEnvelope) {
      int i = envelope.FieldIndex(r.from == FieldReference::Struct::kSource ? "source" : "transaction");
      if (i < 0) continue;
      parent = &envelope.fields[i].schema;
    }
    int fi = parent->FieldIndex(r.field);
    if (fi < 0) continue;
    s.Field(r.new_name, parent->fields[fi].schema);
    changed = true;
  }
  if (changed) s.optional = false;  // SchemaUtil.copySchemaBasics drops optionality
  return s;
}

}  // namespace

std::string SanitizeTopicName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  // Java walks UTF-16 units: one '_' per BMP character, two for a supplementary one.
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c >= 0x80) {
      if ((c & 0xC0) == 0x80) continue;  // continuation byte
      out.append(c >= 0xF0 ? "__" : "_");
      continue;
    }
    bool ok = c == '.' || c == '_' || c == '-' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9');
    out.push_back(ok ? static_cast<char>(c) : '_');
  }
  if (out.size() > 249) {
    out.resize(249);
  } else if (out == ".") {
    out = "_";
  } else if (out == "..") {
    out = "__";
  }
  return out;
}

std::string DataTopicName(const EncoderOptions& o, const event::TableId& id) {
  std::string name;
  for (const std::string* part : {&o.topic_prefix, &id.database, &id.table}) {
    if (part->find_first_not_of(" \t\r\n") == std::string::npos) continue;
    if (!name.empty()) name += o.topic_delimiter;
    name += *part;
  }
  return SanitizeTopicName(name);
}

ConnectSchema SourceSchema(Flavor flavor) {
  using CT = ConnectType;
  ConnectSchema s = ConnectSchema::Named(
      CT::kStruct, flavor == Flavor::kMariaDb ? "io.debezium.connector.mariadb.Source"
                                              : "io.debezium.connector.mysql.Source",
      1);
  s.Field("version", ConnectSchema::Of(CT::kString));
  s.Field("connector", ConnectSchema::Of(CT::kString));
  s.Field("name", ConnectSchema::Of(CT::kString));
  s.Field("ts_ms", ConnectSchema::Of(CT::kInt64));
  ConnectSchema snapshot = ConnectSchema::Named(CT::kString, "io.debezium.data.Enum", 1, true);
  snapshot.Param("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental");
  snapshot.default_json = "\"false\"";
  s.Field("snapshot", snapshot);
  s.Field("db", ConnectSchema::Of(CT::kString));
  s.Field("sequence", ConnectSchema::Of(CT::kString, true));
  s.Field("ts_us", ConnectSchema::Of(CT::kInt64, true));
  s.Field("ts_ns", ConnectSchema::Of(CT::kInt64, true));
  s.Field("table", ConnectSchema::Of(CT::kString, true));
  s.Field("server_id", ConnectSchema::Of(CT::kInt64));
  s.Field("gtid", ConnectSchema::Of(CT::kString, true));
  s.Field("file", ConnectSchema::Of(CT::kString));
  s.Field("pos", ConnectSchema::Of(CT::kInt64));
  s.Field("row", ConnectSchema::Of(CT::kInt32));
  s.Field("thread", ConnectSchema::Of(CT::kInt64, true));
  s.Field("query", ConnectSchema::Of(CT::kString, true));
  return s;
}

ConnectSchema TransactionBlockSchema() {
  using CT = ConnectType;
  ConnectSchema s = ConnectSchema::Named(CT::kStruct, "event.block", 1, true);
  s.Field("id", ConnectSchema::Of(CT::kString));
  s.Field("total_order", ConnectSchema::Of(CT::kInt64));
  s.Field("data_collection_order", ConnectSchema::Of(CT::kInt64));
  return s;
}

std::vector<int> KeyColumnIndexes(const event::TableSchema& t, const std::string& mkc) {
  std::vector<int> out;
  if (!mkc.empty()) {
    std::string colid_prefix = t.id.database + "." + t.id.table + ".";
    size_t start = 0;
    while (start <= mkc.size()) {
      size_t semi = mkc.find(';', start);
      std::string entry = mkc.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
      start = semi == std::string::npos ? mkc.size() + 1 : semi + 1;
      size_t colon = entry.find(':');
      if (colon == std::string::npos) continue;
      std::string table_re = entry.substr(0, colon);
      size_t b = table_re.find_first_not_of(" \t");
      table_re = b == std::string::npos ? "" : table_re.substr(b);
      for (const std::string& col : SplitRegexList(entry.substr(colon + 1))) {
        std::regex re;
        try {
          re = std::regex(table_re + "." + col, std::regex::ECMAScript | std::regex::icase);
        } catch (const std::regex_error&) {
          continue;
        }
        for (size_t i = 0; i < t.columns.size(); ++i) {
          if (std::regex_match(colid_prefix + t.columns[i].name, re)) out.push_back(static_cast<int>(i));
        }
      }
    }
  }
  if (out.empty()) {
    for (const std::string& name : t.IdentityKey()) {
      int i = t.FindColumn(name);
      if (i >= 0) out.push_back(i);
    }
  }
  return out;
}

Result<std::shared_ptr<const TableEncoding>> BuildTableEncoding(
    std::shared_ptr<const event::TableSchema> table, const EncoderOptions& o,
    const ColumnFilters& filters) {
  auto enc = std::make_shared<TableEncoding>();
  const event::TableSchema& t = *table;
  enc->table = table;
  enc->topic = DataTopicName(o, t.id);

  // Key.
  enc->key_schema = ConnectSchema::Named(ConnectType::kStruct, enc->topic + ".Key", 0);
  enc->key_schema.version.reset();
  for (int i : KeyColumnIndexes(t, o.message_key_columns)) {
    auto p = MakePlan(t, i, o, o.key_converter, nullptr, &enc->notes);
    if (!p) continue;
    enc->key_schema.Field(p->field_name, p->schema);
    enc->key_columns.push_back(std::move(*p));
  }
  enc->has_key = !enc->key_columns.empty();
  if (enc->has_key) enc->key_schema_json = SchemaJson(enc->key_schema);

  // Value.
  enc->value_schema = ConnectSchema::Of(ConnectType::kStruct, true);
  enc->value_schema.name = enc->topic + ".Value";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (!filters.IsColumnIncluded(t.id, t.columns[i].name)) continue;
    auto p = MakePlan(t, static_cast<int>(i), o, o.value_converter,
                      filters.MapperFor(t.id, t.columns[i].name), &enc->notes);
    if (!p) continue;
    enc->value_schema.Field(p->field_name, p->schema);
    enc->value_columns.push_back(std::move(*p));
  }
  enc->value_schema_json = SchemaJson(enc->value_schema);

  // Envelope (Debezium >= 2.7 field order, version 2).
  ConnectSchema& e = enc->envelope_schema;
  e = ConnectSchema::Named(ConnectType::kStruct, enc->topic + ".Envelope", 2);
  e.Field("before", enc->value_schema);
  e.Field("after", enc->value_schema);
  e.Field("source", SourceSchema(o.flavor));
  e.Field("transaction", TransactionBlockSchema());
  e.Field("op", ConnectSchema::Of(ConnectType::kString));
  e.Field("ts_ms", ConnectSchema::Of(ConnectType::kInt64, true));
  e.Field("ts_us", ConnectSchema::Of(ConnectType::kInt64, true));
  e.Field("ts_ns", ConnectSchema::Of(ConnectType::kInt64, true));
  enc->envelope_schema_json = SchemaJson(e);

  if (o.unwrap) {
    bool rewrite = o.unwrap->mode == DeleteTombstoneMode::kRewrite ||
                   o.unwrap->mode == DeleteTombstoneMode::kRewriteWithTombstone;
    enc->unwrap_schema = ExtendedValueSchema(enc->value_schema, rewrite, o.unwrap->add_fields, e);
    enc->unwrap_schema_json = SchemaJson(enc->unwrap_schema);
    enc->unwrap_delete_schema = enc->unwrap_schema;
    enc->unwrap_delete_schema_json = enc->unwrap_schema_json;
  }
  return std::shared_ptr<const TableEncoding>(std::move(enc));
}

}  // namespace tributary::format::debezium
