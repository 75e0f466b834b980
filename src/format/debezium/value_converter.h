// Column values → the JSON text JsonConverter writes for them (formats.md 2.11).
//
// A ColumnPlan is decided once per column when a table's encoding is built
// (schema_builder.h): the conversion, the Connect field schema, the default and the
// mapper. AppendColumnJson then runs per value on the hot path: it appends to `out`
// without allocating (a reused scratch string holds charset-converted text).
//
// Null handling follows Debezium + JsonConverter: a null (or zero date, which Debezium
// reads as null) in an optional column is written as the schema default when the
// converter replaces nulls with defaults, else `null`; in a required column it becomes
// the default, or the type's fallback (0, "", epoch). An absent value (a column missing
// from a MINIMAL row image) is written like a null: Debezium, reading such images,
// fills the missing columns with null too.
//
// Thread-compatible: plans are immutable; callers pass their own scratch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.h"
#include "common/status.h"
#include "event/value.h"
#include "format/debezium/column_filters.h"
#include "format/debezium/connect_schema.h"
#include "format/debezium/options.h"

namespace tributary::format::debezium {

enum class Conversion : uint8_t {
  kBoolean,          // BOOLEAN, BIT(1)
  kInteger,          // int16/int32/int64, signed or unsigned (widened); BIGINT UNSIGNED long wraps
  kUnsignedDecimal,  // BIGINT UNSIGNED, bigint.unsigned.handling.mode=precise
  kFloat32,
  kFloat64,
  kDecimalPrecise,   // Connect Decimal
  kDecimalDouble,
  kDecimalString,
  kString,           // text in a character set → UTF-8
  kBinary,           // BINARY/VARBINARY/BLOB per binary.handling.mode
  kBits,             // BIT(M>1): io.debezium.data.Bits, little-endian bytes
  kEnum,
  kSet,
  kJson,
  kYear,
  kDateDays,         // io.debezium.time.Date / connect Date: days since epoch
  kTimeMicros,       // MicroTime
  kTimeMillis,       // io.debezium.time.Time / connect Time
  kDateTimeMillis,   // Timestamp / connect Timestamp
  kDateTimeMicros,   // MicroTimestamp
  kZonedTimestamp,   // TIMESTAMP: ISO-8601 UTC string
  kGeometry,         // io.debezium.data.geometry.Geometry {wkb, srid}
  kPoint,            // io.debezium.data.geometry.Point {x, y, wkb, srid}
  kVector,           // FloatVector: array of float32
  kText,             // MariaDB UUID/INET*: the value's text
};

struct ColumnPlan {
  int column_index = 0;  // position in the row image (TableSchema::columns order)
  std::string field_name;
  std::string field_name_json;  // `,"name":` pre-rendered for payload objects (the comma
                                // becomes the `{` of the first field)
  Conversion conversion = Conversion::kString;
  bool optional = true;
  bool is_unsigned = false;
  uint8_t int_bits = 32;       // declared integer width (8, 16, 24, 32, 64)
  int precision = 10;          // DECIMAL
  int scale = 0;
  int fsp = -1;                // declared fractional digits; -1 when not declared
  int length = -1;             // declared length (hash masks are cut to it)
  uint16_t collation = 0;      // for text values that carry none
  BinaryMode binary_mode = BinaryMode::kBytes;
  bool decimal_numeric = false;  // the converter's decimal.format=NUMERIC
  bool time_adjuster = true;
  std::vector<std::string> enum_values;
  std::optional<ColumnMapper> mapper;  // value-changing mappers only (not in keys)
  std::optional<std::string> default_json;  // == schema.default_json
  std::string fallback_json;                // for nulls in required columns without default
  ConnectSchema schema;                     // the field schema
};

// Appends the JSON for `v` (never empty output). `replace_null_with_default` is the
// converter's setting. Errors: Corruption for bytes that cannot be a value of the
// column's type (a DECIMAL of the wrong size, a JSON diff without its document), with
// the column named.
Status AppendColumnJson(const ColumnPlan& plan, const event::Value& v,
                        bool replace_null_with_default, std::string* out, std::string* scratch);

// Appends the big-endian minimal two's complement bytes of the decimal integer
// `digits` (ASCII digits, may have leading zeros), negated when `negative`: Java's
// BigInteger.toByteArray() of the unscaled value.
void AppendTwosComplement(std::string_view digits, bool negative, std::string* out);

// Days since 1970-01-01 of a proleptic Gregorian date (common/civil_date.h).
using ::tributary::DaysFromCivil;

// The JSON of a column default (Debezium's BinlogDefaultValueConverter followed by the
// column's converter): `expression` is the DEFAULT as written, unquoted for literals;
// CURRENT_TIMESTAMP / NOW() count as "1970-01-01 00:00:00". nullopt when Debezium would
// set no default (NULL, expressions, zero dates in nullable columns, unparsable text).
std::optional<std::string> DefaultJson(const ColumnPlan& plan, std::string_view expression);

}  // namespace tributary::format::debezium
