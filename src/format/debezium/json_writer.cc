#include "format/debezium/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace tributary::format::debezium {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";
constexpr char kLowerHex[] = "0123456789abcdef";

// Escape action per ASCII byte: 0 = copy, 1 = \u00XX, else the letter after '\'.
struct EscapeTable {
  char action[128] = {};
  constexpr EscapeTable() {
    for (int i = 0; i < 0x20; ++i) action[i] = 1;
    action['"'] = '"';
    action['\\'] = '\\';
    action['\b'] = 'b';
    action['\t'] = 't';
    action['\f'] = 'f';
    action['\n'] = 'n';
    action['\r'] = 'r';
  }
};
constexpr EscapeTable kEscapes;

// True when one of the 8 bytes of `w` may need more than a copy: below 0x20, '"', '\\',
// or 0xF0 and above (the lead byte of a 4-byte UTF-8 sequence). Exact for "any byte".
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;
constexpr uint64_t HasZeroByte(uint64_t x) { return (x - kOnes) & ~x & kHighs; }
constexpr bool HasSpecialByte(uint64_t w) {
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  const uint64_t quote = HasZeroByte(w ^ (kOnes * '"'));
  const uint64_t backslash = HasZeroByte(w ^ (kOnes * '\\'));
  const uint64_t four_byte_lead = HasZeroByte((w & (kOnes * 0xF0)) ^ (kOnes * 0xF0));
  return (below_space | quote | backslash | four_byte_lead) != 0;
}

// A decimal d1.d2d3... x 10^exponent, digits without leading or trailing zeros.
struct Decimal {
  char digits[32];
  int length = 0;
  int exponent = 0;
};

// Parses std::to_chars scientific output ("-1.25e+10") into `d`; returns the sign.
bool ParseScientific(const char* begin, const char* end, Decimal* d) {
  bool negative = false;
  const char* p = begin;
  if (p < end && *p == '-') {
    negative = true;
    ++p;
  }
  d->length = 0;
  while (p < end && *p != 'e') {
    if (*p != '.') d->digits[d->length++] = *p;
    ++p;
  }
  int exp = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), end, exp);
  d->exponent = exp;
  while (d->length > 1 && d->digits[d->length - 1] == '0') --d->length;
  return negative;
}

// Java's (JDK 19+) choice of decimal for `v`: the shortest that rounds to v; when that
// is a single digit, the closest decimal of 2 digits that still rounds to v.
template <typename F>
bool JavaDecimal(F v, Decimal* d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  bool negative = ParseScientific(buf, r.ptr, d);
  if (d->length == 1) {
    char buf2[64];
    auto r2 = std::to_chars(buf2, buf2 + sizeof(buf2), v, std::chars_format::scientific, 1);
    F back{};
    std::from_chars(buf2, r2.ptr, back);
    if (back == v) {
      Decimal two;
      ParseScientific(buf2, r2.ptr, &two);
      *d = two;
    }
  }
  return negative;
}

template <typename F>
void AppendJava(F v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v < 0 ? "-Infinity" : "Infinity");
    return;
  }
  if (v == 0) {
    out->append(std::signbit(v) ? "-0.0" : "0.0");
    return;
  }
  Decimal d;
  bool negative = JavaDecimal(v, &d);
  // Written to a local buffer, appended once (at most 1 + 5 + 17 + 6 characters).
  char buf[48];
  char* o = buf;
  if (negative) *o++ = '-';
  const int e = d.exponent;
  if (e >= -3 && e < 7) {
    if (e >= 0) {
      for (int i = 0; i <= e; ++i) *o++ = i < d.length ? d.digits[i] : '0';
      *o++ = '.';
      if (d.length > e + 1) {
        std::memcpy(o, d.digits + e + 1, static_cast<size_t>(d.length - e - 1));
        o += d.length - e - 1;
      } else {
        *o++ = '0';
      }
    } else {
      *o++ = '0';
      *o++ = '.';
      for (int i = 0; i < -e - 1; ++i) *o++ = '0';
      std::memcpy(o, d.digits, static_cast<size_t>(d.length));
      o += d.length;
    }
    out->append(buf, static_cast<size_t>(o - buf));
    return;
  }
  *o++ = d.digits[0];
  *o++ = '.';
  if (d.length > 1) {
    std::memcpy(o, d.digits + 1, static_cast<size_t>(d.length - 1));
    o += d.length - 1;
  } else {
    *o++ = '0';
  }
  *o++ = 'E';
  o = std::to_chars(o, buf + sizeof(buf), e).ptr;
  out->append(buf, static_cast<size_t>(o - buf));
}

void AppendBase64With(std::string_view bytes, const char* alphabet, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  size_t start = out->size();
  out->resize(start + (n + 2) / 3 * 4);
  char* o = out->data() + start;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    *o++ = alphabet[v >> 18];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = alphabet[(v >> 6) & 63];
    *o++ = alphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = uint32_t{p[i]} << 16;
    *o++ = alphabet[v >> 18];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = '=';
    *o++ = '=';
  } else if (n - i == 2) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8);
    *o++ = alphabet[v >> 18];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = alphabet[(v >> 6) & 63];
    *o++ = '=';
  }
}

}  // namespace

void AppendJsonStringBody(std::string_view utf8, std::string* out) {
  const char* const data = utf8.data();
  const size_t n = utf8.size();
  size_t run = 0;  // start of the bytes not yet appended (copied as they are)
  size_t i = 0;
  while (i < n) {
    // Most text needs no escaping: skip 8 bytes at a time while none is special.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, data + i, 8);
      if (!HasSpecialByte(w)) {
        i += 8;
        continue;
      }
    }
    // Byte by byte through this block (or the tail).
    const size_t block_end = std::min(i + 8, n);
    while (i < block_end) {
      const auto c = static_cast<unsigned char>(data[i]);
      if (c >= 0xF0 && i + 3 < n) {
        // A code point above U+FFFF: Kafka Connect's Jackson writes it as an escaped
        // surrogate pair ("\uD83D\uDE00"), not as 4 UTF-8 bytes.
        uint32_t cp = (c & 0x07u) << 18 | (static_cast<unsigned char>(data[i + 1]) & 0x3Fu) << 12 |
                      (static_cast<unsigned char>(data[i + 2]) & 0x3Fu) << 6 |
                      (static_cast<unsigned char>(data[i + 3]) & 0x3Fu);
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
          out->append(data + run, i - run);
          cp -= 0x10000;
          const uint32_t units[2] = {0xD800u + (cp >> 10), 0xDC00u + (cp & 0x3FFu)};
          for (uint32_t u : units) {
            char esc[6] = {'\\', 'u', kUpperHex[(u >> 12) & 0xF], kUpperHex[(u >> 8) & 0xF],
                           kUpperHex[(u >> 4) & 0xF], kUpperHex[u & 0xF]};
            out->append(esc, 6);
          }
          i += 4;
          run = i;
          continue;
        }
      }
      if (c >= 0x80 || kEscapes.action[c] == 0) {
        ++i;
        continue;
      }
      out->append(data + run, i - run);
      char a = kEscapes.action[c];
      if (a == 1) {
        char esc[6] = {'\\', 'u', '0', '0', kUpperHex[c >> 4], kUpperHex[c & 0xF]};
        out->append(esc, 6);
      } else {
        char esc[2] = {'\\', a};
        out->append(esc, 2);
      }
      ++i;
      run = i;
    }
  }
  out->append(data + run, n - run);
}

void AppendJsonStringLiteral(std::string_view utf8, std::string* out) {
  out->push_back('"');
  AppendJsonStringBody(utf8, out);
  out->push_back('"');
}

void AppendJavaDouble(double v, std::string* out) { AppendJava(v, out); }
void AppendJavaFloat(float v, std::string* out) { AppendJava(v, out); }

void AppendExactDoublePlain(double v, std::string* out) {
  if (v == 0) {
    out->push_back('0');
    return;
  }
  // Every double is a finite binary fraction, so 1074 fraction digits print it exactly.
  char buf[1400];
  int n = std::snprintf(buf, sizeof(buf), "%.1074f", v);
  if (n <= 0 || n >= static_cast<int>(sizeof(buf))) return;
  while (n > 0 && buf[n - 1] == '0') --n;
  if (n > 0 && buf[n - 1] == '.') --n;
  out->append(buf, n);
}

void AppendBigDecimalString(std::string_view digits, int scale, bool negative, std::string* out) {
  const int len = static_cast<int>(digits.size());
  const long adjusted = static_cast<long>(len) - 1 - scale;
  if (negative) out->push_back('-');
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) {
      out->append(digits);
    } else if (len > scale) {
      out->append(digits.substr(0, len - scale));
      out->push_back('.');
      out->append(digits.substr(len - scale));
    } else {
      out->append("0.");
      out->append(static_cast<size_t>(scale - len), '0');
      out->append(digits);
    }
    return;
  }
  out->push_back(digits.empty() ? '0' : digits[0]);
  if (len > 1) {
    out->push_back('.');
    out->append(digits.substr(1));
  }
  out->push_back('E');
  if (adjusted >= 0) out->push_back('+');
  AppendInt(adjusted, out);
}

void AppendBase64(std::string_view bytes, std::string* out) {
  AppendBase64With(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", out);
}

void AppendBase64Url(std::string_view bytes, std::string* out) {
  AppendBase64With(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", out);
}

void AppendHexLower(std::string_view bytes, std::string* out) {
  size_t start = out->size();
  out->resize(start + bytes.size() * 2);
  char* o = out->data() + start;
  for (unsigned char c : bytes) {
    *o++ = kLowerHex[c >> 4];
    *o++ = kLowerHex[c & 0xF];
  }
}

// Digits written in place (no copy through a buffer): at most 20 characters.
void AppendInt(int64_t v, std::string* out) {
  const size_t n = out->size();
  out->resize_and_overwrite(n + 20, [n, v](char* p, size_t) {
    return static_cast<size_t>(std::to_chars(p + n, p + n + 20, v).ptr - p);
  });
}

void AppendUInt(uint64_t v, std::string* out) {
  const size_t n = out->size();
  out->resize_and_overwrite(n + 20, [n, v](char* p, size_t) {
    return static_cast<size_t>(std::to_chars(p + n, p + n + 20, v).ptr - p);
  });
}

}  // namespace tributary::format::debezium
