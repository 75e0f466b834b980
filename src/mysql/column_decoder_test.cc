#include "mysql/column_decoder.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/hex_for_tests.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "mysql/column_type.h"
#include "mysql/decimal.h"
#include "mysql/value_text.h"

namespace tributary::mysql {
namespace {

using event::Value;
using event::ValueKind;
using namespace std::string_view_literals;

constexpr uint16_t kUtf8mb4Collation = 255;  // utf8mb4_0900_ai_ci

using testing_hex::FromHex;
using testing_hex::ToHex;

std::string Json(const Value& v) {
  std::string out;
  Status s = AppendValueJson(v, &out);
  if (!s.ok()) return "<error: " + s.ToString() + ">";
  return out;
}

// Decodes `hex` as one value of `col`, requiring the whole buffer to be consumed.
Result<Value> DecodeHex(const std::vector<std::byte>& buf, const ColumnMeta& col) {
  ByteReader reader(buf);
  auto v = DecodeColumnValue(reader, col);
  if (v && !reader.empty()) {
    ADD_FAILURE() << reader.remaining() << " byte(s) left after the value";
  }
  return v;
}

// ---------------------------------------------------------------------------------------
// The shared vectors: testdata/binlog/vectors/column-value-vectors.tsv.

struct Vector {
  int line = 0;
  std::string source;
  std::string name;
  int type_code = 0;
  std::string type_name;
  std::string metadata;
  bool is_unsigned = false;
  std::string hex;
  std::string expected;
};

std::string VectorPath() {
  return std::string(TRIBUTARY_BINLOG_TESTDATA) + "/vectors/column-value-vectors.tsv";
}

std::vector<Vector> LoadVectors() {
  std::vector<Vector> out;
  std::ifstream in(VectorPath());
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      f.push_back(line.substr(start, tab - start));
    }
    f.push_back(line.substr(start));
    if (f.size() != 8) {
      Vector bad;
      bad.line = line_no;
      bad.name = "malformed line";
      out.push_back(bad);
      continue;
    }
    Vector v;
    v.line = line_no;
    v.source = f[0];
    v.name = f[1];
    v.type_code = std::stoi(f[2]);
    v.type_name = f[3];
    v.metadata = f[4];
    v.is_unsigned = f[5] == "unsigned";
    v.hex = f[6];
    v.expected = f[7];
    out.push_back(v);
  }
  return out;
}

const std::vector<Vector>& Vectors() {
  static const std::vector<Vector> vectors = LoadVectors();
  return vectors;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The metadata column's forms, as the uint16 of the convention in column_decoder.h.
uint16_t ParseMeta(const Vector& v) {
  const std::string& m = v.metadata;
  unsigned a = 0, b = 0;
  if (m == "-") return 0;
  if (std::sscanf(m.c_str(), "max_bytes=%u", &a) == 1) return static_cast<uint16_t>(a);
  if (std::sscanf(m.c_str(), "fsp=%u", &a) == 1) return static_cast<uint16_t>(a);
  if (std::sscanf(m.c_str(), "length_bytes=%u", &a) == 1) return static_cast<uint16_t>(a);
  if (std::sscanf(m.c_str(), "bits=%u", &a) == 1) return static_cast<uint16_t>(a / 8 << 8 | a % 8);
  if (std::sscanf(m.c_str(), "precision=%u,scale=%u", &a, &b) == 2) {
    return static_cast<uint16_t>(a << 8 | b);
  }
  if (std::sscanf(m.c_str(), "meta_hi=%x,meta_lo=%x", &a, &b) == 2) {
    return static_cast<uint16_t>(a << 8 | b);
  }
  ADD_FAILURE() << "unknown metadata form " << m;
  return 0;
}

// The metadata as TABLE_MAP stores it, so ReadColumnMetadata is checked on every vector.
std::vector<std::byte> TableMapMetadataBytes(ColumnType type, uint16_t meta) {
  auto b = [](unsigned x) { return static_cast<std::byte>(x & 0xFF); };
  switch (type) {
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
    case ColumnType::kBit: return {b(meta), b(meta >> 8)};  // little-endian
    case ColumnType::kNewDecimal:
    case ColumnType::kString: return {b(meta >> 8), b(meta)};  // precision/real type first
    case ColumnType::kFloat:
    case ColumnType::kDouble: return {b(type == ColumnType::kFloat ? 4 : 8)};
    case ColumnType::kBlob:
    case ColumnType::kJson:
    case ColumnType::kGeometry:
    case ColumnType::kTime2:
    case ColumnType::kDateTime2:
    case ColumnType::kTimestamp2: return {b(meta)};
    default: return {};
  }
}

// What a vector expects, restated in our rendering.
struct Expectation {
  std::optional<std::string> json;       // AppendValueJson output
  std::optional<std::string> bytes_hex;  // hex of the value's byte view
  std::optional<int64_t> epoch;          // TIMESTAMP seconds
  std::optional<ValueKind> kind;
  bool decode_error = false;
  bool render_error = false;
  uint16_t charset = kUtf8mb4Collation;
};

std::string Quote(std::string_view s) { return fmt::format("\"{}\"", s); }

Expectation Expect(const Vector& v) {
  Expectation e;
  const std::string& x = v.expected;
  const auto type = static_cast<ColumnType>(v.type_code);
  if (StartsWith(x, "invalid/zero datetime")) {
    // "DATETIME2(3) zero date" from MySqlCdc: bytes 00000000000d7a, which MySqlCdc decodes
    // to null. A server never writes them: DATETIME2 stores the packed value plus
    // 0x8000000000 (my_datetime_packed_to_binary), and a DATETIME is never negative, so
    // the top bit is always set; the zero DATETIME is 8000000000 (see the vector
    // "DATETIME2 fsp=0 0000-00-00 00:00:00"). MySQL's own reader would turn these bytes
    // into a garbage year-10082 date. We report Corruption instead of inventing a null.
    e.decode_error = true;
    return e;
  }
  if (StartsWith(x, "JSON ")) {
    // The value is MySQL binary JSON ({"a": "b"}); rendering it is the JSON decoder's job,
    // so check the payload view: the bytes after the length prefix.
    e.kind = ValueKind::kJsonBinary;
    e.bytes_hex = v.hex.substr(2 * ParseMeta(v));
    e.render_error = true;
    return e;
  }
  if (StartsWith(x, "ENUM#")) {
    e.kind = ValueKind::kEnum;
    e.json = x.substr(5);
    return e;
  }
  if (StartsWith(x, "SET#0b")) {
    e.kind = ValueKind::kSet;
    e.json = std::to_string(std::stoull(x.substr(6), nullptr, 2));
    return e;
  }
  if (StartsWith(x, "bytes ")) {
    const std::string hex = x.substr(6);
    e.bytes_hex = hex;
    e.charset = kBinaryCollation;
    if (type == ColumnType::kGeometry) {
      // A dummy 3-byte payload: decodable (GEOMETRY is a blob to the decoder), but not
      // renderable, since a stored geometry starts with a 4-byte SRID.
      e.kind = ValueKind::kGeometry;
      e.render_error = true;
    } else {
      e.kind = ValueKind::kBytes;
      e.json = Quote("0x" + hex);
    }
    return e;
  }
  if (StartsWith(x, "b'")) {
    // "b'000001100000001' (bytes 0301)"
    const size_t close = x.find('\'', 2);
    e.kind = ValueKind::kBit;
    e.json = Quote(x.substr(0, close + 1));
    const size_t bytes_at = x.find("(bytes ");
    if (bytes_at != std::string::npos)
      e.bytes_hex = x.substr(bytes_at + 7, x.size() - bytes_at - 8);
    return e;
  }
  if (x.size() >= 2 && x.front() == '\'' && x.back() == '\'') {
    e.kind = ValueKind::kString;
    e.json = Quote(x.substr(1, x.size() - 2));
    return e;
  }
  switch (type) {
    case ColumnType::kTimestamp:
    case ColumnType::kTimestamp2: {
      // "2017-03-21 14:25:09.7 UTC (epoch 1490106309)"
      e.kind = ValueKind::kTimestamp;
      const size_t utc = x.find(" UTC (epoch ");
      std::string text = x.substr(0, utc);
      text[10] = 'T';
      e.json = Quote(text + "Z");
      e.epoch = std::stoll(x.substr(utc + 12));
      return e;
    }
    case ColumnType::kFloat:
    case ColumnType::kDouble:
      // "3.1415927 (float32 0x40490fdb)": the number is the shortest round-trip text.
      e.kind = type == ColumnType::kFloat ? ValueKind::kFloat : ValueKind::kDouble;
      e.json = x.substr(0, x.find(' '));
      return e;
    case ColumnType::kNewDecimal:
      e.kind = ValueKind::kDecimal;
      e.json = Quote(x);
      return e;
    case ColumnType::kDate:
    case ColumnType::kNewDate:
      e.kind = ValueKind::kDate;
      e.json = Quote(x);
      return e;
    case ColumnType::kTime:
    case ColumnType::kTime2:
      e.kind = ValueKind::kTime;
      e.json = Quote(x);
      return e;
    case ColumnType::kDateTime:
    case ColumnType::kDateTime2:
      e.kind = ValueKind::kDateTime;
      e.json = Quote(x);
      return e;
    case ColumnType::kYear:
      e.kind = ValueKind::kYear;
      e.json = x;
      return e;
    default:
      e.kind = v.is_unsigned ? ValueKind::kUInt : ValueKind::kInt;
      e.json = x;
      return e;
  }
}

ColumnMeta MetaFor(const Vector& v, const Expectation& e) {
  ColumnMeta col;
  col.type = static_cast<ColumnType>(v.type_code);
  col.meta = ParseMeta(v);
  col.is_unsigned = v.is_unsigned;
  col.charset = e.charset;
  return col;
}

TEST(ColumnVectorFileTest, HasEveryCase) {
  std::ifstream probe(VectorPath());
  ASSERT_TRUE(probe.good()) << "missing test vectors: " << VectorPath();
  EXPECT_EQ(Vectors().size(), 347u);
  for (const Vector& v : Vectors()) {
    EXPECT_NE(v.name, "malformed line") << "line " << v.line;
  }
}

class ColumnVectorTest : public testing::TestWithParam<Vector> {};

TEST_P(ColumnVectorTest, DecodesAndRenders) {
  const Vector& v = GetParam();
  SCOPED_TRACE(
      fmt::format("line {}: {} [{}] {} {}", v.line, v.name, v.metadata, v.hex, v.expected));
  Expectation e = Expect(v);
  const ColumnMeta col = MetaFor(v, e);
  EXPECT_EQ(ColumnTypeName(col.type), v.type_name);

  // The metadata, encoded as TABLE_MAP holds it, reads back to the same uint16.
  const std::vector<std::byte> meta_bytes = TableMapMetadataBytes(col.type, col.meta);
  ByteReader meta_reader(meta_bytes);
  auto meta = ReadColumnMetadata(meta_reader, col.type);
  ASSERT_TRUE(meta.has_value()) << meta.error().ToString();
  EXPECT_TRUE(meta_reader.empty());
  if (col.type != ColumnType::kFloat && col.type != ColumnType::kDouble) {
    EXPECT_EQ(*meta, col.meta);
  }

  const std::vector<std::byte> buf = FromHex(v.hex);
  auto value = DecodeHex(buf, col);
  if (e.decode_error) {
    ASSERT_FALSE(value.has_value());
    EXPECT_EQ(value.error().code(), StatusCode::kCorruption) << value.error().ToString();
    return;
  }
  ASSERT_TRUE(value.has_value()) << value.error().ToString();
  if (e.kind) {
    EXPECT_EQ(static_cast<int>(value->kind), static_cast<int>(*e.kind));
  }
  if (e.bytes_hex) {
    std::string want = *e.bytes_hex;
    // The vectors state the bytes as logged. BINARY(N) values are logged without their
    // trailing 0x00 bytes; we give the N-byte value SELECT returns (padded, owned).
    if (col.type == ColumnType::kString && value->kind == ValueKind::kBytes) {
      want.resize(2 * UnpackStringMeta(col.meta).length, '0');
    }
    EXPECT_EQ(ToHex(value->bytes), want);
    if (e.json && want != *e.bytes_hex) e.json = Quote("0x" + want);
    // Zero copy: the view points into the row image (or into the value itself, padded).
    const auto* base = reinterpret_cast<const char*>(buf.data());
    if (!value->owns_bytes()) {
      EXPECT_GE(value->bytes.data(), base);
      EXPECT_LE(value->bytes.data() + value->bytes.size(), base + buf.size());
    }
  }
  if (e.epoch) {
    EXPECT_EQ(value->s.timestamp.seconds, *e.epoch);
  }
  std::string out = "[";
  Status rendered = AppendValueJson(*value, &out);
  if (e.render_error) {
    EXPECT_FALSE(rendered.ok());
    EXPECT_EQ(out, "[");  // unchanged on error
  } else {
    ASSERT_TRUE(rendered.ok()) << rendered.ToString();
    EXPECT_EQ(out.substr(1), *e.json);
  }
}

// Every strict prefix of a vector's bytes is an error, never a crash or an over-read.
// Each prefix is copied into its own exactly-sized heap buffer so that the sanitizer
// build catches a read one byte past the end.
TEST_P(ColumnVectorTest, EveryShorterPrefixFails) {
  const Vector& v = GetParam();
  const Expectation e = Expect(v);
  const ColumnMeta col = MetaFor(v, e);
  const std::vector<std::byte> full = FromHex(v.hex);
  for (size_t n = 0; n < full.size(); ++n) {
    auto prefix = std::make_unique<std::byte[]>(n == 0 ? 1 : n);
    if (n > 0) std::memcpy(prefix.get(), full.data(), n);
    ByteReader reader(prefix.get(), n);
    auto value = DecodeColumnValue(reader, col);
    ASSERT_FALSE(value.has_value()) << "prefix of " << n << " byte(s) decoded";
    EXPECT_EQ(value.error().code(), StatusCode::kCorruption) << value.error().ToString();
  }
}

std::string VectorName(const testing::TestParamInfo<Vector>& info) {
  std::string name = fmt::format("L{:03}_", info.param.line);
  for (char c : info.param.name) {
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Tsv, ColumnVectorTest, testing::ValuesIn(Vectors()), VectorName);

// ---------------------------------------------------------------------------------------
// Metadata.

TEST(ReadColumnMetadataTest, SizesAndByteOrder) {
  struct Case {
    ColumnType type;
    std::vector<int> bytes;
    uint16_t meta;
  };
  const Case cases[] = {
      {ColumnType::kLong, {}, 0},
      {ColumnType::kDate, {}, 0},
      {ColumnType::kDouble, {8}, 8},
      {ColumnType::kBlob, {2}, 2},
      {ColumnType::kVector, {4}, 4},
      {ColumnType::kTime2, {3}, 3},
      {ColumnType::kVarchar, {0x80, 0x01}, 384},
      {ColumnType::kVarString, {0x14, 0x00}, 20},
      {ColumnType::kBit, {0x07, 0x01}, 0x0107},  // BIT(15)
      {ColumnType::kNewDecimal, {10, 2}, 0x0A02},
      {ColumnType::kString, {0xCE, 0x05}, 0xCE05},
      {ColumnType::kEnum, {0xF7, 0x01}, 0xF701},
  };
  for (const Case& c : cases) {
    std::vector<std::byte> buf;
    for (int b : c.bytes) buf.push_back(static_cast<std::byte>(b));
    buf.push_back(std::byte{0x99});  // the next column's metadata, not to be read
    ByteReader r(buf);
    auto meta = ReadColumnMetadata(r, c.type);
    ASSERT_TRUE(meta.has_value()) << ColumnTypeName(c.type);
    EXPECT_EQ(*meta, c.meta) << ColumnTypeName(c.type);
    EXPECT_EQ(r.position(), c.bytes.size()) << ColumnTypeName(c.type);
    if (!c.bytes.empty()) {
      ByteReader short_reader(buf.data(), c.bytes.size() - 1);
      auto truncated = ReadColumnMetadata(short_reader, c.type);
      ASSERT_FALSE(truncated.has_value());
      EXPECT_EQ(truncated.error().code(), StatusCode::kCorruption);
      EXPECT_NE(truncated.error().message().find(ColumnTypeName(c.type)), std::string::npos);
    }
  }
}

TEST(ReadColumnMetadataTest, UnknownTypeIsCorruption) {
  std::byte b{0};
  ByteReader r(&b, 1);
  auto meta = ReadColumnMetadata(r, static_cast<ColumnType>(100));
  ASSERT_FALSE(meta.has_value());
  EXPECT_EQ(meta.error().code(), StatusCode::kCorruption);
  ByteReader r2(&b, 1);
  EXPECT_EQ(ReadColumnMetadata(r2, ColumnType::kTypedArray).error().code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(ColumnTypeName(static_cast<ColumnType>(100)), "UNKNOWN");
}

TEST(UnpackStringMetaTest, RealTypeAndFoldedLength) {
  auto m = UnpackStringMeta(0xFE05);
  EXPECT_EQ(m.real_type, ColumnType::kString);
  EXPECT_EQ(m.length, 5);
  m = UnpackStringMeta(0xCE05);  // CHAR(773 bytes): bits 8..9 (3) stored inverted as 0
  EXPECT_EQ(m.real_type, ColumnType::kString);
  EXPECT_EQ(m.length, 773);
  m = UnpackStringMeta(0xEEFC);  // 0x1FC = 508 bytes (CHAR(127) utf8mb4)
  EXPECT_EQ(m.real_type, ColumnType::kString);
  EXPECT_EQ(m.length, 508);
  m = UnpackStringMeta(0xF802);
  EXPECT_EQ(m.real_type, ColumnType::kSet);
  EXPECT_EQ(m.length, 2);
}

// ---------------------------------------------------------------------------------------
// Decoding beyond the vectors.

Result<Value> Decode(std::string_view hex, ColumnType type, uint16_t meta = 0,
                     uint16_t charset = kUtf8mb4Collation, bool is_unsigned = false) {
  static thread_local std::vector<std::byte> buf;  // the Value views into it
  buf = FromHex(hex);
  ColumnMeta col;
  col.type = type;
  col.meta = meta;
  col.charset = charset;
  col.is_unsigned = is_unsigned;
  return DecodeHex(buf, col);
}

std::string DecodeJson(std::string_view hex, ColumnType type, uint16_t meta = 0,
                       uint16_t charset = kUtf8mb4Collation, bool is_unsigned = false) {
  auto v = Decode(hex, type, meta, charset, is_unsigned);
  if (!v) return "<error: " + v.error().ToString() + ">";
  return Json(*v);
}

TEST(DecodeColumnValueTest, IntegerLimits) {
  EXPECT_EQ(DecodeJson("80", ColumnType::kTiny), "-128");
  EXPECT_EQ(DecodeJson("ff", ColumnType::kTiny, 0, 0, true), "255");
  EXPECT_EQ(DecodeJson("0080", ColumnType::kShort), "-32768");
  EXPECT_EQ(DecodeJson("000080", ColumnType::kInt24), "-8388608");
  EXPECT_EQ(DecodeJson("ffffff", ColumnType::kInt24, 0, 0, true), "16777215");
  EXPECT_EQ(DecodeJson("00000080", ColumnType::kLong), "-2147483648");
  EXPECT_EQ(DecodeJson("0000000000000080", ColumnType::kLongLong), "-9223372036854775808");
  EXPECT_EQ(DecodeJson("ffffffffffffffff", ColumnType::kLongLong, 0, 0, true),
            "18446744073709551615");
}

TEST(DecodeColumnValueTest, YearZero) {
  auto v = Decode("00", ColumnType::kYear);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, ValueKind::kYear);
  EXPECT_EQ(Json(*v), "0");
}

TEST(DecodeColumnValueTest, Time2BeyondOneDayAndFractions) {
  // 100:00:00 and -100:00:00.5 at fsp 1.
  EXPECT_EQ(DecodeJson(fmt::format("{:06x}", 0x800000 + (100 << 12)), ColumnType::kTime2, 0),
            "\"100:00:00\"");
  // -(100 h 0.5 s) = -((100 << 12) * 256 + 50) offset by 0x80000000.
  const int64_t packed = 0x80000000LL - ((100LL << 12) * 256 + 50);
  EXPECT_EQ(DecodeJson(fmt::format("{:08x}", packed), ColumnType::kTime2, 1), "\"-100:00:00.5\"");
}

TEST(DecodeColumnValueTest, TemporalFractionsOutOfRangeAreCorruption) {
  // TIME2 fsp 2 with a fraction byte of 100 (1.00 s), DATETIME2 fsp 4 with 10000.
  EXPECT_EQ(Decode("80000064", ColumnType::kTime2, 2).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(Decode("998caafb512710", ColumnType::kDateTime2, 4).error().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(Decode("58d137c5ffffff", ColumnType::kTimestamp2, 6).error().code(),
            StatusCode::kCorruption);
  // fsp above 6 in the metadata.
  EXPECT_EQ(Decode("800000000000", ColumnType::kTime2, 7).error().code(), StatusCode::kCorruption);
}

TEST(DecodeColumnValueTest, DateTime2InvalidDatesKeptAsStored) {
  // 2016-02-31 00:00:00: year*13+month = 26210, day 31.
  const uint64_t ym = 2016 * 13 + 2;
  const uint64_t packed = 0x8000000000ULL + (((ym << 5) | 31) << 17);
  EXPECT_EQ(DecodeJson(fmt::format("{:010x}", packed), ColumnType::kDateTime2, 0),
            "\"2016-02-31 00:00:00\"");
}

TEST(DecodeColumnValueTest, OldDateTimeYearOverflowIsCorruption) {
  EXPECT_EQ(Decode("ffffffffffffffff", ColumnType::kDateTime).error().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeJson("0000000000000000", ColumnType::kDateTime), "\"0000-00-00 00:00:00\"");
}

TEST(DecodeColumnValueTest, TimestampRendering) {
  EXPECT_EQ(DecodeJson("00000000", ColumnType::kTimestamp), "\"0000-00-00T00:00:00Z\"");
  EXPECT_EQ(DecodeJson("00000000000000", ColumnType::kTimestamp2, 5),
            "\"0000-00-00T00:00:00.00000Z\"");
  EXPECT_EQ(DecodeJson("7fffffff", ColumnType::kTimestamp2, 0), "\"2038-01-19T03:14:07Z\"");
  EXPECT_EQ(DecodeJson("ffffffff", ColumnType::kTimestamp2, 0), "\"2106-02-07T06:28:15Z\"");
  EXPECT_EQ(DecodeJson("01000000", ColumnType::kTimestamp), "\"1970-01-01T00:00:01Z\"");
  // 2000-02-29 12:00:00 UTC = 951825600 (a leap day of a year divisible by 400).
  EXPECT_EQ(DecodeJson(fmt::format("{:08x}", 951825600), ColumnType::kTimestamp2, 0),
            "\"2000-02-29T12:00:00Z\"");
}

TEST(DecodeColumnValueTest, VarcharLongerThanMaximumIsCorruption) {
  auto v = Decode("0561626364650000", ColumnType::kVarchar, 4);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), StatusCode::kCorruption);
  EXPECT_NE(v.error().message().find("VARCHAR"), std::string::npos);
  // Exactly 255 bytes maximum still uses a 1-byte length.
  EXPECT_EQ(DecodeJson("0161", ColumnType::kVarchar, 255), "\"a\"");
  EXPECT_EQ(DecodeJson("00", ColumnType::kVarchar, 0), "\"\"");
}

TEST(DecodeColumnValueTest, BlobLengthRunningPastTheEndIsCorruptionNamingTheType) {
  auto v = Decode("ffffffff6162", ColumnType::kBlob, 4);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), StatusCode::kCorruption);
  EXPECT_NE(v.error().message().find("BLOB"), std::string::npos) << v.error().message();
  EXPECT_NE(v.error().message().find("4294967295"), std::string::npos) << v.error().message();
  EXPECT_EQ(Decode("00", ColumnType::kBlob, 0).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(Decode("00", ColumnType::kBlob, 5).error().code(), StatusCode::kCorruption);
}

TEST(DecodeColumnValueTest, StringKindsByCharset) {
  auto text = Decode("03616263", ColumnType::kBlob, 1, 8);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->kind, ValueKind::kString);
  EXPECT_EQ(text->charset, 8);
  auto bytes = Decode("03616263", ColumnType::kBlob, 1, kBinaryCollation);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->kind, ValueKind::kBytes);
  EXPECT_EQ(Json(*bytes), "\"0x616263\"");
  EXPECT_EQ(DecodeJson("03000102", ColumnType::kVarchar, 10, kBinaryCollation), "\"0x000102\"");
}

TEST(DecodeColumnValueTest, EnumAndSetWidths) {
  EXPECT_EQ(DecodeJson("ffffffffffffffff", ColumnType::kString, 0xF808), "18446744073709551615");
  EXPECT_EQ(DecodeJson("0100", ColumnType::kEnum, 0xF702), "1");
  EXPECT_EQ(Decode("010000", ColumnType::kString, 0xF703).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(Decode("01", ColumnType::kString, 0xF800).error().code(), StatusCode::kCorruption);
  // A real type that is none of STRING, ENUM, SET.
  EXPECT_EQ(Decode("01", ColumnType::kString, 0xF501).error().code(), StatusCode::kCorruption);
}

TEST(DecodeColumnValueTest, BitWidths) {
  EXPECT_EQ(DecodeJson("01", ColumnType::kBit, 0x0001), "\"b'1'\"");
  EXPECT_EQ(DecodeJson("a5", ColumnType::kBit, 0x0100), "\"b'10100101'\"");
  EXPECT_EQ(DecodeJson("8000000000000001", ColumnType::kBit, 0x0800),
            "\"b'1000000000000000000000000000000000000000000000000000000000000001'\"");
  EXPECT_EQ(Decode("", ColumnType::kBit, 0x0000).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(Decode("00", ColumnType::kBit, 0x0008).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(Decode("00", ColumnType::kBit, 0x0900).error().code(), StatusCode::kCorruption);
}

TEST(DecodeColumnValueTest, VectorAndGeometry) {
  // VECTOR [1, 2.5, -0.125]: float32 little-endian.
  EXPECT_EQ(DecodeJson("0c0000000000803f00002040000000be", ColumnType::kVector, 4),
            "[1,2.5,-0.125]");
  EXPECT_EQ(Decode("03000000616263", ColumnType::kVector, 4).error().code(),
            StatusCode::kCorruption);
  // POINT(1 2) with SRID 4326: srid LE, then WKB (byte order 1, type 1, x, y).
  const std::string wkb = "0101000000000000000000f03f0000000000000040";
  const std::string body = "e6100000" + wkb;
  EXPECT_EQ(DecodeJson(fmt::format("{:02x}", body.size() / 2) + body, ColumnType::kGeometry, 1),
            "{\"srid\":4326,\"wkb\":\"" + wkb + "\"}");
}

TEST(DecodeColumnValueTest, UnsupportedAndInvalidTypes) {
  EXPECT_EQ(Decode("00", ColumnType::kDecimal).error().code(), StatusCode::kUnsupported);
  EXPECT_EQ(Decode("00", ColumnType::kInvalid).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(Decode("00", static_cast<ColumnType>(30)).error().code(), StatusCode::kCorruption);
  auto null = Decode("", ColumnType::kNull);
  ASSERT_TRUE(null);
  EXPECT_TRUE(null->is_null());
  EXPECT_EQ(Json(*null), "null");
  EXPECT_EQ(Decode("0000", ColumnType::kNewDecimal, 0x4300).error().code(),  // precision 67
            StatusCode::kCorruption);
}

// Arbitrary bytes under arbitrary metadata: every outcome is a value whose views lie inside
// the buffer, or an error; never a crash or an over-read (the sanitizer build checks the
// exactly-sized heap buffers). Rendering what decoded must not crash either.
TEST(DecodeColumnValueTest, ArbitraryBytesNeverReadPastTheEnd) {
  std::vector<ColumnType> types;
  for (int code :
       {0,  1,  2,  3,  4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,  15,  16,  17,
        18, 19, 20, 21, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255}) {
    types.push_back(static_cast<ColumnType>(code));
  }
  const uint16_t metas[] = {0,      1,      2,      3,      4,      5,      6,
                            7,      8,      255,    256,    0x0107, 0x0800, 0x0A02,
                            0x4100, 0x411E, 0xFE05, 0xCE05, 0xF701, 0xF802, 0xFFFF};
  std::mt19937 rng(20240611);
  for (ColumnType type : types) {
    for (uint16_t meta : metas) {
      for (int round = 0; round < 100; ++round) {
        const size_t size = rng() % 48;
        auto buf = std::make_unique<std::byte[]>(size == 0 ? 1 : size);
        for (size_t i = 0; i < size; ++i) {
          // Mostly small bytes so length prefixes often fit the buffer.
          const unsigned r = rng();
          buf[i] = static_cast<std::byte>(r % 4 == 0 ? r >> 8 : (r >> 8) % 8);
        }
        ColumnMeta col;
        col.type = type;
        col.meta = meta;
        col.charset = round % 3 == 0 ? kBinaryCollation : (round % 3 == 1 ? 8 : 255);
        col.is_unsigned = round % 2 == 0;
        ByteReader reader(buf.get(), size);
        auto v = DecodeColumnValue(reader, col);
        if (!v) continue;
        ASSERT_LE(reader.position(), size);
        if (!v->bytes.empty() && !v->owns_bytes()) {
          const auto* base = reinterpret_cast<const char*>(buf.get());
          ASSERT_GE(v->bytes.data(), base);
          ASSERT_LE(v->bytes.data() + v->bytes.size(), base + size);
        }
        std::string out;
        (void)AppendValueJson(*v, &out);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// DECIMAL.

std::string DecimalText(std::string_view hex, int precision, int scale) {
  std::vector<std::byte> b = FromHex(hex);
  std::string out;
  Status s = AppendDecimalText(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()),
                               precision, scale, &out);
  if (!s.ok()) return "<error: " + s.ToString() + ">";
  return out;
}

TEST(DecimalTest, BinarySizes) {
  EXPECT_EQ(DecimalBinarySize(1, 0), 1u);
  EXPECT_EQ(DecimalBinarySize(9, 0), 4u);
  EXPECT_EQ(DecimalBinarySize(10, 0), 5u);
  EXPECT_EQ(DecimalBinarySize(10, 2), 5u);    // 8 integer digits: 4 bytes, 2 fraction: 1
  EXPECT_EQ(DecimalBinarySize(14, 4), 7u);    // 10 digits: 4+1, 4 digits: 2
  EXPECT_EQ(DecimalBinarySize(65, 30), 30u);  // 35 digits: 3*4+4, 30 digits: 3*4+2
  EXPECT_EQ(DecimalBinarySize(65, 0), 29u);
  EXPECT_EQ(DecimalBinarySize(30, 30), 14u);
  EXPECT_EQ(DecimalBinarySize(0, 0), 0u);
  EXPECT_EQ(DecimalBinarySize(81, 0), 36u);  // computed decimals in JSON: 9 words
  EXPECT_EQ(DecimalBinarySize(82, 0), 0u);
  EXPECT_EQ(DecimalBinarySize(10, 11), 0u);
  EXPECT_EQ(DecimalBinarySize(65, 31), 0u);
}

TEST(DecimalTest, LargestPrecisionAndScale) {
  // DECIMAL(65,30) holding 12345678901234567890123456789012345.123456789012345678901234567890:
  // integer groups 12345678 | 901234567 | 890123456 | 789012345, fraction 123456789 |
  // 012345678 | 901234567 | 890.
  const std::string hex =
      fmt::format("{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:04x}", 0x80000000u | 12345678u,
                  901234567u, 890123456u, 789012345u, 123456789u, 12345678u, 901234567u, 890u);
  EXPECT_EQ(DecimalText(hex, 65, 30),
            "12345678901234567890123456789012345.123456789012345678901234567890");
  // The same value negated: every byte inverted.
  std::vector<std::byte> b = FromHex(hex);
  std::string neg;
  for (std::byte x : b) neg += fmt::format("{:02x}", static_cast<unsigned>(~x) & 0xFF);
  EXPECT_EQ(DecimalText(neg, 65, 30),
            "-12345678901234567890123456789012345.123456789012345678901234567890");
}

TEST(DecimalTest, ZeroAndNegativeZero) {
  EXPECT_EQ(DecimalText("800000", 5, 0), "0");
  EXPECT_EQ(DecimalText("8000", 4, 4), "0.0000");
  // All digits zero with the sign bit clear: written without a sign.
  EXPECT_EQ(DecimalText("7fffff", 5, 0), "0");
}

TEST(DecimalTest, RejectsWrongSizeAndBadDigits) {
  EXPECT_NE(DecimalText("8000", 5, 0).find("corruption"), std::string::npos);
  // Leftover group of 2 digits (1 byte) holding 0xFF = 255 > 99.
  EXPECT_NE(DecimalText("ff", 2, 0).find("corruption"), std::string::npos);
  // Full group holding 0x3B9ACA00 = 10^9.
  EXPECT_NE(DecimalText("bb9aca00", 9, 0).find("corruption"), std::string::npos);
  EXPECT_NE(DecimalText("80", 0, 0).find("corruption"), std::string::npos);
  std::string out = "x";
  EXPECT_FALSE(AppendDecimalText("\xff", 2, 0, &out).ok());
  EXPECT_EQ(out, "x");
}

// ---------------------------------------------------------------------------------------
// Character sets.

std::string Utf8(std::string_view hex, uint16_t collation) {
  std::vector<std::byte> b = FromHex(hex);
  auto s = ToUtf8(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), collation);
  if (!s) return "<error: " + s.error().ToString() + ">";
  return *s;
}

TEST(ToUtf8Test, Latin1IsWindows1252) {
  EXPECT_EQ(Utf8("636166e920f1", 8), "café ñ");
  EXPECT_EQ(Utf8("9f80", 8), "Ÿ€");
  EXPECT_EQ(Utf8("9f80", 47), "Ÿ€");  // latin1_bin
  // cp1252's undefined positions map to the C1 controls, as in MySQL.
  EXPECT_EQ(Utf8("81", 8), "\xC2\x81");
  EXPECT_EQ(Utf8("ff", 8), "ÿ");
}

TEST(ToUtf8Test, Ucs2AndUtf16AndUtf32) {
  EXPECT_EQ(Utf8("006800e9006c006c006f", 35), "héllo");  // ucs2 big-endian
  EXPECT_EQ(Utf8("006800e9006c006c006f", 90), "héllo");  // ucs2_bin
  EXPECT_EQ(Utf8("d83dde00", 54), "😀");                  // utf16 surrogate pair
  EXPECT_EQ(Utf8("3dd800de", 56), "😀");                  // utf16le
  EXPECT_EQ(Utf8("0001f600", 60), "😀");                  // utf32
  EXPECT_EQ(Utf8("d83d", 54), "\xEF\xBF\xBD");           // unpaired surrogate
  EXPECT_EQ(Utf8("d83d0041", 54),
            "\xEF\xBF\xBD"
            "A");
  EXPECT_EQ(Utf8("d800", 35), "\xEF\xBF\xBD");      // surrogates are not UCS-2
  EXPECT_EQ(Utf8("004100", 35), "A\xEF\xBF\xBD");   // odd tail
  EXPECT_EQ(Utf8("00110000", 60), "\xEF\xBF\xBD");  // above U+10FFFF
}

TEST(ToUtf8Test, Utf8ValidatedWithMaximalSubpartReplacement) {
  EXPECT_EQ(Utf8("f09f9880", 255), "😀");
  EXPECT_EQ(Utf8("f09f9880", 45), "😀");
  EXPECT_EQ(Utf8("e282ac", 33), "€");  // utf8mb3
  EXPECT_EQ(Utf8("61c328", 46), "a\xEF\xBF\xBD(");
  EXPECT_EQ(Utf8("e28241", 255),
            "\xEF\xBF\xBD"
            "A");  // one U+FFFD for E2 82
  // A surrogate (ED A0 80) and an overlong '/' (C0 AF): every byte replaced.
  EXPECT_EQ(Utf8("eda080", 255), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Utf8("c0af", 255), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Utf8("f09f98", 255), "\xEF\xBF\xBD");  // cut short
  EXPECT_EQ(Utf8("f4908080", 255), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(ToUtf8Test, BinaryAndUnknownCharsetReadAsUtf8) {
  EXPECT_EQ(Utf8("c3a9", kBinaryCollation), "é");
  EXPECT_EQ(Utf8("ff", kBinaryCollation), "\xEF\xBF\xBD");
  EXPECT_EQ(Utf8("c3a9", 0), "é");
}

TEST(ToUtf8Test, AsciiReplacesHighBytes) { EXPECT_EQ(Utf8("41e9", 11), "A\xEF\xBF\xBD"); }

TEST(ToUtf8Test, OtherCharsetsThroughIconv) {
  EXPECT_EQ(Utf8("cff0e8e2e5f2", 51), "Привет");  // cp1251_general_ci
  EXPECT_EQ(Utf8("c4e3bac3", 28), "你好");        // gbk_chinese_ci
  EXPECT_EQ(Utf8("82a082a2", 13), "あい");        // sjis_japanese_ci
  EXPECT_EQ(Utf8("b3", 9), "ł");                  // latin2_general_ci
  EXPECT_EQ(Utf8("405b", 10), "ÉÄ");              // swe7_swedish_ci
  // An invalid GBK lead byte (0xFF) and a cut-off double-byte character.
  EXPECT_EQ(Utf8("ff41c4", 28),
            "\xEF\xBF\xBD"
            "A\xEF\xBF\xBD");
  // MariaDB NO PAD and UCA-14.0.0 ids.
  EXPECT_EQ(Utf8("cff0", 1075), "Пр");     // cp1251_general_nopad_ci
  EXPECT_EQ(Utf8("f09f9880", 2304), "😀");  // utf8mb4_uca1400_ai_ci
}

TEST(ToUtf8Test, UnknownAndUnconvertibleCharsets) {
  EXPECT_EQ(ToUtf8("a", 17).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(ToUtf8("a", 100).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(ToUtf8("a", 5000).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(ToUtf8("a", 37).error().code(), StatusCode::kUnsupported);  // keybcs2
  std::string out = "x";
  EXPECT_FALSE(AppendUtf8("a", 17, &out).ok());
  EXPECT_EQ(out, "x");
}

TEST(CollationCharsetNameTest, MysqlAndMariaDbIds) {
  const std::pair<uint16_t, std::string_view> cases[] = {
      {8, "latin1"},     {33, "utf8mb3"},   {45, "utf8mb4"},   {46, "utf8mb4"},   {63, "binary"},
      {83, "utf8mb3"},   {192, "utf8mb3"},  {223, "utf8mb3"},  {224, "utf8mb4"},  {247, "utf8mb4"},
      {248, "gb18030"},  {255, "utf8mb4"},  {309, "utf8mb4"},  {323, "utf8mb4"},  {35, "ucs2"},
      {159, "ucs2"},     {54, "utf16"},     {56, "utf16le"},   {60, "utf32"},     {183, "utf32"},
      {254, "utf8mb3"},  {576, "utf8mb3"},  {608, "utf8mb4"},  {640, "ucs2"},     {1057, "utf8mb3"},
      {1069, "utf8mb4"}, {1248, "utf8mb4"}, {2048, "utf8mb3"}, {2304, "utf8mb4"}, {2560, "ucs2"},
      {2816, "utf16"},   {3072, "utf32"},   {0, ""},           {17, ""},          {100, ""},
      {324, ""},         {3328, ""},        {4096, ""},
  };
  for (const auto& [id, name] : cases) {
    EXPECT_EQ(CollationCharsetName(id), name) << id;
  }
}

// ---------------------------------------------------------------------------------------
// JSON rendering of values not covered above.

TEST(AppendValueJsonTest, StringsAreEscapedAndConverted) {
  Value v;
  v.kind = ValueKind::kString;
  v.charset = kUtf8mb4Collation;
  v.bytes = "q\"b\\n\n\t\x01\x7f\xe2\x80\xa8"sv;
  EXPECT_EQ(Json(v), "\"q\\\"b\\\\n\\n\\t\\u0001\x7f\xe2\x80\xa8\"");
  v.charset = 8;
  v.bytes = "caf\xe9";
  EXPECT_EQ(Json(v), "\"café\"");
  v.charset = 17;  // unknown collation
  std::string out = "[";
  EXPECT_EQ(AppendValueJson(v, &out).code(), StatusCode::kNotFound);
  EXPECT_EQ(out, "[");
}

TEST(AppendValueJsonTest, JsonTextAndUnrenderableKinds) {
  Value v;
  v.kind = ValueKind::kJsonText;
  v.SetOwned("{\"a\":1}");
  EXPECT_EQ(Json(v), "\"{\\\"a\\\":1}\"");
  std::string out;
  v.kind = ValueKind::kJsonBinary;
  EXPECT_EQ(AppendValueJson(v, &out).code(), StatusCode::kUnsupported);
  v.kind = ValueKind::kJsonDiff;
  EXPECT_EQ(AppendValueJson(v, &out).code(), StatusCode::kUnsupported);
  EXPECT_EQ(AppendValueJson(Value::Absent(), &out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out, "");
}

TEST(AppendValueJsonTest, FloatsAreShortestRoundTripAndFinite) {
  Value v;
  v.kind = ValueKind::kFloat;
  v.s.f = 0.1f;
  EXPECT_EQ(Json(v), "0.1");
  v.kind = ValueKind::kDouble;
  v.s.d = 1e300;
  EXPECT_EQ(Json(v), "1e+300");
  v.s.d = std::numeric_limits<double>::quiet_NaN();
  std::string out;
  EXPECT_EQ(AppendValueJson(v, &out).code(), StatusCode::kCorruption);
}

TEST(AppendValueJsonTest, TemporalEdgeCases) {
  Value d;
  d.kind = ValueKind::kDate;
  d.s.date = event::Date{};
  EXPECT_EQ(Json(d), "\"0000-00-00\"");
  Value t;
  t.kind = ValueKind::kTime;
  t.fsp = 3;
  t.s.time = event::Time{true, 838, 59, 59, 999000};
  EXPECT_EQ(Json(t), "\"-838:59:59.999\"");
  t.fsp = 7;
  std::string out;
  EXPECT_EQ(AppendValueJson(t, &out).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tributary::mysql

namespace tributary::mysql {
namespace {

TEST(CollationIdForCharset, MapsNamesToAnIdOfThatCharset) {
  for (std::string_view name : {"utf8mb4", "utf8mb3", "latin1", "binary", "ucs2", "cp1251", "sjis"}) {
    uint16_t id = CollationIdForCharset(name);
    ASSERT_NE(id, 0) << name;
    EXPECT_EQ(CollationCharsetName(id), name);
  }
  EXPECT_EQ(CollationCharsetName(CollationIdForCharset("UTF8")), "utf8mb3");
  EXPECT_EQ(CollationIdForCharset("binary"), 63);
  EXPECT_EQ(CollationIdForCharset("klingon"), 0);
}

}  // namespace
}  // namespace tributary::mysql
