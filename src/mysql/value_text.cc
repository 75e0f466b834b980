#include "mysql/value_text.h"

#include "common/json_text.h"

#include <fmt/format.h>
#include <iconv.h>

#include <array>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <iterator>

#include "mysql/decimal.h"

namespace tributary::mysql {
namespace {

using event::Value;
using event::ValueKind;

// ---------------------------------------------------------------------------------------
// Collation ids and character sets.

enum class Charset : uint8_t {
  kUnknown,
  // Converted here.
  kUtf8mb4,
  kUtf8mb3,
  kBinary,
  kLatin1,
  kAscii,
  kUcs2,
  kUtf16,
  kUtf16le,
  kUtf32,
  // Converted through iconv.
  kArmscii8,
  kBig5,
  kCp1250,
  kCp1251,
  kCp1256,
  kCp1257,
  kCp850,
  kCp852,
  kCp866,
  kCp932,
  kDec8,
  kEucjpms,
  kEuckr,
  kGb18030,
  kGb2312,
  kGbk,
  kGeostd8,
  kGreek,
  kHebrew,
  kHp8,
  kKeybcs2,
  kKoi8r,
  kKoi8u,
  kLatin2,
  kLatin5,
  kLatin7,
  kMacce,
  kMacroman,
  kSjis,
  kSwe7,
  kTis620,
  kUjis,
  kCount,
};

struct CharsetInfo {
  std::string_view name;   // MySQL's name
  const char* iconv_name;  // glibc iconv name; nullptr when converted here or not at all
};

CharsetInfo Info(Charset cs) {
  switch (cs) {
    case Charset::kUnknown: return {"", nullptr};
    case Charset::kUtf8mb4: return {"utf8mb4", nullptr};
    case Charset::kUtf8mb3: return {"utf8mb3", nullptr};
    case Charset::kBinary: return {"binary", nullptr};
    case Charset::kLatin1: return {"latin1", nullptr};
    case Charset::kAscii: return {"ascii", nullptr};
    case Charset::kUcs2: return {"ucs2", nullptr};
    case Charset::kUtf16: return {"utf16", nullptr};
    case Charset::kUtf16le: return {"utf16le", nullptr};
    case Charset::kUtf32: return {"utf32", nullptr};
    case Charset::kArmscii8: return {"armscii8", "ARMSCII-8"};
    case Charset::kBig5: return {"big5", "BIG5"};
    case Charset::kCp1250: return {"cp1250", "CP1250"};
    case Charset::kCp1251: return {"cp1251", "CP1251"};
    case Charset::kCp1256: return {"cp1256", "CP1256"};
    case Charset::kCp1257: return {"cp1257", "CP1257"};
    case Charset::kCp850: return {"cp850", "CP850"};
    case Charset::kCp852: return {"cp852", "CP852"};
    case Charset::kCp866: return {"cp866", "CP866"};
    case Charset::kCp932: return {"cp932", "CP932"};
    case Charset::kDec8: return {"dec8", "DEC-MCS"};
    case Charset::kEucjpms: return {"eucjpms", "EUC-JP-MS"};
    case Charset::kEuckr: return {"euckr", "EUC-KR"};
    case Charset::kGb18030: return {"gb18030", "GB18030"};
    case Charset::kGb2312: return {"gb2312", "GB2312"};
    case Charset::kGbk: return {"gbk", "GBK"};
    // The closest set glibc has (MariaDB Connector/C picks it too).
    case Charset::kGeostd8: return {"geostd8", "GEORGIAN-PS"};
    case Charset::kGreek: return {"greek", "ISO-8859-7"};
    case Charset::kHebrew: return {"hebrew", "ISO-8859-8"};
    case Charset::kHp8: return {"hp8", "HP-ROMAN8"};
    case Charset::kKeybcs2: return {"keybcs2", nullptr};  // glibc has no Kamenicky table
    case Charset::kKoi8r: return {"koi8r", "KOI8-R"};
    case Charset::kKoi8u: return {"koi8u", "KOI8-U"};
    case Charset::kLatin2: return {"latin2", "ISO-8859-2"};
    case Charset::kLatin5: return {"latin5", "ISO-8859-9"};
    case Charset::kLatin7: return {"latin7", "ISO-8859-13"};
    case Charset::kMacce: return {"macce", "MAC-CENTRALEUROPE"};
    case Charset::kMacroman: return {"macroman", "MACINTOSH"};
    case Charset::kSjis: return {"sjis", "SHIFT_JIS"};
    // MySQL's swe7 puts É Ä Ö Å Ü é ä ö å ü at 0x40 0x5B-0x5E 0x60 0x7B-0x7E: SEN 850200 C.
    case Charset::kSwe7: return {"swe7", "ISO646-SE2"};
    case Charset::kTis620: return {"tis620", "TIS-620"};
    case Charset::kUjis: return {"ujis", "EUC-JP"};
    case Charset::kCount: break;
  }
  return {"", nullptr};
}

struct CollationRange {
  uint16_t first;
  uint16_t last;
  Charset charset;
};

// Collation ids below 1024, derived from SHOW COLLATION of MySQL 8.0/8.4 and MariaDB
// 10.x/11.x (MySQL ids 1..323; MariaDB's utf8mb3_general_cs 254 and its "page 2" blocks
// 576..767 of 32 ids per Unicode character set, m_ctype.h MY_PAGE2_COLLATION_ID_*).
constexpr CollationRange kCollationRanges[] = {
    {1, 1, Charset::kBig5},        {2, 2, Charset::kLatin2},      {3, 3, Charset::kDec8},
    {4, 4, Charset::kCp850},       {5, 5, Charset::kLatin1},      {6, 6, Charset::kHp8},
    {7, 7, Charset::kKoi8r},       {8, 8, Charset::kLatin1},      {9, 9, Charset::kLatin2},
    {10, 10, Charset::kSwe7},      {11, 11, Charset::kAscii},     {12, 12, Charset::kUjis},
    {13, 13, Charset::kSjis},      {14, 14, Charset::kCp1251},    {15, 15, Charset::kLatin1},
    {16, 16, Charset::kHebrew},    {18, 18, Charset::kTis620},    {19, 19, Charset::kEuckr},
    {20, 20, Charset::kLatin7},    {21, 21, Charset::kLatin2},    {22, 22, Charset::kKoi8u},
    {23, 23, Charset::kCp1251},    {24, 24, Charset::kGb2312},    {25, 25, Charset::kGreek},
    {26, 26, Charset::kCp1250},    {27, 27, Charset::kLatin2},    {28, 28, Charset::kGbk},
    {29, 29, Charset::kCp1257},    {30, 30, Charset::kLatin5},    {31, 31, Charset::kLatin1},
    {32, 32, Charset::kArmscii8},  {33, 33, Charset::kUtf8mb3},   {34, 34, Charset::kCp1250},
    {35, 35, Charset::kUcs2},      {36, 36, Charset::kCp866},     {37, 37, Charset::kKeybcs2},
    {38, 38, Charset::kMacce},     {39, 39, Charset::kMacroman},  {40, 40, Charset::kCp852},
    {41, 42, Charset::kLatin7},    {43, 43, Charset::kMacce},     {44, 44, Charset::kCp1250},
    {45, 46, Charset::kUtf8mb4},   {47, 49, Charset::kLatin1},    {50, 52, Charset::kCp1251},
    {53, 53, Charset::kMacroman},  {54, 55, Charset::kUtf16},     {56, 56, Charset::kUtf16le},
    {57, 57, Charset::kCp1256},    {58, 59, Charset::kCp1257},    {60, 61, Charset::kUtf32},
    {62, 62, Charset::kUtf16le},   {63, 63, Charset::kBinary},    {64, 64, Charset::kArmscii8},
    {65, 65, Charset::kAscii},     {66, 66, Charset::kCp1250},    {67, 67, Charset::kCp1256},
    {68, 68, Charset::kCp866},     {69, 69, Charset::kDec8},      {70, 70, Charset::kGreek},
    {71, 71, Charset::kHebrew},    {72, 72, Charset::kHp8},       {73, 73, Charset::kKeybcs2},
    {74, 74, Charset::kKoi8r},     {75, 75, Charset::kKoi8u},     {76, 76, Charset::kUtf8mb3},
    {77, 77, Charset::kLatin2},    {78, 78, Charset::kLatin5},    {79, 79, Charset::kLatin7},
    {80, 80, Charset::kCp850},     {81, 81, Charset::kCp852},     {82, 82, Charset::kSwe7},
    {83, 83, Charset::kUtf8mb3},   {84, 84, Charset::kBig5},      {85, 85, Charset::kEuckr},
    {86, 86, Charset::kGb2312},    {87, 87, Charset::kGbk},       {88, 88, Charset::kSjis},
    {89, 89, Charset::kTis620},    {90, 90, Charset::kUcs2},      {91, 91, Charset::kUjis},
    {92, 93, Charset::kGeostd8},   {94, 94, Charset::kLatin1},    {95, 96, Charset::kCp932},
    {97, 98, Charset::kEucjpms},   {99, 99, Charset::kCp1250},    {101, 124, Charset::kUtf16},
    {128, 151, Charset::kUcs2},    {159, 159, Charset::kUcs2},    {160, 183, Charset::kUtf32},
    {192, 215, Charset::kUtf8mb3}, {223, 223, Charset::kUtf8mb3}, {224, 247, Charset::kUtf8mb4},
    {248, 250, Charset::kGb18030}, {254, 254, Charset::kUtf8mb3}, {255, 323, Charset::kUtf8mb4},
    {576, 607, Charset::kUtf8mb3}, {608, 639, Charset::kUtf8mb4}, {640, 671, Charset::kUcs2},
    {672, 703, Charset::kUtf16},   {704, 735, Charset::kUtf16le}, {736, 767, Charset::kUtf32},
};

constexpr uint16_t kMariaDbNoPadOffset = 1024;  // NO PAD variant = 1024 + PAD SPACE id
constexpr uint16_t kMariaDbUca1400First = 2048;
constexpr uint16_t kMariaDbUca1400Last = 4095;

constexpr std::array<Charset, kMariaDbNoPadOffset> BuildCollationTable() {
  std::array<Charset, kMariaDbNoPadOffset> table{};
  for (const CollationRange& r : kCollationRanges) {
    for (unsigned id = r.first; id <= r.last; ++id) table[id] = r.charset;
  }
  return table;
}
constexpr std::array<Charset, kMariaDbNoPadOffset> kCollationTable = BuildCollationTable();

Charset CharsetOf(uint16_t collation_id) {
  if (collation_id < kMariaDbNoPadOffset) return kCollationTable[collation_id];
  if (collation_id < 2 * kMariaDbNoPadOffset) {
    return kCollationTable[collation_id - kMariaDbNoPadOffset];
  }
  if (collation_id >= kMariaDbUca1400First && collation_id <= kMariaDbUca1400Last) {
    // MariaDB UCA-14.0.0 ids: 1ccc tttt tPST, c = character set (ctype-uca1400.h).
    switch ((collation_id >> 8) & 7) {
      case 0: return Charset::kUtf8mb3;
      case 1: return Charset::kUtf8mb4;
      case 2: return Charset::kUcs2;
      case 3: return Charset::kUtf16;
      case 4: return Charset::kUtf32;
      default: return Charset::kUnknown;
    }
  }
  return Charset::kUnknown;
}

// ---------------------------------------------------------------------------------------
// Conversion to UTF-8. Converters hand valid UTF-8 pieces to a sink, so the same code
// fills a plain string (ToUtf8) or a JSON string literal (AppendValueJson) without an
// intermediate copy.

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct PlainSink {
  std::string* out;
  void Append(std::string_view utf8) { out->append(utf8); }
};

struct JsonSink {
  std::string* out;
  void Append(std::string_view utf8) { AppendJsonEscaped(utf8, out); }
};

template <typename Sink>
void AppendCodePoint(char32_t cp, Sink& sink) {
  char buf[4];
  size_t n;
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    n = 1;
  } else if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    buf[0] = static_cast<char>(0xF0 | (cp >> 18));
    buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 4;
  }
  sink.Append(std::string_view(buf, n));
}

bool IsScalarValue(char32_t cp) { return cp < 0xD800 || (cp > 0xDFFF && cp <= 0x10FFFF); }

// Length of the well-formed UTF-8 sequence at p[0] (`left` >= 1 bytes available), or 0
// with *bad set to the length of its maximal ill-formed subpart (at least 1) — the bytes
// one U+FFFD replaces.
[[gnu::always_inline]] inline size_t Utf8SequenceLength(const unsigned char* p, size_t left,
                                                     size_t* bad) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    *bad = 1;
    return 0;
  }
  for (size_t i = 1; i < need; ++i) {
    const bool in_range =
        i < left && p[i] >= (i == 1 ? lo : 0x80) && p[i] <= (i == 1 ? hi : 0xBF);
    if (!in_range) {
      *bad = i;
      return 0;
    }
  }
  return need;
}

constexpr uint64_t kHighBits = 0x8080808080808080ull;

uint64_t Load64(const unsigned char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Index of the first byte at or after `i` with its top bit set (`n` when there is none):
// 16, then 8 bytes per step, the rest byte by byte.
size_t SkipAscii(const unsigned char* p, size_t i, size_t n) {
  while (i + 16 <= n) {
    const uint64_t a = Load64(p + i) & kHighBits;
    const uint64_t b = Load64(p + i + 8) & kHighBits;
    if ((a | b) != 0) {
      if constexpr (std::endian::native == std::endian::little) {
        return a != 0 ? i + std::countr_zero(a) / 8 : i + 8 + std::countr_zero(b) / 8;
      }
      break;
    }
    i += 16;
  }
  while (i + 8 <= n && (Load64(p + i) & kHighBits) == 0) i += 8;
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

// UTF-8 (and binary read as UTF-8) needs validation only: runs of well-formed text go to
// the sink as they are, in one piece when the whole value is well-formed. ASCII is
// skipped a word at a time.
template <typename Sink>
void ConvertUtf8(std::string_view in, Sink& sink) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  size_t run = 0;
  size_t i = 0;
  while (true) {
    i = SkipAscii(p, i, n);
    if (i >= n) break;
    // A non-ASCII lead byte: whole sequences while they stay non-ASCII.
    do {
      size_t bad = 0;
      const size_t len = Utf8SequenceLength(p + i, n - i, &bad);
      if (len > 0) {
        i += len;
        continue;
      }
      sink.Append(in.substr(run, i - run));
      sink.Append(kReplacement);
      i += bad;
      run = i;
    } while (i < n && p[i] >= 0x80);
  }
  sink.Append(in.substr(run));
}

// MySQL's latin1 is Windows-1252 where 0x80..0x9F are concerned; the five positions
// cp1252 leaves undefined map to the C1 controls of the same value, as in MySQL.
constexpr std::array<char16_t, 32> kLatin1High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

template <typename Sink>
void ConvertSingleByte(std::string_view in, bool ascii_only, Sink& sink) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  size_t run = 0;
  for (size_t i = SkipAscii(p, 0, in.size()); i < in.size(); i = SkipAscii(p, i + 1, in.size())) {
    const unsigned char c = p[i];
    sink.Append(in.substr(run, i - run));
    if (ascii_only) {
      sink.Append(kReplacement);
    } else {
      AppendCodePoint(c < 0xA0 ? char32_t{kLatin1High[c - 0x80]} : char32_t{c}, sink);
    }
    run = i + 1;
  }
  sink.Append(in.substr(run));
}

enum class WideForm { kUcs2, kUtf16Be, kUtf16Le, kUtf32Be };

// UCS-2, UTF-16 and UTF-32. An odd tail, an unpaired surrogate, or a code point that is
// not a Unicode scalar value becomes U+FFFD.
template <typename Sink>
void ConvertWide(std::string_view in, WideForm form, Sink& sink) {
  const size_t unit = form == WideForm::kUtf32Be ? 4 : 2;
  auto load = [&](size_t pos) -> char32_t {
    const auto* p = reinterpret_cast<const unsigned char*>(in.data()) + pos;
    if (form == WideForm::kUtf32Be) {
      return (char32_t{p[0]} << 24) | (char32_t{p[1]} << 16) | (char32_t{p[2]} << 8) | p[3];
    }
    if (form == WideForm::kUtf16Le) return (char32_t{p[1]} << 8) | p[0];
    return (char32_t{p[0]} << 8) | p[1];
  };
  size_t i = 0;
  while (i + unit <= in.size()) {
    char32_t cp = load(i);
    i += unit;
    const bool pairs = form == WideForm::kUtf16Be || form == WideForm::kUtf16Le;
    if (pairs && cp >= 0xD800 && cp <= 0xDBFF && i + 2 <= in.size()) {
      const char32_t low = load(i);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      }
    }
    if (IsScalarValue(cp)) {
      AppendCodePoint(cp, sink);
    } else {
      sink.Append(kReplacement);
    }
  }
  if (i < in.size()) sink.Append(kReplacement);
}

// iconv handles, opened on first use and kept per thread (iconv_t is not thread-safe and
// opening one loads a gconv module, too slow to repeat per value).
class IconvHandles {
 public:
  IconvHandles() { handles_.fill(kNone); }
  ~IconvHandles() {
    for (iconv_t cd : handles_) {
      if (cd != kNone) iconv_close(cd);
    }
  }
  IconvHandles(const IconvHandles&) = delete;
  IconvHandles& operator=(const IconvHandles&) = delete;

  // The handle converting `cs` to UTF-8, reset to its initial state; kNone if iconv has no
  // converter for it.
  iconv_t Get(Charset cs, const char* iconv_name) {
    iconv_t& cd = handles_[static_cast<size_t>(cs)];
    if (cd == kNone) cd = iconv_open("UTF-8", iconv_name);
    if (cd != kNone) iconv(cd, nullptr, nullptr, nullptr, nullptr);
    return cd;
  }

  static inline const iconv_t kNone = reinterpret_cast<iconv_t>(-1);

 private:
  std::array<iconv_t, static_cast<size_t>(Charset::kCount)> handles_;
};

template <typename Sink>
Status ConvertIconv(std::string_view in, Charset cs, Sink& sink) {
  const CharsetInfo info = Info(cs);
  thread_local IconvHandles handles;
  iconv_t cd = info.iconv_name == nullptr ? IconvHandles::kNone : handles.Get(cs, info.iconv_name);
  if (cd == IconvHandles::kNone) {
    return Status::Unsupported(
        fmt::format("no converter from character set {} to UTF-8 on this system", info.name));
  }
  // iconv's interface takes char** but does not write through the input pointer.
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  std::array<char, 512> buf;
  while (src_left > 0) {
    char* dst = buf.data();
    size_t dst_left = buf.size();
    const size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    const int err = errno;
    sink.Append(std::string_view(buf.data(), buf.size() - dst_left));
    if (rc != static_cast<size_t>(-1)) continue;
    if (err == E2BIG) continue;
    if (err == EILSEQ) {
      // Not a character of the set (or one without a Unicode mapping): skip one byte.
      sink.Append(kReplacement);
      ++src;
      --src_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
      continue;
    }
    if (err == EINVAL) {
      // A multi-byte character cut off at the end.
      sink.Append(kReplacement);
      break;
    }
    return Status::Internal(fmt::format("iconv from {} failed: {}", info.name, std::strerror(err)));
  }
  char* dst = buf.data();
  size_t dst_left = buf.size();
  iconv(cd, nullptr, nullptr, &dst, &dst_left);  // the shift-back sequence, if any
  sink.Append(std::string_view(buf.data(), buf.size() - dst_left));
  return Status::Ok();
}

template <typename Sink>
Status Convert(std::string_view in, uint16_t collation_id, Sink& sink) {
  const Charset cs = collation_id == 0 ? Charset::kUtf8mb4 : CharsetOf(collation_id);
  switch (cs) {
    case Charset::kUtf8mb4:
    case Charset::kUtf8mb3:
    case Charset::kBinary: ConvertUtf8(in, sink); return Status::Ok();
    case Charset::kLatin1: ConvertSingleByte(in, /*ascii_only=*/false, sink); return Status::Ok();
    case Charset::kAscii: ConvertSingleByte(in, /*ascii_only=*/true, sink); return Status::Ok();
    case Charset::kUcs2: ConvertWide(in, WideForm::kUcs2, sink); return Status::Ok();
    case Charset::kUtf16: ConvertWide(in, WideForm::kUtf16Be, sink); return Status::Ok();
    case Charset::kUtf16le: ConvertWide(in, WideForm::kUtf16Le, sink); return Status::Ok();
    case Charset::kUtf32: ConvertWide(in, WideForm::kUtf32Be, sink); return Status::Ok();
    case Charset::kUnknown:
      return Status::NotFound(
          fmt::format("collation id {} is not a known MySQL or MariaDB collation", collation_id));
    default: return ConvertIconv(in, cs, sink);
  }
}

// ---------------------------------------------------------------------------------------
// JSON rendering.

void AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    out->push_back(kDigits[b >> 4]);
    out->push_back(kDigits[b & 15]);
  }
}

// ".ffffff" cut to `fsp` digits (MySQL stores only those), nothing for fsp 0.
void AppendFraction(uint32_t micros, int fsp, std::string* out) {
  if (fsp == 0) return;
  static constexpr std::array<uint32_t, 7> kDivisor = {1000000, 100000, 10000, 1000, 100, 10, 1};
  fmt::format_to(std::back_inserter(*out), ".{:0{}}", micros / kDivisor[fsp], fsp);
}

struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};

// Proleptic Gregorian date of a day count since 1970-01-01, computed in 400-year eras
// (146097 days each) that start on March 1 so the leap day falls at the end of a year.
CivilDate CivilFromDays(int64_t days) {
  days += 719468;  // days from 0000-03-01 to 1970-01-01
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<uint64_t>(days - era * 146097);
  const uint64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const uint64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const uint64_t month_from_march = (5 * day_of_year + 2) / 153;
  CivilDate d;
  d.day = static_cast<unsigned>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  d.month =
      static_cast<unsigned>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  d.year = static_cast<int64_t>(year_of_era) + era * 400 + (d.month <= 2 ? 1 : 0);
  return d;
}

void AppendTimestamp(const event::Timestamp& ts, int fsp, std::string* out) {
  auto it = std::back_inserter(*out);
  if (ts.seconds == 0 && ts.micros == 0) {
    // MySQL's zero TIMESTAMP; 1970-01-01 00:00:00 UTC itself is outside the type's range.
    out->append("0000-00-00T00:00:00");
  } else {
    const int64_t days = ts.seconds >= 0 ? ts.seconds / 86400 : (ts.seconds - 86399) / 86400;
    const int64_t secs = ts.seconds - days * 86400;
    const CivilDate d = CivilFromDays(days);
    fmt::format_to(it, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", d.year, d.month, d.day, secs / 3600,
                   secs / 60 % 60, secs % 60);
  }
  AppendFraction(ts.micros, fsp, out);
  out->push_back('Z');
}

template <typename Float>
Status AppendFloatJson(Float f, std::string* out) {
  if (!std::isfinite(f)) {
    return Status::Corruption("floating-point value is NaN or infinite, which MySQL cannot store");
  }
  // {fmt}'s default format is the shortest text that reads back to the same value.
  fmt::format_to(std::back_inserter(*out), "{}", f);
  return Status::Ok();
}

Status AppendBitJson(const Value& v, std::string* out) {
  if (v.bits == 0 || v.bytes.size() != (v.bits + 7u) / 8u) {
    return Status::Corruption(fmt::format("BIT({}) value has {} byte(s)", v.bits, v.bytes.size()));
  }
  out->append("\"b'");
  const size_t total_bits = v.bytes.size() * 8;
  for (size_t bit = total_bits - v.bits; bit < total_bits; ++bit) {
    const auto byte = static_cast<unsigned char>(v.bytes[bit / 8]);
    out->push_back((byte >> (7 - bit % 8)) & 1 ? '1' : '0');
  }
  out->append("'\"");
  return Status::Ok();
}

Status AppendGeometryJson(const Value& v, std::string* out) {
  if (v.bytes.size() < 4) {
    return Status::Corruption(fmt::format(
        "GEOMETRY value of {} byte(s) is shorter than its 4-byte SRID", v.bytes.size()));
  }
  uint32_t srid = 0;
  for (int i = 3; i >= 0; --i) srid = (srid << 8) | static_cast<unsigned char>(v.bytes[i]);
  fmt::format_to(std::back_inserter(*out), "{{\"srid\":{},\"wkb\":\"", srid);
  AppendHex(v.bytes.substr(4), out);
  out->append("\"}");
  return Status::Ok();
}

Status AppendVectorJson(const Value& v, std::string* out) {
  if (v.bytes.size() % 4 != 0) {
    return Status::Corruption(
        fmt::format("VECTOR value of {} byte(s) is not whole float32 elements", v.bytes.size()));
  }
  out->push_back('[');
  for (size_t i = 0; i < v.bytes.size(); i += 4) {
    uint32_t raw = 0;
    for (int k = 3; k >= 0; --k) raw = (raw << 8) | static_cast<unsigned char>(v.bytes[i + k]);
    if (i > 0) out->push_back(',');
    Status s = AppendFloatJson(std::bit_cast<float>(raw), out);
    if (!s.ok()) return s;
  }
  out->push_back(']');
  return Status::Ok();
}

Status AppendTextJson(std::string_view text, uint16_t collation_id, std::string* out) {
  out->push_back('"');
  JsonSink sink{out};
  Status s = Convert(text, collation_id, sink);
  if (!s.ok()) return s;
  out->push_back('"');
  return Status::Ok();
}

Status AppendValueJsonUnchecked(const Value& v, std::string* out) {
  auto it = std::back_inserter(*out);
  if (v.fsp > 6) {
    return Status::InvalidArgument(fmt::format("fractional second precision {} is above 6", v.fsp));
  }
  switch (v.kind) {
    case ValueKind::kAbsent:
      return Status::InvalidArgument("the column is absent from this row image; it has no value");
    case ValueKind::kNull: out->append("null"); return Status::Ok();
    case ValueKind::kInt:
    case ValueKind::kYear: fmt::format_to(it, "{}", v.s.i); return Status::Ok();
    case ValueKind::kUInt:
    case ValueKind::kEnum:
    case ValueKind::kSet: fmt::format_to(it, "{}", v.s.u); return Status::Ok();
    case ValueKind::kFloat: return AppendFloatJson(v.s.f, out);
    case ValueKind::kDouble: return AppendFloatJson(v.s.d, out);
    case ValueKind::kDecimalText:
      out->push_back('"');
      out->append(v.bytes);
      out->push_back('"');
      return Status::Ok();
    case ValueKind::kDecimal: {
      out->push_back('"');
      Status s = AppendDecimalText(v.bytes, v.precision, v.scale, out);
      if (!s.ok()) return s;
      out->push_back('"');
      return Status::Ok();
    }
    case ValueKind::kDate:
      fmt::format_to(it, "\"{:04}-{:02}-{:02}\"", v.s.date.year, v.s.date.month, v.s.date.day);
      return Status::Ok();
    case ValueKind::kTime: {
      const event::Time& t = v.s.time;
      fmt::format_to(it, "\"{}{:02}:{:02}:{:02}", t.negative ? "-" : "", t.hours, t.minutes,
                     t.seconds);
      AppendFraction(t.micros, v.fsp, out);
      out->push_back('"');
      return Status::Ok();
    }
    case ValueKind::kDateTime: {
      const event::DateTime& d = v.s.datetime;
      fmt::format_to(it, "\"{:04}-{:02}-{:02} {:02}:{:02}:{:02}", d.year, d.month, d.day, d.hour,
                     d.minute, d.second);
      AppendFraction(d.micros, v.fsp, out);
      out->push_back('"');
      return Status::Ok();
    }
    case ValueKind::kTimestamp:
      out->push_back('"');
      AppendTimestamp(v.s.timestamp, v.fsp, out);
      out->push_back('"');
      return Status::Ok();
    case ValueKind::kString:
      // Without charset metadata (MINIMAL binlog_row_metadata, old servers) the column
      // may be a BLOB: bytes that are not UTF-8 are kept exactly, as hex.
      if (v.charset == 0 && !IsValidUtf8(v.bytes)) {
        out->append("\"0x");
        AppendHex(v.bytes, out);
        out->push_back('"');
        return Status::Ok();
      }
      return AppendTextJson(v.bytes, v.charset, out);
    case ValueKind::kJsonText: return AppendTextJson(v.bytes, v.charset, out);
    case ValueKind::kBytes:
      out->append("\"0x");
      AppendHex(v.bytes, out);
      out->push_back('"');
      return Status::Ok();
    case ValueKind::kBit: return AppendBitJson(v, out);
    case ValueKind::kJsonBinary:
      return Status::Unsupported("binary JSON is rendered by the binary JSON decoder");
    case ValueKind::kJsonDiff:
      return Status::Unsupported("a JSON partial-update diff is rendered by the JSON diff decoder");
    case ValueKind::kGeometry: return AppendGeometryJson(v, out);
    case ValueKind::kVector: return AppendVectorJson(v, out);
  }
  return Status::Internal(fmt::format("unknown value kind {}", static_cast<int>(v.kind)));
}

}  // namespace

std::string_view CollationCharsetName(uint16_t collation_id) {
  return Info(CharsetOf(collation_id)).name;
}

uint16_t CollationIdForCharset(std::string_view charset) {
  std::string name;
  for (char c : charset) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "utf8") name = "utf8mb3";
  // The lowest id of each character set, computed once.
  static const std::array<uint16_t, static_cast<size_t>(Charset::kCount)> kFirstId = [] {
    std::array<uint16_t, static_cast<size_t>(Charset::kCount)> first{};
    for (uint16_t id = 1; id < kMariaDbNoPadOffset; ++id) {
      auto cs = static_cast<size_t>(CharsetOf(id));
      if (cs < first.size() && first[cs] == 0) first[cs] = id;
    }
    return first;
  }();
  for (size_t cs = 0; cs < kFirstId.size(); ++cs) {
    if (kFirstId[cs] != 0 && Info(static_cast<Charset>(cs)).name == name) return kFirstId[cs];
  }
  return 0;
}

Status AppendUtf8(std::string_view bytes, uint16_t collation_id, std::string* out) {
  const size_t size = out->size();
  PlainSink sink{out};
  Status s = Convert(bytes, collation_id, sink);
  if (!s.ok()) out->resize(size);
  return s;
}

Result<std::string> ToUtf8(std::string_view bytes, uint16_t collation_id) {
  std::string out;
  Status s = AppendUtf8(bytes, collation_id, &out);
  if (!s.ok()) return Error(std::move(s));
  return out;
}

Status AppendValueJson(const Value& v, std::string* out) {
  const size_t size = out->size();
  Status s = AppendValueJsonUnchecked(v, out);
  if (!s.ok()) out->resize(size);
  return s;
}

}  // namespace tributary::mysql
