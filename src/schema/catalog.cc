#include "schema/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "common/json_text.h"
#include "schema/ddl_parser.h"

namespace tributary::schema {

using event::Column;
using event::SqlType;
using event::TableId;
using event::TableSchema;

namespace {

using event::IsTextType;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool SameName(std::string_view a, std::string_view b) { return Lower(a) == Lower(b); }

struct CharsetInfo {
  std::string_view charset;
  std::string_view collation;  // default collation (MariaDB / MySQL 5.7)
  int mbmaxlen;
};

constexpr std::array<CharsetInfo, 41> kCharsets = {{
    {"armscii8", "armscii8_general_ci", 1}, {"ascii", "ascii_general_ci", 1},
    {"big5", "big5_chinese_ci", 2},         {"binary", "binary", 1},
    {"cp1250", "cp1250_general_ci", 1},     {"cp1251", "cp1251_general_ci", 1},
    {"cp1256", "cp1256_general_ci", 1},     {"cp1257", "cp1257_general_ci", 1},
    {"cp850", "cp850_general_ci", 1},       {"cp852", "cp852_general_ci", 1},
    {"cp866", "cp866_general_ci", 1},       {"cp932", "cp932_japanese_ci", 2},
    {"dec8", "dec8_swedish_ci", 1},         {"eucjpms", "eucjpms_japanese_ci", 3},
    {"euckr", "euckr_korean_ci", 2},        {"gb18030", "gb18030_chinese_ci", 4},
    {"gb2312", "gb2312_chinese_ci", 2},     {"gbk", "gbk_chinese_ci", 2},
    {"geostd8", "geostd8_general_ci", 1},   {"greek", "greek_general_ci", 1},
    {"hebrew", "hebrew_general_ci", 1},     {"hp8", "hp8_english_ci", 1},
    {"keybcs2", "keybcs2_general_ci", 1},   {"koi8r", "koi8r_general_ci", 1},
    {"koi8u", "koi8u_general_ci", 1},       {"latin1", "latin1_swedish_ci", 1},
    {"latin2", "latin2_general_ci", 1},     {"latin5", "latin5_turkish_ci", 1},
    {"latin7", "latin7_general_ci", 1},     {"macce", "macce_general_ci", 1},
    {"macroman", "macroman_general_ci", 1}, {"sjis", "sjis_japanese_ci", 2},
    {"swe7", "swe7_swedish_ci", 1},         {"tis620", "tis620_thai_ci", 1},
    {"ucs2", "ucs2_general_ci", 2},         {"ujis", "ujis_japanese_ci", 3},
    {"utf16", "utf16_general_ci", 4},       {"utf16le", "utf16le_general_ci", 4},
    {"utf32", "utf32_general_ci", 4},       {"utf8mb3", "utf8mb3_general_ci", 3},
    {"utf8mb4", "utf8mb4_general_ci", 4},
}};

const CharsetInfo* FindCharset(std::string_view cs) {
  for (const CharsetInfo& c : kCharsets) {
    if (c.charset == cs) return &c;
  }
  return nullptr;
}

int MbMaxLen(std::string_view cs) {
  const CharsetInfo* c = FindCharset(cs);
  return c ? c->mbmaxlen : 1;
}

bool IsTextBlobFamily(SqlType t) {
  return t == SqlType::kTinyText || t == SqlType::kText || t == SqlType::kMediumText ||
         t == SqlType::kLongText;
}

void SetType(Column* c, SqlType t, std::string_view name) {
  c->type = t;
  c->type_name = std::string(name);
}

// The *TEXT type (or *BLOB when `blob`) that holds `bytes` bytes.
void SetSizedLob(Column* c, uint64_t bytes, bool blob) {
  if (bytes <= 255) {
    blob ? SetType(c, SqlType::kTinyBlob, "TINYBLOB") : SetType(c, SqlType::kTinyText, "TINYTEXT");
  } else if (bytes <= 65535) {
    blob ? SetType(c, SqlType::kBlob, "BLOB") : SetType(c, SqlType::kText, "TEXT");
  } else if (bytes <= 16777215) {
    blob ? SetType(c, SqlType::kMediumBlob, "MEDIUMBLOB")
         : SetType(c, SqlType::kMediumText, "MEDIUMTEXT");
  } else {
    blob ? SetType(c, SqlType::kLongBlob, "LONGBLOB") : SetType(c, SqlType::kLongText, "LONGTEXT");
  }
}

uint64_t LobBytes(SqlType t) {
  switch (t) {
    case SqlType::kTinyText: case SqlType::kTinyBlob: return 255;
    case SqlType::kText: case SqlType::kBlob: return 65535;
    case SqlType::kMediumText: case SqlType::kMediumBlob: return 16777215;
    default: return 4294967295ULL;
  }
}

// CHAR -> BINARY etc. for `CHARACTER SET binary`.
void ToBinaryType(Column* c) {
  switch (c->type) {
    case SqlType::kChar: SetType(c, SqlType::kBinary, "BINARY"); break;
    case SqlType::kVarchar: SetType(c, SqlType::kVarbinary, "VARBINARY"); break;
    case SqlType::kTinyText: SetType(c, SqlType::kTinyBlob, "TINYBLOB"); break;
    case SqlType::kText: SetType(c, SqlType::kBlob, "BLOB"); break;
    case SqlType::kMediumText: SetType(c, SqlType::kMediumBlob, "MEDIUMBLOB"); break;
    case SqlType::kLongText: SetType(c, SqlType::kLongBlob, "LONGBLOB"); break;
    default: return;
  }
  c->charset.clear();
  c->collation.clear();
}

std::string_view SqlTypeCanonicalName(SqlType t) {
  switch (t) {
    case SqlType::kUnknown: return "UNKNOWN";
    case SqlType::kBoolean: return "BOOLEAN";
    case SqlType::kTinyInt: return "TINYINT";
    case SqlType::kSmallInt: return "SMALLINT";
    case SqlType::kMediumInt: return "MEDIUMINT";
    case SqlType::kInt: return "INT";
    case SqlType::kBigInt: return "BIGINT";
    case SqlType::kDecimal: return "DECIMAL";
    case SqlType::kFloat: return "FLOAT";
    case SqlType::kDouble: return "DOUBLE";
    case SqlType::kBit: return "BIT";
    case SqlType::kYear: return "YEAR";
    case SqlType::kDate: return "DATE";
    case SqlType::kTime: return "TIME";
    case SqlType::kDateTime: return "DATETIME";
    case SqlType::kTimestamp: return "TIMESTAMP";
    case SqlType::kChar: return "CHAR";
    case SqlType::kVarchar: return "VARCHAR";
    case SqlType::kBinary: return "BINARY";
    case SqlType::kVarbinary: return "VARBINARY";
    case SqlType::kTinyText: return "TINYTEXT";
    case SqlType::kText: return "TEXT";
    case SqlType::kMediumText: return "MEDIUMTEXT";
    case SqlType::kLongText: return "LONGTEXT";
    case SqlType::kTinyBlob: return "TINYBLOB";
    case SqlType::kBlob: return "BLOB";
    case SqlType::kMediumBlob: return "MEDIUMBLOB";
    case SqlType::kLongBlob: return "LONGBLOB";
    case SqlType::kEnum: return "ENUM";
    case SqlType::kSet: return "SET";
    case SqlType::kJson: return "JSON";
    case SqlType::kGeometry: return "GEOMETRY";
    case SqlType::kVector: return "VECTOR";
    case SqlType::kUuid: return "UUID";
    case SqlType::kInet4: return "INET4";
    case SqlType::kInet6: return "INET6";
  }
  return "UNKNOWN";
}

// Single-quoted, with escapes; a value that is not UTF-8 shows its high bytes as \xNN.
void AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('\'');
  bool utf8 = IsValidUtf8(s);
  for (char c : s) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte >= 0x80 && !utf8) || (byte < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\0')) {
      *out += fmt::format("\\x{:02x}", byte);
      continue;
    }
    switch (c) {
      case '\'': *out += "\\'"; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\0': *out += "\\0"; break;
      default: out->push_back(c);
    }
  }
  out->push_back('\'');
}

void EraseColumnFromKeys(TableSchema* t, std::string_view name) {
  auto drop = [&](std::vector<std::string>* cols) {
    cols->erase(std::remove_if(cols->begin(), cols->end(),
                               [&](const std::string& c) { return SameName(c, name); }),
                cols->end());
  };
  drop(&t->primary_key);
  for (event::Key& k : t->unique_keys) drop(&k.columns);
  t->unique_keys.erase(std::remove_if(t->unique_keys.begin(), t->unique_keys.end(),
                                      [](const event::Key& k) { return k.columns.empty(); }),
                       t->unique_keys.end());
}

void RenameColumnInKeys(TableSchema* t, std::string_view from, const std::string& to) {
  auto rename = [&](std::vector<std::string>* cols) {
    for (std::string& c : *cols) {
      if (SameName(c, from)) c = to;
    }
  };
  rename(&t->primary_key);
  for (event::Key& k : t->unique_keys) rename(&k.columns);
}

bool HasKeyNamed(const TableSchema& t, std::string_view name) {
  if (SameName(name, "PRIMARY")) return true;
  for (const event::Key& k : t.unique_keys) {
    if (SameName(k.name, name)) return true;
  }
  return false;
}

std::string QualifiedName(const TableId& id) { return id.database + "." + id.table; }

}  // namespace

std::string_view TableChangeTypeName(TableChange::Type type) {
  switch (type) {
    case TableChange::Type::kCreate: return "CREATE";
    case TableChange::Type::kAlter: return "ALTER";
    case TableChange::Type::kDrop: return "DROP";
  }
  return "?";
}

std::string CharsetOfCollation(std::string_view collation) {
  std::string c = Lower(collation);
  if (c == "binary") return c;
  size_t us = c.find('_');
  std::string cs = c.substr(0, us);
  if (cs == "utf8") return "utf8mb3";
  return cs;
}

// Applies statements to a Catalog. Lives for one Apply() call.
class CatalogApplier {
 public:
  CatalogApplier(Catalog* catalog, std::string_view current_database)
      : cat_(*catalog), current_(current_database) {}

  Result<ApplyResult> Apply(const DdlStatement& st) {
    Status s = std::visit([this](const auto& body) { return Do(body); }, st.body);
    if (!s.ok()) return Error(s);
    return std::move(result_);
  }

 private:
  Result<TableId> Resolve(const TableRef& ref) const {
    TableId id{ref.database.empty() ? current_ : ref.database, ref.table};
    if (id.database.empty()) {
      return Error(Status::InvalidArgument(
          fmt::format("table name `{}` without a database and no database selected", ref.table)));
    }
    return id;
  }

  std::string Key(const TableId& id) const { return cat_.Key(id.database, id.table); }

  TableSchema* Find(const TableId& id) {
    auto it = cat_.tables_.find(Key(id));
    return it == cat_.tables_.end() ? nullptr : &it->second;
  }

  bool IsTemporary(const TableId& id) const { return cat_.temporary_.contains(Key(id)); }

  void Unknown(const TableId& id) { result_.unknown_tables.push_back(id); }

  // The database's effective defaults (server's if unknown).
  std::pair<std::string, std::string> DatabaseDefaults(std::string_view db) const {
    if (const Catalog::Database* d = cat_.FindDatabase(db)) return {d->charset, d->collation};
    std::string cs = cat_.options_.server_charset.empty() ? "utf8mb4" : cat_.options_.server_charset;
    std::string coll = cat_.options_.server_collation.empty() ? cat_.DefaultCollation(cs)
                                                              : cat_.options_.server_collation;
    return {cs, coll};
  }

  // Charset + collation from what was declared, falling back to `parent`.
  std::pair<std::string, std::string> ResolveCharset(
      const std::optional<std::string>& charset, const std::optional<std::string>& collation,
      const std::pair<std::string, std::string>& parent) const {
    std::string cs = charset.value_or("");
    std::string coll = collation.value_or("");
    if (cs == "default") cs.clear();
    if (coll == "default") coll.clear();
    if (cs.empty() && !coll.empty()) cs = CharsetOfCollation(coll);
    if (cs.empty()) return parent;
    if (coll.empty()) coll = cat_.DefaultCollation(cs);
    return {cs, coll};
  }

  // The effective column of a definition inside table `t` (charset defaults from it).
  Column ResolveColumn(const ColumnDefinition& def, const TableSchema& t) const {
    Column c = def.column;
    switch (c.type) {
      case SqlType::kChar:
      case SqlType::kBinary:
      case SqlType::kBit:
        if (!c.length) c.length = 1;
        break;
      case SqlType::kDecimal:
        if (!c.length) c.length = 10;
        if (!c.scale) c.scale = 0;
        break;
      case SqlType::kTime:
      case SqlType::kDateTime:
      case SqlType::kTimestamp:
        if (c.length == 0) c.length.reset();  // TIMESTAMP(0) is TIMESTAMP
        break;
      default:
        break;
    }
    if (IsTextType(c.type)) {
      std::string cs = c.charset, coll = c.collation;
      if (cs.empty() && !coll.empty()) cs = CharsetOfCollation(coll);
      if (cs.empty()) {
        cs = t.default_charset;
        if (coll.empty()) coll = t.default_collation;
      } else if (coll.empty()) {
        coll = cat_.DefaultCollation(cs);
      }
      if (def.binary_collation) coll = cs == "binary" ? "binary" : cs + "_bin";
      c.charset = cs;
      c.collation = coll;
      if (cs == "binary") ToBinaryType(&c);
    } else {
      c.charset.clear();
      c.collation.clear();
    }
    if ((c.type == SqlType::kText || c.type == SqlType::kBlob) && c.length) {
      // TEXT(M) / BLOB(M): the smallest type that holds M characters / bytes.
      uint64_t bytes = static_cast<uint64_t>(*c.length) *
                       (c.type == SqlType::kText ? static_cast<uint64_t>(MbMaxLen(c.charset)) : 1);
      SetSizedLob(&c, bytes, c.type == SqlType::kBlob);
      c.length.reset();
    }
    if (def.primary_key) c.nullable = false;
    return c;
  }

  static std::string UniqueKeyName(const TableSchema& t, const std::string& base) {
    if (!HasKeyNamed(t, base)) return base;
    for (int i = 2;; ++i) {
      std::string n = fmt::format("{}_{}", base, i);
      if (!HasKeyNamed(t, n)) return n;
    }
  }

  void SetPrimaryKey(TableSchema* t, const std::vector<std::string>& cols) {
    t->primary_key.clear();
    for (const std::string& name : cols) {
      int i = t->FindColumn(name);
      if (i >= 0) {
        t->columns[static_cast<size_t>(i)].nullable = false;
        t->primary_key.push_back(t->columns[static_cast<size_t>(i)].name);
      } else {
        t->primary_key.push_back(name);
      }
    }
  }

  void AddIndex(TableSchema* t, const IndexDefinition& ix, bool if_not_exists) {
    if (ix.kind == IndexDefinition::Kind::kPrimary) {
      if (if_not_exists && !t->primary_key.empty()) return;
      SetPrimaryKey(t, ix.columns);
    } else if (ix.kind == IndexDefinition::Kind::kPeriod) {
      ApplyPeriod(t, ix);
    } else if (ix.kind == IndexDefinition::Kind::kUnique) {
      // A key with functional parts is unique over an expression, not over columns.
      if (ix.columns.empty() || ix.has_expression_parts) return;
      if (!ix.name.empty() && HasKeyNamed(*t, ix.name)) {
        if (if_not_exists) return;
      }
      event::Key k;
      k.name = ix.name.empty() ? UniqueKeyName(*t, ix.columns.front()) : ix.name;
      for (const std::string& name : ix.columns) {
        int i = t->FindColumn(name);
        k.columns.push_back(i >= 0 ? t->columns[static_cast<size_t>(i)].name : name);
      }
      t->unique_keys.push_back(std::move(k));
    }
  }

  // MariaDB application-time periods make their columns NOT NULL.
  static void ApplyPeriod(TableSchema* t, const IndexDefinition& ix) {
    for (const std::string& name : ix.columns) {
      int i = t->FindColumn(name);
      if (i >= 0) t->columns[static_cast<size_t>(i)].nullable = false;
    }
  }

  // The server keeps UNIQUE keys whose columns are all NOT NULL before the others (as
  // SHOW CREATE TABLE lists them); same order here so both paths agree.
  static void SortUniqueKeys(TableSchema* t) {
    auto not_null = [t](const event::Key& k) {
      for (const std::string& name : k.columns) {
        int i = t->FindColumn(name);
        if (i < 0 || t->columns[static_cast<size_t>(i)].nullable) return false;
      }
      return true;
    };
    // By hand: std::stable_partition warns under clang 19 with libstdc++ 12.
    std::vector<event::Key> first, rest;
    for (event::Key& k : t->unique_keys) (not_null(k) ? first : rest).push_back(std::move(k));
    for (event::Key& k : rest) first.push_back(std::move(k));
    t->unique_keys = std::move(first);
  }

  void ApplyColumnKeys(TableSchema* t, const ColumnDefinition& def, const std::string& name) {
    if (def.primary_key) SetPrimaryKey(t, {name});
    if (def.unique_key) {
      IndexDefinition ix;
      ix.kind = IndexDefinition::Kind::kUnique;
      ix.columns = {name};
      AddIndex(t, ix, false);
    }
  }

  Status Diverged(const TableSchema& t, std::string_view what) const {
    return Status::FailedPrecondition(fmt::format(
        "table {} as tracked {}: the schema history is out of step with the server",
        QualifiedName(t.id), what));
  }

  Status PlaceColumn(TableSchema* t, Column c, ColumnPlace place, const std::string& after,
                     std::optional<size_t> current) {
    size_t at = t->columns.size();
    if (current) {
      at = *current;
      if (place != ColumnPlace::kDefault) {
        t->columns.erase(t->columns.begin() + static_cast<std::ptrdiff_t>(*current));
      } else {
        t->columns[*current] = std::move(c);
        return Status::Ok();
      }
    }
    if (place == ColumnPlace::kFirst) {
      at = 0;
    } else if (place == ColumnPlace::kAfter) {
      int i = t->FindColumn(after);
      if (i < 0) return Diverged(*t, fmt::format("has no column `{}` to place a column after", after));
      at = static_cast<size_t>(i) + 1;
    } else if (!current) {
      at = t->columns.size();
    }
    t->columns.insert(t->columns.begin() + static_cast<std::ptrdiff_t>(at), std::move(c));
    return Status::Ok();
  }

  void ConvertCharset(TableSchema* t, const std::string& charset, const std::string& collation) {
    std::string cs = charset, coll = collation;
    if (cs == "default") {
      auto d = DatabaseDefaults(t->id.database);
      cs = d.first;
      if (coll.empty()) coll = d.second;
    }
    if (coll.empty()) coll = cat_.DefaultCollation(cs);
    t->default_charset = cs;
    t->default_collation = coll;
    for (Column& c : t->columns) {
      if (!IsTextType(c.type)) continue;
      if (IsTextBlobFamily(c.type) && cs != "binary") {
        uint64_t chars = LobBytes(c.type) / static_cast<uint64_t>(MbMaxLen(c.charset));
        uint64_t bytes = chars * static_cast<uint64_t>(MbMaxLen(cs));
        if (bytes > LobBytes(c.type)) SetSizedLob(&c, bytes, false);
      }
      c.charset = cs;
      c.collation = coll;
      if (cs == "binary") ToBinaryType(&c);
    }
  }

  void ApplyTableOptions(TableSchema* t, const TableOptions& o) {
    if (o.charset || o.collation) {
      auto cc = ResolveCharset(o.charset, o.collation,
                               {t->default_charset, t->default_collation});
      if (o.charset && Lower(*o.charset) == "default") cc = DatabaseDefaults(t->id.database);
      t->default_charset = cc.first;
      t->default_collation = cc.second;
    }
    if (o.comment) t->comment = *o.comment;
  }

  // ---- statements ----
  Status Do(const SkippedStatement&) { return Status::Ok(); }

  Status Do(const UseStatement& st) {
    result_.use_database = st.database;
    current_ = st.database;
    return Status::Ok();
  }

  Status Do(const CreateTableStatement& st) {
    auto id = Resolve(st.table);
    if (!id) return id.error();
    std::string key = Key(*id);
    if (st.temporary) {
      cat_.temporary_[key] = *id;
      return Status::Ok();
    }
    bool exists = cat_.tables_.contains(key);
    if (exists && st.if_not_exists && !st.or_replace) return Status::Ok();

    TableChange change;
    change.type = TableChange::Type::kCreate;
    change.id = *id;
    TableSchema t;
    if (st.like) {
      auto src = Resolve(*st.like);
      if (!src) return src.error();
      const TableSchema* s = IsTemporary(*src) ? nullptr : Find(*src);
      if (s == nullptr) {
        Unknown(*src);
        change.schema_complete = false;
        auto d = DatabaseDefaults(id->database);
        t.default_charset = d.first;
        t.default_collation = d.second;
      } else {
        t = *s;
      }
      t.id = *id;
    } else {
      t.id = *id;
      auto cc = ResolveCharset(st.options.charset, st.options.collation,
                               DatabaseDefaults(id->database));
      t.default_charset = cc.first;
      t.default_collation = cc.second;
      if (st.options.comment) t.comment = *st.options.comment;
      for (const ColumnDefinition& def : st.columns) {
        t.columns.push_back(ResolveColumn(def, t));
      }
      for (const ColumnDefinition& def : st.columns) ApplyColumnKeys(&t, def, def.column.name);
      for (const IndexDefinition& ix : st.indexes) AddIndex(&t, ix, false);
      if (st.as_select) change.schema_complete = false;
      SortUniqueKeys(&t);
    }
    cat_.temporary_.erase(key);
    change.schema = t;
    cat_.tables_[key] = std::move(t);
    result_.changes.push_back(std::move(change));
    return Status::Ok();
  }

  Status Do(const AlterTableStatement& st) {
    auto id = Resolve(st.table);
    if (!id) return id.error();
    std::optional<TableId> rename_to;
    for (const AlterSpec& spec : st.specs) {
      if (spec.kind == AlterSpec::Kind::kRenameTable) {
        auto to = Resolve(spec.rename_to);
        if (!to) return to.error();
        rename_to = *to;
      }
    }
    if (IsTemporary(*id)) {
      if (rename_to) {
        cat_.temporary_.erase(Key(*id));
        cat_.temporary_[Key(*rename_to)] = *rename_to;
      }
      return Status::Ok();
    }
    TableSchema* found = Find(*id);
    if (found == nullptr) {
      Unknown(*id);
      return Status::Ok();
    }
    TableSchema t = *found;
    for (const AlterSpec& spec : st.specs) {
      if (Status s = ApplySpec(&t, spec); !s.ok()) return s;
    }
    SortUniqueKeys(&t);
    TableChange change;
    change.type = TableChange::Type::kAlter;
    if (rename_to && Key(*rename_to) != Key(*id)) {
      change.previous_id = t.id;  // as the catalog spells it
      t.id = *rename_to;
      cat_.tables_.erase(Key(*id));
    } else if (rename_to) {
      t.id = *rename_to;  // a case-only rename under lower_case_table_names
    }
    change.id = t.id;
    change.schema = t;
    cat_.tables_[Key(t.id)] = std::move(t);
    result_.changes.push_back(std::move(change));
    return Status::Ok();
  }

  Status ApplySpec(TableSchema* t, const AlterSpec& spec) {
    using K = AlterSpec::Kind;
    auto find = [&](const std::string& name) -> std::optional<size_t> {
      int i = t->FindColumn(name);
      if (i < 0) return std::nullopt;
      return static_cast<size_t>(i);
    };
    switch (spec.kind) {
      case K::kAddColumn: {
        if (find(spec.column.column.name)) {
          if (spec.if_not_exists) return Status::Ok();
          return Diverged(*t, fmt::format("already has a column `{}`", spec.column.column.name));
        }
        Column c = ResolveColumn(spec.column, *t);
        if (Status s = PlaceColumn(t, std::move(c), spec.place, spec.after, std::nullopt); !s.ok()) {
          return s;
        }
        ApplyColumnKeys(t, spec.column, spec.column.column.name);
        return Status::Ok();
      }
      case K::kDropColumn: {
        auto i = find(spec.name);
        if (!i) {
          if (spec.if_exists) return Status::Ok();
          return Diverged(*t, fmt::format("has no column `{}` to drop", spec.name));
        }
        t->columns.erase(t->columns.begin() + static_cast<std::ptrdiff_t>(*i));
        EraseColumnFromKeys(t, spec.name);
        return Status::Ok();
      }
      case K::kModifyColumn:
      case K::kChangeColumn: {
        auto i = find(spec.name);
        if (!i) {
          if (spec.if_exists) return Status::Ok();
          return Diverged(*t, fmt::format("has no column `{}` to {}", spec.name,
                                          spec.kind == K::kModifyColumn ? "modify" : "change"));
        }
        const std::string& new_name = spec.column.column.name;
        if (!SameName(new_name, spec.name) && find(new_name)) {
          return Diverged(*t, fmt::format("already has a column `{}`", new_name));
        }
        bool in_pk = std::any_of(t->primary_key.begin(), t->primary_key.end(),
                                 [&](const std::string& c) { return SameName(c, spec.name); });
        Column c = ResolveColumn(spec.column, *t);
        if (in_pk) c.nullable = false;
        RenameColumnInKeys(t, spec.name, new_name);
        if (Status s = PlaceColumn(t, std::move(c), spec.place, spec.after, *i); !s.ok()) return s;
        ApplyColumnKeys(t, spec.column, new_name);
        return Status::Ok();
      }
      case K::kRenameColumn: {
        auto i = find(spec.name);
        if (!i) {
          if (spec.if_exists) return Status::Ok();
          return Diverged(*t, fmt::format("has no column `{}` to rename", spec.name));
        }
        if (!SameName(spec.new_name, spec.name) && find(spec.new_name)) {
          return Diverged(*t, fmt::format("already has a column `{}`", spec.new_name));
        }
        t->columns[*i].name = spec.new_name;
        RenameColumnInKeys(t, spec.name, spec.new_name);
        return Status::Ok();
      }
      case K::kSetDefault:
      case K::kDropDefault:
      case K::kSetVisibility: {
        auto i = find(spec.name);
        if (!i) {
          if (spec.if_exists) return Status::Ok();
          return Diverged(*t, fmt::format("has no column `{}` to alter", spec.name));
        }
        Column& c = t->columns[*i];
        if (spec.kind == K::kSetDefault) {
          c.default_value = spec.default_value;
          c.default_is_null = spec.default_is_null;
          c.default_is_expression = spec.default_is_expression;
        } else if (spec.kind == K::kDropDefault) {
          c.default_value.reset();
          c.default_is_null = false;
          c.default_is_expression = false;
        } else {
          c.invisible = spec.invisible;
        }
        return Status::Ok();
      }
      case K::kAddIndex:
        AddIndex(t, spec.index, spec.if_not_exists);
        return Status::Ok();
      case K::kDropPrimaryKey:
        t->primary_key.clear();
        return Status::Ok();
      case K::kDropIndex:
        if (SameName(spec.name, "PRIMARY")) {
          t->primary_key.clear();
        } else {
          std::erase_if(t->unique_keys, [&](const event::Key& k) { return SameName(k.name, spec.name); });
        }
        return Status::Ok();
      case K::kRenameIndex:
        for (event::Key& k : t->unique_keys) {
          if (SameName(k.name, spec.name)) k.name = spec.new_name;
        }
        return Status::Ok();
      case K::kRenameTable:
        return Status::Ok();  // applied by the caller once all specifications are done
      case K::kConvertCharset:
        ConvertCharset(t, spec.charset, spec.collation);
        return Status::Ok();
      case K::kTableOptions:
        ApplyTableOptions(t, spec.options);
        return Status::Ok();
      case K::kNoShapeChange:
        return Status::Ok();
    }
    return Status::Ok();
  }

  Status Do(const RenameTableStatement& st) {
    std::vector<std::pair<TableId, TableId>> pairs;
    for (const auto& [from, to] : st.renames) {
      auto f = Resolve(from);
      if (!f) return f.error();
      auto t = Resolve(to);
      if (!t) return t.error();
      pairs.emplace_back(std::move(*f), std::move(*t));
    }
    for (auto& [from, to] : pairs) {
      std::string fk = Key(from), tk = Key(to);
      if (IsTemporary(from)) {
        cat_.temporary_.erase(fk);
        cat_.temporary_[tk] = to;
        continue;
      }
      auto it = cat_.tables_.find(fk);
      if (it == cat_.tables_.end()) {
        Unknown(from);
        // A table the catalog does not hold moves over a known name: the old one is gone.
        continue;
      }
      TableSchema t = std::move(it->second);
      cat_.tables_.erase(it);
      TableChange change;
      change.type = TableChange::Type::kAlter;
      change.id = to;
      change.previous_id = t.id;  // as the catalog spells it
      t.id = to;
      change.schema = t;
      cat_.tables_[tk] = std::move(t);
      result_.changes.push_back(std::move(change));
    }
    return Status::Ok();
  }

  Status Do(const DropTableStatement& st) {
    std::vector<TableId> ids;
    for (const TableRef& ref : st.tables) {
      auto id = Resolve(ref);
      if (!id) return id.error();
      ids.push_back(std::move(*id));
    }
    for (const TableId& id : ids) {
      std::string key = Key(id);
      if (cat_.temporary_.erase(key) > 0 || st.temporary) continue;
      auto it = cat_.tables_.find(key);
      if (it == cat_.tables_.end()) {
        Unknown(id);
        continue;
      }
      TableChange change;
      change.type = TableChange::Type::kDrop;
      change.id = it->second.id;
      change.schema = std::move(it->second);
      cat_.tables_.erase(it);
      result_.changes.push_back(std::move(change));
    }
    return Status::Ok();
  }

  Status Do(const TruncateTableStatement& st) {
    auto id = Resolve(st.table);
    if (!id) return id.error();
    if (!IsTemporary(*id) && Find(*id) == nullptr) Unknown(*id);
    return Status::Ok();
  }

  Status Do(const CreateDatabaseStatement& st) {
    if (cat_.FindDatabase(st.name) != nullptr && st.if_not_exists && !st.or_replace) {
      return Status::Ok();
    }
    auto server = std::pair<std::string, std::string>{"", ""};
    {
      Catalog::Database none;
      std::string cs = cat_.options_.server_charset.empty() ? "utf8mb4" : cat_.options_.server_charset;
      server = {cs, cat_.options_.server_collation.empty() ? cat_.DefaultCollation(cs)
                                                           : cat_.options_.server_collation};
    }
    auto cc = ResolveCharset(st.charset, st.collation, server);
    if (st.or_replace) DropDatabaseTables(st.name);
    cat_.PutDatabase(st.name, cc.first, cc.second);
    return Status::Ok();
  }

  Status Do(const AlterDatabaseStatement& st) {
    std::string name = st.name.empty() ? current_ : st.name;
    if (name.empty()) {
      return Status::InvalidArgument("ALTER DATABASE without a name and no database selected");
    }
    auto cc = ResolveCharset(st.charset, st.collation, DatabaseDefaults(name));
    cat_.PutDatabase(name, cc.first, cc.second);
    return Status::Ok();
  }

  void DropDatabaseTables(std::string_view name) {
    std::string db = cat_.DbKey(name);
    for (auto it = cat_.tables_.begin(); it != cat_.tables_.end();) {
      if (cat_.DbKey(it->second.id.database) == db) {
        TableChange change;
        change.type = TableChange::Type::kDrop;
        change.id = it->second.id;
        change.schema = std::move(it->second);
        result_.changes.push_back(std::move(change));
        it = cat_.tables_.erase(it);
      } else {
        ++it;
      }
    }
    std::erase_if(cat_.temporary_, [&](const auto& kv) { return cat_.DbKey(kv.second.database) == db; });
  }

  Status Do(const DropDatabaseStatement& st) {
    DropDatabaseTables(st.name);
    cat_.databases_.erase(cat_.DbKey(st.name));
    return Status::Ok();
  }

  Status Do(const CreateIndexStatement& st) {
    AlterTableStatement alter;
    alter.table = st.table;
    AlterSpec spec;
    spec.kind = AlterSpec::Kind::kAddIndex;
    spec.index = st.index;
    spec.if_not_exists = st.if_not_exists;
    alter.specs.push_back(std::move(spec));
    return Do(alter);
  }

  Status Do(const DropIndexStatement& st) {
    AlterTableStatement alter;
    alter.table = st.table;
    AlterSpec spec;
    spec.kind = AlterSpec::Kind::kDropIndex;
    spec.name = st.name;
    spec.if_exists = st.if_exists;
    alter.specs.push_back(std::move(spec));
    return Do(alter);
  }

  Catalog& cat_;
  std::string current_;
  ApplyResult result_;
};

Catalog::Catalog(CatalogOptions options) : options_(std::move(options)) {
  options_.server_charset = Lower(options_.server_charset);
  if (options_.server_charset == "utf8") options_.server_charset = "utf8mb3";
  options_.server_collation = Lower(options_.server_collation);
}

std::string Catalog::DbKey(std::string_view database) const {
  return options_.lower_case_table_names ? Lower(database) : std::string(database);
}

std::string Catalog::Key(std::string_view database, std::string_view table) const {
  std::string k = DbKey(database);
  k.push_back('\0');
  k += options_.lower_case_table_names ? Lower(table) : std::string(table);
  return k;
}

std::string Catalog::DefaultCollation(std::string_view charset) const {
  std::string cs = Lower(charset);
  if (cs == "utf8") cs = "utf8mb3";
  if (auto it = options_.charset_default_collations.find(cs);
      it != options_.charset_default_collations.end()) {
    return it->second;
  }
  if (const CharsetInfo* c = FindCharset(cs)) return std::string(c->collation);
  return "";
}

Result<ApplyResult> Catalog::Apply(const DdlStatement& statement, std::string_view current_database) {
  return CatalogApplier(this, current_database).Apply(statement);
}

Result<ApplyResult> Catalog::ApplySql(std::string_view sql, std::string_view current_database) {
  auto statements = ParseDdl(sql);
  if (!statements) return Error(statements.error());
  ApplyResult all;
  std::string current(current_database);
  for (const DdlStatement& st : *statements) {
    auto r = Apply(st, current);
    if (!r) return Error(r.error());
    if (r->use_database) {
      current = *r->use_database;
      all.use_database = current;
    }
    for (TableChange& c : r->changes) all.changes.push_back(std::move(c));
    for (TableId& id : r->unknown_tables) all.unknown_tables.push_back(std::move(id));
  }
  return all;
}

const TableSchema* Catalog::FindTable(const TableId& id) const {
  auto it = tables_.find(Key(id.database, id.table));
  return it == tables_.end() ? nullptr : &it->second;
}

void Catalog::PutTable(TableSchema schema) {
  std::string k = Key(schema.id.database, schema.id.table);
  tables_[k] = std::move(schema);
}

bool Catalog::RemoveTable(const TableId& id) { return tables_.erase(Key(id.database, id.table)) > 0; }

std::vector<TableId> Catalog::TableIds() const {
  std::vector<TableId> ids;
  ids.reserve(tables_.size());
  for (const auto& [k, t] : tables_) ids.push_back(t.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

const Catalog::Database* Catalog::FindDatabase(std::string_view name) const {
  auto it = databases_.find(DbKey(name));
  return it == databases_.end() ? nullptr : &it->second;
}

void Catalog::PutDatabase(std::string_view name, std::string_view charset,
                          std::string_view collation) {
  Database d;
  d.name = std::string(name);
  d.charset = Lower(charset);
  if (d.charset == "utf8") d.charset = "utf8mb3";
  d.collation = Lower(collation);
  if (d.collation.starts_with("utf8_")) d.collation = "utf8mb3" + d.collation.substr(4);
  if (d.charset.empty() && !d.collation.empty()) d.charset = CharsetOfCollation(d.collation);
  if (d.charset.empty()) {
    d.charset = options_.server_charset.empty() ? "utf8mb4" : options_.server_charset;
    if (d.collation.empty()) d.collation = options_.server_collation;
  }
  if (d.collation.empty()) d.collation = DefaultCollation(d.charset);
  databases_[DbKey(name)] = std::move(d);
}

std::vector<std::string> Catalog::DatabaseNames() const {
  std::vector<std::string> names;
  for (const auto& [k, d] : databases_) names.push_back(d.name);
  std::sort(names.begin(), names.end());
  return names;
}

std::string DescribeTable(const TableSchema& t) {
  std::string out = fmt::format("TABLE {}.{}", t.id.database, t.id.table);
  if (!t.default_charset.empty()) out += " charset=" + t.default_charset;
  if (!t.default_collation.empty()) out += " collation=" + t.default_collation;
  if (!t.comment.empty()) {
    out += " comment=";
    AppendQuoted(t.comment, &out);
  }
  out += '\n';
  for (const Column& c : t.columns) {
    out += "  " + c.name + " " + c.type_name;
    if (SqlTypeCanonicalName(c.type) != c.type_name) {
      out += fmt::format("{{{}}}", SqlTypeCanonicalName(c.type));
    }
    if (c.length && c.scale) {
      out += fmt::format("({},{})", *c.length, *c.scale);
    } else if (c.length) {
      out += fmt::format("({})", *c.length);
    } else if (c.scale) {
      out += fmt::format("(?,{})", *c.scale);
    }
    if (!c.enum_values.empty()) {
      out += "(";
      for (size_t i = 0; i < c.enum_values.size(); ++i) {
        if (i > 0) out += ",";
        AppendQuoted(c.enum_values[i], &out);
      }
      out += ")";
    }
    if (c.is_unsigned) out += " UNSIGNED";
    if (c.zerofill) out += " ZEROFILL";
    if (!c.charset.empty() || !c.collation.empty()) out += " " + c.charset + "/" + c.collation;
    if (!c.nullable) out += " NOT NULL";
    if (c.auto_increment) out += " AUTO_INCREMENT";
    if (c.default_is_null) {
      out += " DEFAULT NULL";
    } else if (c.default_value) {
      out += c.default_is_expression ? " DEFAULT EXPRESSION " : " DEFAULT ";
      AppendQuoted(*c.default_value, &out);
    }
    if (c.generated_expression) {
      out += " GENERATED (" + *c.generated_expression + ")";
      out += c.generated_stored ? " STORED" : " VIRTUAL";
    }
    if (c.invisible) out += " INVISIBLE";
    if (c.srid) out += fmt::format(" SRID {}", *c.srid);
    if (!c.comment.empty()) {
      out += " COMMENT ";
      AppendQuoted(c.comment, &out);
    }
    out += '\n';
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
    return s;
  };
  if (!t.primary_key.empty()) out += "  PRIMARY KEY (" + join(t.primary_key) + ")\n";
  for (const event::Key& k : t.unique_keys) {
    out += "  UNIQUE " + k.name + " (" + join(k.columns) + ")\n";
  }
  return out;
}

}  // namespace tributary::schema
