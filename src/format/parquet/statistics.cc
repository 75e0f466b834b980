#include "format/parquet/statistics.h"

#include <cmath>
#include <cstring>

#include "common/utf8.h"

namespace tributary::format::parquet {
namespace {

float AsFloat(uint64_t bits) {
  uint32_t b = static_cast<uint32_t>(bits);
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
double AsDouble(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}
uint64_t FloatBits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
uint64_t DoubleBits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}

// Start of the UTF-8 character holding byte `i` (a boundary <= i).
size_t CharStart(const std::string& s, size_t i) {
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}


// Decodes the character starting at s[i..end); returns false on malformed input.
bool DecodeUtf8(const std::string& s, size_t i, size_t end, uint32_t* cp) {
  auto b0 = static_cast<unsigned char>(s[i]);
  size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len != end) return false;
  uint32_t v = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    v = (v << 6) | (b & 0x3F);
  }
  *cp = v;
  return true;
}

}  // namespace

bool TruncateMin(std::string* v, size_t max_length, bool utf8) {
  if (max_length == 0 || v->size() <= max_length) return false;
  size_t cut = utf8 ? CharStart(*v, max_length) : max_length;
  v->resize(cut);
  return true;
}

bool TruncateMax(std::string* v, size_t max_length, bool utf8) {
  if (max_length == 0 || v->size() <= max_length) return false;
  if (!utf8) {
    std::string s = v->substr(0, max_length);
    while (!s.empty()) {
      auto last = static_cast<unsigned char>(s.back());
      if (last != 0xFF) {
        s.back() = static_cast<char>(last + 1);
        *v = std::move(s);
        return true;
      }
      s.pop_back();
    }
    return false;  // all 0xFF: no shorter upper bound
  }
  size_t end = CharStart(*v, max_length);
  while (end > 0) {
    size_t start = CharStart(*v, end - 1);
    uint32_t cp = 0;
    if (!DecodeUtf8(*v, start, end, &cp)) return false;  // not UTF-8 after all: keep whole
    if (cp < 0x10FFFF) {
      ++cp;
      if (cp == 0xD800) cp = 0xE000;  // skip the surrogates
      std::string s = v->substr(0, start);
      AppendUtf8CodePoint(cp, &s);
      *v = std::move(s);
      return true;
    }
    end = start;
  }
  return false;
}

bool StatsAccumulator::Less64(uint64_t a, uint64_t b) const {
  switch (order_) {
    case SortOrder::kSigned32: return static_cast<int32_t>(a) < static_cast<int32_t>(b);
    case SortOrder::kUnsigned32: return static_cast<uint32_t>(a) < static_cast<uint32_t>(b);
    case SortOrder::kSigned64: return static_cast<int64_t>(a) < static_cast<int64_t>(b);
    case SortOrder::kFloat: return AsFloat(a) < AsFloat(b);
    case SortOrder::kDouble: return AsDouble(a) < AsDouble(b);
    default: return a < b;
  }
}

void StatsAccumulator::Update64Bits(uint64_t bits) {
  if (!has_) {
    min64_ = max64_ = bits;
    has_ = true;
    return;
  }
  if (Less64(bits, min64_)) min64_ = bits;
  if (Less64(max64_, bits)) max64_ = bits;
}

template <typename T, typename Bits>
static void MinMaxLoop(const Bits* v, size_t n, bool* has, uint64_t* min_bits, uint64_t* max_bits) {
  size_t i = 0;
  T lo{}, hi{};
  if (*has) {
    Bits b0 = static_cast<Bits>(*min_bits), b1 = static_cast<Bits>(*max_bits);
    std::memcpy(&lo, &b0, sizeof(T));
    std::memcpy(&hi, &b1, sizeof(T));
  } else {
    for (; i < n; ++i) {
      T x;
      std::memcpy(&x, &v[i], sizeof(T));
      if (x == x) {  // not NaN
        lo = hi = x;
        *has = true;
        break;
      }
    }
    if (!*has) return;
  }
  for (; i < n; ++i) {
    T x;
    std::memcpy(&x, &v[i], sizeof(T));
    lo = x < lo ? x : lo;  // NaN compares false: skipped
    hi = x > hi ? x : hi;
  }
  Bits b0, b1;
  std::memcpy(&b0, &lo, sizeof(T));
  std::memcpy(&b1, &hi, sizeof(T));
  *min_bits = b0;
  *max_bits = b1;
}

void StatsAccumulator::Update32(const uint32_t* v, size_t n) {
  switch (order_) {
    case SortOrder::kSigned32: MinMaxLoop<int32_t>(v, n, &has_, &min64_, &max64_); break;
    case SortOrder::kUnsigned32: MinMaxLoop<uint32_t>(v, n, &has_, &min64_, &max64_); break;
    case SortOrder::kFloat: MinMaxLoop<float>(v, n, &has_, &min64_, &max64_); break;
    default:
      for (size_t i = 0; i < n; ++i) Update64Bits(v[i]);
  }
}

void StatsAccumulator::Update64(const uint64_t* v, size_t n) {
  switch (order_) {
    case SortOrder::kSigned64: MinMaxLoop<int64_t>(v, n, &has_, &min64_, &max64_); break;
    case SortOrder::kUnsigned64: MinMaxLoop<uint64_t>(v, n, &has_, &min64_, &max64_); break;
    case SortOrder::kDouble: MinMaxLoop<double>(v, n, &has_, &min64_, &max64_); break;
    default:
      for (size_t i = 0; i < n; ++i) Update64Bits(v[i]);
  }
}

int StatsAccumulator::CompareBytes(std::string_view a, std::string_view b) const {
  if (order_ == SortOrder::kSignedBytes && !a.empty() && !b.empty()) {
    int a0 = static_cast<signed char>(a[0]), b0 = static_cast<signed char>(b[0]);
    if (a0 != b0) return a0 < b0 ? -1 : 1;
    if (a.size() == b.size()) return std::memcmp(a.data() + 1, b.data() + 1, a.size() - 1);
  }
  size_t n = a.size() < b.size() ? a.size() : b.size();
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

void StatsAccumulator::UpdateBytes(std::string_view v) {
  if (!has_) {
    min_bytes_.assign(v);
    max_bytes_.assign(v);
    has_ = true;
    return;
  }
  if (CompareBytes(v, min_bytes_) < 0) min_bytes_.assign(v);
  if (CompareBytes(v, max_bytes_) > 0) max_bytes_.assign(v);
}

void StatsAccumulator::Merge(const StatsAccumulator& o) {
  null_count_ += o.null_count_;
  if (!o.has_) return;
  if (order_ == SortOrder::kBytes || order_ == SortOrder::kSignedBytes) {
    UpdateBytes(o.min_bytes_);
    UpdateBytes(o.max_bytes_);
  } else {
    Update64Bits(o.min64_);
    Update64Bits(o.max64_);
  }
}

EncodedStatistics StatsAccumulator::Encode(size_t max_length) const {
  EncodedStatistics e;
  e.null_count = null_count_;
  if (!has_) return e;
  e.has_min_max = true;
  switch (order_) {
    case SortOrder::kBytes:
    case SortOrder::kSignedBytes:
      e.min = min_bytes_;
      e.max = max_bytes_;
      if (order_ == SortOrder::kBytes) {
        e.min_exact = !TruncateMin(&e.min, max_length, utf8_);
        e.max_exact = !TruncateMax(&e.max, max_length, utf8_);
      }
      break;
    case SortOrder::kBoolean:
      e.min.assign(1, static_cast<char>(min64_ != 0));
      e.max.assign(1, static_cast<char>(max64_ != 0));
      break;
    case SortOrder::kSigned32:
    case SortOrder::kUnsigned32:
    case SortOrder::kFloat: {
      uint64_t lo = min64_, hi = max64_;
      if (order_ == SortOrder::kFloat) {
        // The spec: a zero min is written -0.0, a zero max +0.0.
        if (AsFloat(lo) == 0.0f) lo = FloatBits(-0.0f);
        if (AsFloat(hi) == 0.0f) hi = FloatBits(+0.0f);
      }
      uint32_t a = static_cast<uint32_t>(lo), b = static_cast<uint32_t>(hi);
      e.min.assign(reinterpret_cast<const char*>(&a), 4);
      e.max.assign(reinterpret_cast<const char*>(&b), 4);
      break;
    }
    default: {
      uint64_t lo = min64_, hi = max64_;
      if (order_ == SortOrder::kDouble) {
        if (AsDouble(lo) == 0.0) lo = DoubleBits(-0.0);
        if (AsDouble(hi) == 0.0) hi = DoubleBits(+0.0);
      }
      e.min.assign(reinterpret_cast<const char*>(&lo), 8);
      e.max.assign(reinterpret_cast<const char*>(&hi), 8);
      break;
    }
  }
  return e;
}

}  // namespace tributary::format::parquet
