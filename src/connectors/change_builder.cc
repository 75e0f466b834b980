#include "connectors/change_builder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>

#include "schema/ddl_parser.h"

namespace tributary::connectors {

namespace dbz = format::debezium;

Result<SkippedOperations> SkippedOperations::Parse(const std::vector<std::string>& items) {
  SkippedOperations s;
  s.truncate = false;
  for (const auto& raw : items) {
    std::string item;
    for (char c : raw) item.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (item == "c") s.create = true;
    else if (item == "u") s.update = true;
    else if (item == "d") s.remove = true;
    else if (item == "t") s.truncate = true;
    else if (item == "none") s = SkippedOperations{false, false, false, false};
    else {
      return Error(Status::InvalidArgument(fmt::format(
          "skipped.operations: unknown operation '{}' (use c, u, d, t or none)", raw)));
    }
  }
  return s;
}

bool SkippedOperations::Skips(dbz::Operation op) const {
  switch (op) {
    case dbz::Operation::kCreate: return create;
    case dbz::Operation::kUpdate: return update;
    case dbz::Operation::kDelete: return remove;
    case dbz::Operation::kTruncate: return truncate;
    case dbz::Operation::kRead: return false;
  }
  return false;
}

dbz::Operation OperationOf(mysql::RowsKind kind) {
  switch (kind) {
    case mysql::RowsKind::kWrite: return dbz::Operation::kCreate;
    case mysql::RowsKind::kUpdate:
    case mysql::RowsKind::kPartialUpdate: return dbz::Operation::kUpdate;
    case mysql::RowsKind::kDelete: return dbz::Operation::kDelete;
  }
  return dbz::Operation::kCreate;
}

std::optional<event::TableId> TruncatedTable(std::string_view sql,
                                             std::string_view default_database) {
  // Cheap test first: most QUERY events are BEGIN or DDL of other kinds.
  size_t i = 0;
  while (i < sql.size() && (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '('))
    ++i;
  static constexpr std::string_view kWord = "truncate";
  if (sql.size() - i < kWord.size()) return std::nullopt;
  for (size_t k = 0; k < kWord.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(sql[i + k])) != kWord[k]) return std::nullopt;
  }
  auto stmt = schema::ParseDdlStatement(sql);
  if (!stmt) return std::nullopt;
  const auto* t = std::get_if<schema::TruncateTableStatement>(&stmt->body);
  if (t == nullptr) return std::nullopt;
  event::TableId id;
  id.database = t->table.database.empty() ? std::string(default_database) : t->table.database;
  id.table = t->table.table;
  return id;
}

Result<const dbz::TableEncoding*> TableEncodings::For(
    const std::shared_ptr<const event::TableSchema>& schema) {
  // Rows events come in runs per table: the last answer first, without comparing names.
  // `last_` lives in cache_ (and keeps its schema alive), so the address cannot be reused.
  if (last_ != nullptr && last_->table == schema) return last_;
  auto it = cache_.find(schema->id);
  if (it != cache_.end() && it->second->table == schema) {
    last_ = it->second.get();
    return last_;
  }
  auto built = dbz::BuildTableEncoding(schema, options_, filters_);
  if (!built) {
    return Error(built.error().WithContext(
        fmt::format("building the event schema of {}.{}", schema->id.database, schema->id.table)));
  }
  for (const auto& note : (*built)->notes) {
    spdlog::warn("table {}.{}: {}", schema->id.database, schema->id.table, note);
  }
  auto& slot = cache_[schema->id];
  slot = std::move(*built);
  last_ = slot.get();
  return last_;
}

}  // namespace tributary::connectors
