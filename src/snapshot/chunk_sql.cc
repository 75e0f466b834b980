#include "snapshot/chunk_sql.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "mysql/decimal.h"
#include "mysql/sql_connection.h"
#include "mysql/value_text.h"

namespace tributary::snapshot {
namespace {

using event::Value;
using event::ValueKind;

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHex(std::string_view bytes, std::string* out) {
  for (unsigned char c : bytes) {
    out->push_back(kHexDigits[c >> 4]);
    out->push_back(kHexDigits[c & 15]);
  }
}

bool IsHex(std::string_view s) {
  if (s.size() % 2 != 0) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// A character set name fit for an introducer: [a-z0-9_]+.
bool IsCharsetName(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// An exact-value numeric literal: -?digits[.digits].
bool IsDecimalText(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (digits == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac;
    if (frac == 0) return false;
  }
  return i == s.size();
}

// `text` as a single-quoted SQL string literal; backslashes and quotes escaped so the
// literal means the same under any sql_mode (NO_BACKSLASH_ESCAPES included: no
// backslash is ever emitted, quotes are doubled, other bytes pass through; control
// characters cannot appear in the texts we quote).
std::string QuoteString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

bool SafeQuotedText(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == '\\' || c >= 0x7f) return false;
  }
  return true;
}

void AppendTwo(unsigned v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10 % 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

void AppendFraction(uint32_t micros, int fsp, std::string* out) {
  if (micros == 0 && fsp == 0) return;
  char buf[8];
  fmt::format_to_n(buf, sizeof(buf), "{:06}", micros);
  out->push_back('.');
  out->append(buf, 6);
}

std::string DateTimeText(const event::DateTime& dt, uint8_t fsp) {
  std::string s = fmt::format("{:04}-", dt.year);
  AppendTwo(dt.month, &s);
  s.push_back('-');
  AppendTwo(dt.day, &s);
  s.push_back(' ');
  AppendTwo(dt.hour, &s);
  s.push_back(':');
  AppendTwo(dt.minute, &s);
  s.push_back(':');
  AppendTwo(dt.second, &s);
  AppendFraction(dt.micros, fsp, &s);
  return s;
}

// Civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->append(nlohmann::json(std::string(s)).dump());
}

}  // namespace

Status AppendKeyElementJson(const event::Value& v, std::string* out) {
  switch (v.kind) {
    case ValueKind::kNull:
    case ValueKind::kAbsent: out->append("null"); return Status::Ok();
    case ValueKind::kInt:
    case ValueKind::kYear: out->append(fmt::format("{}", v.s.i)); return Status::Ok();
    case ValueKind::kUInt:
    case ValueKind::kEnum:
    case ValueKind::kSet: out->append(fmt::format("{}", v.s.u)); return Status::Ok();
    case ValueKind::kBit: {
      uint64_t u = 0;
      for (unsigned char c : v.bytes) u = (u << 8) | c;
      out->append(fmt::format("{}", u));
      return Status::Ok();
    }
    case ValueKind::kFloat:
      // Widened to double: the server compares a FLOAT column with a literal as doubles.
      AppendJsonString(fmt::format("{}", static_cast<double>(v.s.f)), out);
      return Status::Ok();
    case ValueKind::kDouble: AppendJsonString(fmt::format("{}", v.s.d), out); return Status::Ok();
    case ValueKind::kDecimalText:
      // ASCII digits, '-' and '.': no escaping needed.
      out->append(R"({"dec":")");
      out->append(v.bytes);
      out->append("\"}");
      return Status::Ok();
    case ValueKind::kDecimal: {
      std::string text;
      if (Status s = mysql::AppendDecimalText(v.bytes, v.precision, v.scale, &text); !s.ok()) {
        return s;
      }
      out->append(R"({"dec":)");
      AppendJsonString(text, out);
      out->push_back('}');
      return Status::Ok();
    }
    case ValueKind::kDate:
      AppendJsonString(fmt::format("{:04}-{:02}-{:02}", v.s.date.year, v.s.date.month,
                                   v.s.date.day),
                       out);
      return Status::Ok();
    case ValueKind::kTime: {
      const auto& t = v.s.time;
      std::string s = fmt::format("{}{:02}:{:02}:{:02}", t.negative ? "-" : "", t.hours,
                                  t.minutes, t.seconds);
      AppendFraction(t.micros, v.fsp, &s);
      AppendJsonString(s, out);
      return Status::Ok();
    }
    case ValueKind::kDateTime:
      AppendJsonString(DateTimeText(v.s.datetime, v.fsp), out);
      return Status::Ok();
    case ValueKind::kTimestamp: {
      // In UTC: the snapshot session runs with time_zone '+00:00'.
      event::DateTime dt{};
      if (v.s.timestamp.seconds != 0 || v.s.timestamp.micros != 0) {
        int64_t secs = v.s.timestamp.seconds;
        int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
        int64_t rem = secs - days * 86400;
        int64_t y;
        unsigned m, d;
        CivilFromDays(days, &y, &m, &d);
        dt.year = static_cast<uint16_t>(y);
        dt.month = static_cast<uint8_t>(m);
        dt.day = static_cast<uint8_t>(d);
        dt.hour = static_cast<uint8_t>(rem / 3600);
        dt.minute = static_cast<uint8_t>(rem / 60 % 60);
        dt.second = static_cast<uint8_t>(rem % 60);
        dt.micros = v.s.timestamp.micros;
      }
      AppendJsonString(DateTimeText(dt, v.fsp), out);
      return Status::Ok();
    }
    case ValueKind::kString:
    case ValueKind::kJsonText: {
      std::string cs(mysql::CollationCharsetName(v.charset));
      if (cs == "utf8mb3") cs = "utf8";  // the introducer every server version knows
      if (cs.empty()) cs = "binary";
      out->append(R"({"cs":")");
      out->append(cs);
      out->append(R"(","hex":")");
      AppendHex(v.bytes, out);
      out->append("\"}");
      return Status::Ok();
    }
    case ValueKind::kBytes:
    case ValueKind::kGeometry:
    case ValueKind::kJsonBinary:
    case ValueKind::kVector:
    case ValueKind::kJsonDiff:
      out->append(R"({"hex":")");
      AppendHex(v.bytes, out);
      out->append("\"}");
      return Status::Ok();
  }
  return Status::Internal("AppendKeyElementJson: unknown value kind");
}

Result<std::vector<std::string>> KeyLiterals(std::string_view after_key) {
  auto bad = [&](std::string_view why) {
    return Error(Status::InvalidArgument(
        fmt::format("snapshot key {} is not a key this version wrote: {}", after_key, why)));
  };
  nlohmann::json doc = nlohmann::json::parse(after_key, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return bad("malformed JSON");
  if (!doc.is_array()) return bad("not a JSON array");
  std::vector<std::string> out;
  out.reserve(doc.size());
  for (const auto& e : doc) {
    if (e.is_null()) {
      out.emplace_back("NULL");
    } else if (e.is_number_integer()) {
      out.push_back(e.is_number_unsigned() ? fmt::format("{}", e.get<uint64_t>())
                                           : fmt::format("{}", e.get<int64_t>()));
    } else if (e.is_string()) {
      const auto& s = e.get_ref<const std::string&>();
      if (!SafeQuotedText(s)) return bad("unexpected characters in a text element");
      out.push_back(QuoteString(s));
    } else if (e.is_object()) {
      if (auto d = e.find("dec"); d != e.end()) {
        if (!d->is_string() || !IsDecimalText(d->get_ref<const std::string&>())) {
          return bad("\"dec\" is not a decimal number");
        }
        out.push_back(d->get<std::string>());
        continue;
      }
      auto h = e.find("hex");
      if (h == e.end() || !h->is_string() || !IsHex(h->get_ref<const std::string&>())) {
        return bad("an object element needs \"dec\" or \"hex\"");
      }
      const auto& hex = h->get_ref<const std::string&>();
      std::string lit;
      if (auto c = e.find("cs"); c != e.end()) {
        if (!c->is_string() || !IsCharsetName(c->get_ref<const std::string&>())) {
          return bad("\"cs\" is not a character set name");
        }
        lit = "_" + c->get<std::string>() + " ";
      }
      // X'' is the empty string.
      lit += "X'" + hex + "'";
      out.push_back(std::move(lit));
    } else {
      return bad("unexpected element type");
    }
  }
  return out;
}

Result<std::string> BuildChunkSelect(const ChunkSpec& spec) {
  if (spec.table == nullptr) return Error(Status::InvalidArgument("BuildChunkSelect: no table"));
  const event::TableSchema& t = *spec.table;
  if (t.columns.empty()) {
    return Error(Status::InvalidArgument(
        fmt::format("snapshot of {}.{}: the table has no columns", t.id.database, t.id.table)));
  }
  using mysql::SqlConnection;
  std::vector<std::string> keys;
  for (const std::string& k : spec.key_columns) {
    int i = t.FindColumn(k);
    if (i < 0) {
      return Error(Status::InvalidArgument(fmt::format(
          "snapshot of {}.{}: key column `{}` is not in the table", t.id.database, t.id.table, k)));
    }
    keys.push_back(SqlConnection::QuoteIdentifier(t.columns[static_cast<size_t>(i)].name));
  }

  std::string sql = "SELECT ";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i) sql.push_back(',');
    sql += SqlConnection::QuoteIdentifier(t.columns[i].name);
  }
  sql += " FROM ";
  if (!spec.select_override.empty()) {
    std::string_view o = spec.select_override;
    while (!o.empty() && (o.back() == ';' || o.back() == ' ' || o.back() == '\n' ||
                          o.back() == '\t' || o.back() == '\r')) {
      o.remove_suffix(1);
    }
    sql += "(";
    sql += o;
    sql += ") AS `tributary_snapshot_rows`";
  } else {
    sql += SqlConnection::QuoteIdentifier(t.id.database) + "." +
           SqlConnection::QuoteIdentifier(t.id.table);
  }

  std::vector<std::string> conditions;
  auto literals = [&](const std::string& key_json) -> Result<std::vector<std::string>> {
    auto lits = KeyLiterals(key_json);
    if (!lits) return Error(lits.error());
    if (lits->size() != keys.size()) {
      return Error(Status::InvalidArgument(fmt::format(
          "snapshot of {}.{}: stored key {} has {} value(s), the key ({}) has {}", t.id.database,
          t.id.table, key_json, lits->size(), fmt::join(keys, ","), keys.size())));
    }
    return lits;
  };
  if (spec.through_key && keys.empty()) {
    return Error(Status::InvalidArgument(fmt::format(
        "snapshot of {}.{}: a closed key range needs key columns", t.id.database, t.id.table)));
  }
  if (spec.after_key && !keys.empty()) {
    auto lits = literals(*spec.after_key);
    if (!lits) return Error(lits.error());
    // (k1 > v1 OR (k1 = v1 AND k2 > v2) OR ...): each disjunct is a range on a key
    // prefix, which MariaDB's range optimizer uses (it does not for row constructors).
    // NULL sorts first: "> NULL" is IS NOT NULL, "= NULL" is IS NULL.
    auto gt = [&](size_t i) {
      return (*lits)[i] == "NULL" ? keys[i] + " IS NOT NULL" : keys[i] + " > " + (*lits)[i];
    };
    auto eq = [&](size_t i) {
      return (*lits)[i] == "NULL" ? keys[i] + " IS NULL" : keys[i] + " = " + (*lits)[i];
    };
    std::string pred;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i) pred += " OR ";
      if (i == 0) {
        pred += gt(0);
        continue;
      }
      pred += "(";
      for (size_t j = 0; j < i; ++j) pred += eq(j) + " AND ";
      pred += gt(i) + ")";
    }
    conditions.push_back(keys.size() > 1 ? "(" + pred + ")" : pred);
  }
  if (spec.through_key) {
    auto lits = literals(*spec.through_key);
    if (!lits) return Error(lits.error());
    // (k1 < v1 OR (k1 = v1 AND k2 < v2) OR ... OR (k1 = v1 AND ... AND kn <= vn)). NULL
    // sorts first: nothing is "< NULL", "<= NULL" is IS NULL.
    auto lt = [&](size_t i) {
      return (*lits)[i] == "NULL" ? std::string("FALSE") : keys[i] + " < " + (*lits)[i];
    };
    auto le = [&](size_t i) {
      return (*lits)[i] == "NULL" ? keys[i] + " IS NULL" : keys[i] + " <= " + (*lits)[i];
    };
    auto eq = [&](size_t i) {
      return (*lits)[i] == "NULL" ? keys[i] + " IS NULL" : keys[i] + " = " + (*lits)[i];
    };
    std::string pred;
    const size_t last = keys.size() - 1;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i) pred += " OR ";
      if (i == 0) {
        pred += last == 0 ? le(0) : lt(0);
        continue;
      }
      pred += "(";
      for (size_t j = 0; j < i; ++j) pred += eq(j) + " AND ";
      pred += (i == last ? le(i) : lt(i)) + ")";
    }
    conditions.push_back(keys.size() > 1 ? "(" + pred + ")" : pred);
  }
  if (!spec.additional_condition.empty()) {
    conditions.push_back("(" + spec.additional_condition + ")");
  }
  for (size_t i = 0; i < conditions.size(); ++i) {
    sql += i ? " AND " : " WHERE ";
    sql += conditions[i];
  }
  if (!keys.empty()) sql += " ORDER BY " + fmt::format("{}", fmt::join(keys, ","));
  if (spec.limit > 0) sql += fmt::format(" LIMIT {}", spec.limit);
  if (spec.limit > 0 && spec.offset > 0) sql += fmt::format(" OFFSET {}", spec.offset);
  return sql;
}

Result<TableStats> ReadTableStats(mysql::SqlConnection& conn, const event::TableId& id) {
  auto quote = [](std::string_view s) {
    std::string out = "'";
    for (char c : s) {
      if (c == '\'' || c == '\\') out.push_back(c == '\'' ? '\'' : '\\');
      out.push_back(c);
    }
    return out + "'";
  };
  auto rows = conn.Query(fmt::format(
      "SELECT TABLE_ROWS, AVG_ROW_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = {} "
      "AND TABLE_NAME = {}",
      quote(id.database), quote(id.table)));
  if (!rows) {
    return Error(rows.error().WithContext(
        fmt::format("reading the size of {}.{}", id.database, id.table)));
  }
  TableStats stats;
  if (rows->empty()) return stats;
  const auto& r = rows->front();
  auto num = [](const std::optional<std::string>& s) -> uint64_t {
    if (!s) return 0;
    uint64_t v = 0;
    std::from_chars(s->data(), s->data() + s->size(), v);
    return v;
  };
  if (r.size() > 0) stats.rows = num(r[0]);
  if (r.size() > 1) stats.avg_row_bytes = num(r[1]);
  return stats;
}

}  // namespace tributary::snapshot
