// ColumnFilters: Debezium's database/table/column include and exclude lists and the
// column mappers (`column.truncate.to.N.chars`, `column.mask.with.N.chars`,
// `column.propagate.source.type`, `column.mask.hash[.v2].ALG.with.salt.SALT`).
//
// Lists are comma-separated regular expressions, matched case-insensitively against the
// whole name (`db`, `db.table`, `db.table.column`), as Debezium's Predicates.includes.
// Mappers follow Debezium's rule order (truncate, mask with chars, propagate source
// type, hash, hash v2) and only the first rule whose pattern matches a column applies,
// as in ColumnMappers.mapperFor.
//
// Built once from options; immutable and thread-safe afterwards. Matching uses
// std::regex and runs when a table's encoding is built, never per event.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"

namespace tributary::format::debezium {

struct ColumnFilterOptions {
  std::string database_include;  // comma-separated regexes; empty: all
  std::string database_exclude;
  std::string table_include;  // on `db.table`
  std::string table_exclude;
  std::string column_include;  // on `db.table.column`
  std::string column_exclude;
  bool table_ignore_builtin = true;  // mysql, sys, performance_schema, information_schema

  struct Truncate {
    std::string columns;  // regex list on `db.table.column`
    int length = 0;
  };
  struct MaskChars {
    std::string columns;
    int count = 0;
  };
  struct MaskHash {
    std::string columns;
    std::string algorithm;  // Java MessageDigest name: "SHA-256", "MD5", "SHA-512", ...
    std::string salt;
    bool v2 = false;  // column.mask.hash.v2.*: hash the value's UTF-8 bytes; v1 hashes
                      // the Java serialization of the String
  };
  std::vector<Truncate> truncate;
  std::vector<MaskChars> mask_chars;
  std::string propagate_source_type;  // column.propagate.source.type
  std::vector<MaskHash> mask_hash;
};

enum class MapperKind : uint8_t { kTruncate, kMaskChars, kMaskHash, kPropagateSourceType };

// What applies to one column. Values of string columns only (CHAR, VARCHAR, TEXT, ENUM,
// SET) are changed; the schema parameter is added whatever the type, as Debezium does.
struct ColumnMapper {
  MapperKind kind = MapperKind::kTruncate;
  int length = 0;            // kTruncate: max UTF-16 units; kMaskChars: '*' count
  std::string mask;          // kMaskChars: the replacement text
  std::string algorithm;     // kMaskHash: OpenSSL digest name
  std::string salt;          // kMaskHash
  bool v2 = false;           // kMaskHash
};

// Appends the masked form of `utf8` per `mapper` (kMaskHash): lower-case hex of
// digest(salt || bytes), cut to `max_chars` characters when `max_chars` > 0 (the column
// length, as Debezium does). Errors: Unsupported for an unknown digest.
Status AppendHashMask(const ColumnMapper& mapper, std::string_view utf8, int max_chars,
                      std::string* out);

// Cuts valid UTF-8 `utf8` to at most `max_units` UTF-16 code units (Java String.length),
// never splitting a surrogate pair.
std::string_view TruncateUtf16Units(std::string_view utf8, int max_units);

// The bytes Java's ObjectOutputStream writes for a String (stream header, TC_STRING or
// TC_LONGSTRING, length, modified UTF-8): what hash v1 digests.
void AppendJavaSerializedString(std::string_view utf8, std::string* out);

class ColumnFilters {
 public:
  ColumnFilters();
  ~ColumnFilters();
  ColumnFilters(ColumnFilters&&) noexcept;
  ColumnFilters& operator=(ColumnFilters&&) noexcept;

  // Errors: InvalidArgument for a regex that does not compile or an unknown digest.
  static Result<ColumnFilters> Create(const ColumnFilterOptions& options);

  bool IsDatabaseCaptured(std::string_view database) const;
  bool IsTableCaptured(const event::TableId& id) const;
  bool IsColumnIncluded(const event::TableId& id, std::string_view column) const;
  // The mapper for the column, or nullptr.
  const ColumnMapper* MapperFor(const event::TableId& id, std::string_view column) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits a Debezium regex list on commas that are not escaped (`\,`) and not inside
// `{...}` or `[...]`; items are trimmed, empty ones dropped.
std::vector<std::string> SplitRegexList(std::string_view list);

}  // namespace tributary::format::debezium
