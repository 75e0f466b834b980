#include "format/parquet/rle_encoder.h"

#include <cstring>

namespace tributary::format::parquet {
namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

template <typename T>
size_t RunLength(const T* v, size_t i, size_t n) {
  const T x = v[i];
  size_t j = i + 1;
  while (j < n && v[j] == x) ++j;
  return j - i;
}

void EmitRun(uint32_t value, size_t count, int bit_width, std::string* out) {
  PutVarint(static_cast<uint64_t>(count) << 1, out);
  int bytes = (bit_width + 7) / 8;
  for (int b = 0; b < bytes; ++b) out->push_back(static_cast<char>((value >> (8 * b)) & 0xff));
}

// Bit-packs values[0..count) (count rounded up to a multiple of 8 with zeros) LSB first.
template <typename T>
void EmitBitPacked(const T* values, size_t count, int bit_width, std::string* out) {
  size_t groups = (count + 7) / 8;
  PutVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
  if (bit_width == 0) return;
  size_t old = out->size();
  out->resize(old + groups * static_cast<size_t>(bit_width));
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + old);
  size_t full = count / 8;
  for (size_t g = 0; g < full; ++g) {
    const T* src = values + g * 8;
    if (bit_width <= 8) {
      // 8 values of <= 8 bits fit in one 64-bit word.
      uint64_t acc = 0;
      for (int k = 0; k < 8; ++k) acc |= static_cast<uint64_t>(src[k]) << (k * bit_width);
      std::memcpy(dst, &acc, 8 < bit_width ? 8 : static_cast<size_t>(bit_width));
      dst += bit_width;
    } else {
      uint64_t acc = 0;
      int bits = 0;
      for (int k = 0; k < 8; ++k) {
        acc |= static_cast<uint64_t>(src[k]) << bits;
        bits += bit_width;
        while (bits >= 8) {
          *dst++ = static_cast<unsigned char>(acc);
          acc >>= 8;
          bits -= 8;
        }
      }
    }
  }
  size_t rest = count - full * 8;
  if (rest > 0) {
    T last[8] = {};
    for (size_t k = 0; k < rest; ++k) last[k] = values[full * 8 + k];
    uint64_t acc = 0;
    int bits = 0;
    for (int k = 0; k < 8; ++k) {
      acc |= static_cast<uint64_t>(last[k]) << bits;
      bits += bit_width;
      while (bits >= 8) {
        *dst++ = static_cast<unsigned char>(acc);
        acc >>= 8;
        bits -= 8;
      }
    }
  }
}

template <typename T>
void Encode(const T* v, size_t n, int bit_width, std::string* out) {
  size_t i = 0;
  while (i < n) {
    size_t r = RunLength(v, i, n);
    if (r >= 8) {
      EmitRun(static_cast<uint32_t>(v[i]), r, bit_width, out);
      i += r;
      continue;
    }
    // A literal section: extend it until a run of >= 8 can start on a group boundary
    // (absorbing the first values of that run to reach the boundary).
    size_t start = i;
    i += r;
    while (i < n) {
      r = RunLength(v, i, n);
      size_t misalign = (i - start) % 8;
      size_t pad = misalign == 0 ? 0 : 8 - misalign;
      if (r >= pad + 8) {
        i += pad;
        break;
      }
      i += r;
    }
    EmitBitPacked(v + start, i - start, bit_width, out);
  }
}

}  // namespace

void EncodeRleHybrid(const uint8_t* values, size_t n, int bit_width, std::string* out) {
  Encode(values, n, bit_width, out);
}
void EncodeRleHybrid(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  Encode(values, n, bit_width, out);
}

}  // namespace tributary::format::parquet
