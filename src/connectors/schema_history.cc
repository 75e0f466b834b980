#include "connectors/schema_history.h"

#include <fmt/format.h>

#include <cstdlib>

#include "common/json_text.h"
#include "format/debezium/schema_change.h"

namespace tributary::connectors {
namespace {

namespace dbz = format::debezium;

// The numeric suffix of a binlog file name ("mysql-bin.000012" -> 12), or -1.
int64_t FileNumber(std::string_view file) {
  size_t dot = file.rfind('.');
  if (dot == std::string_view::npos || dot + 1 >= file.size()) return -1;
  int64_t n = 0;
  for (char c : file.substr(dot + 1)) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string PositionJson(const BinlogPosition& p) {
  std::string out = "{\"ts_sec\":";
  out += std::to_string(p.ts_sec);
  out += ",\"file\":";
  AppendJsonString(p.file, &out);
  out += ",\"pos\":";
  out += std::to_string(p.pos);
  if (!p.gtids.empty()) {
    out += ",\"gtids\":";
    AppendJsonString(p.gtids, &out);
  }
  if (p.snapshot) out += ",\"snapshot\":true";
  out += '}';
  return out;
}

// file and pos out of a position object; small enough not to need a JSON library.
std::optional<BinlogPosition> ParsePosition(std::string_view json) {
  BinlogPosition p;
  auto field = [&](std::string_view name) -> std::string_view {
    std::string key = fmt::format("\"{}\":", name);
    size_t at = json.find(key);
    if (at == std::string_view::npos) return {};
    return json.substr(at + key.size());
  };
  std::string_view file = field("file");
  if (file.size() < 2 || file.front() != '"') return std::nullopt;
  size_t end = file.find('"', 1);
  if (end == std::string_view::npos) return std::nullopt;
  p.file = std::string(file.substr(1, end - 1));
  std::string_view pos = field("pos");
  if (pos.empty()) return std::nullopt;
  p.pos = std::strtoull(std::string(pos.substr(0, 24)).c_str(), nullptr, 10);
  return p;
}

schema::TableChange FromDebezium(const dbz::TableChange& c) {
  schema::TableChange out;
  out.type = c.type == dbz::TableChangeType::kCreate  ? schema::TableChange::Type::kCreate
             : c.type == dbz::TableChangeType::kAlter ? schema::TableChange::Type::kAlter
                                                      : schema::TableChange::Type::kDrop;
  out.id = c.id;
  out.previous_id = c.previous_id;
  if (c.table) out.schema = *c.table;
  out.schema.id = c.id;
  return out;
}

}  // namespace

std::vector<dbz::TableChange> ToDebeziumChanges(const std::vector<schema::TableChange>& changes) {
  std::vector<dbz::TableChange> out;
  out.reserve(changes.size());
  for (const auto& c : changes) {
    dbz::TableChange d;
    d.type = c.type == schema::TableChange::Type::kCreate  ? dbz::TableChangeType::kCreate
             : c.type == schema::TableChange::Type::kAlter ? dbz::TableChangeType::kAlter
                                                           : dbz::TableChangeType::kDrop;
    d.id = c.id;
    d.previous_id = c.previous_id;
    if (c.type != schema::TableChange::Type::kDrop) {
      d.table = std::make_shared<const event::TableSchema>(c.schema);
    }
    out.push_back(std::move(d));
  }
  return out;
}

int ComparePositions(const BinlogPosition& a, const BinlogPosition& b) {
  if (a.file != b.file) {
    int64_t na = FileNumber(a.file), nb = FileNumber(b.file);
    if (na >= 0 && nb >= 0 && na != nb) return na < nb ? -1 : 1;
    if (na < 0 || nb < 0) return a.file < b.file ? -1 : 1;
  }
  if (a.pos != b.pos) return a.pos < b.pos ? -1 : 1;
  return 0;
}

Result<ReplayStats> SchemaHistory::Recover(schema::SchemaTracker& tracker,
                                           const std::optional<BinlogPosition>& resume) {
  ReplayStats stats;
  Status s = store_->Recover([&](std::string_view line) -> Status {
    ++stats.records;
    auto record = dbz::ParseHistoryRecord(line);
    if (!record) return record.error();
    auto at = ParsePosition(record->position_json);
    if (at && (!last_ || ComparePositions(*at, *last_) > 0)) last_ = at;
    if (resume) {
      if (!at) {
        return Status::Corruption("a history record without a binlog position (file, pos)");
      }
      if (ComparePositions(*at, *resume) > 0) return Status::Ok();  // after the resume point
    }
    schema::SchemaChangeRecord rec;
    rec.database = record->database;
    rec.ddl = record->ddl;
    for (const auto& c : record->changes) rec.changes.push_back(FromDebezium(c));
    ++stats.replayed;
    return tracker.Replay(rec);
  });
  if (!s.ok()) return Error(s);
  stats.tables = tracker.catalog().TableIds().size();
  return stats;
}

Status SchemaHistory::Record(const schema::SchemaChangeRecord& record,
                             const BinlogPosition& position, int64_t ts_ms) {
  if (last_ && !position.snapshot && ComparePositions(position, *last_) <= 0) return Status::Ok();
  dbz::HistoryRecord r;
  r.server = server_;
  r.position_json = PositionJson(position);
  r.ts_ms = ts_ms;
  r.database = record.database;
  r.ddl = record.ddl;
  r.changes = ToDebeziumChanges(record.changes);
  std::string json = dbz::HistoryRecordJson(r, {});
  if (Status s = store_->Append(json); !s.ok()) return s.WithContext("writing the schema history");
  if (!position.snapshot) last_ = position;
  return Status::Ok();
}

}  // namespace tributary::connectors
