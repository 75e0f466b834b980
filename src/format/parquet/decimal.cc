#include "format/parquet/decimal.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <string>

namespace tributary::format::parquet {

namespace {

// "1.5E-7" -> "0.00000015", "-2E+3" -> "-2000" (Java's BigDecimal.toString writes exponents).
Result<std::string> PlainFromExponent(std::string_view text, size_t e_pos) {
  std::string_view mantissa = text.substr(0, e_pos);
  std::string_view exp_text = text.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  int exp = 0;
  auto [end, ec] = std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);
  if (ec != std::errc() || end != exp_text.data() + exp_text.size() || exp_text.empty() ||
      exp > 200 || exp < -200) {
    return Error(Status::InvalidArgument(fmt::format("decimal '{}': bad exponent", text)));
  }
  std::string sign;
  if (!mantissa.empty() && (mantissa[0] == '-' || mantissa[0] == '+')) {
    if (mantissa[0] == '-') sign = "-";
    mantissa.remove_prefix(1);
  }
  std::string digits;
  int point = -1;  // digits before the decimal point
  for (char c : mantissa) {
    if (c == '.') {
      if (point >= 0)
        return Error(Status::InvalidArgument(fmt::format("decimal '{}': two points", text)));
      point = static_cast<int>(digits.size());
    } else {
      digits += c;  // non-digits are rejected by the plain parser
    }
  }
  if (point < 0) point = static_cast<int>(digits.size());
  point += exp;
  if (point <= 0) return sign + "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  if (static_cast<size_t>(point) >= digits.size()) {
    return sign + digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  }
  return sign + digits.substr(0, static_cast<size_t>(point)) + "." +
         digits.substr(static_cast<size_t>(point));
}

}  // namespace

Result<Unscaled256> ParseDecimalText(std::string_view text, int32_t precision, int32_t scale) {
  if (size_t e = text.find_first_of("eE"); e != std::string_view::npos) {
    auto plain = PlainFromExponent(text, e);
    if (!plain) return Error(plain.error());
    return ParseDecimalText(*plain, precision, scale);
  }
  auto bad = [&](std::string_view why) {
    return Error(Status::InvalidArgument(
        fmt::format("decimal '{}' for DECIMAL({},{}): {}", text, precision, scale, why)));
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  // limbs little-endian, 4 x 64 bits
  uint64_t limb[4] = {0, 0, 0, 0};
  auto mul_add = [&](uint32_t digit) {
    unsigned __int128 carry = digit;
    for (uint64_t& l : limb) {
      unsigned __int128 t = static_cast<unsigned __int128>(l) * 10 + carry;
      l = static_cast<uint64_t>(t);
      carry = t >> 64;
    }
  };
  int digits = 0;  // significant digits so far
  int frac = 0;
  bool any = false, dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (dot) return bad("two decimal points");
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return bad("not a decimal number");
    any = true;
    if (dot) {
      if (frac == scale) {
        if (c != '0') return bad("more fraction digits than the scale");
        continue;
      }
      ++frac;
    }
    if (digits > 0 || c != '0') ++digits;
    if (digits > 76) return bad("too many digits");
    mul_add(static_cast<uint32_t>(c - '0'));
  }
  if (!any) return bad("no digits");
  for (; frac < scale; ++frac) {
    if (digits > 0) ++digits;
    mul_add(0);
  }
  if (digits > precision) return bad("more digits than the precision");
  if (negative) {
    // two's complement: invert and add one
    unsigned __int128 carry = 1;
    for (uint64_t& l : limb) {
      unsigned __int128 t = static_cast<unsigned __int128>(~l) + carry;
      l = static_cast<uint64_t>(t);
      carry = t >> 64;
    }
  }
  Unscaled256 v;
  for (int k = 0; k < 32; ++k) {
    v.bytes[31 - k] = static_cast<uint8_t>(limb[k / 8] >> (8 * (k % 8)));
  }
  return v;
}

Result<Unscaled256> DecimalFromBigEndian(std::span<const uint8_t> bytes) {
  if (bytes.size() > 32) {
    return Error(
        Status::InvalidArgument(fmt::format("decimal of {} bytes: at most 32", bytes.size())));
  }
  Unscaled256 v;
  uint8_t fill = !bytes.empty() && (bytes[0] & 0x80) ? 0xFF : 0x00;
  std::memset(v.bytes, fill, 32);
  if (!bytes.empty()) std::memcpy(v.bytes + 32 - bytes.size(), bytes.data(), bytes.size());
  return v;
}

Status NarrowDecimal(const Unscaled256& v, int32_t width, uint8_t* out) {
  if (width < 1 || width > 32) return Status::InvalidArgument("decimal width must be 1..32");
  uint8_t fill = (v.bytes[0] & 0x80) ? 0xFF : 0x00;
  for (int k = 0; k < 32 - width; ++k) {
    if (v.bytes[k] != fill)
      return Status::InvalidArgument(fmt::format("decimal does not fit in {} bytes", width));
  }
  if ((v.bytes[32 - width] & 0x80) != (fill & 0x80)) {
    return Status::InvalidArgument(fmt::format("decimal does not fit in {} bytes", width));
  }
  std::memcpy(out, v.bytes + 32 - width, static_cast<size_t>(width));
  return Status::Ok();
}

Result<int64_t> DecimalToInt64(const Unscaled256& v) {
  uint8_t b[8];
  Status s = NarrowDecimal(v, 8, b);
  if (!s.ok()) return Error(s);
  uint64_t u = 0;
  for (uint8_t x : b) u = (u << 8) | x;
  return static_cast<int64_t>(u);
}

}  // namespace tributary::format::parquet
