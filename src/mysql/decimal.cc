#include "mysql/decimal.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace tributary::mysql {
namespace {

// DECIMAL columns hold at most 65 digits, but computed decimals stored in JSON documents
// can declare up to 81 (MySQL's 9-word decimal buffer); the binary format is the same.
constexpr int kMaxPrecision = 81;
constexpr int kMaxScale = 30;
constexpr int kDigitsPerGroup = 9;
constexpr int kBytesPerGroup = 4;

// Bytes MySQL uses for a leftover group of 0..8 digits (the smallest big-endian integer
// that holds 10^digits - 1).
constexpr std::array<int, kDigitsPerGroup> kLeftoverBytes = {0, 1, 1, 2, 2, 3, 3, 4, 4};
constexpr std::array<uint32_t, kDigitsPerGroup + 1> kPow10 = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

size_t PartSize(int digits) {
  return static_cast<size_t>(digits / kDigitsPerGroup * kBytesPerGroup +
                             kLeftoverBytes[digits % kDigitsPerGroup]);
}

// Walks the groups of one binary DECIMAL, undoing the sign encoding byte by byte, and
// writes their digits into a fixed buffer. The caller has checked the size.
class DigitWriter {
 public:
  DigitWriter(std::string_view bin, bool negative) : bin_(bin), mask_(negative ? 0xFF : 0x00) {}

  // Reads the next group of `digits` digits (0..9) and appends them zero-padded; false when
  // the group's value has more digits than it may (not a valid DECIMAL).
  bool Group(int digits) {
    const int nbytes = digits == kDigitsPerGroup ? kBytesPerGroup : kLeftoverBytes[digits];
    uint32_t value = 0;
    for (int i = 0; i < nbytes; ++i, ++pos_) {
      uint8_t b = static_cast<uint8_t>(bin_[pos_]) ^ mask_;
      if (pos_ == 0) b ^= 0x80;  // the sign bit, stored inverted
      value = (value << 8) | b;
    }
    if (value >= kPow10[digits]) return false;
    for (int i = digits - 1; i >= 0; --i) {
      digits_[count_ + i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    count_ += digits;
    return true;
  }

  std::string_view digits() const { return std::string_view(digits_.data(), count_); }

 private:
  std::string_view bin_;
  uint8_t mask_;
  size_t pos_ = 0;
  std::array<char, kMaxPrecision> digits_{};
  size_t count_ = 0;
};

}  // namespace

size_t DecimalBinarySize(int precision, int scale) {
  if (precision < 1 || precision > kMaxPrecision || scale < 0 || scale > kMaxScale ||
      scale > precision) {
    return 0;
  }
  return PartSize(precision - scale) + PartSize(scale);
}

Status AppendDecimalText(std::string_view bin, int precision, int scale, std::string* out) {
  const size_t size = DecimalBinarySize(precision, scale);
  if (size == 0) {
    return Status::Corruption(
        fmt::format("DECIMAL({},{}) is outside MySQL's limits (precision 1..81, scale 0..30)",
                    precision, scale));
  }
  if (bin.size() != size) {
    return Status::Corruption(fmt::format("DECIMAL({},{}) value has {} byte(s), expected {}",
                                          precision, scale, bin.size(), size));
  }
  const bool negative = (static_cast<uint8_t>(bin[0]) & 0x80) == 0;
  DigitWriter writer(bin, negative);
  const int intg = precision - scale;
  // Integer part: the leftover (most significant) group first, then full groups; fraction
  // part: full groups first, then the leftover (least significant) group.
  bool ok = writer.Group(intg % kDigitsPerGroup);
  for (int i = 0; ok && i < intg / kDigitsPerGroup; ++i) ok = writer.Group(kDigitsPerGroup);
  for (int i = 0; ok && i < scale / kDigitsPerGroup; ++i) ok = writer.Group(kDigitsPerGroup);
  if (ok) ok = writer.Group(scale % kDigitsPerGroup);
  if (!ok) {
    return Status::Corruption(
        fmt::format("DECIMAL({},{}) value has a digit group out of range", precision, scale));
  }

  std::string_view digits = writer.digits();
  std::string_view int_digits = digits.substr(0, static_cast<size_t>(intg));
  std::string_view frac_digits = digits.substr(static_cast<size_t>(intg));
  const size_t first_nonzero = int_digits.find_first_not_of('0');
  int_digits = first_nonzero == std::string_view::npos ? std::string_view("0")
                                                       : int_digits.substr(first_nonzero);
  if (negative && digits.find_first_not_of('0') != std::string_view::npos) out->push_back('-');
  out->append(int_digits);
  if (scale > 0) {
    out->push_back('.');
    out->append(frac_digits);
  }
  return Status::Ok();
}

Status AppendDecimalBinary(std::string_view text, int precision, int scale, std::string* out) {
  const size_t size = DecimalBinarySize(precision, scale);
  if (size == 0) {
    return Status::InvalidArgument(
        fmt::format("DECIMAL({},{}) is outside MySQL's limits (precision 1..81, scale 0..30)",
                    precision, scale));
  }
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a DECIMAL({},{}) value: {}", text, precision, scale, why));
  };
  std::string_view t = text;
  bool negative = false;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  const size_t dot = t.find('.');
  std::string_view int_text = t.substr(0, dot);
  std::string_view frac_text = dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1);
  if (int_text.empty() && frac_text.empty()) return bad("no digits");
  for (std::string_view part : {int_text, frac_text}) {
    for (char c : part) {
      if (c < '0' || c > '9') return bad("not a decimal number");
    }
  }
  while (!int_text.empty() && int_text.front() == '0') int_text.remove_prefix(1);
  const int intg = precision - scale;
  if (static_cast<int>(int_text.size()) > intg) return bad("too many integer digits");
  if (static_cast<int>(frac_text.size()) > scale) {
    if (frac_text.substr(static_cast<size_t>(scale)).find_first_not_of('0') !=
        std::string_view::npos) {
      return bad("more fraction digits than the scale");
    }
    frac_text = frac_text.substr(0, static_cast<size_t>(scale));
  }
  // All intg + scale digits, zero-padded on both sides.
  std::array<char, kMaxPrecision> digits;
  digits.fill('0');
  const size_t int_start = static_cast<size_t>(intg) - int_text.size();
  for (size_t i = 0; i < int_text.size(); ++i) digits[int_start + i] = int_text[i];
  for (size_t i = 0; i < frac_text.size(); ++i) digits[static_cast<size_t>(intg) + i] = frac_text[i];
  const size_t ndigits = static_cast<size_t>(precision);
  bool zero = true;
  for (size_t i = 0; i < ndigits; ++i) zero = zero && digits[i] == '0';
  if (zero) negative = false;

  std::array<uint8_t, 48> bin{};
  size_t pos = 0, at = 0;
  auto group = [&](int n) {
    uint32_t value = 0;
    for (int i = 0; i < n; ++i) value = value * 10 + static_cast<uint32_t>(digits[at++] - '0');
    const int nbytes = n == kDigitsPerGroup ? kBytesPerGroup : kLeftoverBytes[n];
    for (int i = nbytes - 1; i >= 0; --i) bin[pos++] = static_cast<uint8_t>(value >> (8 * i));
  };
  group(intg % kDigitsPerGroup);
  for (int i = 0; i < intg / kDigitsPerGroup; ++i) group(kDigitsPerGroup);
  for (int i = 0; i < scale / kDigitsPerGroup; ++i) group(kDigitsPerGroup);
  group(scale % kDigitsPerGroup);
  bin[0] ^= 0x80;
  const uint8_t mask = negative ? 0xFF : 0x00;
  for (size_t i = 0; i < size; ++i) out->push_back(static_cast<char>(bin[i] ^ mask));
  return Status::Ok();
}

}  // namespace tributary::mysql
