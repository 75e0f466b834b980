// Reading the current table definitions from the server, as DDL text.
//
// First start without history: the tracker parses `SHOW CREATE DATABASE` and `SHOW CREATE
// TABLE` output with the same DDL parser it uses for the binlog, so one code path defines
// what a schema is. The caller reads them at a known binlog position (inside the
// snapshot's consistent view, or with no DDL running) so schema and position agree.
//
// Threading: uses the caller's connection on the caller's thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"
#include "mysql/sql_connection.h"

namespace tributary::schema {

struct ServerTableDdl {
  event::TableId id;
  std::string create_table;  // SHOW CREATE TABLE's statement
};

struct ServerDatabaseDdl {
  std::string name;
  std::string create_database;  // SHOW CREATE DATABASE's statement
  std::vector<ServerTableDdl> tables;
};

struct ServerSchema {
  std::string character_set_server;  // @@character_set_server
  std::string collation_server;
  int lower_case_table_names = 0;
  std::vector<ServerDatabaseDdl> databases;
};

// The databases `include_database` accepts (system schemas only when it accepts them
// explicitly: mysql, information_schema, performance_schema, sys) and, in them, the base
// tables `include_table` accepts (views and sequences are skipped).
// Errors name the statement that failed (missing SELECT / SHOW VIEW grants included).
Result<ServerSchema> ReadServerSchema(
    mysql::SqlConnection& conn, const std::function<bool(const std::string& db)>& include_database,
    const std::function<bool(const event::TableId& id)>& include_table);

// The server's CREATE TABLE statement for one table (SHOW CREATE TABLE).
Result<std::string> ReadCreateTable(mysql::SqlConnection& conn, const event::TableId& id);

// True for mysql, information_schema, performance_schema and sys.
bool IsSystemDatabase(std::string_view name);

}  // namespace tributary::schema
