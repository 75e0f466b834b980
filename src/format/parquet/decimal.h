// DECIMAL values for Parquet: exact text ("-123.4500", as MySQL and Debezium's string
// mode give them) or big-endian two's complement unscaled bytes (Debezium's precise
// mode) to the unscaled integer in the width a column stores (INT32, INT64 or
// FIXED_LEN_BYTE_ARRAY of N bytes). Up to 76 digits (256 bits); MySQL's maximum is 65.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/status.h"

namespace tributary::format::parquet {

// 32-byte big-endian two's complement, the widest unscaled value we handle.
struct Unscaled256 {
  uint8_t bytes[32];
};

// Parses decimal text: optional sign, digits, optional '.' and fraction, optional exponent
// ("1.5E-7", as Java's BigDecimal.toString writes small values). Fewer fraction
// digits than `scale` are padded with zeros; more are an error unless they are zeros.
// Errors when the value has more than `precision` digits.
Result<Unscaled256> ParseDecimalText(std::string_view text, int32_t precision, int32_t scale);

// Sign-extends big-endian two's complement bytes (at most 32) to 256 bits.
Result<Unscaled256> DecimalFromBigEndian(std::span<const uint8_t> bytes);

// Writes the low `width` bytes of `v` (big-endian) to `out`; errors when the value does
// not fit in `width` bytes of two's complement.
Status NarrowDecimal(const Unscaled256& v, int32_t width, uint8_t* out);

// The value as a signed 64-bit integer; errors when it does not fit.
Result<int64_t> DecimalToInt64(const Unscaled256& v);

}  // namespace tributary::format::parquet
