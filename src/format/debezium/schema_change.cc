#include "format/debezium/schema_change.h"

#include <nlohmann/json.hpp>

#include "format/debezium/connect_schema.h"
#include "format/debezium/json_writer.h"
#include "format/debezium/schema_builder.h"

namespace tributary::format::debezium {
namespace {

using event::Column;
using event::SqlType;

// java.sql.Types
constexpr int32_t kBit = -7, kSmallInt = 5, kInteger = 4, kBigInt = -5, kFloat = 6, kReal = 7,
                  kDouble = 8, kNumeric = 2, kDecimal = 3, kChar = 1, kVarchar = 12,
                  kNChar = -15, kNVarchar = -9, kBinary = -2, kVarbinary = -3, kBlob = 2004,
                  kDate = 91, kTime = 92, kTimestamp = 93, kTimestampTz = 2014, kBoolean = 16,
                  kOther = 1111;

int DebeziumLength(const Column& c) {
  if (c.type == SqlType::kEnum) return 1;
  if (c.type == SqlType::kSet) return std::max<int>(0, static_cast<int>(c.enum_values.size()) * 2 - 1);
  return c.length ? *c.length : -1;
}

void Str(std::string_view s, std::string* out) { AppendJsonStringLiteral(s, out); }

// An ENUM/SET member as Debezium's DDL parser keeps it: the SQL literal, quotes included
// ('a', 'd''e').
void EnumLiteral(std::string_view member, std::string* out) {
  std::string quoted = "'";
  for (char ch : member) {
    if (ch == '\'') quoted += '\'';
    quoted += ch;
  }
  quoted += '\'';
  Str(quoted, out);
}

// The reverse: a quoted literal unquoted; anything else as is.
std::string EnumMember(std::string text) {
  if (text.size() < 2 || text.front() != '\'' || text.back() != '\'') return text;
  std::string out;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    out += text[i];
    if (text[i] == '\'' && i + 2 < text.size() && text[i + 1] == '\'') ++i;
  }
  return out;
}
void OptStr(const std::optional<std::string>& s, std::string* out) {
  if (s) {
    Str(*s, out);
  } else {
    out->append("null");
  }
}

std::optional<std::string> DefaultExpression(const Column& c) {
  if (!c.default_value || c.default_is_null || c.default_is_expression) return std::nullopt;
  std::string v = *c.default_value;
  std::string up;
  for (char ch : v) up.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  if (up.rfind("CURRENT_TIMESTAMP", 0) == 0 || up.rfind("NOW(", 0) == 0 ||
      up.rfind("LOCALTIMESTAMP", 0) == 0 || up.rfind("LOCALTIME", 0) == 0) {
    return std::string("1970-01-01 00:00:00");
  }
  return v;
}

bool HasDefault(const Column& c) { return c.default_value.has_value() || c.default_is_null; }

std::optional<std::string> Comment(const std::string& c, const SchemaTextOptions& o) {
  if (!o.include_schema_comments || c.empty()) return std::nullopt;
  return c;
}

std::optional<std::string> Charset(const Column& c) {
  if (c.charset.empty()) return std::nullopt;
  return c.charset;
}

void AppendHistoryColumn(const Column& c, int position, const SchemaTextOptions& o,
                         std::string* out) {
  out->append("{\"name\":");
  Str(c.name, out);
  out->append(",\"jdbcType\":");
  AppendInt(JdbcTypeOf(c), out);
  std::string tn = DebeziumColumnTypeName(c);
  out->append(",\"typeName\":");
  Str(tn, out);
  out->append(",\"typeExpression\":");
  Str(tn, out);
  out->append(",\"charsetName\":");
  OptStr(Charset(c), out);
  if (int len = DebeziumLength(c); len != -1) {
    out->append(",\"length\":");
    AppendInt(len, out);
  }
  if (c.scale) {
    out->append(",\"scale\":");
    AppendInt(*c.scale, out);
  }
  out->append(",\"position\":");
  AppendInt(position, out);
  out->append(c.nullable ? ",\"optional\":true" : ",\"optional\":false");
  out->append(c.auto_increment ? ",\"autoIncremented\":true" : ",\"autoIncremented\":false");
  out->append(c.auto_increment ? ",\"generated\":true" : ",\"generated\":false");
  out->append(",\"comment\":");
  OptStr(Comment(c.comment, o), out);
  out->append(HasDefault(c) ? ",\"hasDefaultValue\":true" : ",\"hasDefaultValue\":false");
  if (auto d = DefaultExpression(c)) {
    out->append(",\"defaultValueExpression\":");
    Str(*d, out);
  }
  out->append(",\"enumValues\":[");
  for (size_t i = 0; i < c.enum_values.size(); ++i) {
    if (i) out->push_back(',');
    EnumLiteral(c.enum_values[i], out);
  }
  out->append("]}");
}

SqlType SqlTypeFromName(const std::string& base) {
  static const std::pair<const char*, SqlType> kNames[] = {
      {"BOOLEAN", SqlType::kBoolean}, {"BOOL", SqlType::kBoolean}, {"BIT", SqlType::kBit},
      {"TINYINT", SqlType::kTinyInt}, {"SMALLINT", SqlType::kSmallInt},
      {"MEDIUMINT", SqlType::kMediumInt}, {"INT", SqlType::kInt}, {"INTEGER", SqlType::kInt},
      {"BIGINT", SqlType::kBigInt}, {"DECIMAL", SqlType::kDecimal}, {"NUMERIC", SqlType::kDecimal},
      {"DEC", SqlType::kDecimal}, {"FIXED", SqlType::kDecimal}, {"FLOAT", SqlType::kFloat},
      {"DOUBLE", SqlType::kDouble}, {"REAL", SqlType::kDouble},
      {"DOUBLE PRECISION", SqlType::kDouble}, {"YEAR", SqlType::kYear}, {"DATE", SqlType::kDate},
      {"TIME", SqlType::kTime}, {"DATETIME", SqlType::kDateTime},
      {"TIMESTAMP", SqlType::kTimestamp}, {"CHAR", SqlType::kChar}, {"NCHAR", SqlType::kChar},
      {"VARCHAR", SqlType::kVarchar}, {"NVARCHAR", SqlType::kVarchar},
      {"BINARY", SqlType::kBinary}, {"VARBINARY", SqlType::kVarbinary},
      {"TINYTEXT", SqlType::kTinyText}, {"TEXT", SqlType::kText},
      {"MEDIUMTEXT", SqlType::kMediumText}, {"LONGTEXT", SqlType::kLongText},
      {"TINYBLOB", SqlType::kTinyBlob}, {"BLOB", SqlType::kBlob},
      {"MEDIUMBLOB", SqlType::kMediumBlob}, {"LONGBLOB", SqlType::kLongBlob},
      {"ENUM", SqlType::kEnum}, {"SET", SqlType::kSet}, {"JSON", SqlType::kJson},
      {"GEOMETRY", SqlType::kGeometry}, {"POINT", SqlType::kGeometry},
      {"LINESTRING", SqlType::kGeometry}, {"POLYGON", SqlType::kGeometry},
      {"MULTIPOINT", SqlType::kGeometry}, {"MULTILINESTRING", SqlType::kGeometry},
      {"MULTIPOLYGON", SqlType::kGeometry}, {"GEOMETRYCOLLECTION", SqlType::kGeometry},
      {"GEOMCOLLECTION", SqlType::kGeometry}, {"VECTOR", SqlType::kVector},
      {"UUID", SqlType::kUuid}, {"INET4", SqlType::kInet4}, {"INET6", SqlType::kInet6}};
  for (const auto& [n, t] : kNames) {
    if (base == n) return t;
  }
  return SqlType::kUnknown;
}

Result<event::TableId> ParseQuotedId(const std::string& s) {
  // "db"."table" (quotes doubled inside names are not expected from MySQL ids).
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '"') {
      size_t j = s.find('"', i + 1);
      if (j == std::string::npos) break;
      parts.push_back(s.substr(i + 1, j - i - 1));
      i = j + 1;
    } else {
      size_t j = s.find('.', i);
      if (j == i) {
        ++i;
        continue;
      }
      parts.push_back(s.substr(i, j == std::string::npos ? std::string::npos : j - i));
      i = j == std::string::npos ? s.size() : j;
    }
  }
  if (parts.size() == 2) return event::TableId{parts[0], parts[1]};
  if (parts.size() == 1) return event::TableId{"", parts[0]};
  return Error(Status::Corruption("table id '" + s + "' is not \"db\".\"table\""));
}

Result<event::TableSchema> TableFromJson(const nlohmann::ordered_json& j, const event::TableId& id) {
  event::TableSchema t;
  t.id = id;
  if (!j.is_object()) return Error(Status::Corruption("table is not an object"));
  if (j.contains("defaultCharsetName") && j["defaultCharsetName"].is_string()) {
    t.default_charset = j["defaultCharsetName"].get<std::string>();
  }
  if (j.contains("comment") && j["comment"].is_string()) t.comment = j["comment"].get<std::string>();
  if (j.contains("primaryKeyColumnNames") && j["primaryKeyColumnNames"].is_array()) {
    for (const auto& n : j["primaryKeyColumnNames"]) {
      if (n.is_string()) t.primary_key.push_back(n.get<std::string>());
    }
  }
  if (!j.contains("columns") || !j["columns"].is_array()) {
    return Error(Status::Corruption("table has no columns array"));
  }
  std::vector<std::pair<int, Column>> cols;
  for (const auto& cj : j["columns"]) {
    if (!cj.is_object() || !cj.contains("name") || !cj["name"].is_string() ||
        !cj.contains("typeName") || !cj["typeName"].is_string()) {
      return Error(Status::Corruption("column without name or typeName"));
    }
    Column c;
    c.name = cj["name"].get<std::string>();
    std::string tn = cj["typeName"].get<std::string>();
    auto strip = [&](const std::string& suffix) {
      if (tn.size() > suffix.size() && tn.compare(tn.size() - suffix.size(), suffix.size(), suffix) == 0) {
        tn.resize(tn.size() - suffix.size());
        return true;
      }
      return false;
    };
    if (strip(" UNSIGNED ZEROFILL")) {
      c.is_unsigned = true;
      c.zerofill = true;
    } else if (strip(" ZEROFILL")) {
      c.zerofill = true;
    } else if (strip(" UNSIGNED")) {
      c.is_unsigned = true;
    }
    strip(" SIGNED");
    c.type_name = tn;
    c.type = SqlTypeFromName(tn);
    if (c.type == SqlType::kDouble && tn == "REAL") c.type_name = "REAL";
    if (cj.contains("charsetName") && cj["charsetName"].is_string()) {
      c.charset = cj["charsetName"].get<std::string>();
    }
    if (cj.contains("length") && cj["length"].is_number_integer() && c.type != SqlType::kEnum &&
        c.type != SqlType::kSet) {
      c.length = cj["length"].get<int32_t>();
    }
    if (cj.contains("scale") && cj["scale"].is_number_integer()) c.scale = cj["scale"].get<int32_t>();
    if (cj.contains("optional") && cj["optional"].is_boolean()) c.nullable = cj["optional"].get<bool>();
    if (cj.contains("autoIncremented") && cj["autoIncremented"].is_boolean()) {
      c.auto_increment = cj["autoIncremented"].get<bool>();
    }
    if (cj.contains("comment") && cj["comment"].is_string()) c.comment = cj["comment"].get<std::string>();
    bool has_default = cj.contains("hasDefaultValue") && cj["hasDefaultValue"].is_boolean() &&
                       cj["hasDefaultValue"].get<bool>();
    if (cj.contains("defaultValueExpression") && cj["defaultValueExpression"].is_string()) {
      c.default_value = cj["defaultValueExpression"].get<std::string>();
    } else if (has_default) {
      c.default_is_null = true;
    }
    if (cj.contains("enumValues") && cj["enumValues"].is_array()) {
      for (const auto& e : cj["enumValues"]) {
        if (e.is_string()) c.enum_values.push_back(EnumMember(e.get<std::string>()));
      }
    }
    int pos = cj.contains("position") && cj["position"].is_number_integer()
                  ? cj["position"].get<int>()
                  : static_cast<int>(cols.size()) + 1;
    cols.emplace_back(pos, std::move(c));
  }
  std::stable_sort(cols.begin(), cols.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [pos, c] : cols) t.columns.push_back(std::move(c));
  return t;
}

// ConnectTableChangeSerializer payload of one change (schema-change topic).
void AppendConnectTableChange(const TableChange& ch, const SchemaTextOptions& o, std::string* out) {
  out->append("{\"type\":\"");
  out->append(TableChangeTypeName(ch.type));
  out->append("\",\"id\":");
  Str(DoubleQuotedTableId(ch.id), out);
  out->append(",\"table\":");
  if (!ch.table) {
    out->append("null}");
    return;
  }
  const event::TableSchema& t = *ch.table;
  out->append("{\"defaultCharsetName\":");
  OptStr(t.default_charset.empty() ? std::nullopt : std::optional<std::string>(t.default_charset), out);
  out->append(",\"primaryKeyColumnNames\":[");
  for (size_t i = 0; i < t.IdentityKey().size(); ++i) {
    if (i) out->push_back(',');
    Str(t.IdentityKey()[i], out);
  }
  out->append("],\"columns\":[");
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const Column& c = t.columns[i];
    if (i) out->push_back(',');
    out->append("{\"name\":");
    Str(c.name, out);
    out->append(",\"jdbcType\":");
    AppendInt(JdbcTypeOf(c), out);
    out->append(",\"nativeType\":null,\"typeName\":");
    std::string tn = DebeziumColumnTypeName(c);
    Str(tn, out);
    out->append(",\"typeExpression\":");
    Str(tn, out);
    out->append(",\"charsetName\":");
    OptStr(Charset(c), out);
    out->append(",\"length\":");
    if (int len = DebeziumLength(c); len != -1) {
      AppendInt(len, out);
    } else {
      out->append("null");
    }
    out->append(",\"scale\":");
    if (c.scale) {
      AppendInt(*c.scale, out);
    } else {
      out->append("null");
    }
    out->append(",\"position\":");
    AppendInt(static_cast<int64_t>(i) + 1, out);
    out->append(c.nullable ? ",\"optional\":true" : ",\"optional\":false");
    out->append(c.auto_increment ? ",\"autoIncremented\":true,\"generated\":true"
                                 : ",\"autoIncremented\":false,\"generated\":false");
    out->append(",\"comment\":");
    OptStr(Comment(c.comment, o), out);
    out->append(",\"defaultValueExpression\":");
    OptStr(DefaultExpression(c), out);
    out->append(",\"enumValues\":");
    if (c.enum_values.empty()) {
      out->append("null");
    } else {
      out->push_back('[');
      for (size_t k = 0; k < c.enum_values.size(); ++k) {
        if (k) out->push_back(',');
        EnumLiteral(c.enum_values[k], out);
      }
      out->push_back(']');
    }
    out->push_back('}');
  }
  out->append("],\"comment\":");
  OptStr(Comment(t.comment, o), out);
  out->append("}}");
}

ConnectSchema SchemaChangeValueSchema(Flavor flavor) {
  using CT = ConnectType;
  ConnectSchema col = ConnectSchema::Named(CT::kStruct, "io.debezium.connector.schema.Column", 1);
  col.Field("name", ConnectSchema::Of(CT::kString));
  col.Field("jdbcType", ConnectSchema::Of(CT::kInt32));
  col.Field("nativeType", ConnectSchema::Of(CT::kInt32, true));
  col.Field("typeName", ConnectSchema::Of(CT::kString));
  col.Field("typeExpression", ConnectSchema::Of(CT::kString, true));
  col.Field("charsetName", ConnectSchema::Of(CT::kString, true));
  col.Field("length", ConnectSchema::Of(CT::kInt32, true));
  col.Field("scale", ConnectSchema::Of(CT::kInt32, true));
  col.Field("position", ConnectSchema::Of(CT::kInt32));
  col.Field("optional", ConnectSchema::Of(CT::kBoolean, true));
  col.Field("autoIncremented", ConnectSchema::Of(CT::kBoolean, true));
  col.Field("generated", ConnectSchema::Of(CT::kBoolean, true));
  col.Field("comment", ConnectSchema::Of(CT::kString, true));
  col.Field("defaultValueExpression", ConnectSchema::Of(CT::kString, true));
  ConnectSchema enums = ConnectSchema::Of(CT::kArray, true);
  enums.items = std::make_shared<ConnectSchema>(ConnectSchema::Of(CT::kString));
  col.Field("enumValues", enums);

  ConnectSchema table = ConnectSchema::Named(CT::kStruct, "io.debezium.connector.schema.Table", 1, true);
  table.Field("defaultCharsetName", ConnectSchema::Of(CT::kString, true));
  ConnectSchema pk = ConnectSchema::Of(CT::kArray, true);
  pk.items = std::make_shared<ConnectSchema>(ConnectSchema::Of(CT::kString));
  table.Field("primaryKeyColumnNames", pk);
  ConnectSchema cols = ConnectSchema::Of(CT::kArray);
  cols.items = std::make_shared<ConnectSchema>(col);
  table.Field("columns", cols);
  table.Field("comment", ConnectSchema::Of(CT::kString, true));

  ConnectSchema change = ConnectSchema::Named(CT::kStruct, "io.debezium.connector.schema.Change", 1);
  change.Field("type", ConnectSchema::Of(CT::kString));
  change.Field("id", ConnectSchema::Of(CT::kString));
  change.Field("table", table);

  ConnectSchema v = ConnectSchema::Named(
      CT::kStruct, "io.debezium.connector." + std::string(FlavorConnectorName(flavor)) + ".SchemaChangeValue", 1);
  v.Field("source", SourceSchema(flavor));
  v.Field("ts_ms", ConnectSchema::Of(CT::kInt64));
  v.Field("databaseName", ConnectSchema::Of(CT::kString, true));
  v.Field("schemaName", ConnectSchema::Of(CT::kString, true));
  v.Field("ddl", ConnectSchema::Of(CT::kString, true));
  ConnectSchema changes = ConnectSchema::Of(CT::kArray);
  changes.items = std::make_shared<ConnectSchema>(change);
  v.Field("tableChanges", changes);
  return v;
}

void Wrap(bool schemas, const std::string& schema_json, const std::string& payload,
          std::string* out) {
  if (schemas) {
    out->append("{\"schema\":");
    out->append(schema_json);
    out->append(",\"payload\":");
    out->append(payload);
    out->push_back('}');
  } else {
    out->append(payload);
  }
}

}  // namespace

std::string_view TableChangeTypeName(TableChangeType type) {
  switch (type) {
    case TableChangeType::kCreate: return "CREATE";
    case TableChangeType::kAlter: return "ALTER";
    case TableChangeType::kDrop: return "DROP";
  }
  return "ALTER";
}

int32_t JdbcTypeOf(const Column& c) {
  const std::string& tn = c.type_name;
  switch (c.type) {
    case SqlType::kBoolean: return kBoolean;
    case SqlType::kBit: return kBit;
    case SqlType::kTinyInt:
    case SqlType::kSmallInt: return kSmallInt;
    case SqlType::kMediumInt:
    case SqlType::kInt:
    case SqlType::kYear: return kInteger;
    case SqlType::kBigInt: return kBigInt;
    case SqlType::kDecimal: return tn == "NUMERIC" ? kNumeric : kDecimal;
    case SqlType::kFloat: return kFloat;
    case SqlType::kDouble: return tn == "REAL" ? kReal : kDouble;
    case SqlType::kChar: return tn == "NCHAR" || tn == "NATIONAL CHAR" ? kNChar : kChar;
    case SqlType::kVarchar: return tn == "NVARCHAR" || tn == "NATIONAL VARCHAR" ? kNVarchar : kVarchar;
    case SqlType::kTinyText:
    case SqlType::kText:
    case SqlType::kMediumText:
    case SqlType::kLongText: return kVarchar;
    case SqlType::kBinary: return kBinary;
    case SqlType::kVarbinary: return kVarbinary;
    case SqlType::kTinyBlob:
    case SqlType::kBlob:
    case SqlType::kMediumBlob:
    case SqlType::kLongBlob: return kBlob;
    case SqlType::kDate: return kDate;
    case SqlType::kTime: return kTime;
    case SqlType::kDateTime: return kTimestamp;
    case SqlType::kTimestamp: return kTimestampTz;
    case SqlType::kEnum:
    case SqlType::kSet: return kChar;
    case SqlType::kJson:
    case SqlType::kGeometry:
    case SqlType::kVector:
    case SqlType::kUuid:
    case SqlType::kInet4:
    case SqlType::kInet6:
    case SqlType::kUnknown: return kOther;
  }
  return kOther;
}

std::string DebeziumColumnTypeName(const Column& c) {
  std::string t = c.type_name;
  if (c.zerofill) {
    t += " UNSIGNED ZEROFILL";
  } else if (c.is_unsigned) {
    t += " UNSIGNED";
  }
  return t;
}

std::string DoubleQuotedTableId(const event::TableId& id) {
  std::string out;
  if (!id.database.empty()) out += "\"" + id.database + "\".";
  out += "\"" + id.table + "\"";
  return out;
}

void AppendHistoryTableChange(const TableChange& ch, const SchemaTextOptions& o, std::string* out) {
  out->append("{\"type\":\"");
  out->append(TableChangeTypeName(ch.type));
  out->append("\",\"id\":");
  Str(DoubleQuotedTableId(ch.id), out);
  if (ch.previous_id) {
    out->append(",\"previousId\":");
    Str(DoubleQuotedTableId(*ch.previous_id), out);
  }
  if (ch.table) {
    const event::TableSchema& t = *ch.table;
    out->append(",\"table\":{\"defaultCharsetName\":");
    OptStr(t.default_charset.empty() ? std::nullopt : std::optional<std::string>(t.default_charset),
           out);
    out->append(",\"primaryKeyColumnNames\":[");
    for (size_t i = 0; i < t.IdentityKey().size(); ++i) {
      if (i) out->push_back(',');
      Str(t.IdentityKey()[i], out);
    }
    out->append("],\"columns\":[");
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i) out->push_back(',');
      AppendHistoryColumn(t.columns[i], static_cast<int>(i) + 1, o, out);
    }
    out->append("],\"attributes\":[]},\"comment\":");
    OptStr(Comment(t.comment, o), out);
  }
  out->push_back('}');
}

std::string HistoryRecordJson(const HistoryRecord& r, const SchemaTextOptions& o) {
  std::string out = "{\"source\":{\"server\":";
  Str(r.server, &out);
  out.append("},\"position\":");
  out.append(r.position_json.empty() ? "{}" : r.position_json);
  out.append(",\"ts_ms\":");
  AppendInt(r.ts_ms, &out);
  out.append(",\"databaseName\":");
  Str(r.database, &out);
  if (r.schema_name) {
    out.append(",\"schemaName\":");
    Str(*r.schema_name, &out);
  }
  out.append(",\"ddl\":");
  Str(r.ddl, &out);
  out.append(",\"tableChanges\":[");
  for (size_t i = 0; i < r.changes.size(); ++i) {
    if (i) out.push_back(',');
    AppendHistoryTableChange(r.changes[i], o, &out);
  }
  out.append("]}");
  return out;
}

Result<event::TableSchema> ParseTableObject(std::string_view json, const event::TableId& id) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(json, nullptr, false);
  if (j.is_discarded()) return Error(Status::Corruption("table object is not valid JSON"));
  return TableFromJson(j, id);
}

Result<HistoryRecord> ParseHistoryRecord(std::string_view json) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Error(Status::Corruption("schema history record is not a JSON object"));
  }
  HistoryRecord r;
  if (j.contains("source") && j["source"].is_object() && j["source"].contains("server") &&
      j["source"]["server"].is_string()) {
    r.server = j["source"]["server"].get<std::string>();
  }
  if (j.contains("position")) r.position_json = j["position"].dump();
  if (j.contains("ts_ms") && j["ts_ms"].is_number_integer()) r.ts_ms = j["ts_ms"].get<int64_t>();
  if (j.contains("databaseName") && j["databaseName"].is_string()) {
    r.database = j["databaseName"].get<std::string>();
  }
  if (j.contains("schemaName") && j["schemaName"].is_string()) {
    r.schema_name = j["schemaName"].get<std::string>();
  }
  if (j.contains("ddl") && j["ddl"].is_string()) r.ddl = j["ddl"].get<std::string>();
  if (j.contains("tableChanges")) {
    if (!j["tableChanges"].is_array()) return Error(Status::Corruption("tableChanges is not an array"));
    for (const auto& cj : j["tableChanges"]) {
      if (!cj.is_object() || !cj.contains("type") || !cj["type"].is_string() || !cj.contains("id") ||
          !cj["id"].is_string()) {
        return Error(Status::Corruption("table change without type or id"));
      }
      TableChange ch;
      std::string type = cj["type"].get<std::string>();
      if (type == "CREATE") ch.type = TableChangeType::kCreate;
      else if (type == "ALTER") ch.type = TableChangeType::kAlter;
      else if (type == "DROP") ch.type = TableChangeType::kDrop;
      else return Error(Status::Corruption("unknown table change type '" + type + "'"));
      auto id = ParseQuotedId(cj["id"].get<std::string>());
      if (!id) return Error(id.error());
      ch.id = *id;
      if (cj.contains("previousId") && cj["previousId"].is_string()) {
        auto prev = ParseQuotedId(cj["previousId"].get<std::string>());
        if (!prev) return Error(prev.error());
        ch.previous_id = *prev;
      }
      if (ch.type != TableChangeType::kDrop) {
        if (!cj.contains("table")) return Error(Status::Corruption("CREATE/ALTER without table"));
        auto t = TableFromJson(cj["table"], ch.id);
        if (!t) return Error(t.error().WithContext("table " + cj["id"].get<std::string>()));
        if (cj.contains("comment") && cj["comment"].is_string()) t->comment = cj["comment"].get<std::string>();
        ch.table = std::make_shared<event::TableSchema>(std::move(*t));
      }
      r.changes.push_back(std::move(ch));
    }
  }
  return r;
}

Status EncodeSchemaChangeRecord(const EncoderOptions& options, const SourceInfo& source,
                                int64_t ts_ms, std::string_view database, std::string_view ddl,
                                std::span<const TableChange> changes, EncodedRecord* out) {
  using CT = ConnectType;
  std::string connector(FlavorConnectorName(options.flavor));
  ConnectSchema key = ConnectSchema::Named(CT::kStruct, "io.debezium.connector." + connector + ".SchemaChangeKey", 1);
  key.Field("databaseName", ConnectSchema::Of(CT::kString));
  std::string key_payload = "{\"databaseName\":";
  Str(database, &key_payload);
  key_payload.push_back('}');
  out->has_key = true;
  out->key.clear();
  Wrap(options.key_converter.schemas_enable, SchemaJson(key), key_payload, &out->key);

  SchemaTextOptions so{options.include_schema_comments};
  EventEncoder enc(options);
  std::string payload = "{\"source\":";
  enc.AppendSource(source, &payload);
  payload.append(",\"ts_ms\":");
  AppendInt(ts_ms, &payload);
  payload.append(",\"databaseName\":");
  Str(database, &payload);
  payload.append(",\"schemaName\":null,\"ddl\":");
  Str(ddl, &payload);
  payload.append(",\"tableChanges\":[");
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i) payload.push_back(',');
    AppendConnectTableChange(changes[i], so, &payload);
  }
  payload.append("]}");
  out->has_value = true;
  out->value.clear();
  Wrap(options.value_converter.schemas_enable, SchemaJson(SchemaChangeValueSchema(options.flavor)),
       payload, &out->value);
  out->headers.clear();
  AddContextHeaders(options, out);
  return Status::Ok();
}

void EncodeHeartbeatRecord(const EncoderOptions& options, int64_t ts_ms, EncodedRecord* out) {
  using CT = ConnectType;
  ConnectSchema key = ConnectSchema::Named(CT::kStruct, "io.debezium.connector.common.ServerNameKey", 1);
  key.Field("serverName", ConnectSchema::Of(CT::kString));
  ConnectSchema value = ConnectSchema::Named(CT::kStruct, "io.debezium.connector.common.Heartbeat", 1);
  value.Field("ts_ms", ConnectSchema::Of(CT::kInt64));
  std::string kp = "{\"serverName\":";
  Str(options.topic_prefix, &kp);
  kp.push_back('}');
  std::string vp = "{\"ts_ms\":";
  AppendInt(ts_ms, &vp);
  vp.push_back('}');
  out->has_key = out->has_value = true;
  out->key.clear();
  out->value.clear();
  out->headers.clear();
  Wrap(options.key_converter.schemas_enable, SchemaJson(key), kp, &out->key);
  Wrap(options.value_converter.schemas_enable, SchemaJson(value), vp, &out->value);
}

void EncodeTransactionRecord(const EncoderOptions& options, const TransactionMarker& m,
                             EncodedRecord* out) {
  using CT = ConnectType;
  ConnectSchema key = ConnectSchema::Named(CT::kStruct, "io.debezium.connector.common.TransactionMetadataKey", 1);
  key.Field("id", ConnectSchema::Of(CT::kString));
  ConnectSchema coll = ConnectSchema::Named(CT::kStruct, "event.collection", 1);
  coll.Field("data_collection", ConnectSchema::Of(CT::kString));
  coll.Field("event_count", ConnectSchema::Of(CT::kInt64));
  ConnectSchema colls = ConnectSchema::Of(CT::kArray, true);
  colls.items = std::make_shared<ConnectSchema>(coll);
  ConnectSchema value = ConnectSchema::Named(CT::kStruct, "io.debezium.connector.common.TransactionMetadataValue", 1);
  value.Field("status", ConnectSchema::Of(CT::kString));
  value.Field("id", ConnectSchema::Of(CT::kString));
  value.Field("event_count", ConnectSchema::Of(CT::kInt64, true));
  value.Field("data_collections", colls);
  value.Field("ts_ms", ConnectSchema::Of(CT::kInt64));
  std::string kp = "{\"id\":";
  Str(m.id, &kp);
  kp.push_back('}');
  std::string vp = m.begin ? "{\"status\":\"BEGIN\",\"id\":" : "{\"status\":\"END\",\"id\":";
  Str(m.id, &vp);
  if (m.begin) {
    vp.append(",\"event_count\":null,\"data_collections\":null");
  } else {
    vp.append(",\"event_count\":");
    AppendInt(m.event_count, &vp);
    vp.append(",\"data_collections\":[");
    for (size_t i = 0; i < m.data_collections.size(); ++i) {
      if (i) vp.push_back(',');
      vp.append("{\"data_collection\":");
      Str(m.data_collections[i].first, &vp);
      vp.append(",\"event_count\":");
      AppendInt(m.data_collections[i].second, &vp);
      vp.push_back('}');
    }
    vp.push_back(']');
  }
  vp.append(",\"ts_ms\":");
  AppendInt(m.ts_ms, &vp);
  vp.push_back('}');
  out->has_key = out->has_value = true;
  out->key.clear();
  out->value.clear();
  out->headers.clear();
  Wrap(options.key_converter.schemas_enable, SchemaJson(key), kp, &out->key);
  Wrap(options.value_converter.schemas_enable, SchemaJson(value), vp, &out->value);
}

}  // namespace tributary::format::debezium
