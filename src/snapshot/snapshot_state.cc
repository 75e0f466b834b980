#include "snapshot/snapshot_state.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace tributary::snapshot {

void SnapshotState::NextTable() {
  if (!tables.empty()) {
    conditions.erase(tables.front());
    tables.erase(tables.begin());
  }
  after_key.reset();
  rows_in_table = 0;
}

const char* SnapshotKindName(SnapshotKind kind) {
  return kind == SnapshotKind::kInitial ? "initial" : "incremental";
}

std::string SnapshotStateJson(const SnapshotState& s) {
  nlohmann::json j = nlohmann::json::object();
  j["kind"] = SnapshotKindName(s.kind);
  if (!s.signal_id.empty()) j["id"] = s.signal_id;
  auto tables = nlohmann::json::array();
  for (const auto& t : s.tables) tables.push_back(nlohmann::json::array({t.database, t.table}));
  j["tables"] = std::move(tables);
  if (!s.conditions.empty()) {
    auto c = nlohmann::json::array();
    for (const auto& [t, cond] : s.conditions) {
      c.push_back(nlohmann::json::array({t.database, t.table, cond}));
    }
    j["conditions"] = std::move(c);
  }
  if (s.after_key) j["key"] = *s.after_key;
  j["rows"] = s.rows_in_table;
  j["total"] = s.rows_total;
  j["of"] = s.tables_total;
  if (s.paused) j["paused"] = true;
  return j.dump();
}

Result<SnapshotState> ParseSnapshotState(std::string_view json) {
  auto bad = [&](std::string_view what) {
    return Error(Status::Corruption(
        fmt::format("source offset: tributary_snapshot {}: {}", what, json.substr(0, 300))));
  };
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("is not a JSON object");
  SnapshotState s;
  auto kind = j.find("kind");
  if (kind == j.end() || !kind->is_string()) return bad("has no kind");
  if (*kind == "initial") {
    s.kind = SnapshotKind::kInitial;
  } else if (*kind == "incremental") {
    s.kind = SnapshotKind::kIncremental;
  } else {
    return bad("has an unknown kind");
  }
  if (auto id = j.find("id"); id != j.end()) {
    if (!id->is_string()) return bad("id is not a string");
    s.signal_id = id->get<std::string>();
  }
  auto tables = j.find("tables");
  if (tables == j.end() || !tables->is_array()) return bad("has no table list");
  for (const auto& t : *tables) {
    if (!t.is_array() || t.size() != 2 || !t[0].is_string() || !t[1].is_string()) {
      return bad("has a table that is not [db, table]");
    }
    s.tables.push_back({t[0].get<std::string>(), t[1].get<std::string>()});
  }
  if (auto c = j.find("conditions"); c != j.end()) {
    if (!c->is_array()) return bad("conditions is not an array");
    for (const auto& e : *c) {
      if (!e.is_array() || e.size() != 3 || !e[0].is_string() || !e[1].is_string() ||
          !e[2].is_string()) {
        return bad("has a condition that is not [db, table, sql]");
      }
      s.conditions[{e[0].get<std::string>(), e[1].get<std::string>()}] = e[2].get<std::string>();
    }
  }
  if (auto k = j.find("key"); k != j.end() && !k->is_null()) {
    if (!k->is_string()) return bad("key is not a string");
    s.after_key = k->get<std::string>();
  }
  for (auto [key, target] : {std::pair{"rows", &s.rows_in_table}, std::pair{"total", &s.rows_total},
                             std::pair{"of", &s.tables_total}}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (!it->is_number_unsigned()) return bad(fmt::format("{} is not a count", key));
    *target = it->get<uint64_t>();
  }
  if (auto p = j.find("paused"); p != j.end()) s.paused = p->is_boolean() && p->get<bool>();
  if (s.tables_total < s.tables.size()) s.tables_total = s.tables.size();
  return s;
}

}  // namespace tributary::snapshot
