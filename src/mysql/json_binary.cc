#include "mysql/json_binary.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <iterator>
#include <system_error>

#include "common/byte_reader.h"
#include "common/json_text.h"
#include "mysql/column_type.h"
#include "mysql/decimal.h"

namespace tributary::mysql {
namespace {

// Type bytes of binary JSON values (MySQL JSONB_TYPE_*).
constexpr uint8_t kSmallObject = 0x00;
constexpr uint8_t kLargeObject = 0x01;
constexpr uint8_t kSmallArray = 0x02;
constexpr uint8_t kLargeArray = 0x03;
constexpr uint8_t kLiteral = 0x04;
constexpr uint8_t kInt16 = 0x05;
constexpr uint8_t kUint16 = 0x06;
constexpr uint8_t kInt32 = 0x07;
constexpr uint8_t kUint32 = 0x08;
constexpr uint8_t kInt64 = 0x09;
constexpr uint8_t kUint64 = 0x0A;
constexpr uint8_t kDouble = 0x0B;
constexpr uint8_t kString = 0x0C;
constexpr uint8_t kOpaque = 0x0F;

constexpr uint8_t kNullLiteral = 0x00;
constexpr uint8_t kTrueLiteral = 0x01;
constexpr uint8_t kFalseLiteral = 0x02;

Status Corrupt(size_t offset, std::string_view what) {
  return Status::Corruption(fmt::format("binary JSON: {} at offset {}", what, offset));
}

// Values small enough to live in their value entry instead of behind an offset.
bool IsInlined(uint8_t type, bool large) {
  switch (type) {
    case kLiteral:
    case kInt16:
    case kUint16: return true;
    case kInt32:
    case kUint32: return large;
    default: return false;
  }
}

// ---------------------------------------------------------------------------------
// Scalar text.

// Broken-down temporal value of an opaque DATE/TIME/DATETIME/TIMESTAMP, which MySQL
// stores as its "packed" int64 (TIME_to_longlong_packed): fraction in the low 24 bits,
// then seconds (6 bits), minutes (6), hours (5 for datetimes, 10 for TIME), and for
// dates day (5 bits) and year*13+month.
struct PackedTemporal {
  bool negative = false;
  uint64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
};

bool IsTemporalType(uint8_t type) {
  switch (static_cast<ColumnType>(type)) {
    case ColumnType::kDate:
    case ColumnType::kTime:
    case ColumnType::kDateTime:
    case ColumnType::kTimestamp: return true;
    default: return false;
  }
}

Result<PackedTemporal> DecodeTemporal(const JsonScalar& s) {
  ByteReader reader(s.bytes.data(), s.bytes.size());
  if (s.bytes.size() != 8) {
    return Error(Corrupt(s.offset, fmt::format("opaque temporal (type {}) has {} bytes, not 8",
                                               s.opaque_type, s.bytes.size())));
  }
  auto raw = reader.ReadU64();
  if (!raw) return Error(raw.error());
  PackedTemporal t;
  t.negative = static_cast<int64_t>(*raw) < 0;
  // Magnitude without signed overflow, also for INT64_MIN.
  const uint64_t magnitude = t.negative ? 0 - *raw : *raw;
  t.micros = magnitude % (uint64_t{1} << 24);
  const uint64_t int_part = magnitude >> 24;
  if (static_cast<ColumnType>(s.opaque_type) == ColumnType::kTime) {
    t.hour = (int_part >> 12) % (1 << 10);
    t.minute = (int_part >> 6) % (1 << 6);
    t.second = int_part % (1 << 6);
  } else {
    const uint64_t ymd = int_part >> 17;
    const uint64_t ym = ymd >> 5;
    const uint64_t hms = int_part % (1 << 17);
    t.day = ymd % (1 << 5);
    t.month = ym % 13;
    t.year = ym / 13;
    t.second = hms % (1 << 6);
    t.minute = (hms >> 6) % (1 << 6);
    t.hour = hms >> 12;
  }
  // MySQL prints the fields with fixed widths without range checks; values wider than
  // those fields cannot come from a server and would not print as a temporal.
  if (t.year > 9999 || t.micros > 999'999) {
    return Error(
        Corrupt(s.offset, fmt::format("opaque temporal (type {}) out of range", s.opaque_type)));
  }
  return t;
}

// my_TIME_to_str(t, to, 6): DATE without time, TIME with its sign, DATETIME and
// TIMESTAMP without a sign (MySQL ignores it there); always 6 fraction digits.
void AppendTemporal(const PackedTemporal& t, uint8_t type, std::string* out) {
  auto it = std::back_inserter(*out);
  switch (static_cast<ColumnType>(type)) {
    case ColumnType::kDate:
      fmt::format_to(it, "\"{:04}-{:02}-{:02}\"", t.year, t.month, t.day);
      break;
    case ColumnType::kTime:
      fmt::format_to(it, "\"{}{:02}:{:02}:{:02}.{:06}\"", t.negative ? "-" : "", t.hour, t.minute,
                     t.second, t.micros);
      break;
    default:
      fmt::format_to(it, "\"{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}\"", t.year, t.month, t.day,
                     t.hour, t.minute, t.second, t.micros);
      break;
  }
}

constexpr int kDigitsPerWord = 9;
constexpr int kBytesPerWord = 4;
// Bytes of a leftover group of 0..8 digits in MySQL's binary DECIMAL (dig2bytes).
constexpr std::array<int, kDigitsPerWord> kLeftoverBytes = {0, 1, 1, 2, 2, 3, 3, 4, 4};

// Bytes `digits` decimal digits take in MySQL's binary DECIMAL (decimal_bin_size()
// for one part).
size_t BinarySize(int digits) {
  return static_cast<size_t>(digits / kDigitsPerWord * kBytesPerWord +
                             kLeftoverBytes[digits % kDigitsPerWord]);
}

// An opaque DECIMAL is a precision byte, a scale byte and the MySQL binary decimal.
// MySQL (Json_decimal::convert_from_binary) requires the sizes to agree and the value
// to fit its 9-word decimal buffer (81 digits), which is wider than DECIMAL(65,30).
Status AppendOpaqueDecimal(const JsonScalar& s, std::string* out) {
  ByteReader reader(s.bytes.data(), s.bytes.size());
  auto precision = reader.ReadU8();
  auto scale = reader.ReadU8();
  if (!precision || !scale) return Corrupt(s.offset, "opaque DECIMAL without precision and scale");
  const int p = *precision;
  const int f = *scale;
  constexpr int kMaxWords = 9;
  const auto words = [](int digits) { return (digits + kDigitsPerWord - 1) / kDigitsPerWord; };
  if (p < 1 || f > p || words(p - f) + words(f) > kMaxWords) {
    return Corrupt(s.offset,
                   fmt::format("opaque DECIMAL has invalid precision {} and scale {}", p, f));
  }
  const size_t expected = BinarySize(p - f) + BinarySize(f);
  if (reader.remaining() != expected) {
    return Corrupt(s.offset, fmt::format("opaque DECIMAL({},{}) has {} value bytes, expected {}", p,
                                         f, reader.remaining(), expected));
  }
  auto value = reader.ReadString(expected);
  if (!value) return value.error();
  // A computed DECIMAL can reach JSON declaring more digits than a DECIMAL column
  // allows (MySqlCdc's vector has DECIMAL(73,10) with leading zeros); AppendDecimalText
  // takes up to MySQL's 81-digit buffer.
  Status st = AppendDecimalText(*value, p, f, out);
  if (!st.ok()) {
    return Corrupt(s.offset, fmt::format("opaque DECIMAL({},{}): {}", p, f, st.message()));
  }
  return Status::Ok();
}

// MySQL's base64_encode(): standard alphabet with '=' padding, and a newline before
// every group that would start past 76 output characters.
void AppendMySqlBase64(std::string_view data, std::string* out) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t line = 0;
  for (size_t i = 0; i < data.size(); i += 3, line += 4) {
    if (line == 76) {
      out->push_back('\n');
      line = 0;
    }
    const size_t n = std::min<size_t>(3, data.size() - i);
    uint32_t group = static_cast<uint32_t>(static_cast<uint8_t>(data[i])) << 16;
    if (n > 1) group |= static_cast<uint32_t>(static_cast<uint8_t>(data[i + 1])) << 8;
    if (n > 2) group |= static_cast<uint8_t>(data[i + 2]);
    out->push_back(kAlphabet[(group >> 18) & 0x3F]);
    out->push_back(kAlphabet[(group >> 12) & 0x3F]);
    out->push_back(n > 1 ? kAlphabet[(group >> 6) & 0x3F] : '=');
    out->push_back(n > 2 ? kAlphabet[group & 0x3F] : '=');
  }
}

// Prints a double the way MySQL's my_gcvt(d, MY_GCVT_ARG_DOUBLE, 34, ...) does, and
// then, like Json_wrapper::to_string, appends ".0" when the text has neither '.' nor
// 'e'. my_gcvt asks dtoa (mode 4) for at most 34 significant digits, which for a
// double is always the shortest round-trip representation (at most 17 digits), so
// std::to_chars supplies the digits; the choice between fixed and exponential
// notation below follows my_gcvt's rules for that width.
Status AppendMySqlDouble(double value, size_t offset, std::string* out) {
  if (!std::isfinite(value)) return Corrupt(offset, "non-finite double");
  std::array<char, 64> buf;
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::scientific);
  if (ec != std::errc()) return Status::Internal("to_chars failed for a double");
  // buf holds "[-]d[.ddd]e<sign>dd": split into sign, digits and decimal exponent.
  std::string_view text(buf.data(), end - buf.data());
  const bool negative = text.front() == '-';
  if (negative) text.remove_prefix(1);
  const size_t e_pos = text.find('e');
  std::array<char, 32> digits;
  int len = 0;
  for (char c : text.substr(0, e_pos)) {
    if (c != '.') digits[len++] = c;
  }
  int exponent = 0;
  std::string_view exp_text = text.substr(e_pos + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  if (std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent).ec !=
      std::errc()) {
    return Status::Internal("unexpected to_chars output for a double");
  }
  // dtoa's decpt: the value is 0.<digits> * 10^decpt.
  int decpt = exponent + 1;

  constexpr int kMaxFieldWidth = 34;  // MY_GCVT_MAX_FIELD_WIDTH
  constexpr int kMaxDecptForF = 15;   // MAX_DECPT_FOR_F_FORMAT (DBL_DIG)
  const int width = kMaxFieldWidth - (value < 0 ? 1 : 0);
  const int exp_len = 1 + (decpt >= 101 || decpt <= -99) + (decpt >= 11 || decpt <= -9);
  const bool have_space = (decpt <= 0                   ? len - decpt + 2
                           : (decpt > 0 && decpt < len) ? len + 1
                                                        : decpt) <= width;
  const bool force_e = decpt <= 0 && width <= 2 - decpt && width >= 3 + exp_len;
  const bool use_f =
      (have_space ||
       ((decpt <= width && (decpt >= -1 || (decpt == -2 && (len > 1 || !force_e)))) && !force_e)) &&
      (!have_space || (decpt >= -kMaxDecptForF + 1 && (decpt <= kMaxDecptForF || len > decpt)));

  const size_t start = out->size();
  if (negative) out->push_back('-');
  if (use_f) {
    // With at most 17 digits and decpt >= -14 the digits always fit the width, so
    // my_gcvt's re-rounding for narrow fields never applies here.
    if (decpt <= 0) {
      out->append("0.");
      out->append(static_cast<size_t>(-decpt), '0');
      out->append(digits.data(), len);
    } else {
      int i = 1;
      for (; i <= len; ++i) {
        out->push_back(digits[i - 1]);
        if (i == decpt && i < len) out->push_back('.');
      }
      for (; i <= decpt; ++i) out->push_back('0');
    }
  } else {
    int exp10 = decpt - 1;
    const bool exp_negative = exp10 < 0;
    if (exp_negative) exp10 = -exp10;
    out->push_back(digits[0]);
    if (len > 1) {
      out->push_back('.');
      out->append(digits.data() + 1, len - 1);
    }
    out->push_back('e');
    if (exp_negative) out->push_back('-');
    fmt::format_to(std::back_inserter(*out), "{}", exp10);
  }
  const std::string_view printed(out->data() + start, out->size() - start);
  if (printed.find_first_of(".e") == std::string_view::npos) out->append(".0");
  return Status::Ok();
}

// Checks what printing a scalar would check, without printing it.
Status CheckScalar(const JsonScalar& s) {
  if (s.kind == JsonScalar::Kind::kDouble && !std::isfinite(s.double_value)) {
    return Corrupt(s.offset, "non-finite double");
  }
  if (s.kind != JsonScalar::Kind::kOpaque) return Status::Ok();
  if (IsTemporalType(s.opaque_type)) {
    auto t = DecodeTemporal(s);
    return t ? Status::Ok() : t.error();
  }
  if (static_cast<ColumnType>(s.opaque_type) == ColumnType::kNewDecimal) {
    std::string scratch;
    return AppendOpaqueDecimal(s, &scratch);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------
// The walker.

// Walks a document depth-first. Every read goes through a ByteReader limited to the
// enclosing value, so no offset can reach outside it. To keep the work proportional to
// the input, every byte may belong to one value only: each value "spends" the bytes it
// occupies (headers and keys for containers, the encoding for scalars) from a budget
// of the document size, and a document whose values overlap runs out of budget.
class Walker {
 public:
  Walker(std::span<const std::byte> document, JsonBinaryVisitor* visitor, bool check_scalars)
      : doc_(document),
        visitor_(visitor),
        check_scalars_(check_scalars),
        budget_(document.size()) {}

  Status Walk() {
    if (doc_.empty()) return visitor_->OnScalar(JsonScalar{});
    auto type = ReadUintAt(0, 1, doc_.size());
    if (!type) return type.error();
    return WalkValue(static_cast<uint8_t>(*type), 1, doc_.size(), 0);
  }

 private:
  // Little-endian unsigned of `width` bytes at `offset`, which must end by `limit`.
  Result<uint64_t> ReadUintAt(size_t offset, size_t width, size_t limit) const {
    ByteReader reader(doc_.first(std::min(limit, doc_.size())));
    if (Status st = reader.Skip(offset); !st.ok()) return Error(Truncated(offset, width, limit));
    auto v = reader.ReadUint(width);
    if (!v) return Error(Truncated(offset, width, limit));
    return *v;
  }
  Result<std::string_view> ReadStringAt(size_t offset, size_t length, size_t limit) const {
    ByteReader reader(doc_.first(std::min(limit, doc_.size())));
    if (Status st = reader.Skip(offset); !st.ok()) return Error(Truncated(offset, length, limit));
    auto v = reader.ReadString(length);
    if (!v) return Error(Truncated(offset, length, limit));
    return *v;
  }
  static Status Truncated(size_t offset, size_t wanted, size_t limit) {
    return Corrupt(offset, fmt::format("truncated: need {} byte(s), the enclosing value ends at {}",
                                       wanted, limit));
  }

  Status Spend(size_t bytes, size_t offset) {
    if (bytes > budget_) return Corrupt(offset, "values overlap other values");
    budget_ -= bytes;
    return Status::Ok();
  }

  // MySQL's variable-length integer (string and opaque lengths): 7 bits per byte, low
  // bits first, high bit set on every byte but the last; at most 5 bytes, < 2^32.
  Result<uint32_t> ReadVariableLength(size_t offset, size_t limit, size_t* size) const {
    uint64_t length = 0;
    for (size_t i = 0; i < 5; ++i) {
      auto byte = ReadUintAt(offset + i, 1, limit);
      if (!byte) return Error(byte.error());
      length |= (*byte & 0x7F) << (7 * i);
      if ((*byte & 0x80) == 0) {
        if (length > UINT32_MAX) break;
        *size = i + 1;
        return static_cast<uint32_t>(length);
      }
    }
    return Error(Corrupt(offset, "invalid variable-length integer"));
  }

  // A scalar of `type` whose encoding starts at `offset` and must end by `limit`;
  // *size gets the number of bytes it occupies.
  Result<JsonScalar> ReadScalar(uint8_t type, size_t offset, size_t limit, size_t* size) const {
    JsonScalar s;
    s.offset = offset;
    auto fixed = [&](size_t width) -> Result<uint64_t> {
      *size = width;
      return ReadUintAt(offset, width, limit);
    };
    switch (type) {
      case kLiteral: {
        auto v = fixed(1);
        if (!v) return Error(v.error());
        switch (*v) {
          case kNullLiteral: s.kind = JsonScalar::Kind::kNull; break;
          case kTrueLiteral: s.kind = JsonScalar::Kind::kTrue; break;
          case kFalseLiteral: s.kind = JsonScalar::Kind::kFalse; break;
          default: return Error(Corrupt(offset, fmt::format("invalid literal 0x{:02X}", *v)));
        }
        return s;
      }
      case kInt16:
      case kInt32:
      case kInt64: {
        const size_t width = type == kInt16 ? 2 : type == kInt32 ? 4 : 8;
        auto v = fixed(width);
        if (!v) return Error(v.error());
        // Sign-extend from `width` bytes.
        const unsigned shift = 64 - 8 * static_cast<unsigned>(width);
        s.kind = JsonScalar::Kind::kInt;
        s.int_value = static_cast<int64_t>(*v << shift) >> shift;
        return s;
      }
      case kUint16:
      case kUint32:
      case kUint64: {
        auto v = fixed(type == kUint16 ? 2 : type == kUint32 ? 4 : 8);
        if (!v) return Error(v.error());
        s.kind = JsonScalar::Kind::kUint;
        s.uint_value = *v;
        return s;
      }
      case kDouble: {
        auto v = fixed(8);
        if (!v) return Error(v.error());
        s.kind = JsonScalar::Kind::kDouble;
        s.double_value = std::bit_cast<double>(*v);
        return s;
      }
      case kString: {
        size_t prefix = 0;
        auto length = ReadVariableLength(offset, limit, &prefix);
        if (!length) return Error(length.error());
        auto text = ReadStringAt(offset + prefix, *length, limit);
        if (!text) return Error(text.error());
        s.kind = JsonScalar::Kind::kString;
        s.bytes = *text;
        *size = prefix + *length;
        return s;
      }
      case kOpaque: {
        auto field_type = ReadUintAt(offset, 1, limit);
        if (!field_type) return Error(field_type.error());
        size_t prefix = 0;
        auto length = ReadVariableLength(offset + 1, limit, &prefix);
        if (!length) return Error(length.error());
        auto data = ReadStringAt(offset + 1 + prefix, *length, limit);
        if (!data) return Error(data.error());
        s.kind = JsonScalar::Kind::kOpaque;
        s.opaque_type = static_cast<uint8_t>(*field_type);
        s.bytes = *data;
        *size = 1 + prefix + *length;
        return s;
      }
      default: return Error(Corrupt(offset, fmt::format("unknown value type 0x{:02X}", type)));
    }
  }

  Status EmitScalar(const JsonScalar& s) {
    if (check_scalars_) {
      if (Status st = CheckScalar(s); !st.ok()) return st;
    }
    return visitor_->OnScalar(s);
  }

  // The value of `type` at `offset`, which must end by `limit`; `depth` containers
  // enclose it.
  Status WalkValue(uint8_t type, size_t offset, size_t limit, int depth) {
    switch (type) {
      case kSmallObject: return WalkContainer(true, false, offset, limit, depth);
      case kLargeObject: return WalkContainer(true, true, offset, limit, depth);
      case kSmallArray: return WalkContainer(false, false, offset, limit, depth);
      case kLargeArray: return WalkContainer(false, true, offset, limit, depth);
      default: break;
    }
    size_t size = 0;
    auto s = ReadScalar(type, offset, limit, &size);
    if (!s) return s.error();
    if (Status st = Spend(size, offset); !st.ok()) return st;
    return EmitScalar(*s);
  }

  Status WalkContainer(bool is_object, bool large, size_t offset, size_t limit, int depth) {
    const char* what = is_object ? "object" : "array";
    if (depth + 1 > kJsonMaxDepth) {
      return Corrupt(offset, fmt::format("{} nested deeper than {} levels", what, kJsonMaxDepth));
    }
    const size_t offset_size = large ? 4 : 2;
    auto count = ReadUintAt(offset, offset_size, limit);
    if (!count) return count.error();
    auto bytes = ReadUintAt(offset + offset_size, offset_size, limit);
    if (!bytes) return bytes.error();
    if (*bytes > limit - offset) {
      return Corrupt(offset, fmt::format("{} of {} bytes overruns its enclosing value, which has "
                                         "{} bytes left",
                                         what, *bytes, limit - offset));
    }
    const size_t key_entry_size = 2 + offset_size;
    const size_t value_entry_size = 1 + offset_size;
    // count < 2^32 and the entry sizes are small, so this cannot overflow 64 bits.
    const uint64_t header_size =
        2 * offset_size + *count * (is_object ? key_entry_size : 0) + *count * value_entry_size;
    if (header_size > *bytes) {
      return Corrupt(
          offset, fmt::format("{} of {} elements does not fit its {} bytes", what, *count, *bytes));
    }
    if (Status st = Spend(header_size, offset); !st.ok()) return st;
    const size_t end = offset + *bytes;
    const auto n = static_cast<uint32_t>(*count);
    const size_t value_entries = offset + 2 * offset_size + (is_object ? n * key_entry_size : 0);

    Status st = is_object ? visitor_->OnObjectBegin(n) : visitor_->OnArrayBegin(n);
    if (!st.ok()) return st;
    for (uint32_t i = 0; i < n; ++i) {
      if (is_object) {
        const size_t key_entry = offset + 2 * offset_size + i * key_entry_size;
        auto key_offset = ReadUintAt(key_entry, offset_size, end);
        if (!key_offset) return key_offset.error();
        auto key_length = ReadUintAt(key_entry + offset_size, 2, end);
        if (!key_length) return key_length.error();
        if (*key_offset < header_size || *key_offset + *key_length > *bytes) {
          return Corrupt(key_entry,
                         fmt::format("key {} ({} bytes at relative offset {}) is outside "
                                     "its object's key area",
                                     i, *key_length, *key_offset));
        }
        if (st = Spend(*key_length, offset + *key_offset); !st.ok()) return st;
        auto key = ReadStringAt(offset + *key_offset, *key_length, end);
        if (!key) return key.error();
        if (st = visitor_->OnKey(*key); !st.ok()) return st;
      }
      const size_t entry = value_entries + i * value_entry_size;
      auto type = ReadUintAt(entry, 1, end);
      if (!type) return type.error();
      const auto value_type = static_cast<uint8_t>(*type);
      if (IsInlined(value_type, large)) {
        size_t size = 0;
        auto s = ReadScalar(value_type, entry + 1, entry + value_entry_size, &size);
        if (!s) return s.error();
        st = EmitScalar(*s);
      } else {
        auto value_offset = ReadUintAt(entry + 1, offset_size, end);
        if (!value_offset) return value_offset.error();
        // Like MySQL: a value lies after its own entry and starts inside the container.
        if (*value_offset < entry + value_entry_size - offset || *value_offset >= *bytes) {
          return Corrupt(entry, fmt::format("element {} points to relative offset {}, outside its "
                                            "{} of {} bytes",
                                            i, *value_offset, what, *bytes));
        }
        st = WalkValue(value_type, offset + *value_offset, end, depth + 1);
      }
      if (!st.ok()) return st;
    }
    return is_object ? visitor_->OnObjectEnd() : visitor_->OnArrayEnd();
  }

  std::span<const std::byte> doc_;
  JsonBinaryVisitor* visitor_;
  bool check_scalars_;
  size_t budget_;
};

// Prints MySQL's one-line form: ", " between elements, ": " after keys.
class TextPrinter final : public JsonBinaryVisitor {
 public:
  explicit TextPrinter(std::string* out) : out_(out) {}

  Status OnObjectBegin(uint32_t) override { return Open('{'); }
  Status OnKey(std::string_view key) override {
    Separate();
    AppendJsonQuotedString(key, out_);
    out_->append(": ");
    need_comma_ = false;
    return Status::Ok();
  }
  Status OnObjectEnd() override { return Close('}'); }
  Status OnArrayBegin(uint32_t) override { return Open('['); }
  Status OnArrayEnd() override { return Close(']'); }
  Status OnScalar(const JsonScalar& scalar) override {
    Separate();
    need_comma_ = true;
    return AppendJsonScalarText(scalar, out_);
  }

 private:
  void Separate() {
    if (need_comma_) out_->append(", ");
  }
  Status Open(char bracket) {
    Separate();
    out_->push_back(bracket);
    need_comma_ = false;
    return Status::Ok();
  }
  Status Close(char bracket) {
    out_->push_back(bracket);
    need_comma_ = true;
    return Status::Ok();
  }

  std::string* out_;
  bool need_comma_ = false;  // a value was just completed at the current level
};

}  // namespace

void AppendJsonQuotedString(std::string_view text, std::string* out) {
  // MySQL's quoting (Json_wrapper::to_string) escapes exactly what JSON requires, as
  // AppendJsonEscaped does; stored JSON strings are valid utf8mb4.
  out->push_back('"');
  AppendJsonEscaped(text, out);
  out->push_back('"');
}

Status AppendJsonScalarText(const JsonScalar& s, std::string* out) {
  auto it = std::back_inserter(*out);
  switch (s.kind) {
    case JsonScalar::Kind::kNull: out->append("null"); return Status::Ok();
    case JsonScalar::Kind::kTrue: out->append("true"); return Status::Ok();
    case JsonScalar::Kind::kFalse: out->append("false"); return Status::Ok();
    case JsonScalar::Kind::kInt: fmt::format_to(it, "{}", s.int_value); return Status::Ok();
    case JsonScalar::Kind::kUint: fmt::format_to(it, "{}", s.uint_value); return Status::Ok();
    case JsonScalar::Kind::kDouble: return AppendMySqlDouble(s.double_value, s.offset, out);
    case JsonScalar::Kind::kString: AppendJsonQuotedString(s.bytes, out); return Status::Ok();
    case JsonScalar::Kind::kOpaque: break;
  }
  if (IsTemporalType(s.opaque_type)) {
    auto t = DecodeTemporal(s);
    if (!t) return t.error();
    AppendTemporal(*t, s.opaque_type, out);
    return Status::Ok();
  }
  switch (static_cast<ColumnType>(s.opaque_type)) {
    case ColumnType::kNewDecimal: {
      const size_t old_size = out->size();
      Status st = AppendOpaqueDecimal(s, out);
      if (!st.ok()) out->resize(old_size);
      return st;
    }
    case ColumnType::kVarString:
      // Json_wrapper::to_string prints VAR_STRING opaques (strings from subqueries
      // stored as opaque) as plain JSON strings.
      AppendJsonQuotedString(s.bytes, out);
      return Status::Ok();
    default: {
      // "base64:type<N>:<data>", quoted and escaped (the newlines become \n).
      std::string encoded = fmt::format("base64:type{}:", s.opaque_type);
      AppendMySqlBase64(s.bytes, &encoded);
      AppendJsonQuotedString(encoded, out);
      return Status::Ok();
    }
  }
}

Status WalkJsonBinary(std::span<const std::byte> binary, JsonBinaryVisitor* visitor) {
  return Walker(binary, visitor, /*check_scalars=*/true).Walk();
}

Status AppendJsonText(std::span<const std::byte> binary, std::string* out) {
  const size_t old_size = out->size();
  TextPrinter printer(out);
  // The printer checks each scalar as it prints it.
  Status st = Walker(binary, &printer, /*check_scalars=*/false).Walk();
  if (!st.ok()) out->resize(old_size);
  return st;
}

}  // namespace tributary::mysql
