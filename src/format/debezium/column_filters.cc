#include "format/debezium/column_filters.h"

#include <openssl/evp.h>

#include <cctype>
#include <mutex>
#include <regex>
#include <unordered_map>

#include "format/debezium/json_writer.h"

namespace tributary::format::debezium {
namespace {

using Patterns = std::vector<std::regex>;

Result<Patterns> Compile(std::string_view list, std::string_view what) {
  Patterns out;
  for (const std::string& item : SplitRegexList(list)) {
    try {
      out.emplace_back(item, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return Error(Status::InvalidArgument("regular expression '" + item + "' in " +
                                           std::string(what) + " does not compile: " + e.what()));
    }
  }
  return out;
}

bool AnyMatch(const Patterns& patterns, const std::string& s) {
  for (const auto& p : patterns) {
    if (std::regex_match(s, p)) return true;
  }
  return false;
}

// Java MessageDigest names → OpenSSL names.
std::string OpenSslDigestName(std::string_view java) {
  std::string up;
  for (char c : java) up.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (up == "SHA" || up == "SHA1" || up == "SHA-1") return "SHA1";
  if (up == "SHA-224") return "SHA224";
  if (up == "SHA-256") return "SHA256";
  if (up == "SHA-384") return "SHA384";
  if (up == "SHA-512") return "SHA512";
  if (up == "SHA-512/224") return "SHA512-224";
  if (up == "SHA-512/256") return "SHA512-256";
  if (up == "SHA3-224" || up == "SHA3-256" || up == "SHA3-384" || up == "SHA3-512" ||
      up == "MD5" || up == "MD2")
    return up;
  return up;
}

// Decodes one UTF-8 sequence at s[i] (valid input); returns the code point.
uint32_t DecodeUtf8(std::string_view s, size_t* i) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  uint32_t c = b(*i);
  if (c < 0x80) {
    *i += 1;
    return c;
  }
  if ((c >> 5) == 0x6 && *i + 1 < s.size()) {
    uint32_t cp = ((c & 0x1F) << 6) | (b(*i + 1) & 0x3F);
    *i += 2;
    return cp;
  }
  if ((c >> 4) == 0xE && *i + 2 < s.size()) {
    uint32_t cp = ((c & 0x0F) << 12) | ((b(*i + 1) & 0x3F) << 6) | (b(*i + 2) & 0x3F);
    *i += 3;
    return cp;
  }
  if (*i + 3 < s.size()) {
    uint32_t cp = ((c & 0x07) << 18) | ((b(*i + 1) & 0x3F) << 12) | ((b(*i + 2) & 0x3F) << 6) |
                  (b(*i + 3) & 0x3F);
    *i += 4;
    return cp;
  }
  *i += 1;
  return 0xFFFD;
}

void AppendModifiedUtf8Unit(uint32_t u, std::string* out) {
  if (u != 0 && u < 0x80) {
    out->push_back(static_cast<char>(u));
  } else if (u < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (u >> 6)));
    out->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (u >> 12)));
    out->push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  }
}

}  // namespace

std::vector<std::string> SplitRegexList(std::string_view list) {
  std::vector<std::string> out;
  std::string cur;
  int brace = 0, bracket = 0;
  auto flush = [&] {
    size_t b = cur.find_first_not_of(" \t\r\n");
    size_t e = cur.find_last_not_of(" \t\r\n");
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (size_t i = 0; i < list.size(); ++i) {
    char c = list[i];
    if (c == '\\' && i + 1 < list.size() && list[i + 1] == ',') {
      cur.push_back(',');
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < list.size()) {
      cur.push_back(c);
      cur.push_back(list[++i]);
      continue;
    }
    if (c == '{') ++brace;
    if (c == '}' && brace > 0) --brace;
    if (c == '[') ++bracket;
    if (c == ']' && bracket > 0) --bracket;
    if (c == ',' && brace == 0 && bracket == 0) {
      flush();
      continue;
    }
    cur.push_back(c);
  }
  flush();
  return out;
}

std::string_view TruncateUtf16Units(std::string_view utf8, int max_units) {
  if (max_units < 0) return utf8;
  size_t i = 0;
  int units = 0;
  while (i < utf8.size()) {
    size_t next = i;
    uint32_t cp = DecodeUtf8(utf8, &next);
    int n = cp >= 0x10000 ? 2 : 1;
    if (units + n > max_units) break;
    units += n;
    i = next;
  }
  return utf8.substr(0, i);
}

void AppendJavaSerializedString(std::string_view utf8, std::string* out) {
  std::string body;
  body.reserve(utf8.size() + 8);
  for (size_t i = 0; i < utf8.size();) {
    uint32_t cp = DecodeUtf8(utf8, &i);
    if (cp >= 0x10000) {
      uint32_t v = cp - 0x10000;
      AppendModifiedUtf8Unit(0xD800 | (v >> 10), &body);
      AppendModifiedUtf8Unit(0xDC00 | (v & 0x3FF), &body);
    } else {
      AppendModifiedUtf8Unit(cp, &body);
    }
  }
  out->append("\xAC\xED\x00\x05", 4);
  if (body.size() <= 0xFFFF) {
    out->push_back('\x74');
    out->push_back(static_cast<char>(body.size() >> 8));
    out->push_back(static_cast<char>(body.size() & 0xFF));
  } else {
    out->push_back('\x7C');
    uint64_t n = body.size();
    for (int s = 56; s >= 0; s -= 8) out->push_back(static_cast<char>((n >> s) & 0xFF));
  }
  out->append(body);
}

Status AppendHashMask(const ColumnMapper& mapper, std::string_view utf8, int max_chars,
                      std::string* out) {
  const EVP_MD* md = EVP_get_digestbyname(mapper.algorithm.c_str());
  if (md == nullptr) return Status::Unsupported("unknown hash algorithm " + mapper.algorithm);
  std::string data;
  if (mapper.v2) {
    data.assign(utf8);
  } else {
    AppendJavaSerializedString(utf8, &data);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestInit_ex(ctx, md, nullptr) == 1 &&
            EVP_DigestUpdate(ctx, mapper.salt.data(), mapper.salt.size()) == 1 &&
            EVP_DigestUpdate(ctx, data.data(), data.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, digest, &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return Status::Internal("hashing with " + mapper.algorithm + " failed");
  size_t start = out->size();
  AppendHexLower(std::string_view(reinterpret_cast<const char*>(digest), len), out);
  if (max_chars > 0 && out->size() - start > static_cast<size_t>(max_chars)) {
    out->resize(start + max_chars);
  }
  return Status::Ok();
}

struct ColumnFilters::Impl {
  Patterns db_include, db_exclude, table_include, table_exclude, column_include, column_exclude;
  bool ignore_builtin = true;
  struct Rule {
    Patterns patterns;
    ColumnMapper mapper;
  };
  std::vector<Rule> rules;
  // Verdicts of IsTableCaptured by "db.table" (the patterns never change; a regex per
  // rows event and per TABLE_MAP was ~10% of the source connector's CPU).
  mutable std::mutex cache_mu;
  mutable std::unordered_map<std::string, bool> table_verdicts;
};

ColumnFilters::ColumnFilters() : impl_(std::make_unique<Impl>()) {}
ColumnFilters::~ColumnFilters() = default;
ColumnFilters::ColumnFilters(ColumnFilters&&) noexcept = default;
ColumnFilters& ColumnFilters::operator=(ColumnFilters&&) noexcept = default;

Result<ColumnFilters> ColumnFilters::Create(const ColumnFilterOptions& o) {
  ColumnFilters f;
  Impl& im = *f.impl_;
  im.ignore_builtin = o.table_ignore_builtin;
  struct {
    const std::string* list;
    Patterns* dst;
    const char* what;
  } lists[] = {{&o.database_include, &im.db_include, "database.include.list"},
               {&o.database_exclude, &im.db_exclude, "database.exclude.list"},
               {&o.table_include, &im.table_include, "table.include.list"},
               {&o.table_exclude, &im.table_exclude, "table.exclude.list"},
               {&o.column_include, &im.column_include, "column.include.list"},
               {&o.column_exclude, &im.column_exclude, "column.exclude.list"}};
  for (auto& l : lists) {
    auto p = Compile(*l.list, l.what);
    if (!p) return Error(p.error());
    *l.dst = std::move(*p);
  }
  auto add = [&](std::string_view columns, ColumnMapper m, std::string_view what) -> Status {
    auto p = Compile(columns, what);
    if (!p) return p.error();
    im.rules.push_back(Impl::Rule{std::move(*p), std::move(m)});
    return Status::Ok();
  };
  for (const auto& t : o.truncate) {
    ColumnMapper m;
    m.kind = MapperKind::kTruncate;
    m.length = t.length;
    if (Status s = add(t.columns, m, "column.truncate.to.N.chars"); !s.ok()) return Error(s);
  }
  for (const auto& t : o.mask_chars) {
    ColumnMapper m;
    m.kind = MapperKind::kMaskChars;
    m.length = t.count;
    m.mask.assign(static_cast<size_t>(t.count), '*');
    if (Status s = add(t.columns, m, "column.mask.with.N.chars"); !s.ok()) return Error(s);
  }
  if (!o.propagate_source_type.empty()) {
    ColumnMapper m;
    m.kind = MapperKind::kPropagateSourceType;
    if (Status s = add(o.propagate_source_type, m, "column.propagate.source.type"); !s.ok())
      return Error(s);
  }
  for (int pass = 0; pass < 2; ++pass) {  // v1 rules before v2, as Debezium reads them
    for (const auto& h : o.mask_hash) {
      if (h.v2 != (pass == 1)) continue;
      ColumnMapper m;
      m.kind = MapperKind::kMaskHash;
      m.algorithm = OpenSslDigestName(h.algorithm);
      m.salt = h.salt;
      m.v2 = h.v2;
      if (EVP_get_digestbyname(m.algorithm.c_str()) == nullptr) {
        return Error(Status::InvalidArgument("column.mask.hash: unknown hash algorithm '" +
                                             h.algorithm + "'"));
      }
      if (Status s = add(h.columns, m, "column.mask.hash"); !s.ok()) return Error(s);
    }
  }
  return f;
}

bool ColumnFilters::IsDatabaseCaptured(std::string_view database) const {
  std::string db(database);
  if (impl_->ignore_builtin && (db == "mysql" || db == "sys" || db == "performance_schema" ||
                                db == "information_schema")) {
    return false;
  }
  if (!impl_->db_include.empty()) return AnyMatch(impl_->db_include, db);
  if (!impl_->db_exclude.empty()) return !AnyMatch(impl_->db_exclude, db);
  return true;
}

bool ColumnFilters::IsTableCaptured(const event::TableId& id) const {
  std::string name = id.database + "." + id.table;  // SSO for most names: no allocation
  {
    std::lock_guard lock(impl_->cache_mu);
    if (auto it = impl_->table_verdicts.find(name); it != impl_->table_verdicts.end()) return it->second;
  }
  bool captured = IsDatabaseCaptured(id.database);
  if (captured && !impl_->table_include.empty()) {
    captured = AnyMatch(impl_->table_include, name);
  } else if (captured && !impl_->table_exclude.empty()) {
    captured = !AnyMatch(impl_->table_exclude, name);
  }
  std::lock_guard lock(impl_->cache_mu);
  if (impl_->table_verdicts.size() < 100000) impl_->table_verdicts.emplace(std::move(name), captured);
  return captured;
}

bool ColumnFilters::IsColumnIncluded(const event::TableId& id, std::string_view column) const {
  if (impl_->column_include.empty() && impl_->column_exclude.empty()) return true;
  std::string name = id.database + "." + id.table + "." + std::string(column);
  if (!impl_->column_include.empty()) return AnyMatch(impl_->column_include, name);
  return !AnyMatch(impl_->column_exclude, name);
}

const ColumnMapper* ColumnFilters::MapperFor(const event::TableId& id,
                                             std::string_view column) const {
  if (impl_->rules.empty()) return nullptr;
  std::string name = id.database + "." + id.table + "." + std::string(column);
  for (const auto& r : impl_->rules) {
    if (AnyMatch(r.patterns, name)) return &r.mapper;
  }
  return nullptr;
}

}  // namespace tributary::format::debezium
