// MySQL's binary DECIMAL format (DECIMAL/NUMERIC columns, JSON opaque decimals).
//
// Layout: big-endian groups of 9 decimal digits in 4 bytes, with the leftover digits of
// the integer and fraction parts in 1..4 bytes; the sign is the inverted top bit, and a
// negative number has every byte inverted.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::mysql {

// Bytes a DECIMAL(precision, scale) value takes in a row image; 0 when precision and
// scale are outside MySQL's limits (precision 1..81 — 65 for columns, 81 for computed values in JSON —, scale 0..30,
// scale <= precision).
size_t DecimalBinarySize(int precision, int scale);

// Appends the exact decimal text ("-12.50", "0.000", "123") of the binary value `bin`
// (exactly DecimalBinarySize(precision, scale) bytes) to `out`: `scale` fraction digits,
// no leading zeros in the integer part except a single 0, '-' for negative values (a
// negative zero is written without the sign). Corruption if `bin` has the wrong size or a
// digit group holds more digits than it may; `out` is then left unchanged.
Status AppendDecimalText(std::string_view bin, int precision, int scale, std::string* out);

// Appends the binary form of the decimal text `text` ("-12.5", "0.000", "123", ".5",
// "+7"; no exponent) as a DECIMAL(precision, scale): DecimalBinarySize(precision, scale)
// bytes, the inverse of AppendDecimalText. Fraction digits beyond `scale` must be zeros
// (no rounding); a negative zero is stored as zero, as the server stores it.
// InvalidArgument when the text is not a decimal number or does not fit (too many
// integer digits, non-zero digits beyond the scale, precision/scale outside the limits);
// `out` is then left unchanged.
Status AppendDecimalBinary(std::string_view text, int precision, int scale, std::string* out);

}  // namespace tributary::mysql
