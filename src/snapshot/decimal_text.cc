#include "snapshot/decimal_text.h"

namespace tributary::snapshot {

bool IsCanonicalDecimalText(std::string_view text, int precision, int scale) {
  if (precision < 1 || precision > 65 || scale < 0 || scale > 30 || scale > precision) {
    return false;
  }
  const char* p = text.data();
  const char* end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  const char* int_start = p;
  while (p != end && *p >= '0' && *p <= '9') ++p;
  const size_t int_digits = static_cast<size_t>(p - int_start);
  if (int_digits == 0) return false;
  bool nonzero = *int_start != '0';
  if (int_digits > 1) {
    // Several integer digits: no leading zero, and no more than the column holds.
    if (!nonzero || int_digits > static_cast<size_t>(precision - scale)) return false;
  }
  if (scale > 0) {
    if (p == end || *p != '.') return false;
    ++p;
    if (end - p != scale) return false;
    for (const char* q = p; q != end; ++q) {
      if (*q < '0' || *q > '9') return false;
      nonzero |= *q != '0';
    }
  } else if (p != end) {
    return false;
  }
  // A single nonzero integer digit needs room for an integer part.
  if (int_digits == 1 && *int_start != '0' && precision == scale) return false;
  return nonzero || !negative;
}

}  // namespace tributary::snapshot
