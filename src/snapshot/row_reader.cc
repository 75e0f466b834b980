#include "snapshot/row_reader.h"

#include "common/civil_date.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <mysql.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "mysql/decimal.h"
#include "mysql/sql_connection.h"
#include "mysql/value_text.h"
#include "snapshot/chunk_sql.h"
#include "snapshot/decimal_text.h"
#include "snapshot/mysql_json_text.h"

namespace tributary::snapshot {
namespace {

using event::Value;
using event::ValueKind;

constexpr uint16_t kBinaryCollation = 63;
constexpr unsigned kMysqlTypeJson = 245;    // MySQL 5.7+ JSON (not in every libmariadb enum)
constexpr unsigned kMysqlTypeVector = 242;  // MySQL 9 VECTOR
constexpr size_t kInitialVarBuffer = 256;

// How one result column becomes a Value.
enum class Conv : uint8_t {
  kNull,
  kInt,       // TINY..LONGLONG: `width` bytes, signed or unsigned
  kYear,
  kFloat,
  kDouble,
  kDecimal,   // canonical text as is (kDecimalText), else text → binary DECIMAL
  kDate,
  kTime,
  kDateTime,
  kTimestamp,
  kText,      // kString with the column's collation, kBytes for binary
  kBinaryPad, // BINARY(n): kBytes padded to n bytes (as the binlog decoder does)
  kBit,
  kEnum,
  kSet,
  kGeometry,
  kVector,
  kUuid,      // MariaDB UUID/INET4/INET6: the server's text → the stored bytes (kBytes),
  kInet4,     // as the binlog row image carries them
  kInet6,
  kJsonMySql, // MySQL JSON (type 245): the server's text → binary document
};

// Lets the ENUM/SET member map be searched with a string_view (no string per value).
struct MemberHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct ColumnReader {
  Conv conv = Conv::kText;
  int width = 8;  // kInt: bytes of the wire value
  bool is_unsigned = false;
  uint8_t fsp = 0;
  uint8_t precision = 0;
  uint8_t scale = 0;
  uint16_t charset = 0;
  uint16_t bits = 0;
  uint32_t pad_to = 0;  // kBinaryPad
  const event::Column* column = nullptr;
  // ENUM/SET member (UTF-8) → index
  std::unordered_map<std::string, uint64_t, MemberHash, std::equal_to<>> members;
  // Bind targets.
  alignas(8) unsigned char fixed[8] = {};
  MYSQL_TIME time{};
  std::string buffer;  // variable-length data
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool error = 0;
  std::string scratch;  // converted bytes a Value views (DECIMAL binary, padded BINARY)
};

bool IsVarConv(Conv c) {
  switch (c) {
    case Conv::kDecimal:
    case Conv::kText:
    case Conv::kBinaryPad:
    case Conv::kBit:
    case Conv::kEnum:
    case Conv::kSet:
    case Conv::kGeometry:
    case Conv::kVector:
    case Conv::kUuid:
    case Conv::kInet4:
    case Conv::kInet6:
    case Conv::kJsonMySql: return true;
    default: return false;
  }
}


Status StmtError(MYSQL_STMT* stmt, std::string_view during) {
  unsigned err = mysql_stmt_errno(stmt);
  std::string msg = fmt::format("{}: server error {}: {}", during, err, mysql_stmt_error(stmt));
  if (err == 2006 || err == 2013 || err == 2002 || err == 2003 || err == 2055) {
    return Status::Unavailable(msg);
  }
  return Status::FailedPrecondition(msg);
}

}  // namespace

class RowReader::Impl {
 public:
  ~Impl() {
    (void)Finish();
    if (stmt_) mysql_stmt_close(stmt_);
  }

  Status Open(mysql::SqlConnection& conn, std::shared_ptr<const event::TableSchema> table,
              std::string_view select, const std::vector<std::string>& key_columns);
  Result<const std::vector<Value>*> Next();
  std::string LastKeyJson() const;
  Status Finish();

  uint64_t bytes_read_ = 0;
  uint64_t rows_read_ = 0;

 private:
  Status Plan(const MYSQL_FIELD* fields, unsigned n);
  void Bind();
  Status Convert(size_t i, Value* v);
  Status ColumnError(size_t i, std::string_view what) const {
    return Status::Corruption(fmt::format("snapshot of {}.{}, column `{}`: {}", table_->id.database,
                                          table_->id.table, table_->columns[i].name, what));
  }

  MYSQL_STMT* stmt_ = nullptr;
  std::shared_ptr<const event::TableSchema> table_;
  std::vector<ColumnReader> cols_;
  std::vector<MYSQL_BIND> binds_;
  std::vector<size_t> key_index_;
  std::vector<Value> row_;
  bool have_row_ = false;
  bool done_ = false;
  std::string what_;
};

Status RowReader::Impl::Open(mysql::SqlConnection& conn,
                             std::shared_ptr<const event::TableSchema> table,
                             std::string_view select, const std::vector<std::string>& key_columns) {
  table_ = std::move(table);
  what_ = fmt::format("snapshot of {}.{}", table_->id.database, table_->id.table);
  for (const std::string& k : key_columns) {
    int i = table_->FindColumn(k);
    if (i < 0) {
      return Status::InvalidArgument(
          fmt::format("{}: key column `{}` is not in the table", what_, k));
    }
    key_index_.push_back(static_cast<size_t>(i));
  }
  // Column bytes exactly as stored, with their own collation in the metadata.
  if (Status s = conn.Execute("SET SESSION character_set_results = NULL"); !s.ok()) {
    return s.WithContext(what_);
  }
  stmt_ = mysql_stmt_init(conn.handle());
  if (stmt_ == nullptr) return conn.LastError(what_ + ": preparing the statement");
  if (mysql_stmt_prepare(stmt_, select.data(), select.size()) != 0) {
    return StmtError(stmt_, what_ + ": preparing " + std::string(select));
  }
  if (mysql_stmt_execute(stmt_) != 0) return StmtError(stmt_, what_ + ": running the SELECT");
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt_);
  if (meta == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: the statement returns no rows", what_));
  }
  const unsigned n = mysql_num_fields(meta);
  Status s = Plan(mysql_fetch_fields(meta), n);
  mysql_free_result(meta);
  if (!s.ok()) return s;
  Bind();
  row_.resize(cols_.size());
  return Status::Ok();
}

Status RowReader::Impl::Plan(const MYSQL_FIELD* fields, unsigned n) {
  if (n != table_->columns.size()) {
    return Status::InvalidArgument(fmt::format(
        "{}: the SELECT returns {} column(s), the table has {}", what_, n, table_->columns.size()));
  }
  cols_ = std::vector<ColumnReader>(n);
  for (unsigned i = 0; i < n; ++i) {
    const MYSQL_FIELD& f = fields[i];
    const event::Column& c = table_->columns[i];
    ColumnReader& r = cols_[i];
    r.column = &c;
    r.is_unsigned = (f.flags & UNSIGNED_FLAG) != 0;
    r.charset = static_cast<uint16_t>(f.charsetnr);
    const unsigned type = static_cast<unsigned>(f.type);
    auto temporal_fsp = [&]() -> uint8_t {
      if (f.decimals <= 6) return static_cast<uint8_t>(f.decimals);
      return static_cast<uint8_t>(std::clamp(c.length.value_or(0), 0, 6));
    };
    switch (type) {
      case MYSQL_TYPE_NULL: r.conv = Conv::kNull; break;
      case MYSQL_TYPE_TINY: r.conv = Conv::kInt; r.width = 1; break;
      case MYSQL_TYPE_SHORT: r.conv = Conv::kInt; r.width = 2; break;
      case MYSQL_TYPE_INT24:
      case MYSQL_TYPE_LONG: r.conv = Conv::kInt; r.width = 4; break;
      case MYSQL_TYPE_LONGLONG: r.conv = Conv::kInt; r.width = 8; break;
      case MYSQL_TYPE_YEAR: r.conv = Conv::kYear; break;
      case MYSQL_TYPE_FLOAT: r.conv = Conv::kFloat; break;
      case MYSQL_TYPE_DOUBLE: r.conv = Conv::kDouble; break;
      case MYSQL_TYPE_DECIMAL:
      case MYSQL_TYPE_NEWDECIMAL: {
        r.conv = Conv::kDecimal;
        int precision, scale;
        if (c.type == event::SqlType::kDecimal) {
          precision = c.length.value_or(10);
          scale = c.scale.value_or(0);
        } else {
          scale = static_cast<int>(f.decimals);
          precision = static_cast<int>(f.length) - (scale > 0 ? 1 : 0) - (r.is_unsigned ? 0 : 1);
        }
        if (mysql::DecimalBinarySize(precision, scale) == 0) {
          return ColumnError(i, fmt::format("DECIMAL({},{}) is outside MySQL's limits",
                                            precision, scale));
        }
        r.precision = static_cast<uint8_t>(precision);
        r.scale = static_cast<uint8_t>(scale);
        break;
      }
      case MYSQL_TYPE_DATE:
      case MYSQL_TYPE_NEWDATE: r.conv = Conv::kDate; break;
      case MYSQL_TYPE_TIME: r.conv = Conv::kTime; r.fsp = temporal_fsp(); break;
      case MYSQL_TYPE_DATETIME: r.conv = Conv::kDateTime; r.fsp = temporal_fsp(); break;
      case MYSQL_TYPE_TIMESTAMP: r.conv = Conv::kTimestamp; r.fsp = temporal_fsp(); break;
      case MYSQL_TYPE_BIT:
        r.conv = Conv::kBit;
        r.bits = static_cast<uint16_t>(c.type == event::SqlType::kBit ? c.length.value_or(1)
                                                                      : static_cast<int>(f.length));
        break;
      case MYSQL_TYPE_GEOMETRY: r.conv = Conv::kGeometry; break;
      case kMysqlTypeJson: r.conv = Conv::kJsonMySql; break;
      case kMysqlTypeVector: r.conv = Conv::kVector; break;
      default:
        if ((f.flags & ENUM_FLAG) || c.type == event::SqlType::kEnum ||
            (f.flags & SET_FLAG) || c.type == event::SqlType::kSet) {
          const bool is_set = (f.flags & SET_FLAG) || c.type == event::SqlType::kSet;
          r.conv = is_set ? Conv::kSet : Conv::kEnum;
          for (size_t m = 0; m < c.enum_values.size(); ++m) {
            r.members.emplace(c.enum_values[m], is_set ? uint64_t{1} << m : m + 1);
          }
        } else if (c.type == event::SqlType::kUuid) {
          r.conv = Conv::kUuid;
        } else if (c.type == event::SqlType::kInet4) {
          r.conv = Conv::kInet4;
        } else if (c.type == event::SqlType::kInet6) {
          r.conv = Conv::kInet6;
        } else if (r.charset == kBinaryCollation && type == MYSQL_TYPE_STRING &&
                   c.type == event::SqlType::kBinary) {
          r.conv = Conv::kBinaryPad;
          r.pad_to = static_cast<uint32_t>(c.length.value_or(static_cast<int>(f.length)));
        } else {
          r.conv = Conv::kText;
        }
        break;
    }
  }
  return Status::Ok();
}

void RowReader::Impl::Bind() {
  binds_.assign(cols_.size(), MYSQL_BIND{});
  for (size_t i = 0; i < cols_.size(); ++i) {
    ColumnReader& r = cols_[i];
    MYSQL_BIND& b = binds_[i];
    b.is_null = &r.is_null;
    b.error = &r.error;
    b.length = &r.length;
    switch (r.conv) {
      case Conv::kNull:
      case Conv::kInt:
      case Conv::kYear:
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = r.fixed;
        b.buffer_length = 8;
        b.is_unsigned = r.is_unsigned;
        break;
      case Conv::kFloat:
        b.buffer_type = MYSQL_TYPE_FLOAT;
        b.buffer = r.fixed;
        b.buffer_length = 4;
        break;
      case Conv::kDouble:
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = r.fixed;
        b.buffer_length = 8;
        break;
      case Conv::kDate:
      case Conv::kTime:
      case Conv::kDateTime:
      case Conv::kTimestamp:
        b.buffer_type = r.conv == Conv::kDate       ? MYSQL_TYPE_DATE
                        : r.conv == Conv::kTime     ? MYSQL_TYPE_TIME
                        : r.conv == Conv::kDateTime ? MYSQL_TYPE_DATETIME
                                                    : MYSQL_TYPE_TIMESTAMP;
        b.buffer = &r.time;
        b.buffer_length = sizeof(MYSQL_TIME);
        break;
      default:
        if (r.buffer.size() < kInitialVarBuffer) r.buffer.resize(kInitialVarBuffer);
        b.buffer_type = MYSQL_TYPE_BLOB;
        b.buffer = r.buffer.data();
        b.buffer_length = r.buffer.size();
        break;
    }
  }
  mysql_stmt_bind_result(stmt_, binds_.data());
}

Result<const std::vector<Value>*> RowReader::Impl::Next() {
  if (done_) return nullptr;
  int rc = mysql_stmt_fetch(stmt_);
  if (rc == MYSQL_NO_DATA) {
    done_ = true;
    return nullptr;
  }
  if (rc == 1) {
    done_ = true;
    return Error(StmtError(stmt_, what_ + ": reading rows"));
  }
  // MYSQL_DATA_TRUNCATED or 0: fetch again whatever did not fit its buffer.
  bool rebind = false;
  for (size_t i = 0; i < cols_.size(); ++i) {
    ColumnReader& r = cols_[i];
    if (r.is_null || !IsVarConv(r.conv) || r.length <= r.buffer.size()) continue;
    r.buffer.resize(r.length + r.length / 4);
    MYSQL_BIND& b = binds_[i];
    b.buffer = r.buffer.data();
    b.buffer_length = r.buffer.size();
    if (mysql_stmt_fetch_column(stmt_, &b, static_cast<unsigned>(i), 0) != 0) {
      done_ = true;
      return Error(StmtError(stmt_, fmt::format("{}: reading column `{}`", what_,
                                                table_->columns[i].name)));
    }
    rebind = true;
  }
  if (rebind) mysql_stmt_bind_result(stmt_, binds_.data());
  for (size_t i = 0; i < cols_.size(); ++i) {
    if (Status s = Convert(i, &row_[i]); !s.ok()) {
      done_ = true;
      return Error(s);
    }
  }
  have_row_ = true;
  ++rows_read_;
  return &row_;
}

Status RowReader::Impl::Convert(size_t i, Value* v) {
  ColumnReader& r = cols_[i];
  *v = Value();
  if (r.is_null || r.conv == Conv::kNull) {
    bytes_read_ += 1;
    return Status::Ok();
  }
  const std::string_view data(r.buffer.data(), IsVarConv(r.conv) ? r.length : 0);
  bytes_read_ += IsVarConv(r.conv) ? r.length : 8;
  switch (r.conv) {
    case Conv::kNull: break;
    case Conv::kInt: {
      uint64_t u;
      std::memcpy(&u, r.fixed, 8);
      if (r.is_unsigned) {
        v->kind = ValueKind::kUInt;
        v->s.u = u;
      } else {
        v->kind = ValueKind::kInt;
        v->s.i = static_cast<int64_t>(u);
      }
      break;
    }
    case Conv::kYear: {
      int64_t y;
      std::memcpy(&y, r.fixed, 8);
      v->kind = ValueKind::kYear;
      v->s.i = y;
      break;
    }
    case Conv::kFloat:
      v->kind = ValueKind::kFloat;
      std::memcpy(&v->s.f, r.fixed, 4);
      break;
    case Conv::kDouble:
      v->kind = ValueKind::kDouble;
      std::memcpy(&v->s.d, r.fixed, 8);
      break;
    case Conv::kDecimal: {
      v->precision = r.precision;
      v->scale = r.scale;
      if (IsCanonicalDecimalText(data, r.precision, r.scale)) {
        // The server's text is already what the binary form prints as: pass it on.
        v->kind = ValueKind::kDecimalText;
        v->bytes = data;
        break;
      }
      r.scratch.clear();
      if (Status s = mysql::AppendDecimalBinary(data, r.precision, r.scale, &r.scratch); !s.ok()) {
        return ColumnError(i, s.message());
      }
      v->kind = ValueKind::kDecimal;
      v->bytes = r.scratch;
      break;
    }
    case Conv::kDate:
      v->kind = ValueKind::kDate;
      v->s.date = event::Date{static_cast<uint16_t>(r.time.year), static_cast<uint8_t>(r.time.month),
                              static_cast<uint8_t>(r.time.day)};
      break;
    case Conv::kTime:
      v->kind = ValueKind::kTime;
      v->fsp = r.fsp;
      v->s.time = event::Time{};
      v->s.time.negative = r.time.neg != 0;
      v->s.time.hours = r.time.hour;  // libmariadb folds the days of the wire value in
      v->s.time.minutes = static_cast<uint8_t>(r.time.minute);
      v->s.time.seconds = static_cast<uint8_t>(r.time.second);
      v->s.time.micros = static_cast<uint32_t>(r.time.second_part);
      break;
    case Conv::kDateTime:
      v->kind = ValueKind::kDateTime;
      v->fsp = r.fsp;
      v->s.datetime = event::DateTime{
          static_cast<uint16_t>(r.time.year), static_cast<uint8_t>(r.time.month),
          static_cast<uint8_t>(r.time.day),   static_cast<uint8_t>(r.time.hour),
          static_cast<uint8_t>(r.time.minute), static_cast<uint8_t>(r.time.second),
          static_cast<uint32_t>(r.time.second_part)};
      break;
    case Conv::kTimestamp: {
      v->kind = ValueKind::kTimestamp;
      v->fsp = r.fsp;
      v->s.timestamp = event::Timestamp{};
      const MYSQL_TIME& t = r.time;
      if (t.year == 0 && t.month == 0 && t.day == 0) {
        // The zero timestamp: stored as 0 seconds.
        v->s.timestamp.seconds = 0;
        v->s.timestamp.micros = static_cast<uint32_t>(t.second_part);
        break;
      }
      v->s.timestamp.seconds = DaysFromCivil(t.year, t.month, t.day) * 86400 +
                               int64_t{t.hour} * 3600 + int64_t{t.minute} * 60 + t.second;
      v->s.timestamp.micros = static_cast<uint32_t>(t.second_part);
      break;
    }
    case Conv::kText:
      if (r.charset == kBinaryCollation) {
        v->kind = ValueKind::kBytes;
      } else {
        v->kind = ValueKind::kString;
        v->charset = r.charset;
      }
      v->bytes = data;
      break;
    case Conv::kBinaryPad:
      v->kind = ValueKind::kBytes;
      if (data.size() < r.pad_to) {
        r.scratch.assign(data);
        r.scratch.resize(r.pad_to, '\0');
        v->bytes = r.scratch;
      } else {
        v->bytes = data;
      }
      break;
    case Conv::kBit:
      v->kind = ValueKind::kBit;
      v->bits = r.bits;
      v->bytes = data;
      if (data.size() != (r.bits + 7u) / 8u) {
        return ColumnError(i, fmt::format("BIT({}) value has {} byte(s)", r.bits, data.size()));
      }
      break;
    case Conv::kEnum:
    case Conv::kSet: {
      const bool is_set = r.conv == Conv::kSet;
      v->kind = is_set ? ValueKind::kSet : ValueKind::kEnum;
      v->s.u = 0;
      auto lookup = [&](std::string_view member) -> Result<uint64_t> {
        if (auto it = r.members.find(member); it != r.members.end()) {
          return it->second;
        }
        // Not UTF-8 on the wire (latin1 members with accents, ...): compare as UTF-8.
        auto utf8 = mysql::ToUtf8(member, r.charset);
        if (utf8) {
          if (auto it = r.members.find(*utf8); it != r.members.end()) return it->second;
        }
        if (member.empty()) return uint64_t{0};  // the error value ''
        return Error(ColumnError(i, fmt::format("'{}' is not a member of the {}", member,
                                                is_set ? "SET" : "ENUM")));
      };
      if (!is_set) {
        auto idx = lookup(data);
        if (!idx) return idx.error();
        v->s.u = *idx;
        break;
      }
      size_t start = 0;
      while (start <= data.size() && !data.empty()) {
        size_t comma = data.find(',', start);
        std::string_view m = data.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                                : comma - start);
        auto bit = lookup(m);
        if (!bit) return bit.error();
        v->s.u |= *bit;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      break;
    }
    case Conv::kGeometry:
      v->kind = ValueKind::kGeometry;
      v->bytes = data;
      break;
    case Conv::kVector:
      v->kind = ValueKind::kVector;
      v->bytes = data;
      break;
    case Conv::kUuid: {
      // 32 hex digits (dashes skipped), in the order the row image stores them.
      r.scratch.clear();
      int hi = -1;
      for (char ch : data) {
        int d = ch >= '0' && ch <= '9' ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0) {
          if (ch == '-') continue;
          return ColumnError(i, fmt::format("'{}' is not a UUID", data));
        }
        if (hi < 0) {
          hi = d;
        } else {
          r.scratch.push_back(static_cast<char>(hi << 4 | d));
          hi = -1;
        }
      }
      if (r.scratch.size() != 16 || hi >= 0) {
        return ColumnError(i, fmt::format("'{}' is not a UUID", data));
      }
      v->kind = ValueKind::kBytes;
      v->bytes = r.scratch;
      break;
    }
    case Conv::kInet4:
    case Conv::kInet6: {
      const bool v4 = r.conv == Conv::kInet4;
      unsigned char addr[16];
      std::string text(data);
      if (inet_pton(v4 ? AF_INET : AF_INET6, text.c_str(), addr) != 1) {
        return ColumnError(i, fmt::format("'{}' is not an {} address", data, v4 ? "INET4" : "INET6"));
      }
      r.scratch.assign(reinterpret_cast<const char*>(addr), v4 ? 4 : 16);
      v->kind = ValueKind::kBytes;
      v->bytes = r.scratch;
      break;
    }
    case Conv::kJsonMySql:
      // The server's text, re-encoded as the binary document the binlog carries.
      r.scratch.clear();
      if (Status s = AppendJsonBinaryFromText(data, &r.scratch); !s.ok()) {
        return ColumnError(i, s.message());
      }
      v->kind = ValueKind::kJsonBinary;
      v->bytes = r.scratch;
      break;
  }
  return Status::Ok();
}

std::string RowReader::Impl::LastKeyJson() const {
  std::string out = "[";
  if (have_row_) {
    for (size_t k = 0; k < key_index_.size(); ++k) {
      if (k) out.push_back(',');
      if (!AppendKeyElementJson(row_[key_index_[k]], &out).ok()) out.append("null");
    }
  }
  out.push_back(']');
  return have_row_ ? out : "[]";
}

Status RowReader::Impl::Finish() {
  if (stmt_ == nullptr) return Status::Ok();
  done_ = true;
  if (mysql_stmt_free_result(stmt_) != 0) return StmtError(stmt_, what_ + ": ending the read");
  return Status::Ok();
}

RowReader::RowReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RowReader::~RowReader() = default;

Result<std::unique_ptr<RowReader>> RowReader::Open(mysql::SqlConnection& conn,
                                                   std::shared_ptr<const event::TableSchema> table,
                                                   std::string_view select,
                                                   std::vector<std::string> key_columns) {
  if (!table) return Error(Status::InvalidArgument("RowReader::Open: no table"));
  auto impl = std::make_unique<Impl>();
  if (Status s = impl->Open(conn, std::move(table), select, key_columns); !s.ok()) {
    return Error(s);
  }
  return std::unique_ptr<RowReader>(new RowReader(std::move(impl)));
}

Result<const std::vector<event::Value>*> RowReader::Next() { return impl_->Next(); }
std::string RowReader::LastKeyJson() const { return impl_->LastKeyJson(); }
uint64_t RowReader::bytes_read() const { return impl_->bytes_read_; }
uint64_t RowReader::rows_read() const { return impl_->rows_read_; }
Status RowReader::Finish() { return impl_->Finish(); }

}  // namespace tributary::snapshot
