#include "synthetic_binlog.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <string>
#include <string_view>

#include "mysql/binlog_event.h"
#include "mysql/column_type.h"
#include "mysql/event_decoder.h"

namespace tributary::bench {
namespace {

using mysql::ColumnType;
using mysql::EventType;

constexpr uint32_t kServerId = 9;
constexpr uint64_t kTableId = 42;
constexpr uint16_t kStmtEndFlag = 0x0001;
constexpr uint16_t kCollationUtf8mb4UnicodeCi = 224;
constexpr uint16_t kCollationUtf8mb4Bin = 46;

// Little-endian and big-endian appenders over a byte vector.
class Bytes {
 public:
  void U8(uint64_t v) { out_.push_back(static_cast<std::byte>(v & 0xFF)); }
  void Le(uint64_t v, int width) {
    for (int i = 0; i < width; ++i) U8(v >> (8 * i));
  }
  void Be(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) U8(v >> (8 * i));
  }
  void Packed(uint64_t v) {  // MySQL length-encoded integer
    if (v < 251) {
      U8(v);
    } else if (v < (1u << 16)) {
      U8(0xFC);
      Le(v, 2);
    } else if (v < (1u << 24)) {
      U8(0xFD);
      Le(v, 3);
    } else {
      U8(0xFE);
      Le(v, 8);
    }
  }
  void Str(std::string_view s) {
    for (char c : s) U8(static_cast<uint8_t>(c));
  }
  void PackedStr(std::string_view s) {
    Packed(s.size());
    Str(s);
  }
  void Append(const Bytes& other) { out_.insert(out_.end(), other.out_.begin(), other.out_.end()); }

  std::vector<std::byte>& data() { return out_; }
  size_t size() const { return out_.size(); }

 private:
  std::vector<std::byte> out_;
};

// Appends whole events (header, body, CRC32) to a binlog file image.
class BinlogWriter {
 public:
  BinlogWriter() { file_.Le(mysql::kBinlogMagic, 4); }

  void Event(EventType type, const Bytes& body, uint16_t flags = 0) {
    size_t start = file_.size();
    uint32_t size = static_cast<uint32_t>(mysql::kEventHeaderLength + body.size() + mysql::kChecksumLength);
    file_.Le(timestamp_, 4);
    file_.U8(static_cast<uint8_t>(type));
    file_.Le(kServerId, 4);
    file_.Le(size, 4);
    file_.Le(start + size, 4);  // log_pos: where the next event starts
    file_.Le(flags, 2);
    file_.Append(body);
    std::span<const std::byte> event(file_.data().data() + start, size - mysql::kChecksumLength);
    file_.Le(mysql::EventChecksum(event), 4);
    ++events_;
  }
  void Tick() { ++timestamp_; }

  SyntheticBinlog Finish(uint64_t rows) {
    return SyntheticBinlog{std::move(file_.data()), rows, events_};
  }

 private:
  Bytes file_;
  uint32_t timestamp_ = 1'767'225'600;  // 2026-01-01
  uint64_t events_ = 0;
};

// Post-header lengths of a MariaDB 10.11 FORMAT_DESCRIPTION (index = type code - 1).
std::vector<uint8_t> MariaDbPostHeaderLengths() {
  std::vector<uint8_t> v = {56, 13, 0, 8, 0, 18, 0, 4, 4, 4, 4, 18, 0, 0, 228, 0,
                            4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10};
  v.resize(160, 0);
  for (uint8_t len : {4, 19, 4, 0, 13, 8, 8, 8, 10, 10, 10}) v.push_back(len);
  return v;
}

void WriteFormatDescription(BinlogWriter* w) {
  Bytes b;
  b.Le(4, 2);
  std::string version = "10.11.6-MariaDB-0+deb12u1-log";
  version.resize(50, '\0');
  b.Str(version);
  b.Le(0, 4);
  b.U8(mysql::kEventHeaderLength);
  for (uint8_t len : MariaDbPostHeaderLengths()) b.U8(len);
  b.U8(static_cast<uint8_t>(mysql::ChecksumAlgorithm::kCrc32));
  w->Event(EventType::kFormatDescription, b);
}

constexpr const char* kStatuses[] = {"new", "paid", "shipped", "cancelled"};

void WriteTableMap(BinlogWriter* w) {
  Bytes b;
  b.Le(kTableId, 6);
  b.Le(1, 2);  // flags: NO_FLAGS would be 0; MariaDB writes 1 (TM_BIT_LEN_EXACT_F)
  b.U8(4);
  b.Str("shop");
  b.U8(0);
  b.U8(6);
  b.Str("orders");
  b.U8(0);
  const ColumnType types[] = {ColumnType::kLong,     ColumnType::kLongLong,  ColumnType::kVarchar,
                              ColumnType::kNewDecimal, ColumnType::kDateTime2, ColumnType::kDouble,
                              ColumnType::kBlob,     ColumnType::kString,    ColumnType::kTimestamp2,
                              ColumnType::kBlob};
  b.Packed(std::size(types));
  for (ColumnType t : types) b.U8(static_cast<uint8_t>(t));
  Bytes meta;
  meta.Le(256, 2);  // VARCHAR(64) utf8mb4: at most 256 bytes
  meta.U8(12);      // DECIMAL precision
  meta.U8(2);       // and scale
  meta.U8(6);       // DATETIME(6)
  meta.U8(8);       // DOUBLE
  meta.U8(2);       // TEXT: 2-byte length
  meta.U8(static_cast<uint8_t>(ColumnType::kEnum));
  meta.U8(1);       // ENUM: 1 byte per value
  meta.U8(0);       // TIMESTAMP(0)
  meta.U8(4);       // LONGTEXT: 4-byte length
  b.Packed(meta.size());
  b.Append(meta);
  b.Le(0b11'1111'1110, 2);  // every column but id is nullable

  // binlog_row_metadata=FULL
  b.U8(1);  // SIGNEDNESS of id, customer_id, amount, score, most significant bit first
  b.Packed(1);
  b.U8(0b0100'0000);
  Bytes charsets;  // character columns: customer, note, attrs (index 2: utf8mb4_bin)
  charsets.Packed(kCollationUtf8mb4UnicodeCi);
  charsets.Packed(2);
  charsets.Packed(kCollationUtf8mb4Bin);
  b.U8(2);
  b.Packed(charsets.size());
  b.Append(charsets);
  Bytes names;
  for (const char* n : {"id", "customer_id", "customer", "amount", "created_at", "score", "note",
                        "status", "updated_at", "attrs"}) {
    names.PackedStr(n);
  }
  b.U8(4);
  b.Packed(names.size());
  b.Append(names);
  Bytes enums;
  enums.Packed(std::size(kStatuses));
  for (const char* s : kStatuses) enums.PackedStr(s);
  b.U8(6);
  b.Packed(enums.size());
  b.Append(enums);
  b.U8(8);  // SIMPLE_PRIMARY_KEY: id
  b.Packed(1);
  b.Packed(0);
  b.U8(10);  // ENUM_AND_SET_DEFAULT_CHARSET
  b.Packed(1);
  b.Packed(kCollationUtf8mb4UnicodeCi);
  w->Event(EventType::kTableMap, b);
}

// xorshift64*: deterministic values that differ from row to row.
class Rng {
 public:
  uint64_t Next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 2685821657736338717ull;
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t s_ = 0x9E3779B97F4A7C15ull;
};

constexpr const char* kWords[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
                                  "golf",  "hotel", "india",   "juliet", "kilo", "lima"};

// DECIMAL(12,2) in MySQL's binary form: one leading digit (1 byte), nine digits (4 bytes),
// two fractional digits (1 byte); big-endian, sign bit flipped, negatives inverted.
void AppendDecimal12_2(Bytes* row, int64_t cents) {
  bool negative = cents < 0;
  uint64_t mag = negative ? static_cast<uint64_t>(-cents) : static_cast<uint64_t>(cents);
  uint64_t int_part = mag / 100;
  uint8_t b[6];
  b[0] = static_cast<uint8_t>(int_part / 1'000'000'000);
  uint32_t low = static_cast<uint32_t>(int_part % 1'000'000'000);
  for (int i = 0; i < 4; ++i) b[1 + i] = static_cast<uint8_t>(low >> (24 - 8 * i));
  b[5] = static_cast<uint8_t>(mag % 100);
  uint8_t mask = negative ? 0xFF : 0x00;
  for (uint8_t& x : b) x ^= mask;
  b[0] ^= 0x80;
  for (uint8_t x : b) row->U8(x);
}

void AppendRow(Rng* rng, uint64_t id, Bytes* row) {
  bool note_null = id % 10 == 3;
  row->Le(note_null ? 0b0100'0000 : 0, 1);  // null bitmap of the 10 present columns
  row->Le(0, 1);
  row->Le(static_cast<uint32_t>(id), 4);
  row->Le(1'000'000 + rng->Below(5'000'000), 8);
  std::string customer = fmt::format("{} {} #{}", kWords[rng->Below(12)], kWords[rng->Below(12)], id % 977);
  row->Le(customer.size(), 2);
  row->Str(customer);
  AppendDecimal12_2(row, static_cast<int64_t>(rng->Below(10'000'000)) - (id % 17 == 0 ? 20'000'000 : 0));
  uint64_t year = 2020 + rng->Below(6), month = 1 + rng->Below(12), day = 1 + rng->Below(28);
  uint64_t hour = rng->Below(24), minute = rng->Below(60), second = rng->Below(60);
  uint64_t ymd = ((year * 13 + month) << 5) | day;
  uint64_t hms = (hour << 12) | (minute << 6) | second;
  row->Be(((ymd << 17) | hms) + 0x80'0000'0000ull, 5);
  row->Be(rng->Below(1'000'000), 3);
  double score = static_cast<double>(rng->Below(1'000'000)) / 997.0;
  row->Le(std::bit_cast<uint64_t>(score), 8);
  if (!note_null) {
    std::string note = fmt::format("order {} for {}: deliver to {} {}", id, customer,
                                   kWords[rng->Below(12)], rng->Below(1000));
    row->Le(note.size(), 2);
    row->Str(note);
  }
  row->U8(1 + rng->Below(std::size(kStatuses)));
  row->Be(1'700'000'000 + rng->Below(60'000'000), 4);
  std::string attrs = fmt::format(R"({{"channel": "{}", "items": {}, "gift": {}}})",
                                  kWords[rng->Below(12)], rng->Below(20), rng->Below(2) ? "true" : "false");
  row->Le(attrs.size(), 4);
  row->Str(attrs);
}

void WriteGtid(BinlogWriter* w, uint64_t seq) {
  Bytes b;
  b.Le(seq, 8);
  b.Le(0, 4);     // domain
  b.U8(0x0C);     // FL_TRANSACTIONAL | FL_ALLOW_PARALLEL
  b.Le(0, 6);     // padding to 19 bytes
  w->Event(EventType::kMariaGtid, b);
}

void WriteAnnotate(BinlogWriter* w, std::string_view sql) {
  Bytes b;
  b.Str(sql);
  w->Event(EventType::kMariaAnnotateRows, b);
}

void WriteRows(BinlogWriter* w, Rng* rng, uint64_t first_id, int rows, bool last) {
  Bytes b;
  b.Le(kTableId, 6);
  b.Le(last ? kStmtEndFlag : 0, 2);
  b.Le(2, 2);      // extra data length: none
  b.Packed(10);    // columns
  b.Le(0x3FF, 2);  // all ten present
  for (int i = 0; i < rows; ++i) AppendRow(rng, first_id + i, &b);
  w->Event(EventType::kWriteRowsV2, b);
}

void WriteXid(BinlogWriter* w, uint64_t xid) {
  Bytes b;
  b.Le(xid, 8);
  w->Event(EventType::kXid, b);
}

}  // namespace

SyntheticBinlog MakeWideRowsBinlog(int transactions, int events_per_transaction, int rows_per_event) {
  BinlogWriter w;
  Rng rng;
  WriteFormatDescription(&w);
  uint64_t id = 1;
  for (int t = 0; t < transactions; ++t) {
    w.Tick();
    WriteGtid(&w, t + 1);
    WriteAnnotate(&w, "INSERT INTO shop.orders SELECT * FROM shop.orders_staging");
    WriteTableMap(&w);
    for (int e = 0; e < events_per_transaction; ++e) {
      WriteRows(&w, &rng, id, rows_per_event, e + 1 == events_per_transaction);
      id += rows_per_event;
    }
    WriteXid(&w, t + 1);
  }
  return w.Finish(id - 1);
}

SyntheticBinlog MakeSingleRowBinlog(int transactions) {
  BinlogWriter w;
  Rng rng;
  WriteFormatDescription(&w);
  for (int t = 0; t < transactions; ++t) {
    if (t % 100 == 0) w.Tick();
    WriteGtid(&w, t + 1);
    WriteAnnotate(&w, fmt::format("INSERT INTO shop.orders VALUES ({}, ...)", t + 1));
    WriteTableMap(&w);
    WriteRows(&w, &rng, t + 1, 1, true);
    WriteXid(&w, t + 1);
  }
  return w.Finish(static_cast<uint64_t>(transactions));
}

}  // namespace tributary::bench
