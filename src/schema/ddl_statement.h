// The DDL syntax tree: what one parsed statement says, before it is applied to a Catalog.
//
// Produced by ParseDdl() (ddl_parser.h), consumed by Catalog::Apply() (catalog.h).
// Names are as written (quotes removed, case kept). Column types are folded to
// event::SqlType with canonical type names, but charsets and collations are only what the
// statement declares: the catalog resolves the effective ones (column > table > database
// > server). Plain values, copyable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "event/table_schema.h"

namespace tributary::schema {

// A table name as written: `database` is empty when unqualified (the current database).
struct TableRef {
  std::string database;
  std::string table;
};

// One column definition: CREATE TABLE element, ALTER ADD/MODIFY/CHANGE.
// `column` holds the parsed type and attributes; its charset/collation are the declared
// ones (empty if not written; "utf8" is already "utf8mb3"). Undeclared lengths stay
// nullopt here (CHAR = CHAR(1) etc. is the catalog's business).
struct ColumnDefinition {
  event::Column column;
  bool primary_key = false;       // PRIMARY KEY / KEY column attribute
  bool unique_key = false;        // UNIQUE [KEY] column attribute
  bool binary_collation = false;  // BINARY attribute on a text type: the charset's _bin collation
  bool explicit_null = false;     // NULL written (TIMESTAMP semantics do not matter here)
  bool explicit_not_null = false;
};

// A key or constraint of a CREATE TABLE body, ALTER ... ADD, or CREATE INDEX.
struct IndexDefinition {
  // kPeriod: MariaDB PERIOD FOR name (start, end); its columns become NOT NULL.
  enum class Kind : uint8_t {
    kPrimary, kUnique, kIndex, kFulltext, kSpatial, kForeignKey, kCheck, kPeriod
  };
  Kind kind = Kind::kIndex;
  std::string name;                  // index or constraint name; may be empty (unnamed)
  std::vector<std::string> columns;  // key parts that are columns (prefix lengths and
                                     // ASC/DESC dropped; functional parts omitted)
  bool has_expression_parts = false; // some key part was an expression
};

// Table options the catalog cares about; every other option is recognised and skipped.
struct TableOptions {
  std::optional<std::string> charset;    // [DEFAULT] CHARACTER SET / CHARSET
  std::optional<std::string> collation;  // [DEFAULT] COLLATE
  std::optional<std::string> comment;
  std::optional<std::string> engine;
  bool empty() const { return !charset && !collation && !comment && !engine; }
};

struct CreateTableStatement {
  TableRef table;
  bool temporary = false;
  bool if_not_exists = false;
  bool or_replace = false;            // MariaDB CREATE OR REPLACE TABLE
  std::optional<TableRef> like;       // CREATE TABLE t LIKE s / (LIKE s)
  bool as_select = false;             // ... [AS] SELECT / (SELECT ...): the columns the
                                      // SELECT adds cannot be known from the statement
  std::vector<ColumnDefinition> columns;
  std::vector<IndexDefinition> indexes;
  TableOptions options;
};

enum class ColumnPlace : uint8_t { kDefault, kFirst, kAfter };

// One ALTER TABLE specification.
struct AlterSpec {
  enum class Kind : uint8_t {
    kAddColumn,         // column, place, after, if_not_exists
    kDropColumn,        // name, if_exists
    kModifyColumn,      // column (name = column.column.name), place, after, if_exists
    kChangeColumn,      // name (old) -> column (new definition), place, after, if_exists
    kRenameColumn,      // name -> new_name
    kSetDefault,        // name, default_value / default_is_null / default_is_expression
    kDropDefault,       // name
    kSetVisibility,     // name, invisible
    kAddIndex,          // index, if_not_exists
    kDropPrimaryKey,
    kDropIndex,         // name (index, unique key, foreign key, check or constraint), if_exists
    kRenameIndex,       // name -> new_name
    kRenameTable,       // rename_to
    kConvertCharset,    // charset, collation (CONVERT TO CHARACTER SET)
    kTableOptions,      // options (DEFAULT CHARSET=, COLLATE=, COMMENT=, ENGINE=, ...)
    kNoShapeChange,     // ALGORITHM, LOCK, FORCE, ORDER BY, partitions, KEYS, ...: `name` says which
  };
  Kind kind = Kind::kNoShapeChange;
  ColumnDefinition column;
  std::string name;
  std::string new_name;
  ColumnPlace place = ColumnPlace::kDefault;
  std::string after;
  bool if_exists = false;
  bool if_not_exists = false;
  std::optional<std::string> default_value;
  bool default_is_null = false;
  bool default_is_expression = false;
  bool invisible = false;
  IndexDefinition index;
  TableRef rename_to;
  std::string charset;    // kConvertCharset ("binary" allowed); may be "DEFAULT"
  std::string collation;  // kConvertCharset, may be empty
  TableOptions options;
};

struct AlterTableStatement {
  TableRef table;
  bool if_exists = false;  // MariaDB ALTER TABLE IF EXISTS
  std::vector<AlterSpec> specs;
};

struct RenameTableStatement {
  std::vector<std::pair<TableRef, TableRef>> renames;  // applied in order
};

struct DropTableStatement {
  std::vector<TableRef> tables;
  bool temporary = false;
  bool if_exists = false;
};

struct TruncateTableStatement {
  TableRef table;
};

struct CreateDatabaseStatement {
  std::string name;
  bool if_not_exists = false;
  bool or_replace = false;
  std::optional<std::string> charset;
  std::optional<std::string> collation;
};

struct AlterDatabaseStatement {
  std::string name;  // empty: the current database
  std::optional<std::string> charset;
  std::optional<std::string> collation;
};

struct DropDatabaseStatement {
  std::string name;
  bool if_exists = false;
};

struct CreateIndexStatement {
  TableRef table;
  IndexDefinition index;
  bool if_not_exists = false;
};

struct DropIndexStatement {
  TableRef table;
  std::string name;  // "PRIMARY" for DROP INDEX `PRIMARY` ON t
  bool if_exists = false;
};

struct UseStatement {
  std::string database;
};

// Recognised, and changes no table shape: users, grants, views, routines, triggers,
// events, sequences, table maintenance, SET, transactions, DML, ...
struct SkippedStatement {
  std::string what;  // e.g. "CREATE VIEW", "GRANT", "INSERT"
};

using DdlBody = std::variant<SkippedStatement, CreateTableStatement, AlterTableStatement,
                             RenameTableStatement, DropTableStatement, TruncateTableStatement,
                             CreateDatabaseStatement, AlterDatabaseStatement,
                             DropDatabaseStatement, CreateIndexStatement, DropIndexStatement,
                             UseStatement>;

struct DdlStatement {
  DdlBody body;
  uint32_t offset = 0;  // where the statement starts in the parsed text
  uint32_t end = 0;     // just past its last token (the ';' excluded)
};

}  // namespace tributary::schema
