// TableSchema: the shape of one captured table as of a binlog position.
//
// The vocabulary shared by the schema tracker (which builds it from DDL, SHOW CREATE TABLE
// or TABLE_MAP metadata), the change-event encoders (Debezium schemas, Parquet columns)
// and the schema history (Debezium's `tableChanges` records). It describes the table as
// SQL declared it; how values are decoded from the binlog is mysql/'s business.
//
// Plain values: copyable, thread-compatible. A TableSchema handed to an encoder is
// immutable for the lifetime of the events that reference it (the tracker publishes a new
// shared_ptr on every change instead of editing one in place).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::event {

// SQL column types, one per MySQL/MariaDB type name family. Synonyms are folded by the
// parser (INTEGER -> kInt, NUMERIC/DEC/FIXED -> kDecimal, REAL -> kDouble, BOOL/BOOLEAN
// -> kBoolean, SERIAL -> kBigInt unsigned, NCHAR -> kChar with charset utf8mb3,
// LONG VARCHAR -> kMediumText, ...); `Column::type_name` keeps the canonical upper-case
// name Debezium reports ("INT", "VARCHAR", "BOOLEAN", "POINT").
enum class SqlType : uint8_t {
  kUnknown,
  kBoolean,  // BOOL/BOOLEAN as written in DDL (stored as TINYINT(1))
  kTinyInt,
  kSmallInt,
  kMediumInt,
  kInt,
  kBigInt,
  kDecimal,  // length = precision M, scale = D
  kFloat,    // FLOAT, FLOAT(p<=24); FLOAT(M,D) keeps length/scale
  kDouble,   // DOUBLE, DOUBLE PRECISION, REAL, FLOAT(p>24)
  kBit,      // length = M (1..64)
  kYear,
  kDate,
  kTime,       // fsp in `length`
  kDateTime,   // fsp in `length`
  kTimestamp,  // fsp in `length`
  kChar,       // length = M characters
  kVarchar,
  kBinary,     // length = M bytes
  kVarbinary,
  kTinyText,
  kText,
  kMediumText,
  kLongText,
  kTinyBlob,
  kBlob,
  kMediumBlob,
  kLongBlob,
  kEnum,  // members in `enum_values`
  kSet,   // members in `enum_values`
  kJson,  // MySQL JSON; MariaDB JSON is LONGTEXT with a CHECK, reported as kJson too
  kGeometry,  // GEOMETRY, POINT, LINESTRING, POLYGON, MULTI*, GEOMETRYCOLLECTION (type_name says which)
  kVector,    // MySQL 9 VECTOR(N): length = N dimensions
  kUuid,      // MariaDB 10.7+ UUID
  kInet4,     // MariaDB 10.10+ INET4
  kInet6,     // MariaDB 10.5+ INET6
};

// Character string types: CHAR, VARCHAR, the TEXT family, ENUM and SET (they have a
// charset and collation).
constexpr bool IsTextType(SqlType t) {
  switch (t) {
    case SqlType::kChar:
    case SqlType::kVarchar:
    case SqlType::kTinyText:
    case SqlType::kText:
    case SqlType::kMediumText:
    case SqlType::kLongText:
    case SqlType::kEnum:
    case SqlType::kSet:
      return true;
    default:
      return false;
  }
}

// Binary string types: BINARY, VARBINARY and the BLOB family.
constexpr bool IsBinaryStringType(SqlType t) {
  switch (t) {
    case SqlType::kBinary:
    case SqlType::kVarbinary:
    case SqlType::kTinyBlob:
    case SqlType::kBlob:
    case SqlType::kMediumBlob:
    case SqlType::kLongBlob:
      return true;
    default:
      return false;
  }
}

// Integer types, BOOLEAN included (it is TINYINT(1)).
constexpr bool IsIntegerType(SqlType t) {
  switch (t) {
    case SqlType::kBoolean:
    case SqlType::kTinyInt:
    case SqlType::kSmallInt:
    case SqlType::kMediumInt:
    case SqlType::kInt:
    case SqlType::kBigInt:
      return true;
    default:
      return false;
  }
}

struct Column {
  std::string name;
  SqlType type = SqlType::kUnknown;
  std::string type_name;        // canonical upper-case type name: "INT", "VARCHAR", "POINT"
  std::optional<int32_t> length;  // M / precision / fsp / bit width / vector dims, if declared
  std::optional<int32_t> scale;   // D of DECIMAL(M,D), FLOAT(M,D), DOUBLE(M,D)
  bool is_unsigned = false;
  bool zerofill = false;
  std::string charset;    // effective character set of text columns ("utf8mb4"); empty otherwise
  std::string collation;  // effective collation if known ("utf8mb4_general_ci"); may be empty
  std::vector<std::string> enum_values;  // ENUM / SET members, unquoted, in declaration order
  bool nullable = true;
  bool auto_increment = false;
  std::optional<std::string> default_value;  // the DEFAULT expression as written, unquoted
                                             // for literals; nullopt = no DEFAULT clause
  bool default_is_null = false;              // DEFAULT NULL
  bool default_is_expression = false;        // DEFAULT (expr) or a function other than
                                             // CURRENT_TIMESTAMP/NOW(): `default_value`
                                             // holds the expression text, not a literal
  std::optional<std::string> generated_expression;  // GENERATED ALWAYS AS (expr)
  bool generated_stored = false;                    // STORED/PERSISTENT vs VIRTUAL
  bool invisible = false;
  std::optional<uint32_t> srid;  // spatial columns with an SRID attribute
  std::string comment;
};

struct Key {
  std::string name;                  // "PRIMARY" for the primary key
  std::vector<std::string> columns;  // column names in key order
};

// Database + table name as the server spells them (case preserved).
struct TableId {
  std::string database;
  std::string table;
  bool operator==(const TableId&) const = default;
  auto operator<=>(const TableId&) const = default;
};

struct TableSchema {
  TableId id;
  std::vector<Column> columns;  // in table order (binlog column order, invisible included)
  std::vector<std::string> primary_key;  // column names; empty if the table has none
  std::vector<Key> unique_keys;          // UNIQUE keys other than the primary key
  std::string default_charset;           // table default ("utf8mb4")
  std::string default_collation;         // may be empty
  std::string comment;

  // The columns that identify a row: the primary key, or else the first UNIQUE key whose
  // columns are all NOT NULL (InnoDB's clustered index then, which MariaDB's TABLE_MAP
  // reports as the primary key and Debezium uses as the message key); empty if neither.
  const std::vector<std::string>& IdentityKey() const {
    if (!primary_key.empty()) return primary_key;
    for (const Key& k : unique_keys) {
      bool all_not_null = !k.columns.empty();
      for (const std::string& c : k.columns) {
        int i = FindColumn(c);
        all_not_null = all_not_null && i >= 0 && !columns[static_cast<size_t>(i)].nullable;
      }
      if (all_not_null) return k.columns;
    }
    return primary_key;
  }

  // Index of the column named `name` (case-insensitive, as MySQL compares column names),
  // or -1.
  int FindColumn(std::string_view name) const {
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string& c = columns[i].name;
      if (c.size() != name.size()) continue;
      bool same = true;
      for (size_t j = 0; j < c.size() && same; ++j) {
        char a = c[j], b = name[j];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
        same = a == b;
      }
      if (same) return static_cast<int>(i);
    }
    return -1;
  }
};

}  // namespace tributary::event
