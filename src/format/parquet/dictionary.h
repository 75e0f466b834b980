// Dictionaries of one column chunk: value -> index, open addressing with linear probing.
// FixedDictionary holds 4- or 8-byte values by bit pattern (INT32, FLOAT / INT64,
// DOUBLE: -0.0 and +0.0, or two NaN payloads, are distinct entries, which is harmless);
// ByteDictionary holds byte arrays and keeps its entries already in the PLAIN encoding of
// the dictionary page (4-byte length + bytes, or bare bytes for FIXED_LEN_BYTE_ARRAY).
//
// Owned by one ColumnWriter; not thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::format::parquet {

inline uint64_t MixHash(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

inline uint64_t HashBytes(const char* p, size_t n) {
  constexpr uint64_t k = 0x9E3779B97F4A7C15ULL;
  uint64_t h = 0x243F6A8885A308D3ULL ^ (n * k);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * k;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    h = (h ^ (a | (static_cast<uint64_t>(b) << 32))) * k;
  } else if (n > 0) {
    uint64_t w = static_cast<unsigned char>(p[0]) |
                 (static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
                 (static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16);
    h = (h ^ w) * k;
  }
  return MixHash(h);
}

// Equality of two byte strings of length n, short lengths without a call.
inline bool BytesEqual(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    uint64_t x, y;
    for (size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    std::memcpy(&x, a + n - 8, 8);
    std::memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    uint32_t x0, y0, x1, y1;
    std::memcpy(&x0, a, 4);
    std::memcpy(&y0, b, 4);
    std::memcpy(&x1, a + n - 4, 4);
    std::memcpy(&y1, b + n - 4, 4);
    return x0 == y0 && x1 == y1;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

template <typename Bits>  // uint32_t or uint64_t
class FixedDictionary {
 public:
  FixedDictionary() { Reset(); }

  void Reset() {
    values_.clear();
    slots_.assign(kInitialSlots, Slot{});
    shift_ = 64 - kInitialBits;
  }

  uint32_t GetOrInsert(Bits v) {
    size_t mask = slots_.size() - 1;
    size_t i = (static_cast<uint64_t>(v) * 0x9E3779B97F4A7C15ULL) >> shift_;
    while (true) {
      Slot& s = slots_[i];
      if (s.index_plus_one == 0) {
        auto idx = static_cast<uint32_t>(values_.size());
        s.value = v;
        s.index_plus_one = idx + 1;
        values_.push_back(v);
        if (values_.size() * 2 > slots_.size()) Grow();
        return idx;
      }
      if (s.value == v) return s.index_plus_one - 1;
      i = (i + 1) & mask;
    }
  }

  size_t size() const { return values_.size(); }
  const Bits& value(uint32_t index) const { return values_[index]; }
  // The dictionary page body (PLAIN: little-endian values).
  std::string_view plain() const {
    return {reinterpret_cast<const char*>(values_.data()), values_.size() * sizeof(Bits)};
  }
  size_t plain_bytes() const { return values_.size() * sizeof(Bits); }
  size_t memory_bytes() const {
    return values_.capacity() * sizeof(Bits) + slots_.capacity() * sizeof(Slot);
  }

 private:
  struct Slot {
    Bits value = 0;
    uint32_t index_plus_one = 0;
  };
  static constexpr int kInitialBits = 10;
  static constexpr size_t kInitialSlots = size_t{1} << kInitialBits;

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    --shift_;
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index_plus_one == 0) continue;
      size_t i = (static_cast<uint64_t>(s.value) * 0x9E3779B97F4A7C15ULL) >> shift_;
      while (slots_[i].index_plus_one != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Bits> values_;
  std::vector<Slot> slots_;
  int shift_ = 64 - kInitialBits;
};

class ByteDictionary {
 public:
  // `fixed_width` > 0: FIXED_LEN_BYTE_ARRAY entries (no length prefix).
  explicit ByteDictionary(int32_t fixed_width = 0) : fixed_width_(fixed_width) { Reset(); }

  void Reset() {
    data_.clear();
    entries_.clear();
    slots_.assign(kInitialSlots, Slot{});
    shift_ = 64 - kInitialBits;
  }

  uint32_t GetOrInsert(std::string_view v) {
    uint64_t h = HashBytes(v.data(), v.size());
    auto tag = static_cast<uint32_t>(h);
    size_t mask = slots_.size() - 1;
    size_t i = h >> shift_;
    while (true) {
      Slot& s = slots_[i];
      if (s.index_plus_one == 0) return Insert(s, tag, v);
      if (s.tag == tag) {
        const Entry& e = entries_[s.index_plus_one - 1];
        if (e.length == v.size() && BytesEqual(data_.data() + e.offset, v.data(), v.size())) {
          return s.index_plus_one - 1;
        }
      }
      i = (i + 1) & mask;
    }
  }

  size_t size() const { return entries_.size(); }
  std::string_view value(uint32_t index) const {
    const Entry& e = entries_[index];
    return {data_.data() + e.offset, e.length};
  }
  std::string_view plain() const { return data_; }
  size_t plain_bytes() const { return data_.size(); }
  size_t memory_bytes() const {
    return data_.capacity() + entries_.capacity() * sizeof(Entry) +
           slots_.capacity() * sizeof(Slot);
  }

 private:
  struct Slot {
    uint32_t tag = 0;
    uint32_t index_plus_one = 0;
  };
  struct Entry {
    uint32_t offset;  // of the bytes in data_ (after the length prefix)
    uint32_t length;
  };
  static constexpr int kInitialBits = 10;
  static constexpr size_t kInitialSlots = size_t{1} << kInitialBits;

  uint32_t Insert(Slot& s, uint32_t tag, std::string_view v) {
    auto idx = static_cast<uint32_t>(entries_.size());
    s.tag = tag;
    s.index_plus_one = idx + 1;
    if (fixed_width_ == 0) {
      auto n = static_cast<uint32_t>(v.size());
      data_.append(reinterpret_cast<const char*>(&n), 4);
    }
    entries_.push_back(Entry{static_cast<uint32_t>(data_.size()), static_cast<uint32_t>(v.size())});
    data_.append(v);
    if (entries_.size() * 2 > slots_.size()) Grow();
    return idx;
  }

  void Grow() {
    slots_.assign(slots_.size() * 2, Slot{});
    --shift_;
    size_t mask = slots_.size() - 1;
    for (uint32_t idx = 0; idx < entries_.size(); ++idx) {
      const Entry& e = entries_[idx];
      uint64_t h = HashBytes(data_.data() + e.offset, e.length);
      size_t i = h >> shift_;
      while (slots_[i].index_plus_one != 0) i = (i + 1) & mask;
      slots_[i] = Slot{static_cast<uint32_t>(h), idx + 1};
    }
  }

  int32_t fixed_width_;
  std::string data_;
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;
  int shift_ = 64 - kInitialBits;
};

}  // namespace tributary::format::parquet
