// Test-only: builds MySQL binary JSON documents (layout in json_binary.h), so tests can
// state documents as trees instead of hex. Members must be given in MySQL's key order
// (shorter keys first, then bytewise); the encoder writes what it is given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::mysql::testing {

// A value: its type byte and the bytes after it.
struct JsonBin {
  uint8_t type = 0x04;
  std::string payload = std::string(1, '\0');  // null literal
};

inline void PutLittleEndian(std::string* out, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

inline void PutVariableLength(std::string* out, size_t length) {
  do {
    uint8_t byte = length & 0x7F;
    length >>= 7;
    if (length != 0) byte |= 0x80;
    out->push_back(static_cast<char>(byte));
  } while (length != 0);
}

inline JsonBin JNull() { return {0x04, std::string(1, '\x00')}; }
inline JsonBin JBool(bool v) { return {0x04, std::string(1, v ? '\x01' : '\x02')}; }
inline JsonBin JInt16(int16_t v) {
  JsonBin b{0x05, {}};
  PutLittleEndian(&b.payload, static_cast<uint16_t>(v), 2);
  return b;
}
inline JsonBin JInt32(int32_t v) {
  JsonBin b{0x07, {}};
  PutLittleEndian(&b.payload, static_cast<uint32_t>(v), 4);
  return b;
}
inline JsonBin JUint32(uint32_t v) {
  JsonBin b{0x08, {}};
  PutLittleEndian(&b.payload, v, 4);
  return b;
}
inline JsonBin JInt64(int64_t v) {
  JsonBin b{0x09, {}};
  PutLittleEndian(&b.payload, static_cast<uint64_t>(v), 8);
  return b;
}
inline JsonBin JDouble(double v) {
  JsonBin b{0x0B, {}};
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  PutLittleEndian(&b.payload, bits, 8);
  return b;
}
inline JsonBin JString(std::string_view s) {
  JsonBin b{0x0C, {}};
  PutVariableLength(&b.payload, s.size());
  b.payload.append(s);
  return b;
}
inline JsonBin JOpaque(uint8_t field_type, std::string_view data) {
  JsonBin b{0x0F, std::string(1, static_cast<char>(field_type))};
  PutVariableLength(&b.payload, data.size());
  b.payload.append(data);
  return b;
}

namespace internal {
inline bool Inlined(uint8_t type, bool large) {
  return type == 0x04 || type == 0x05 || type == 0x06 || (large && (type == 0x07 || type == 0x08));
}
inline JsonBin Container(bool object, bool large,
                         const std::vector<std::pair<std::string, JsonBin>>& items) {
  const size_t os = large ? 4 : 2;
  const size_t n = items.size();
  const size_t header = 2 * os + (object ? n * (2 + os) : 0) + n * (1 + os);
  std::string keys;
  std::string values;
  std::string key_entries;
  std::string value_entries;
  size_t key_area = header;
  if (object) {
    for (const auto& [key, value] : items) key_area += key.size();
  }
  size_t next_key = header;
  for (const auto& [key, value] : items) {
    if (object) {
      PutLittleEndian(&key_entries, next_key, os);
      PutLittleEndian(&key_entries, key.size(), 2);
      keys.append(key);
      next_key += key.size();
    }
    value_entries.push_back(static_cast<char>(value.type));
    if (Inlined(value.type, large)) {
      std::string inline_value = value.payload;
      inline_value.resize(os, '\0');
      value_entries.append(inline_value);
    } else {
      PutLittleEndian(&value_entries, key_area + values.size(), os);
      values.append(value.payload);
    }
  }
  JsonBin b;
  b.type = static_cast<uint8_t>((object ? 0x00 : 0x02) + (large ? 1 : 0));
  b.payload.clear();
  PutLittleEndian(&b.payload, n, os);
  PutLittleEndian(&b.payload, header + keys.size() + values.size(), os);
  b.payload += key_entries + value_entries + keys + values;
  return b;
}
}  // namespace internal

inline JsonBin JObject(const std::vector<std::pair<std::string, JsonBin>>& members,
                       bool large = false) {
  return internal::Container(true, large, members);
}
inline JsonBin JArray(const std::vector<JsonBin>& elements, bool large = false) {
  std::vector<std::pair<std::string, JsonBin>> items;
  for (const JsonBin& e : elements) items.emplace_back("", e);
  return internal::Container(false, large, items);
}

// The whole document: type byte and payload.
inline std::string JDoc(const JsonBin& root) {
  return std::string(1, static_cast<char>(root.type)) + root.payload;
}

inline std::span<const std::byte> AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// Hex digits to bytes; whitespace between digits is ignored.
inline std::string FromHex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      continue;
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

}  // namespace tributary::mysql::testing
