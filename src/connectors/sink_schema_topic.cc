#include "connectors/sink_schema_topic.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

#include "config/connector_config.h"
#include "event/table_schema.h"
#include "format/debezium/column_filters.h"
#include "format/debezium/schema_builder.h"
#include "format/debezium/schema_change.h"
#include "kafka/consumer.h"

namespace tributary::connectors {

namespace dbz = format::debezium;

namespace {

// Keys the sink shares with the source: they shape the Connect schema of the events.
constexpr const char* kSourceShapeKeys[] = {
    "decimal.handling.mode", "time.precision.mode", "bigint.unsigned.handling.mode",
    "binary.handling.mode",  "topic.delimiter",     "column.include.list",
    "column.exclude.list",
};

// ExtractNewRecordState's add.fields default prefix.
constexpr std::string_view kAddedFieldPrefix = "__";

// Splits "mysql-bin.000012" into ("mysql-bin", 12); suffix -1 when not numeric.
std::pair<std::string_view, int64_t> SplitBinlogName(std::string_view file) {
  size_t dot = file.rfind('.');
  if (dot == std::string_view::npos) return {file, -1};
  std::string_view digits = file.substr(dot + 1);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size()) return {file, -1};
  return {file.substr(0, dot), n};
}

std::optional<BinlogPoint> PointOf(format::JsonView source) {
  if (!source.is_object()) return std::nullopt;
  format::JsonView file = source.Get("file");
  auto pos = source.Get("pos").AsInt64();
  if (!file.is_string() || !pos) return std::nullopt;
  return BinlogPoint{std::string(file.text()), *pos};
}

std::string Describe(const std::pair<std::string, std::string>& id) {
  return id.first.empty() ? id.second : id.first + "." + id.second;
}

// The member names of a JSON object, in order.
std::vector<std::string_view> MemberNames(format::JsonView obj) {
  std::vector<std::string_view> names;
  for (format::JsonView c = obj.first_child(); c.valid(); c = c.next_sibling()) {
    names.push_back(c.key());
  }
  return names;
}

Result<std::shared_ptr<const format::ConnectSchema>> ToSinkSchema(std::string_view json) {
  auto doc = format::JsonDocument::Parse(json);
  if (!doc) return Error(doc.error());
  auto s = format::ParseConnectSchema(doc->root());
  if (!s) return Error(s.error());
  return std::make_shared<const format::ConnectSchema>(std::move(*s));
}

// The schema ExtractNewRecordState gives an added field `<prefix><name>` (name with '.'
// replaced by '_'): from the envelope, its source block or its transaction block.
std::optional<dbz::ConnectSchema> AddedFieldSchema(std::string_view name,
                                                   const dbz::ConnectSchema& envelope) {
  if (name == "deleted") return dbz::ConnectSchema::Of(dbz::ConnectType::kString, true);
  auto field_of = [](const dbz::ConnectSchema& s, std::string_view f) -> const dbz::ConnectSchema* {
    int i = s.FieldIndex(f);
    return i < 0 ? nullptr : &s.fields[i].schema;
  };
  for (std::string_view block : {"source", "transaction"}) {
    std::string prefix = std::string(block) + "_";
    if (!name.starts_with(prefix)) continue;
    const dbz::ConnectSchema* b = field_of(envelope, block);
    if (b == nullptr) continue;
    if (const dbz::ConnectSchema* f = field_of(*b, name.substr(prefix.size()))) return *f;
  }
  if (name != "before" && name != "after" && name != "source" && name != "transaction") {
    if (const dbz::ConnectSchema* f = field_of(envelope, name)) return *f;
  }
  return std::nullopt;
}

}  // namespace

int CompareBinlogPoints(const BinlogPoint& a, const BinlogPoint& b) {
  if (a.file != b.file) {
    auto [abase, an] = SplitBinlogName(a.file);
    auto [bbase, bn] = SplitBinlogName(b.file);
    if (abase == bbase && an >= 0 && bn >= 0 && an != bn) return an < bn ? -1 : 1;
    if (abase != bbase || an < 0 || bn < 0) return a.file < b.file ? -1 : 1;
  }
  if (a.pos != b.pos) return a.pos < b.pos ? -1 : 1;
  return 0;
}

// One version of a table: from one tableChanges entry, until the next.
struct SchemaTopicTables::Version {
  std::optional<BinlogPoint> point;
  std::shared_ptr<const event::TableSchema> table;  // null: dropped
  std::shared_ptr<const dbz::TableEncoding> encoding;
  std::vector<std::string> fields;  // the value fields (columns after the filters)
  std::shared_ptr<const format::ConnectSchema> envelope;  // built on first use
  std::map<std::string, std::shared_ptr<const format::ConnectSchema>> flat;  // by added fields
};

Result<std::optional<SchemaTopicOptions>> SchemaTopicOptions::FromConfig(
    const config::ConnectorConfig& config) {
  if (!config.Has("tributary.parquet.schema.topic") ||
      config.GetString("tributary.parquet.schema.topic").empty()) {
    return std::optional<SchemaTopicOptions>();
  }
  SchemaTopicOptions o;
  o.topic = config.GetString("tributary.parquet.schema.topic");
  std::map<std::string, std::string> props;
  for (const char* key : kSourceShapeKeys) {
    if (config.Has(key)) props[key] = config.GetString(key);
  }
  props["topic.prefix"] = o.topic;
  auto enc = dbz::ParseEncoderOptions(props);
  if (!enc) return Error(enc.error());
  o.encoder = std::move(*enc);
  auto client = kafka::ClientConfigFor(config, kafka::ClientRole::kConsumer);
  if (!client) return Error(client.error());
  o.client = std::move(*client);
  return std::optional<SchemaTopicOptions>(std::move(o));
}

SchemaTopicTables::SchemaTopicTables(SchemaTopicOptions options) : options_(std::move(options)) {}
SchemaTopicTables::~SchemaTopicTables() = default;

Result<std::unique_ptr<SchemaTopicTables>> SchemaTopicTables::Open(SchemaTopicOptions options) {
  std::unique_ptr<SchemaTopicTables> t(new SchemaTopicTables(std::move(options)));
  kafka::ConsumerOptions co;
  co.client = t->options_.client;
  co.isolation = kafka::IsolationLevel::kReadCommitted;
  co.report_partition_eof = true;
  auto consumer = kafka::Consumer::Open(std::move(co));
  if (!consumer) return Error(consumer.error().WithContext("the schema-change topic's consumer"));
  t->consumer_ = std::move(*consumer);
  return t;
}

std::unique_ptr<SchemaTopicTables> SchemaTopicTables::Offline(SchemaTopicOptions options) {
  return std::unique_ptr<SchemaTopicTables>(new SchemaTopicTables(std::move(options)));
}

std::string SchemaTopicTables::TopicOf(const event::TableId& id) const {
  return dbz::DataTopicName(options_.encoder, id);
}

Status SchemaTopicTables::AddRecord(std::string_view value_json) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(value_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption("a schema-change record that is not a JSON object");
  }
  if (j.size() == 2 && j.contains("schema") && j.contains("payload")) {
    nlohmann::ordered_json payload = std::move(j["payload"]);
    j = std::move(payload);
    if (!j.is_object()) return Status::Corruption("a schema-change record without a payload object");
  }
  ++stats_.schema_records;
  if (!j.contains("tableChanges")) return Status::Ok();
  std::optional<BinlogPoint> point;
  if (j.contains("source") && j["source"].is_object()) {
    const auto& s = j["source"];
    if (s.contains("file") && s["file"].is_string() && s.contains("pos") &&
        s["pos"].is_number_integer()) {
      point = BinlogPoint{s["file"].get<std::string>(), s["pos"].get<int64_t>()};
    }
  }
  auto record = dbz::ParseHistoryRecord(j.dump());
  if (!record) return record.error();
  for (const dbz::TableChange& ch : record->changes) {
    auto drop = [&](const event::TableId& id) {
      auto v = std::make_shared<Version>();
      v->point = point;
      tables_[{id.database, id.table}].push_back(std::move(v));
      ++stats_.table_versions;
    };
    if (ch.type == dbz::TableChangeType::kDrop) {
      drop(ch.id);
      continue;
    }
    if (ch.previous_id && !(*ch.previous_id == ch.id)) drop(*ch.previous_id);
    auto v = std::make_shared<Version>();
    v->point = point;
    v->table = ch.table;
    auto filters = dbz::ColumnFilters::Create(options_.encoder.filters);
    if (!filters) return filters.error();
    auto enc = dbz::BuildTableEncoding(ch.table, options_.encoder, *filters);
    if (!enc) return enc.error().WithContext("table " + ch.id.database + "." + ch.id.table);
    v->encoding = *enc;
    for (const auto& f : (*enc)->value_schema.fields) v->fields.push_back(f.name);
    std::pair<std::string, std::string> key{ch.id.database, ch.id.table};
    tables_[key].push_back(std::move(v));
    topic_tables_[TopicOf(ch.id)] = key;
    ++stats_.table_versions;
  }
  return Status::Ok();
}

Status SchemaTopicTables::CatchUp() {
  batch_caught_up_ = true;
  if (consumer_ == nullptr) return Status::Ok();
  ++stats_.catch_ups;
  auto marks = consumer_->Watermarks({options_.topic, 0}, options_.timeout);
  if (!marks) {
    if (marks.error().code() == StatusCode::kNotFound) return Status::Ok();  // not created yet
    return marks.error().WithContext("the schema-change topic " + options_.topic);
  }
  const int64_t end = marks->second;
  if (next_offset_ >= end) return Status::Ok();
  if (!assigned_) {
    if (Status s = consumer_->Assign({{options_.topic, 0, kafka::kOffsetBeginning}}); !s.ok()) {
      return s.WithContext("the schema-change topic " + options_.topic);
    }
    assigned_ = true;
  }
  auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  int idle_polls = 0;
  while (next_offset_ < end) {
    auto batch = consumer_->Poll(std::chrono::milliseconds(100));
    if (!batch) return batch.error().WithContext("the schema-change topic " + options_.topic);
    bool at_end = false;
    for (const auto& rec : batch->records) {
      next_offset_ = rec.offset() + 1;
      auto value = rec.value();
      if (!value) continue;
      if (Status s = AddRecord(*value); !s.ok()) {
        spdlog::warn("schema-change topic '{}' offset {}: skipped: {}", options_.topic,
                     rec.offset(), s.message());
      }
    }
    for (const auto& e : batch->reached_end) {
      // read_committed: the end is the last stable offset (an open transaction stops it).
      if (e.topic == options_.topic) at_end = true;
    }
    if (at_end) break;
    idle_polls = batch->records.empty() ? idle_polls + 1 : 0;
    // Control records of transactions take offsets: nothing more to read may remain.
    if (idle_polls >= 5 && next_offset_ > 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable(fmt::format(
          "the schema-change topic {}: read up to offset {} of {}, then nothing for {} ms",
          options_.topic, next_offset_, end, options_.timeout.count()));
    }
  }
  return Status::Ok();
}

Status SchemaTopicTables::Attach(const format::SinkRecord& record, format::ParsedValue* value) {
  if (value->schema || value->is_tombstone() || !value->payload.is_object()) return Status::Ok();
  std::optional<BinlogPoint> point;
  if (value->debezium) point = PointOf(value->debezium->source);
  bool needs_catch_up =
      !point || !has_covered_ || CompareBinlogPoints(*point, covered_) > 0;
  if (needs_catch_up && !batch_caught_up_) {
    if (Status s = CatchUp(); !s.ok()) return s;
  }
  if (point && batch_caught_up_ && (!has_covered_ || CompareBinlogPoints(*point, covered_) > 0)) {
    covered_ = *point;
    has_covered_ = true;
  }
  bool retry = false;
  Status s = Resolve(record, value, batch_caught_up_, &retry);
  if (retry) {
    if (Status c = CatchUp(); !c.ok()) return c;
    s = Resolve(record, value, true, &retry);
  }
  if (s.ok()) ++stats_.attached;
  return s;
}

Status SchemaTopicTables::Resolve(const format::SinkRecord& record, format::ParsedValue* value,
                                  bool final_try, bool* retry) {
  *retry = false;
  auto not_yet = [&](Status s) {
    if (!final_try) {
      *retry = true;
      return Status::Ok();
    }
    return s;
  };
  // The table.
  std::optional<std::pair<std::string, std::string>> key;
  std::optional<BinlogPoint> point;
  format::JsonView row;
  bool check_row = false;
  if (value->debezium) {
    const format::DebeziumEnvelope& env = *value->debezium;
    format::JsonView db = env.source.Get("db"), table = env.source.Get("table");
    if (db.is_string() && table.is_string()) {
      key = std::pair<std::string, std::string>{std::string(db.text()), std::string(table.text())};
    }
    point = PointOf(env.source);
    row = env.row();
    if (!row.is_object()) row = env.op == 'd' ? env.after : env.before;
    check_row = row.is_object();
  } else {
    row = value->payload;
    check_row = true;
  }
  if (!key) {
    auto it = topic_tables_.find(std::string(record.topic));
    if (it == topic_tables_.end()) {
      return not_yet(Status::NotFound(fmt::format(
          "topic '{}' is not the topic of any table in the schema-change topic '{}' (is "
          "tributary.parquet.schema.topic the source's topic.prefix?)",
          record.topic, options_.topic)));
    }
    key = it->second;
  }
  auto tit = tables_.find(*key);
  if (tit == tables_.end() || tit->second.empty()) {
    return not_yet(Status::NotFound(fmt::format("table {} has no schema in the schema-change topic '{}'",
                                                Describe(*key), options_.topic)));
  }
  const auto& versions = tit->second;

  // The names of the row's fields: the table's value fields, then (flat rows) added ones.
  std::vector<std::string_view> names;
  if (check_row) names = MemberNames(row);
  auto matches = [&](const Version& v) {
    if (!v.table) return false;
    if (!check_row) return true;
    if (value->debezium) {
      return names.size() == v.fields.size() && std::equal(names.begin(), names.end(), v.fields.begin());
    }
    if (names.size() < v.fields.size()) return false;
    if (!std::equal(v.fields.begin(), v.fields.end(), names.begin())) return false;
    for (size_t i = v.fields.size(); i < names.size(); ++i) {
      if (!names[i].starts_with(kAddedFieldPrefix)) return false;
    }
    return true;
  };
  // The version in force at the record's position: the last one at or before it.
  Version* chosen = nullptr;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (!point || !(*it)->point || CompareBinlogPoints(*(*it)->point, *point) <= 0) {
      chosen = it->get();
      break;
    }
  }
  if (chosen == nullptr || !matches(*chosen)) {
    if (!final_try) return not_yet(Status::Ok());
    chosen = nullptr;
    for (auto it = versions.rbegin(); it != versions.rend() && chosen == nullptr; ++it) {
      if (matches(**it)) chosen = it->get();
    }
  }
  if (chosen == nullptr) {
    std::string got;
    for (std::string_view n : names) got += fmt::format("{}{}", got.empty() ? "" : ",", n);
    return Status::NotFound(fmt::format(
        "no schema of table {} in the schema-change topic '{}' has the record's fields [{}]",
        Describe(*key), options_.topic, got));
  }
  Version& v = *chosen;

  // The schema of this shape.
  std::shared_ptr<const format::ConnectSchema> schema;
  if (value->debezium) {
    if (!v.envelope) {
      auto s = ToSinkSchema(v.encoding->envelope_schema_json);
      if (!s) return s.error().WithContext("the envelope schema of " + Describe(*key));
      v.envelope = std::move(*s);
    }
    schema = v.envelope;
  } else {
    std::string added;
    for (size_t i = v.fields.size(); i < names.size(); ++i) {
      added += names[i];
      added += ',';
    }
    auto it = v.flat.find(added);
    if (it == v.flat.end()) {
      dbz::ConnectSchema flat = v.encoding->value_schema;
      for (size_t i = v.fields.size(); i < names.size(); ++i) {
        std::string_view n = names[i].substr(kAddedFieldPrefix.size());
        auto f = AddedFieldSchema(n, v.encoding->envelope_schema);
        if (!f) {
          return Status::NotFound(fmt::format(
              "field '{}' of table {} is neither a column nor a field ExtractNewRecordState adds",
              names[i], Describe(*key)));
        }
        f->optional = true;
        f->default_json.reset();
        flat.Field(std::string(names[i]), std::move(*f));
      }
      auto s = ToSinkSchema(dbz::SchemaJson(flat));
      if (!s) return s.error().WithContext("the row schema of " + Describe(*key));
      it = v.flat.emplace(added, std::move(*s)).first;
    }
    schema = it->second;
  }
  value->schema = schema;
  if (value->debezium) {
    const format::ConnectField* f = schema->FindField(value->debezium->op == 'd' ? "before" : "after");
    value->debezium->row_schema = f != nullptr ? &f->schema : nullptr;
  }
  return Status::Ok();
}

}  // namespace tributary::connectors
