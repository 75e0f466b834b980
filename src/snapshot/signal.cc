#include "snapshot/signal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/json_text.h"
#include "event/table_schema.h"
#include "event/value.h"

namespace tributary::snapshot {
namespace {

using nlohmann::json;

struct TypeName {
  SignalType type;
  std::string_view name;
};

constexpr TypeName kTypeNames[] = {
    {SignalType::kExecuteSnapshot, "execute-snapshot"},
    {SignalType::kStopSnapshot, "stop-snapshot"},
    {SignalType::kPauseSnapshot, "pause-snapshot"},
    {SignalType::kResumeSnapshot, "resume-snapshot"},
    {SignalType::kLog, "log"},
    {SignalType::kWindowOpen, "snapshot-window-open"},
    {SignalType::kWindowClose, "snapshot-window-close"},
};

SignalType TypeFromText(std::string_view text) {
  for (const TypeName& t : kTypeNames) {
    if (t.name == text) return t.type;
  }
  return SignalType::kOther;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status Bad(std::string_view id, std::string_view type, std::string_view what) {
  return Status::InvalidArgument(fmt::format("signal '{}' ({}): {}", id, type, what));
}

// "data-collections": an array of strings (trimmed, empty ones dropped), or a single
// string (accepted leniently: one collection).
Status ReadDataCollections(const json& data, std::string_view id, std::string_view type,
                           std::vector<std::string>* out) {
  auto it = data.find("data-collections");
  if (it == data.end() || it->is_null()) return Status::Ok();
  if (it->is_string()) {
    std::string_view s = Trim(it->get_ref<const std::string&>());
    if (!s.empty()) out->emplace_back(s);
    return Status::Ok();
  }
  if (!it->is_array()) return Bad(id, type, "\"data-collections\" must be an array of strings");
  for (const json& v : *it) {
    if (!v.is_string()) {
      return Bad(id, type, fmt::format("\"data-collections\" holds a non-string: {}", v.dump()));
    }
    std::string_view s = Trim(v.get_ref<const std::string&>());
    if (!s.empty()) out->emplace_back(s);
  }
  return Status::Ok();
}

Status ReadSnapshotType(const json& data, std::string_view id, std::string_view type,
                        std::string* out) {
  auto it = data.find("type");
  if (it == data.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Bad(id, type, "\"type\" must be a string");
  std::string t = Lower(Trim(it->get_ref<const std::string&>()));
  if (t != "incremental" && t != "blocking") {
    return Bad(id, type,
               fmt::format("unknown snapshot type \"{}\" (expected incremental or blocking)",
                           it->get_ref<const std::string&>()));
  }
  *out = std::move(t);
  return Status::Ok();
}

Status ReadConditions(const json& data, std::string_view id, std::string_view type,
                      Signal* signal) {
  if (auto it = data.find("additional-conditions"); it != data.end() && !it->is_null()) {
    if (!it->is_array()) {
      return Bad(id, type, "\"additional-conditions\" must be an array of objects");
    }
    for (const json& c : *it) {
      if (!c.is_object()) {
        return Bad(id, type, fmt::format("an additional condition is not an object: {}", c.dump()));
      }
      auto dc = c.find("data-collection");
      auto filter = c.find("filter");
      if (dc == c.end() || !dc->is_string() || Trim(dc->get_ref<const std::string&>()).empty()) {
        return Bad(id, type,
                   fmt::format("additional condition without \"data-collection\": {}", c.dump()));
      }
      if (filter == c.end() || !filter->is_string()) {
        return Bad(id, type, fmt::format("additional condition without \"filter\": {}", c.dump()));
      }
      signal->additional_conditions.push_back({std::string(Trim(dc->get_ref<const std::string&>())),
                                               filter->get_ref<const std::string&>()});
    }
  }
  // Debezium 1.x: one filter for every listed collection.
  if (auto it = data.find("additional-condition"); it != data.end() && !it->is_null()) {
    if (!it->is_string()) return Bad(id, type, "\"additional-condition\" must be a string");
    const std::string& filter = it->get_ref<const std::string&>();
    if (!Trim(filter).empty()) {
      for (const std::string& dc : signal->data_collections) {
        signal->additional_conditions.push_back({dc, filter});
      }
    }
  }
  return Status::Ok();
}

// Text of a column value of a signal row: strings as their bytes, integers in decimal.
// nullopt for NULL / absent; an error for kinds a signal column cannot hold.
Result<std::optional<std::string>> ColumnText(const event::Value& v, std::string_view column) {
  using event::ValueKind;
  switch (v.kind) {
    case ValueKind::kNull:
    case ValueKind::kAbsent: return std::nullopt;
    case ValueKind::kString:
    case ValueKind::kBytes:
    case ValueKind::kJsonText: return std::string(v.bytes);
    case ValueKind::kInt: return fmt::to_string(v.s.i);
    case ValueKind::kUInt: return fmt::to_string(v.s.u);
    default:
      return Error(Status::InvalidArgument(fmt::format(
          "signal table column `{}` has a type a signal cannot be read from; use VARCHAR / TEXT "
          "columns (id, type, data)",
          column)));
  }
}

Result<std::pair<std::string, std::string>> SplitTable(std::string_view signal_table) {
  signal_table = Trim(signal_table);
  size_t dot = signal_table.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == signal_table.size()) {
    return Error(Status::InvalidArgument(
        fmt::format("signal.data.collection '{}' must be <database>.<table>", signal_table)));
  }
  return std::pair<std::string, std::string>(std::string(signal_table.substr(0, dot)),
                                             std::string(signal_table.substr(dot + 1)));
}

void AppendIdentifier(std::string_view name, std::string* out) {
  out->push_back('`');
  for (char c : name) {
    if (c == '`') out->push_back('`');
    out->push_back(c);
  }
  out->push_back('`');
}

// A MySQL string literal correct under any sql_mode.
void AppendLiteral(std::string_view s, std::string* out) {
  bool plain = std::none_of(s.begin(), s.end(), [](char c) {
    return c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (plain) {
    out->push_back('\'');
    for (char c : s) {
      if (c == '\'') out->push_back('\'');
      out->push_back(c);
    }
    out->push_back('\'');
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->append("X'");
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    out->push_back(kHex[b >> 4]);
    out->push_back(kHex[b & 0xf]);
  }
  out->push_back('\'');
}

void AppendTable(const std::pair<std::string, std::string>& t, std::string* out) {
  AppendIdentifier(t.first, out);
  out->push_back('.');
  AppendIdentifier(t.second, out);
}

}  // namespace

std::string_view SignalTypeName(SignalType type) {
  for (const TypeName& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "other";
}

Result<Signal> ParseSignal(std::string_view id, std::string_view type, std::string_view data) {
  Signal signal;
  signal.id = std::string(id);
  signal.type_text = std::string(type);
  signal.type = TypeFromText(type);
  // Watermarks carry timestamps we do not need; unknown types are the caller's to ignore.
  if (signal.type == SignalType::kOther || signal.type == SignalType::kWindowOpen ||
      signal.type == SignalType::kWindowClose) {
    return signal;
  }

  json doc;
  std::string_view text = Trim(data);
  if (!text.empty()) {
    doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      return Error(Bad(id, type, fmt::format("data is not valid JSON: {}", text)));
    }
  }
  if (doc.is_null()) doc = json::object();
  if (!doc.is_object()) {
    return Error(Bad(id, type, fmt::format("data must be a JSON object, got {}", text)));
  }

  switch (signal.type) {
    case SignalType::kExecuteSnapshot: {
      if (Status s = ReadDataCollections(doc, id, type, &signal.data_collections); !s.ok()) {
        return Error(s);
      }
      if (signal.data_collections.empty()) {
        return Error(Bad(id, type,
                         "\"data-collections\" is missing or empty: name the tables "
                         "to snapshot, e.g. {\"data-collections\": [\"db.table\"]}"));
      }
      if (Status s = ReadSnapshotType(doc, id, type, &signal.snapshot_type); !s.ok()) {
        return Error(s);
      }
      if (Status s = ReadConditions(doc, id, type, &signal); !s.ok()) return Error(s);
      if (auto it = doc.find("surrogate-key"); it != doc.end() && !it->is_null()) {
        if (!it->is_string()) return Error(Bad(id, type, "\"surrogate-key\" must be a string"));
        signal.surrogate_key = std::string(Trim(it->get_ref<const std::string&>()));
      }
      break;
    }
    case SignalType::kStopSnapshot:
      // No data-collections = stop the whole snapshot.
      if (Status s = ReadDataCollections(doc, id, type, &signal.data_collections); !s.ok()) {
        return Error(s);
      }
      if (Status s = ReadSnapshotType(doc, id, type, &signal.snapshot_type); !s.ok()) {
        return Error(s);
      }
      break;
    case SignalType::kPauseSnapshot:
    case SignalType::kResumeSnapshot: break;
    case SignalType::kLog: {
      auto it = doc.find("message");
      if (it == doc.end() || !it->is_string()) {
        return Error(Bad(id, type, "\"message\" (a string) is missing"));
      }
      signal.message = it->get<std::string>();
      break;
    }
    default: break;
  }
  return signal;
}

Result<std::optional<Signal>> SignalFromRow(const event::TableSchema& schema,
                                            std::span<const event::Value> after) {
  if (after.size() < 3 || schema.columns.size() < 3) return std::optional<Signal>();
  auto id = ColumnText(after[0], schema.columns[0].name);
  if (!id) return Error(id.error());
  auto type = ColumnText(after[1], schema.columns[1].name);
  if (!type) return Error(type.error());
  if (!*id || !*type) return std::optional<Signal>();
  auto data = ColumnText(after[2], schema.columns[2].name);
  if (!data) return Error(data.error());
  auto signal = ParseSignal(**id, **type, data->value_or(std::string()));
  if (!signal) return Error(signal.error());
  return std::optional<Signal>(std::move(*signal));
}

std::string WindowOpenId(std::string_view chunk_id) { return fmt::format("{}-open", chunk_id); }
std::string WindowCloseId(std::string_view chunk_id) { return fmt::format("{}-close", chunk_id); }

std::string WatermarkData(std::string_view open_timestamp, std::string_view close_timestamp) {
  std::string out = "{\"openWindowTimestamp\": ";
  AppendJsonString(open_timestamp, &out);
  if (!close_timestamp.empty()) {
    out += ", \"closeWindowTimestamp\": ";
    AppendJsonString(close_timestamp, &out);
  }
  out += '}';
  return out;
}

std::string Iso8601Instant(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  int64_t secs = us / 1'000'000;
  int64_t frac = us % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    secs -= 1;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

Result<std::string> WatermarkInsertSql(std::string_view signal_table, SignalType type,
                                       std::string_view chunk_id, std::string_view data,
                                       const event::TableSchema* schema) {
  if (type != SignalType::kWindowOpen && type != SignalType::kWindowClose) {
    return Error(Status::InvalidArgument(
        fmt::format("a watermark row is snapshot-window-open or snapshot-window-close, not {}",
                    SignalTypeName(type))));
  }
  auto table = SplitTable(signal_table);
  if (!table) return Error(table.error());
  std::string sql = "INSERT INTO ";
  AppendTable(*table, &sql);
  if (schema != nullptr && schema->columns.size() > 3) {
    sql += " (";
    for (size_t i = 0; i < 3; ++i) {
      if (i > 0) sql += ", ";
      AppendIdentifier(schema->columns[i].name, &sql);
    }
    sql += ')';
  }
  sql += " VALUES (";
  AppendLiteral(type == SignalType::kWindowOpen ? WindowOpenId(chunk_id) : WindowCloseId(chunk_id),
                &sql);
  sql += ", ";
  AppendLiteral(SignalTypeName(type), &sql);
  sql += ", ";
  if (data.empty()) {
    sql += "NULL";
  } else {
    AppendLiteral(data, &sql);
  }
  sql += ')';
  return sql;
}

Result<std::string> WatermarkDeleteSql(std::string_view signal_table, std::string_view chunk_id,
                                       const event::TableSchema* schema) {
  auto table = SplitTable(signal_table);
  if (!table) return Error(table.error());
  std::string sql = "DELETE FROM ";
  AppendTable(*table, &sql);
  sql += " WHERE ";
  AppendIdentifier(schema != nullptr && !schema->columns.empty() ? schema->columns[0].name : "id",
                   &sql);
  sql += " = ";
  AppendLiteral(WindowOpenId(chunk_id), &sql);
  return sql;
}

std::optional<std::string_view> ChunkIdOfWindow(std::string_view id) {
  for (std::string_view suffix : {std::string_view("-open"), std::string_view("-close")}) {
    if (id.size() > suffix.size() && id.ends_with(suffix)) {
      return id.substr(0, id.size() - suffix.size());
    }
  }
  return std::nullopt;
}

bool IsSignalTable(std::string_view signal_table, const event::TableId& table) {
  signal_table = Trim(signal_table);
  size_t dot = signal_table.find('.');
  if (dot == std::string_view::npos) return false;
  return signal_table.substr(0, dot) == table.database &&
         signal_table.substr(dot + 1) == table.table;
}

}  // namespace tributary::snapshot
