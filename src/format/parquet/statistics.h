// Min / max / null count of a page or a column chunk, in Parquet's type-defined order
// (signed or unsigned integers by logical type, IEEE floats without NaN, unsigned
// lexicographic bytes, signed big-endian bytes for decimals), and their encoding for the
// footer and page headers: PLAIN bytes, long byte arrays truncated (min to a prefix, max
// to a prefix whose last character is incremented, so it stays an upper bound; UTF-8
// columns are cut on character boundaries and stay valid UTF-8).
//
// Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "format/parquet/schema.h"

namespace tributary::format::parquet {

struct EncodedStatistics {
  bool has_min_max = false;
  std::string min;  // PLAIN encoding of the value (no length prefix for byte arrays)
  std::string max;
  bool min_exact = true;
  bool max_exact = true;
  int64_t null_count = 0;
};

class StatsAccumulator {
 public:
  // `utf8`: byte arrays are UTF-8 text (STRING, ENUM, JSON): truncate on characters.
  StatsAccumulator(SortOrder order, bool utf8) : order_(order), utf8_(utf8) {}

  void Reset() {
    has_ = false;
    null_count_ = 0;
  }
  void AddNulls(int64_t n) { null_count_ += n; }
  // Values by bit pattern: int32/uint32/float in Update32, int64/uint64/double in
  // Update64, as the sort order says. NaNs are skipped.
  void Update32(const uint32_t* v, size_t n);
  void Update64(const uint64_t* v, size_t n);
  void UpdateBool(bool v) { Update64Bits(v ? 1 : 0); }
  void UpdateBytes(std::string_view v);
  void Merge(const StatsAccumulator& other);

  bool has_min_max() const { return has_; }
  int64_t null_count() const { return null_count_; }
  // Encodes for the footer; byte arrays longer than `max_length` are truncated
  // (0 = never).
  EncodedStatistics Encode(size_t max_length) const;

 private:
  void Update64Bits(uint64_t bits);
  bool Less64(uint64_t a, uint64_t b) const;
  int CompareBytes(std::string_view a, std::string_view b) const;

  SortOrder order_;
  bool utf8_;
  bool has_ = false;
  int64_t null_count_ = 0;
  uint64_t min64_ = 0, max64_ = 0;  // numbers and booleans, by bit pattern
  std::string min_bytes_, max_bytes_;
};

// Truncation helpers (exposed for tests). Each returns false when the value is kept
// whole (short enough, or no shorter upper bound exists).
bool TruncateMin(std::string* v, size_t max_length, bool utf8);
bool TruncateMax(std::string* v, size_t max_length, bool utf8);

}  // namespace tributary::format::parquet
