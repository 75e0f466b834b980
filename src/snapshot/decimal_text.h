// The server's DECIMAL text, checked to be the canonical form a Value can carry as is
// (event::ValueKind::kDecimalText).
//
// In the binary protocol MariaDB and MySQL send a DECIMAL column as text ("-12.50").
// The snapshot reader passes that text on when it is exactly what
// mysql::AppendDecimalText writes for the column's binary form, so the encoders give the
// same output as for the binlog's value without a text → binary → text round trip;
// anything else (ZEROFILL padding, a sign on zero, a scale that differs from the
// column's) takes the binary path, which normalizes.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace tributary::snapshot {

// True when `text` is the canonical text of a DECIMAL(precision, scale) value: an
// optional '-', the integer digits (a lone "0", or at most precision - scale digits
// without a leading zero), then for scale > 0 a '.' and exactly `scale` digits; no '-'
// on a zero value. False for everything else, including precision/scale outside
// MySQL's limits.
bool IsCanonicalDecimalText(std::string_view text, int precision, int scale);

}  // namespace tributary::snapshot
