#include "schema/server_schema.h"

#include <fmt/format.h>

#include <cctype>

namespace tributary::schema {

bool IsSystemDatabase(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "mysql" || lower == "information_schema" || lower == "performance_schema" ||
         lower == "sys";
}

Result<std::string> ReadCreateTable(mysql::SqlConnection& conn, const event::TableId& id) {
  auto rows = conn.Query(fmt::format("SHOW CREATE TABLE {}.{}",
                                     mysql::SqlConnection::QuoteIdentifier(id.database),
                                     mysql::SqlConnection::QuoteIdentifier(id.table)));
  if (!rows) return Error(rows.error());
  if (rows->empty() || rows->front().size() < 2 || !rows->front()[1]) {
    return Error(Status::NotFound(
        fmt::format("SHOW CREATE TABLE `{}`.`{}` returned no statement", id.database, id.table)));
  }
  return std::move(*rows->front()[1]);
}

Result<ServerSchema> ReadServerSchema(
    mysql::SqlConnection& conn, const std::function<bool(const std::string& db)>& include_database,
    const std::function<bool(const event::TableId& id)>& include_table) {
  using mysql::SqlConnection;
  ServerSchema out;
  auto settings =
      conn.Query("SELECT @@character_set_server, @@collation_server, @@lower_case_table_names");
  if (!settings) return Error(settings.error());
  if (!settings->empty() && settings->front().size() == 3) {
    const auto& row = settings->front();
    out.character_set_server = row[0].value_or("");
    out.collation_server = row[1].value_or("");
    out.lower_case_table_names = row[2] ? std::atoi(row[2]->c_str()) : 0;
  }
  auto dbs = conn.Query("SHOW DATABASES");
  if (!dbs) return Error(dbs.error());
  for (const auto& row : *dbs) {
    if (row.empty() || !row[0]) continue;
    const std::string& name = *row[0];
    if (!include_database(name)) continue;
    ServerDatabaseDdl db;
    db.name = name;
    auto create_db = conn.Query("SHOW CREATE DATABASE " + SqlConnection::QuoteIdentifier(name));
    if (!create_db) return Error(create_db.error());
    if (!create_db->empty() && create_db->front().size() >= 2 && create_db->front()[1]) {
      db.create_database = *create_db->front()[1];
    }
    auto tables = conn.Query("SHOW FULL TABLES FROM " + SqlConnection::QuoteIdentifier(name));
    if (!tables) return Error(tables.error());
    for (const auto& t : *tables) {
      if (t.size() < 2 || !t[0] || !t[1] || *t[1] != "BASE TABLE") continue;
      event::TableId id{name, *t[0]};
      if (!include_table(id)) continue;
      auto create = ReadCreateTable(conn, id);
      if (!create) return Error(create.error());
      db.tables.push_back({std::move(id), std::move(*create)});
    }
    out.databases.push_back(std::move(db));
  }
  return out;
}

}  // namespace tributary::schema
