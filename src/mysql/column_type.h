// MySQL column type codes as they appear in TABLE_MAP events (enum_field_types).
#pragma once

#include <cstdint>
#include <string_view>

namespace tributary::mysql {

enum class ColumnType : uint8_t {
  kDecimal = 0,  // old DECIMAL (pre-5.0), not written by row events of current servers
  kTiny = 1,
  kShort = 2,
  kLong = 3,
  kFloat = 4,
  kDouble = 5,
  kNull = 6,
  kTimestamp = 7,  // old TIMESTAMP: 4-byte little-endian epoch
  kLongLong = 8,
  kInt24 = 9,
  kDate = 10,
  kTime = 11,      // old TIME
  kDateTime = 12,  // old DATETIME
  kYear = 13,
  kNewDate = 14,
  kVarchar = 15,
  kBit = 16,
  kTimestamp2 = 17,
  kDateTime2 = 18,
  kTime2 = 19,
  kTypedArray = 20,
  kVector = 242,
  kInvalid = 243,
  kBool = 244,
  kJson = 245,
  kNewDecimal = 246,
  kEnum = 247,
  kSet = 248,
  kTinyBlob = 249,
  kMediumBlob = 250,
  kLongBlob = 251,
  kBlob = 252,
  kVarString = 253,
  kString = 254,
  kGeometry = 255,
};

// "LONG", "VARCHAR", ... (the names MySQL's sources use), or "UNKNOWN(<n>)"-less "UNKNOWN".
std::string_view ColumnTypeName(ColumnType type);

// The collation id MySQL uses for binary strings.
inline constexpr uint16_t kBinaryCollation = 63;

}  // namespace tributary::mysql
