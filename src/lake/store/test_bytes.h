// Test data for the object store tests: deterministic pseudo-random bytes, so a part
// uploaded out of place or twice shows when the object is read back. Header-only, tests only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tributary::lake {

// `n` bytes from an xorshift32 stream seeded with `seed` (same arguments, same bytes).
inline std::string PatternBytes(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(x);
  }
  return out;
}

}  // namespace tributary::lake
