// ConnectSchema: Kafka Connect's schema model (org.apache.kafka.connect.data.Schema) as
// far as Debezium uses it, and its JSON rendering exactly as JsonConverter writes it
// (`asJsonSchema`): key order type, fields|items|keys+values, optional, name, version,
// doc, parameters, default, and `field` last for struct members.
//
// Schemas are built once per table schema version (schema_builder.h) and shared
// read-only; plain values, thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::format::debezium {

enum class ConnectType : uint8_t {
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kBytes,
  kString,
  kArray,
  kMap,
  kStruct,
};

// "boolean", "int8", ..., "float" (float32), "double" (float64), "bytes", "string",
// "array", "map", "struct".
std::string_view ConnectTypeName(ConnectType type);

struct ConnectField;

struct ConnectSchema {
  ConnectType type = ConnectType::kString;
  bool optional = false;
  std::string name;                 // empty: none
  std::optional<int32_t> version;
  std::optional<std::string> doc;
  std::vector<std::pair<std::string, std::string>> parameters;  // insertion order
  // The default as JsonConverter writes it (a JSON value in payload form: `0`,
  // `"false"`, `"AdTA"`); nullopt: no default.
  std::optional<std::string> default_json;
  std::vector<ConnectField> fields;               // kStruct
  std::shared_ptr<const ConnectSchema> items;     // kArray (and map values)
  std::shared_ptr<const ConnectSchema> keys;      // kMap

  static ConnectSchema Of(ConnectType type, bool optional = false) {
    ConnectSchema s;
    s.type = type;
    s.optional = optional;
    return s;
  }
  static ConnectSchema Named(ConnectType type, std::string name, int32_t version,
                             bool optional = false) {
    ConnectSchema s = Of(type, optional);
    s.name = std::move(name);
    s.version = version;
    return s;
  }
  ConnectSchema& Param(std::string key, std::string value) {
    parameters.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  ConnectSchema& Field(std::string field_name, ConnectSchema schema);
  // Index of the field named `field_name`, or -1.
  int FieldIndex(std::string_view field_name) const;
};

struct ConnectField {
  std::string name;
  ConnectSchema schema;
};

// Appends the JsonConverter JSON of `schema`; with `field_name`, as a struct member
// (`"field":"<name>"` last).
void AppendSchemaJson(const ConnectSchema& schema, std::string* out,
                      const std::string* field_name = nullptr);

inline std::string SchemaJson(const ConnectSchema& schema) {
  std::string out;
  AppendSchemaJson(schema, &out);
  return out;
}

}  // namespace tributary::format::debezium
