#include "format/debezium/connect_schema.h"

#include "format/debezium/json_writer.h"

namespace tributary::format::debezium {

std::string_view ConnectTypeName(ConnectType type) {
  switch (type) {
    case ConnectType::kBoolean: return "boolean";
    case ConnectType::kInt8: return "int8";
    case ConnectType::kInt16: return "int16";
    case ConnectType::kInt32: return "int32";
    case ConnectType::kInt64: return "int64";
    case ConnectType::kFloat32: return "float";
    case ConnectType::kFloat64: return "double";
    case ConnectType::kBytes: return "bytes";
    case ConnectType::kString: return "string";
    case ConnectType::kArray: return "array";
    case ConnectType::kMap: return "map";
    case ConnectType::kStruct: return "struct";
  }
  return "string";
}

ConnectSchema& ConnectSchema::Field(std::string field_name, ConnectSchema schema) {
  fields.push_back(ConnectField{std::move(field_name), std::move(schema)});
  return *this;
}

int ConnectSchema::FieldIndex(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

void AppendSchemaJson(const ConnectSchema& schema, std::string* out,
                      const std::string* field_name) {
  out->append("{\"type\":\"");
  out->append(ConnectTypeName(schema.type));
  out->push_back('"');
  switch (schema.type) {
    case ConnectType::kStruct:
      out->append(",\"fields\":[");
      for (size_t i = 0; i < schema.fields.size(); ++i) {
        if (i) out->push_back(',');
        AppendSchemaJson(schema.fields[i].schema, out, &schema.fields[i].name);
      }
      out->push_back(']');
      break;
    case ConnectType::kArray:
      out->append(",\"items\":");
      if (schema.items) {
        AppendSchemaJson(*schema.items, out);
      } else {
        out->append("null");
      }
      break;
    case ConnectType::kMap:
      out->append(",\"keys\":");
      if (schema.keys) {
        AppendSchemaJson(*schema.keys, out);
      } else {
        out->append("null");
      }
      out->append(",\"values\":");
      if (schema.items) {
        AppendSchemaJson(*schema.items, out);
      } else {
        out->append("null");
      }
      break;
    default:
      break;
  }
  out->append(schema.optional ? ",\"optional\":true" : ",\"optional\":false");
  if (!schema.name.empty()) {
    out->append(",\"name\":");
    AppendJsonStringLiteral(schema.name, out);
  }
  if (schema.version) {
    out->append(",\"version\":");
    AppendInt(*schema.version, out);
  }
  if (schema.doc) {
    out->append(",\"doc\":");
    AppendJsonStringLiteral(*schema.doc, out);
  }
  if (!schema.parameters.empty()) {
    out->append(",\"parameters\":{");
    for (size_t i = 0; i < schema.parameters.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonStringLiteral(schema.parameters[i].first, out);
      out->push_back(':');
      AppendJsonStringLiteral(schema.parameters[i].second, out);
    }
    out->push_back('}');
  }
  if (schema.default_json) {
    out->append(",\"default\":");
    out->append(*schema.default_json);
  }
  if (field_name) {
    out->append(",\"field\":");
    AppendJsonStringLiteral(*field_name, out);
  }
  out->push_back('}');
}

}  // namespace tributary::format::debezium
