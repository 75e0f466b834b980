#include "mysql/column_decoder.h"

#include <fmt/format.h>

#include <bit>
#include <string_view>

#include "mysql/decimal.h"

namespace tributary::mysql {
namespace {

using event::Value;
using event::ValueKind;

constexpr int kMaxFsp = 6;

// Offsets MySQL adds to the integer part of TIME2 and DATETIME2 so that the big-endian
// bytes sort like the values (my_time.cc: TIME_INT_OFS, DATETIMEF_INT_OFS).
constexpr int64_t kTime2IntOffset = 0x800000;
constexpr uint64_t kDateTime2IntOffset = 0x8000000000;

// Adds "<TYPE> <what>" to a reader error so the message says what was being read.
Status Context(const Status& s, ColumnType type, std::string_view what) {
  return s.WithContext(fmt::format("{} {}", ColumnTypeName(type), what));
}

Status Corrupt(ColumnType type, std::string_view detail) {
  return Status::Corruption(fmt::format("{} value: {}", ColumnTypeName(type), detail));
}

Result<Value> DecodeInteger(ByteReader& reader, ColumnType type, size_t width, bool is_unsigned) {
  auto raw = reader.ReadUint(width);
  if (!raw) return Error(Context(raw.error(), type, "value"));
  Value v;
  if (is_unsigned) {
    v.kind = ValueKind::kUInt;
    v.s.u = *raw;
  } else {
    // Moves the value's sign bit to bit 63, then shifts back arithmetically.
    const int shift = static_cast<int>(64 - 8 * width);
    v.kind = ValueKind::kInt;
    v.s.i = static_cast<int64_t>(*raw << shift) >> shift;
  }
  return v;
}

// Bytes of the fractional part of TIME2/DATETIME2/TIMESTAMP2 for `fsp` digits, which
// MySQL stores in units of 1/100 (1 byte), 1/10000 (2 bytes) or 1/1000000 (3 bytes).
size_t FracBytes(int fsp) { return static_cast<size_t>((fsp + 1) / 2); }

// Converts a stored fraction of `nbytes` bytes to microseconds; false when it is not a
// fraction of a second (no server writes that).
bool FracToMicros(uint64_t frac, size_t nbytes, uint32_t* micros) {
  switch (nbytes) {
    case 0: *micros = 0; return true;
    case 1: *micros = static_cast<uint32_t>(frac * 10000); return frac < 100;
    case 2: *micros = static_cast<uint32_t>(frac * 100); return frac < 10000;
    case 3: *micros = static_cast<uint32_t>(frac); return frac < 1000000;
    default: return false;
  }
}

Result<int> TemporalFsp(const ColumnMeta& col) {
  if (col.meta > kMaxFsp) {
    return Error(Corrupt(col.type, fmt::format("fractional second precision {} in the "
                                               "TABLE_MAP metadata is above 6",
                                               col.meta)));
  }
  return static_cast<int>(col.meta);
}

// TIME2: 3 bytes of integer part (sign, hours 10 bits, minutes 6, seconds 6) and the
// fraction, all big-endian and offset by 0x800000 << (8 * fraction bytes). Reading the
// whole as one offset two's-complement number is what makes negative values come out
// right: MySQL stores a negative fraction as its complement and borrows from the integer
// part ("-00:00:01.01" is stored as integer -2, fraction 0xFF at fsp 2).
Result<Value> DecodeTime2(ByteReader& reader, const ColumnMeta& col) {
  auto fsp = TemporalFsp(col);
  if (!fsp) return Error(fsp.error());
  const size_t frac_bytes = FracBytes(*fsp);
  auto raw = reader.ReadUintBigEndian(3 + frac_bytes);
  if (!raw) return Error(Context(raw.error(), col.type, "value"));
  const int frac_bits = static_cast<int>(8 * frac_bytes);
  const int64_t packed = static_cast<int64_t>(*raw) - (kTime2IntOffset << frac_bits);
  const uint64_t magnitude =
      packed < 0 ? static_cast<uint64_t>(-packed) : static_cast<uint64_t>(packed);
  const uint64_t int_part = magnitude >> frac_bits;
  Value v;
  v.kind = ValueKind::kTime;
  v.fsp = static_cast<uint8_t>(*fsp);
  v.s.time = event::Time{};
  if (!FracToMicros(magnitude & ((uint64_t{1} << frac_bits) - 1), frac_bytes, &v.s.time.micros)) {
    return Error(Corrupt(col.type, "fraction is not below one second"));
  }
  v.s.time.negative = packed < 0;
  v.s.time.hours = static_cast<uint32_t>(int_part >> 12);
  v.s.time.minutes = static_cast<uint8_t>((int_part >> 6) & 63);
  v.s.time.seconds = static_cast<uint8_t>(int_part & 63);
  return v;
}

// The fraction after DATETIME2 and TIMESTAMP2: 0..3 big-endian bytes for fsp 0..6, as
// microseconds.
Result<uint32_t> ReadFractionMicros(ByteReader& reader, const ColumnMeta& col, int fsp) {
  const size_t frac_bytes = FracBytes(fsp);
  uint32_t micros = 0;
  if (frac_bytes == 0) return micros;
  auto f = reader.ReadUintBigEndian(frac_bytes);
  if (!f) return Error(Context(f.error(), col.type, "fraction"));
  if (!FracToMicros(*f, frac_bytes, &micros)) {
    return Error(Corrupt(col.type, "fraction is not below one second"));
  }
  return micros;
}

// DATETIME2: 5 bytes big-endian offset by 0x8000000000: sign (always set), year * 13 +
// month (17 bits), day (5), hour (5), minute (6), second (6); then the fraction.
Result<Value> DecodeDateTime2(ByteReader& reader, const ColumnMeta& col) {
  auto fsp = TemporalFsp(col);
  if (!fsp) return Error(fsp.error());
  auto raw = reader.ReadUintBigEndian(5);
  if (!raw) return Error(Context(raw.error(), col.type, "value"));
  auto micros = ReadFractionMicros(reader, col, *fsp);
  if (!micros) return Error(micros.error());
  // A DATETIME is never negative, so a server always sets the offset bit; without it the
  // bytes would decode to a year-10000-and-later value MySQL cannot hold.
  if (*raw < kDateTime2IntOffset) {
    return Error(Corrupt(col.type, fmt::format("packed value 0x{:010x} lacks the 0x8000000000 "
                                               "offset every stored DATETIME has",
                                               *raw)));
  }
  const uint64_t packed = *raw - kDateTime2IntOffset;
  const uint64_t ymd = packed >> 17;
  const uint64_t year_month = ymd >> 5;
  const uint64_t hms = packed & 0x1FFFF;
  Value v;
  v.kind = ValueKind::kDateTime;
  v.fsp = static_cast<uint8_t>(*fsp);
  v.s.datetime = event::DateTime{};
  v.s.datetime.micros = *micros;
  v.s.datetime.year = static_cast<uint16_t>(year_month / 13);
  v.s.datetime.month = static_cast<uint8_t>(year_month % 13);
  v.s.datetime.day = static_cast<uint8_t>(ymd & 31);
  v.s.datetime.hour = static_cast<uint8_t>(hms >> 12);
  v.s.datetime.minute = static_cast<uint8_t>((hms >> 6) & 63);
  v.s.datetime.second = static_cast<uint8_t>(hms & 63);
  return v;
}

// TIMESTAMP2: 4 bytes big-endian seconds since the epoch, then the fraction.
Result<Value> DecodeTimestamp2(ByteReader& reader, const ColumnMeta& col) {
  auto fsp = TemporalFsp(col);
  if (!fsp) return Error(fsp.error());
  auto seconds = reader.ReadUintBigEndian(4);
  if (!seconds) return Error(Context(seconds.error(), col.type, "value"));
  auto micros = ReadFractionMicros(reader, col, *fsp);
  if (!micros) return Error(micros.error());
  Value v;
  v.kind = ValueKind::kTimestamp;
  v.fsp = static_cast<uint8_t>(*fsp);
  v.s.timestamp = event::Timestamp{};
  v.s.timestamp.micros = *micros;
  v.s.timestamp.seconds = static_cast<int64_t>(*seconds);
  return v;
}

// DATE and NEWDATE: 3 bytes little-endian, day (5 bits), month (4), year (15).
Result<Value> DecodeDate(ByteReader& reader, ColumnType type) {
  auto raw = reader.ReadU24();
  if (!raw) return Error(Context(raw.error(), type, "value"));
  Value v;
  v.kind = ValueKind::kDate;
  v.s.date = event::Date{};
  v.s.date.day = static_cast<uint8_t>(*raw & 31);
  v.s.date.month = static_cast<uint8_t>((*raw >> 5) & 15);
  v.s.date.year = static_cast<uint16_t>(*raw >> 9);
  return v;
}

// Old TIME: 3 bytes little-endian two's complement of the decimal number [-]HHHMMSS.
Result<Value> DecodeOldTime(ByteReader& reader, ColumnType type) {
  auto raw = reader.ReadU24();
  if (!raw) return Error(Context(raw.error(), type, "value"));
  const int32_t number = static_cast<int32_t>(*raw << 8) >> 8;
  const uint32_t magnitude =
      number < 0 ? static_cast<uint32_t>(-number) : static_cast<uint32_t>(number);
  Value v;
  v.kind = ValueKind::kTime;
  v.s.time = event::Time{};
  v.s.time.negative = number < 0;
  v.s.time.hours = magnitude / 10000;
  v.s.time.minutes = static_cast<uint8_t>(magnitude / 100 % 100);
  v.s.time.seconds = static_cast<uint8_t>(magnitude % 100);
  return v;
}

// Old DATETIME: 8 bytes little-endian of the decimal number YYYYMMDDHHMMSS.
Result<Value> DecodeOldDateTime(ByteReader& reader, ColumnType type) {
  auto raw = reader.ReadU64();
  if (!raw) return Error(Context(raw.error(), type, "value"));
  uint64_t n = *raw;
  Value v;
  v.kind = ValueKind::kDateTime;
  v.s.datetime = event::DateTime{};
  v.s.datetime.second = static_cast<uint8_t>(n % 100);
  n /= 100;
  v.s.datetime.minute = static_cast<uint8_t>(n % 100);
  n /= 100;
  v.s.datetime.hour = static_cast<uint8_t>(n % 100);
  n /= 100;
  v.s.datetime.day = static_cast<uint8_t>(n % 100);
  n /= 100;
  v.s.datetime.month = static_cast<uint8_t>(n % 100);
  n /= 100;
  if (n > 9999) {
    return Error(Corrupt(type, fmt::format("{} is not a YYYYMMDDHHMMSS number", *raw)));
  }
  v.s.datetime.year = static_cast<uint16_t>(n);
  return v;
}

// A string or blob body of `length` bytes, as kString (with the column's collation) or
// kBytes (binary collation).
Result<Value> ReadText(ByteReader& reader, const ColumnMeta& col, uint64_t length) {
  if (!reader.Has(length)) {
    return Error(Corrupt(col.type, fmt::format("{} byte(s) run past the end of the row image "
                                               "({} left)",
                                               length, reader.remaining())));
  }
  auto body = reader.ReadString(static_cast<size_t>(length));
  if (!body) return Error(Context(body.error(), col.type, "value"));
  Value v;
  if (col.charset == kBinaryCollation) {
    v.kind = ValueKind::kBytes;
  } else {
    v.kind = ValueKind::kString;
    v.charset = col.charset;
  }
  v.bytes = *body;
  return v;
}

// VARCHAR, VAR_STRING and CHAR: a 1-byte length when the column's maximum is below 256
// bytes, else a 2-byte one; the length can never exceed that maximum.
Result<Value> DecodeLengthPrefixedText(ByteReader& reader, const ColumnMeta& col,
                                       uint16_t max_length) {
  auto length = reader.ReadUint(max_length > 255 ? 2 : 1);
  if (!length) return Error(Context(length.error(), col.type, "length"));
  if (*length > max_length) {
    return Error(Corrupt(col.type, fmt::format("length {} exceeds the column's maximum of {} "
                                               "byte(s)",
                                               *length, max_length)));
  }
  return ReadText(reader, col, *length);
}

// BLOB family, JSON, GEOMETRY, VECTOR: a little-endian length of `meta` (1..4) bytes and
// the body.
Result<std::string_view> ReadBlobBody(ByteReader& reader, const ColumnMeta& col) {
  if (col.meta < 1 || col.meta > 4) {
    return Error(Corrupt(col.type, fmt::format("length prefix of {} byte(s) in the TABLE_MAP "
                                               "metadata is not 1..4",
                                               col.meta)));
  }
  auto length = reader.ReadUint(col.meta);
  if (!length) return Error(Context(length.error(), col.type, "length"));
  if (!reader.Has(*length)) {
    return Error(Corrupt(col.type, fmt::format("{} byte(s) run past the end of the row image "
                                               "({} left)",
                                               *length, reader.remaining())));
  }
  auto body = reader.ReadString(static_cast<size_t>(*length));
  if (!body) return Error(Context(body.error(), col.type, "value"));
  return *body;
}

Result<Value> DecodeBlobLike(ByteReader& reader, const ColumnMeta& col) {
  auto body = ReadBlobBody(reader, col);
  if (!body) return Error(body.error());
  Value v;
  switch (col.type) {
    case ColumnType::kJson: v.kind = ValueKind::kJsonBinary; break;
    case ColumnType::kGeometry: v.kind = ValueKind::kGeometry; break;
    case ColumnType::kVector:
      if (body->size() % 4 != 0) {
        return Error(Corrupt(
            col.type, fmt::format("{} byte(s) are not whole float32 elements", body->size())));
      }
      v.kind = ValueKind::kVector;
      break;
    default:
      if (col.charset == kBinaryCollation) {
        v.kind = ValueKind::kBytes;
      } else {
        v.kind = ValueKind::kString;
        v.charset = col.charset;
      }
      break;
  }
  v.bytes = *body;
  return v;
}

// ENUM (1-2 bytes) and SET (1-8 bytes), little-endian.
Result<Value> DecodeEnumOrSet(ByteReader& reader, ColumnType real_type, uint16_t pack_length) {
  const bool is_enum = real_type == ColumnType::kEnum;
  if (pack_length < 1 || pack_length > (is_enum ? 2 : 8)) {
    return Error(Corrupt(real_type, fmt::format("{} byte(s) per value in the TABLE_MAP metadata "
                                                "is not 1..{}",
                                                pack_length, is_enum ? 2 : 8)));
  }
  auto raw = reader.ReadUint(pack_length);
  if (!raw) return Error(Context(raw.error(), real_type, "value"));
  Value v;
  v.kind = is_enum ? ValueKind::kEnum : ValueKind::kSet;
  v.s.u = *raw;
  return v;
}

Result<Value> DecodeString(ByteReader& reader, const ColumnMeta& col) {
  const StringColumnMeta sm = UnpackStringMeta(col.meta);
  switch (sm.real_type) {
    case ColumnType::kString: {
      auto v = DecodeLengthPrefixedText(reader, col, sm.length);
      // BINARY(N): the server strips trailing 0x00 bytes from the row image; the value
      // is N bytes, as SELECT returns it. (CHAR's trailing spaces are stripped by SELECT
      // too, so CHAR stays as logged.)
      if (v && v->kind == ValueKind::kBytes && v->bytes.size() < sm.length) {
        std::string padded(v->bytes);
        padded.resize(sm.length, '\0');
        v->SetOwned(std::move(padded));
      }
      return v;
    }
    case ColumnType::kEnum:
    case ColumnType::kSet: return DecodeEnumOrSet(reader, sm.real_type, sm.length);
    default:
      return Error(Corrupt(col.type, fmt::format("real type {} in the TABLE_MAP metadata is "
                                                 "not STRING, ENUM or SET",
                                                 static_cast<int>(sm.real_type))));
  }
}

// BIT(n): meta = whole bytes << 8 | n % 8; the value is (n + 7) / 8 bytes big-endian.
Result<Value> DecodeBit(ByteReader& reader, const ColumnMeta& col) {
  const unsigned rem_bits = col.meta & 0xFF;
  const unsigned width = (col.meta >> 8) * 8u + rem_bits;
  if (rem_bits > 7 || width < 1 || width > 64) {
    return Error(Corrupt(col.type, fmt::format("TABLE_MAP metadata 0x{:04x} is not a width of "
                                               "1..64 bits",
                                               col.meta)));
  }
  auto body = reader.ReadString((width + 7) / 8);
  if (!body) return Error(Context(body.error(), col.type, "value"));
  Value v;
  v.kind = ValueKind::kBit;
  v.bits = static_cast<uint16_t>(width);
  v.bytes = *body;
  return v;
}

Result<Value> DecodeNewDecimal(ByteReader& reader, const ColumnMeta& col) {
  const int precision = col.meta >> 8;
  const int scale = col.meta & 0xFF;
  const size_t size = DecimalBinarySize(precision, scale);
  if (size == 0) {
    return Error(Corrupt(col.type, fmt::format("DECIMAL({},{}) in the TABLE_MAP metadata is "
                                               "outside MySQL's limits",
                                               precision, scale)));
  }
  auto body = reader.ReadString(size);
  if (!body) return Error(Context(body.error(), col.type, "value"));
  Value v;
  v.kind = ValueKind::kDecimal;
  v.precision = static_cast<uint8_t>(precision);
  v.scale = static_cast<uint8_t>(scale);
  v.bytes = *body;
  return v;
}

}  // namespace

Result<uint16_t> ReadColumnMetadata(ByteReader& reader, ColumnType type) {
  switch (type) {
    case ColumnType::kFloat:
    case ColumnType::kDouble:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
    case ColumnType::kJson:
    case ColumnType::kGeometry:
    case ColumnType::kVector:
    case ColumnType::kTime2:
    case ColumnType::kDateTime2:
    case ColumnType::kTimestamp2: {
      auto b = reader.ReadU8();
      if (!b) return Error(Context(b.error(), type, "metadata"));
      return *b;
    }
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
    case ColumnType::kBit: {
      auto m = reader.ReadU16();
      if (!m) return Error(Context(m.error(), type, "metadata"));
      return *m;
    }
    case ColumnType::kNewDecimal:
    case ColumnType::kString:
    case ColumnType::kEnum:
    case ColumnType::kSet: {
      auto m = reader.ReadUintBigEndian(2);
      if (!m) return Error(Context(m.error(), type, "metadata"));
      return static_cast<uint16_t>(*m);
    }
    case ColumnType::kDecimal:
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kLong:
    case ColumnType::kNull:
    case ColumnType::kTimestamp:
    case ColumnType::kLongLong:
    case ColumnType::kInt24:
    case ColumnType::kDate:
    case ColumnType::kTime:
    case ColumnType::kDateTime:
    case ColumnType::kYear:
    case ColumnType::kNewDate:
    case ColumnType::kBool: return uint16_t{0};
    case ColumnType::kTypedArray:
      return Error(Status::Unsupported("TYPED_ARRAY columns in TABLE_MAP are not supported"));
    case ColumnType::kInvalid: break;
  }
  return Error(Status::Corruption(
      fmt::format("column type {} in TABLE_MAP is not a MySQL column type; its metadata size "
                  "is unknown",
                  static_cast<int>(type))));
}

StringColumnMeta UnpackStringMeta(uint16_t meta) {
  const unsigned first = meta >> 8;
  const unsigned second = meta & 0xFF;
  StringColumnMeta out;
  if ((first & 0x30) != 0x30) {
    // The real type (always 0xF? for STRING, ENUM, SET) has bits 4..5 set; cleared ones
    // hold bits 8..9 of the length, inverted (Field_string::do_save_field_metadata).
    out.real_type = static_cast<ColumnType>(first | 0x30);
    out.length = static_cast<uint16_t>((((first & 0x30) ^ 0x30) << 4) | second);
  } else {
    out.real_type = static_cast<ColumnType>(first);
    out.length = static_cast<uint16_t>(second);
  }
  return out;
}

Result<event::Value> DecodeColumnValue(ByteReader& reader, const ColumnMeta& col) {
  switch (col.type) {
    case ColumnType::kTiny: return DecodeInteger(reader, col.type, 1, col.is_unsigned);
    case ColumnType::kShort: return DecodeInteger(reader, col.type, 2, col.is_unsigned);
    case ColumnType::kInt24: return DecodeInteger(reader, col.type, 3, col.is_unsigned);
    case ColumnType::kLong: return DecodeInteger(reader, col.type, 4, col.is_unsigned);
    case ColumnType::kLongLong: return DecodeInteger(reader, col.type, 8, col.is_unsigned);
    case ColumnType::kFloat: {
      auto raw = reader.ReadU32();
      if (!raw) return Error(Context(raw.error(), col.type, "value"));
      Value v;
      v.kind = ValueKind::kFloat;
      v.s.f = std::bit_cast<float>(*raw);
      return v;
    }
    case ColumnType::kDouble: {
      auto raw = reader.ReadU64();
      if (!raw) return Error(Context(raw.error(), col.type, "value"));
      Value v;
      v.kind = ValueKind::kDouble;
      v.s.d = std::bit_cast<double>(*raw);
      return v;
    }
    case ColumnType::kNewDecimal: return DecodeNewDecimal(reader, col);
    case ColumnType::kYear: {
      auto raw = reader.ReadU8();
      if (!raw) return Error(Context(raw.error(), col.type, "value"));
      Value v;
      v.kind = ValueKind::kYear;
      v.s.i = *raw == 0 ? 0 : 1900 + int64_t{*raw};
      return v;
    }
    case ColumnType::kDate:
    case ColumnType::kNewDate: return DecodeDate(reader, col.type);
    case ColumnType::kTime: return DecodeOldTime(reader, col.type);
    case ColumnType::kTime2: return DecodeTime2(reader, col);
    case ColumnType::kDateTime: return DecodeOldDateTime(reader, col.type);
    case ColumnType::kDateTime2: return DecodeDateTime2(reader, col);
    case ColumnType::kTimestamp: {
      auto raw = reader.ReadU32();
      if (!raw) return Error(Context(raw.error(), col.type, "value"));
      Value v;
      v.kind = ValueKind::kTimestamp;
      v.s.timestamp = event::Timestamp{};
      v.s.timestamp.seconds = static_cast<int64_t>(*raw);
      return v;
    }
    case ColumnType::kTimestamp2: return DecodeTimestamp2(reader, col);
    case ColumnType::kVarchar:
    case ColumnType::kVarString: return DecodeLengthPrefixedText(reader, col, col.meta);
    case ColumnType::kString:
    case ColumnType::kEnum:
    case ColumnType::kSet: return DecodeString(reader, col);
    case ColumnType::kBit: return DecodeBit(reader, col);
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
    case ColumnType::kJson:
    case ColumnType::kGeometry:
    case ColumnType::kVector: return DecodeBlobLike(reader, col);
    case ColumnType::kNull: return Value::Null();
    case ColumnType::kDecimal:
    case ColumnType::kTypedArray:
    case ColumnType::kBool:
      return Error(Status::Unsupported(
          fmt::format("{} columns do not appear in row images of supported servers",
                      ColumnTypeName(col.type))));
    case ColumnType::kInvalid: break;
  }
  return Error(Status::Corruption(
      fmt::format("column type {} is not a MySQL column type", static_cast<int>(col.type))));
}

}  // namespace tributary::mysql
