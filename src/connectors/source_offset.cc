#include "connectors/source_offset.h"

#include <fmt/format.h>

#include <charconv>
#include <iterator>

#include <nlohmann/json.hpp>

#include "common/json_text.h"

namespace tributary::connectors {
namespace {

// A JSON number or a string of digits (Kafka Connect's converters keep Longs as numbers,
// but hand-written offsets sometimes quote them).
Result<int64_t> ReadInteger(const nlohmann::json& v, std::string_view key) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_unsigned()) return static_cast<int64_t>(v.get<uint64_t>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    int64_t out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return out;
  }
  return Error(Status::Corruption(
      fmt::format("source offset: \"{}\" must be an integer, found {}", key, v.dump())));
}

}  // namespace

std::string SourceOffsetJson(const SourceOffset& o) {
  std::string out = "{\"file\":";
  AppendJsonString(o.file, &out);
  fmt::format_to(std::back_inserter(out), ",\"pos\":{}", o.pos);
  if (!o.gtids.empty()) {
    out += ",\"gtids\":";
    AppendJsonString(o.gtids, &out);
  }
  if (o.row != 0) fmt::format_to(std::back_inserter(out), ",\"row\":{}", o.row);
  if (o.event != 0) fmt::format_to(std::back_inserter(out), ",\"event\":{}", o.event);
  if (o.ts_sec != 0) fmt::format_to(std::back_inserter(out), ",\"ts_sec\":{}", o.ts_sec);
  if (o.server_id != 0) fmt::format_to(std::back_inserter(out), ",\"server_id\":{}", o.server_id);
  if (!o.snapshot.empty()) {
    if (o.snapshot_initial) out += ",\"snapshot\":true";
    out += ",\"tributary_snapshot\":";
    out += o.snapshot;
  }
  out.push_back('}');
  return out;
}

Result<SourceOffset> ParseSourceOffset(std::string_view json) {
  auto v = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded() || !v.is_object()) {
    return Error(Status::Corruption(
        fmt::format("source offset is not a JSON object: {}", json.substr(0, 200))));
  }
  SourceOffset o;
  auto file = v.find("file");
  if (file == v.end() || !file->is_string() || file->get_ref<const std::string&>().empty()) {
    return Error(Status::Corruption(
        fmt::format("source offset has no binlog \"file\": {}", json.substr(0, 200))));
  }
  o.file = file->get<std::string>();
  int64_t pos = 4, event = 0, row = 0, server_id = 0;
  for (auto [key, target] : {std::pair{"pos", &pos}, std::pair{"event", &event},
                             std::pair{"row", &row}, std::pair{"ts_sec", &o.ts_sec},
                             std::pair{"server_id", &server_id}}) {
    auto it = v.find(key);
    if (it == v.end() || it->is_null()) continue;
    auto n = ReadInteger(*it, key);
    if (!n) return Error(n.error());
    if (*n < 0) {
      return Error(Status::Corruption(fmt::format("source offset: \"{}\" is negative", key)));
    }
    *target = *n;
  }
  o.pos = static_cast<uint64_t>(pos);
  o.event = static_cast<uint64_t>(event);
  o.row = static_cast<uint64_t>(row);
  o.server_id = static_cast<uint64_t>(server_id);
  if (auto g = v.find("gtids"); g != v.end() && !g->is_null()) {
    if (!g->is_string()) return Error(Status::Corruption("source offset: \"gtids\" must be a string"));
    o.gtids = g->get<std::string>();
  }
  if (auto t = v.find("tributary_snapshot"); t != v.end() && !t->is_null()) {
    if (!t->is_object()) {
      return Error(Status::Corruption("source offset: \"tributary_snapshot\" must be an object"));
    }
    o.snapshot = t->dump();
    auto initial = v.find("snapshot");
    o.snapshot_initial = initial != v.end() && ((initial->is_boolean() && initial->get<bool>()) ||
                                                (initial->is_string() && *initial == "true"));
  }
  return o;
}

void OffsetCursor::OnRotate(std::string_view file, uint64_t pos) {
  file_ = std::string(file);
  if (!in_transaction_) {
    offset_.file = file_;
    offset_.pos = pos;
    offset_.event = 0;
    offset_.row = 0;
  }
}

void OffsetCursor::OnTransactionStart(uint64_t event_pos) {
  if (in_transaction_) return;  // BEGIN after its GTID event: the GTID event is the start
  in_transaction_ = true;
  offset_.file = file();
  offset_.pos = event_pos;
  offset_.event = 0;
  offset_.row = 0;
}

void OffsetCursor::OnRowDone(uint64_t index, uint64_t count) {
  if (index + 1 < count) {
    offset_.row = index + 1;
  } else {
    offset_.row = 0;
    ++offset_.event;
  }
}

void OffsetCursor::OnRowsEventDone() {
  offset_.row = 0;
  ++offset_.event;
}

void OffsetCursor::OnTransactionEnd(uint64_t next_pos, std::string_view gtids) {
  in_transaction_ = false;
  offset_.file = file();
  offset_.pos = next_pos;
  offset_.event = 0;
  offset_.row = 0;
  if (!gtids.empty()) offset_.gtids = std::string(gtids);
}

uint64_t ResumeSkipper::RowsToSkip(uint64_t row_count) {
  if (events_ > 0) {
    --events_;
    return row_count > 0 ? row_count : 1;
  }
  uint64_t skip = rows_;
  rows_ = 0;
  return skip;
}

void PendingOffsets::Add(uint64_t last_sequence, const SourceOffset& offset) {
  if (!pending_.empty() && pending_.back().sequence == last_sequence) {
    pending_.back().offset = offset;
    return;
  }
  pending_.push_back({last_sequence, offset});
}

std::optional<SourceOffset> PendingOffsets::TakeCommittable(uint64_t acked_through) {
  std::optional<SourceOffset> out;
  while (!pending_.empty() && pending_.front().sequence <= acked_through) {
    out = std::move(pending_.front().offset);
    pending_.pop_front();
  }
  return out;
}

}  // namespace tributary::connectors
