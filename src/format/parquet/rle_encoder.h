// The RLE / bit-packing hybrid encoding of Parquet (Encodings.md): definition levels and
// dictionary indices. Whole pages are encoded at once from a buffer of values, which
// lets runs be found by a forward scan instead of a streaming state machine.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tributary::format::parquet {

// Bits needed to store `max_value` (0 for 0, 1 for 1, 2 for 2..3, ...).
inline int BitWidth(uint64_t max_value) {
  return max_value == 0 ? 0 : 64 - __builtin_clzll(max_value);
}

// Appends the hybrid encoding of `n` values, each < 2^bit_width (0 <= bit_width <= 32),
// to `out`, without a length prefix or bit-width byte (callers add the one their context
// needs). Runs of 8 or more equal values become RLE runs; the rest is bit-packed in
// groups of 8, the last group zero-padded. A reader needs `n` to know where it ends.
void EncodeRleHybrid(const uint8_t* values, size_t n, int bit_width, std::string* out);
void EncodeRleHybrid(const uint32_t* values, size_t n, int bit_width, std::string* out);

}  // namespace tributary::format::parquet
