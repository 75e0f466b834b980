// Value: one column value of a row image, typed, as decoded from the binlog.
//
// Byte-carrying kinds (strings, blobs, BIT, JSON binary, GEOMETRY, VECTOR, DECIMAL in
// MySQL's binary form or as text) hold a view into the event buffer (or the snapshot
// reader's row buffers): the Value lives no longer than the buffer of the event it was
// decoded from (see RowImage). Kinds computed by the decoder (a JSON document after a
// partial update, a padded BINARY) own their bytes (SetOwned).
// Values are small and cheap to copy when they view; thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tributary::event {

enum class ValueKind : uint8_t {
  kAbsent,      // column not in this row image (MINIMAL / NOBLOB images)
  kNull,
  kInt,         // signed integers (TINY..LONGLONG); `i`
  kUInt,        // unsigned integers; `u`
  kFloat,       // `f`
  kDouble,      // `d`
  kDecimal,     // `bytes` in MySQL's binary DECIMAL form; precision, scale
  kDecimalText, // `bytes`: the exact decimal text as mysql::AppendDecimalText writes it for
                // the binary form ("-12.50", "0.00", "7": `scale` fraction digits, no
                // leading zeros but a lone 0, no "-0"); precision, scale. Made by the
                // snapshot reader from the server's text (no text → binary → text trip).
  kYear,        // `i`: 0 or 1901..2155
  kDate,        // `date` (zero parts allowed: '0000-00-00')
  kTime,        // `time`: signed duration, may exceed 24 h
  kDateTime,    // `datetime` (zero parts allowed), fsp
  kTimestamp,   // `timestamp`: seconds since the epoch (UTC) + micros, fsp
  kString,      // `bytes` in `charset` (a MySQL collation id; 63 = binary)
  kBytes,       // `bytes`: BINARY/VARBINARY/BLOB (binary charset)
  kBit,         // `bytes`: big-endian, (bits+7)/8 bytes; `bits`
  kEnum,        // `u`: 1-based index, 0 = the empty error value
  kSet,         // `u`: bitmask of members
  kJsonBinary,  // `bytes`: MySQL binary JSON (empty = JSON null)
  kJsonText,    // `bytes` (possibly owned): JSON text (MariaDB; MySQL after a partial update)
  kJsonDiff,    // `bytes`: MySQL partial-update diff list, when the before image lacks
                // the document to apply it to (binlog_row_image=MINIMAL)
  kGeometry,    // `bytes`: 4-byte little-endian SRID + WKB
  kVector,      // `bytes`: float32 little-endian, dimension = size / 4
};

struct Date {
  uint16_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
};

struct Time {
  bool negative = false;
  uint32_t hours = 0;  // up to 838 (MySQL's TIME range), more for corrupt input
  uint8_t minutes = 0;
  uint8_t seconds = 0;
  uint32_t micros = 0;
};

struct DateTime {
  uint16_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
  uint8_t hour = 0;
  uint8_t minute = 0;
  uint8_t second = 0;
  uint32_t micros = 0;
};

struct Timestamp {
  int64_t seconds = 0;  // since 1970-01-01 00:00:00 UTC; 0 with micros 0 = zero timestamp
  uint32_t micros = 0;
};

// The fixed-size part of a value; which member is meaningful depends on the kind.
union Scalar {
  int64_t i;
  uint64_t u;
  float f;
  double d;
  Date date;
  Time time;
  DateTime datetime;
  Timestamp timestamp;
  Scalar() : i(0) {}
};

struct Value {
  ValueKind kind = ValueKind::kNull;
  uint8_t fsp = 0;        // fractional second digits of temporal kinds (0..6)
  uint8_t precision = 0;  // DECIMAL
  uint8_t scale = 0;      // DECIMAL
  uint16_t charset = 0;   // kString / kJsonText: collation id (0 = unknown)
  uint16_t bits = 0;      // kBit: declared width
  Scalar s;
  std::string_view bytes;  // view into the event buffer, or into the owned string

  Value() = default;
  // Moves keep `bytes` valid: an owned string lives on the heap and moves with its
  // pointer. Copies of an owning value copy the string and re-point `bytes`. Values are
  // moved on the decoder's hot path; the common case owns nothing.
  Value(const Value& o)
      : kind(o.kind), fsp(o.fsp), precision(o.precision), scale(o.scale), charset(o.charset),
        bits(o.bits), s(o.s), bytes(o.bytes) {
    if (o.owned_) {
      owned_ = std::make_unique<std::string>(*o.owned_);
      if (o.owns_bytes()) bytes = *owned_;
    }
  }
  Value(Value&& o) noexcept = default;
  Value& operator=(const Value& o) {
    if (this != &o) *this = Value(o);
    return *this;
  }
  Value& operator=(Value&& o) noexcept = default;

  static Value Null() { return Value(); }
  static Value Absent() {
    Value v;
    v.kind = ValueKind::kAbsent;
    return v;
  }
  bool is_null() const { return kind == ValueKind::kNull; }
  bool is_absent() const { return kind == ValueKind::kAbsent; }
  // True when `bytes` views a string this value owns (not the event buffer).
  bool owns_bytes() const { return owned_ && bytes.data() == owned_->data(); }
  // Makes the value own `text` and view it.
  void SetOwned(std::string text) {
    owned_ = std::make_unique<std::string>(std::move(text));
    bytes = *owned_;
  }

 private:
  std::unique_ptr<std::string> owned_;  // set only by kinds the decoder computes
};

}  // namespace tributary::event
