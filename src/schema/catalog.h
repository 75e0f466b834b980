// Catalog: the in-memory table schemas of one server, updated by DDL statements.
//
// Holds databases (with their default charset / collation), tables (event::TableSchema,
// names as the server spells them) and the server defaults. Apply() executes one parsed
// statement the way the server did and returns the table changes in Debezium's sense
// (CREATE / ALTER / DROP, with the previous id of a renamed table), which the schema
// tracker records in the history.
//
// What Apply() resolves:
//   - effective charset / collation of every text column (CHAR, VARCHAR, *TEXT, ENUM,
//     SET): column > table > database > server; only a COLLATE gives the charset (its
//     prefix), only a charset gives its default collation (table below; MariaDB / MySQL
//     5.7 defaults unless CatalogOptions says otherwise). BINARY attribute -> the
//     charset's _bin collation. `CHARACTER SET binary` turns CHAR / VARCHAR / *TEXT into
//     BINARY / VARBINARY / *BLOB, as MySQL does. Binary types, numbers, temporals, JSON
//     and spatial types have no charset. "utf8" is always "utf8mb3".
//   - CHAR / BINARY without a length get length 1, BIT gets 1, DECIMAL gets (10,0) and
//     DECIMAL(M) scale 0, SERIAL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE.
//   - primary key from the column attribute or the table element; its columns become
//     NOT NULL (so do a MariaDB PERIOD's). Unnamed UNIQUE keys are named after their
//     first column (name_2, ... on collisions with other UNIQUE keys; non-unique index
//     names are not tracked), as MySQL does; UNIQUE keys with functional parts are left
//     out; UNIQUE keys over NOT NULL columns are listed first, as the server orders them.
//   - TIME / DATETIME / TIMESTAMP(0) are reported without a length, as the server prints them.
//   - ALTER TABLE specifications applied in order; dropped / renamed columns leave or are
//     renamed in the keys; CONVERT TO CHARACTER SET changes every text column (and
//     promotes TINYTEXT/TEXT/MEDIUMTEXT when the new charset needs more bytes per
//     character, as the server does).
//   - CREATE TABLE ... LIKE copies the source's schema; RENAME TABLE applies its pairs in
//     order (gh-ost / pt-online-schema-change swaps work).
//   - TEMPORARY tables never change the catalog: their names are remembered so that
//     later ALTER / DROP / RENAME of a temporary table are ignored too.
//
// Lookups compare database and table names exactly, or lower-cased with
// CatalogOptions::lower_case_table_names (the server's lower_case_table_names=1 or 2).
//
// Threading: not thread-safe; one thread (the connector's decode thread) owns a Catalog.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"
#include "schema/ddl_statement.h"

namespace tributary::schema {

struct CatalogOptions {
  bool lower_case_table_names = false;
  std::string server_charset = "utf8mb4";  // character_set_server
  std::string server_collation;            // collation_server; empty = the charset's default
  // Default collation per charset where the server differs from the built-in table
  // (e.g. {"utf8mb4", "utf8mb4_0900_ai_ci"} for MySQL 8, MariaDB 11's
  // character_set_collations).
  std::map<std::string, std::string> charset_default_collations;
};

struct TableChange {
  enum class Type : uint8_t { kCreate, kAlter, kDrop };
  Type type = Type::kCreate;
  event::TableId id;                        // the table after the statement
  std::optional<event::TableId> previous_id;  // renames: the name before
  event::TableSchema schema;                // CREATE / ALTER: the resulting table; DROP: the last known
  // False when the statement cannot tell the whole shape (CREATE ... SELECT, LIKE of a
  // table the catalog does not hold): the caller must read it from the server.
  bool schema_complete = true;
};

struct ApplyResult {
  std::vector<TableChange> changes;        // in the order the statement made them
  std::optional<std::string> use_database;  // USE db: the session's new current database
  // Tables the statement names that the catalog does not hold (ALTER / RENAME / DROP /
  // TRUNCATE / CREATE INDEX of an unknown table, LIKE source missing). Not an error: the
  // catalog may hold only the captured databases.
  std::vector<event::TableId> unknown_tables;
};

std::string_view TableChangeTypeName(TableChange::Type type);  // "CREATE", "ALTER", "DROP"

class Catalog {
 public:
  explicit Catalog(CatalogOptions options = {});

  // Applies one statement. `current_database` resolves unqualified names (empty: none
  // selected; an unqualified name is then an error). On error the catalog is unchanged.
  // Errors: kFailedPrecondition when the statement contradicts the catalog (ALTER of a
  // column that does not exist, ...): the catalog is out of step with the server.
  Result<ApplyResult> Apply(const DdlStatement& statement, std::string_view current_database);

  // Parses `sql` (any number of statements) and applies each in turn, following USE.
  // The result merges the statements' results. Stops at the first error.
  Result<ApplyResult> ApplySql(std::string_view sql, std::string_view current_database);

  // The table, or nullptr. The pointer lives until the next change to the catalog.
  const event::TableSchema* FindTable(const event::TableId& id) const;
  // Adds or replaces a table (e.g. one read from the server), as is.
  void PutTable(event::TableSchema schema);
  bool RemoveTable(const event::TableId& id);
  // All table ids, sorted (database, table).
  std::vector<event::TableId> TableIds() const;

  struct Database {
    std::string name;
    std::string charset;    // effective default
    std::string collation;  // effective default
  };
  const Database* FindDatabase(std::string_view name) const;
  // Adds or replaces a database; empty charset/collation mean the server's.
  void PutDatabase(std::string_view name, std::string_view charset, std::string_view collation);
  std::vector<std::string> DatabaseNames() const;  // sorted

  const CatalogOptions& options() const { return options_; }

  // The default collation of a charset ("latin1" -> "latin1_swedish_ci"), honouring
  // CatalogOptions; empty when unknown.
  std::string DefaultCollation(std::string_view charset) const;

 private:
  std::string Key(std::string_view database, std::string_view table) const;
  std::string DbKey(std::string_view database) const;

  CatalogOptions options_;
  std::map<std::string, Database> databases_;       // by DbKey
  std::map<std::string, event::TableSchema> tables_;  // by Key
  std::map<std::string, event::TableId> temporary_;   // by Key: live TEMPORARY tables
  friend class CatalogApplier;
};

// The charset of a collation ("utf8mb4_bin" -> "utf8mb4", "utf8_general_ci" -> "utf8mb3",
// "binary" -> "binary").
std::string CharsetOfCollation(std::string_view collation);

// A compact, deterministic text form of a table, one line per column and key; used by the
// tests' corpus and in messages. Example:
//   TABLE db.t charset=utf8mb4 collation=utf8mb4_general_ci
//     id INT UNSIGNED NOT NULL AUTO_INCREMENT
//     name VARCHAR(20) utf8mb4/utf8mb4_general_ci DEFAULT 'x'
//     PRIMARY KEY (id)
//     UNIQUE name (name)
std::string DescribeTable(const event::TableSchema& table);

}  // namespace tributary::schema
