// Test helpers: TableSchema columns and event::Values in a line each. Tests only.
#pragma once

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "event/table_schema.h"
#include "event/value.h"

namespace tributary::format::debezium::testing {

inline event::Column Col(std::string name, event::SqlType type, std::string type_name,
                         bool nullable = true) {
  event::Column c;
  c.name = std::move(name);
  c.type = type;
  c.type_name = std::move(type_name);
  c.nullable = nullable;
  return c;
}

inline event::Value Int(int64_t i) {
  event::Value v;
  v.kind = event::ValueKind::kInt;
  v.s.i = i;
  return v;
}
inline event::Value UInt(uint64_t u) {
  event::Value v;
  v.kind = event::ValueKind::kUInt;
  v.s.u = u;
  return v;
}
inline event::Value Str(std::string_view s, uint16_t collation = 45 /* utf8mb4 */) {
  event::Value v;
  v.kind = event::ValueKind::kString;
  v.charset = collation;
  v.bytes = s;
  return v;
}
inline event::Value Bytes(std::string_view s, event::ValueKind kind = event::ValueKind::kBytes) {
  event::Value v;
  v.kind = kind;
  v.bytes = s;
  return v;
}
inline event::Value Null() { return event::Value::Null(); }

inline std::string ReadTestData(const std::string& name) {
  std::ifstream in(std::string(TRIBUTARY_DEBEZIUM_TESTDATA) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace tributary::format::debezium::testing
