#include "format/debezium/envelope.h"

#include <charconv>
#include <cstdint>

#include "format/debezium/json_writer.h"

namespace tributary::format::debezium {
namespace {

void AppendOptionalString(std::string_view s, std::string* out) {
  if (s.empty()) {
    out->append("null");
  } else {
    AppendJsonStringLiteral(s, out);
  }
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Above this, ts_us * 1000 does not fit an int64_t (the slow path keeps what it did).
constexpr int64_t kMaxMicrosForNanos = INT64_MAX / 1000;

// `<ts_ms>,"ts_us":<ts_us>,"ts_ns":<ts_ns>` of a processing time in nanoseconds. For
// times of at least 1 ms the floors are the decimal digits without the last 6 / 3: one
// integer rendering instead of three.
void AppendEnvelopeTimes(int64_t ts_ns, std::string* out) {
  if (ts_ns >= 1000000) {
    char digits[24];
    const auto len = static_cast<size_t>(
        std::to_chars(digits, digits + sizeof(digits), ts_ns).ptr - digits);
    out->append(digits, len - 6);
    out->append(",\"ts_us\":");
    out->append(digits, len - 3);
    out->append(",\"ts_ns\":");
    out->append(digits, len);
    return;
  }
  AppendInt(FloorDiv(ts_ns, 1000000), out);
  out->append(",\"ts_us\":");
  AppendInt(FloorDiv(ts_ns, 1000), out);
  out->append(",\"ts_ns\":");
  AppendInt(ts_ns, out);
}

}  // namespace

EncodedRecord& RecordBuffer::Add() {
  if (size_ == records_.size()) records_.emplace_back();
  EncodedRecord& r = records_[size_++];
  r.has_key = false;
  r.key.clear();
  r.has_value = false;
  r.value.clear();
  // Spares in reverse: AddHeader takes them from the back, so a record that gets the same
  // headers again (the context headers of every event) finds each one's old strings.
  for (auto h = r.headers.rbegin(); h != r.headers.rend(); ++h) {
    r.spare_headers.items.push_back(std::move(*h));
  }
  r.headers.clear();
  return r;
}

void AddHeader(EncodedRecord* r, std::string_view key, bool has_value, std::string_view value) {
  std::vector<RecordHeader>& spare = r->spare_headers.items;
  if (spare.empty()) {
    r->headers.push_back({std::string(key), has_value, std::string(value)});
    return;
  }
  RecordHeader& h = r->headers.emplace_back(std::move(spare.back()));
  spare.pop_back();
  if (h.key != key) h.key.assign(key);
  h.has_value = has_value;
  if (h.value != value) h.value.assign(value);
}

Status EventEncoder::AppendRow(const std::vector<ColumnPlan>& plans,
                               std::span<const event::Value> row, bool replace,
                               std::string* out) {
  if (plans.empty()) {
    out->append("{}");
    return Status::Ok();
  }
  const size_t open = out->size();
  for (const ColumnPlan& p : plans) {
    out->append(p.field_name_json);  // `,"name":`
    if (static_cast<size_t>(p.column_index) >= row.size()) {
      return Status::InvalidArgument("row image has " + std::to_string(row.size()) +
                                     " values, column " + p.field_name + " is number " +
                                     std::to_string(p.column_index + 1));
    }
    if (Status s = AppendColumnJson(p, row[p.column_index], replace, out, &scratch_); !s.ok()) {
      return s;
    }
  }
  (*out)[open] = '{';  // the first field's comma opens the object
  out->push_back('}');
  return Status::Ok();
}

Status EventEncoder::AppendKeyPayload(const TableEncoding& t, std::span<const event::Value> row,
                                      std::string* out) {
  return AppendRow(t.key_columns, row, options_.key_converter.replace_null_with_default, out);
}

Status EventEncoder::AppendKey(const TableEncoding& t, std::span<const event::Value> row,
                               EncodedRecord* r) {
  if (!t.has_key) return Status::Ok();
  r->has_key = true;
  if (options_.key_converter.schemas_enable) {
    r->key.append("{\"schema\":");
    r->key.append(t.key_schema_json);
    r->key.append(",\"payload\":");
    if (Status s = AppendKeyPayload(t, row, &r->key); !s.ok()) return s;
    r->key.push_back('}');
    return Status::Ok();
  }
  return AppendKeyPayload(t, row, &r->key);
}

EventEncoder::EventEncoder(EncoderOptions options) : options_(std::move(options)) {
  source_prefix_.append("{\"version\":");
  AppendJsonStringLiteral(options_.debezium_version, &source_prefix_);
  source_prefix_.append(",\"connector\":\"");
  source_prefix_.append(FlavorConnectorName(options_.flavor));
  source_prefix_.append("\",\"name\":");
  AppendJsonStringLiteral(options_.topic_prefix, &source_prefix_);
  source_prefix_.append(",\"ts_ms\":");
}

// The part of the `source` block before the row number: everything but `row`, `thread`
// and `query`.
void EventEncoder::RenderSourceHead(const SourceInfo& s, std::string* out) const {
  out->append(source_prefix_);
  // ts_ms, then ts_us and ts_ns further on, from one rendering of ts_us when it allows
  // (whole milliseconds = its digits but the last 3; ts_ns = its digits and "000").
  char us_digits[24];
  size_t us_len = 0;
  const bool fast = s.ts_us >= 1000 && s.ts_us <= kMaxMicrosForNanos;
  if (fast) {
    char* end = std::to_chars(us_digits, us_digits + sizeof(us_digits), s.ts_us).ptr;
    us_len = static_cast<size_t>(end - us_digits);
    out->append(us_digits, us_len - 3);
  } else {
    AppendInt(FloorDiv(s.ts_us, 1000), out);
  }
  out->append(",\"snapshot\":");
  if (s.snapshot.empty()) {
    // Not set in the Struct; the schema default "false" is what JsonConverter writes
    // (null without replace.null.with.default).
    out->append(options_.value_converter.replace_null_with_default ? "\"false\"" : "null");
  } else {
    AppendJsonStringLiteral(s.snapshot, out);
  }
  out->append(",\"db\":");
  AppendJsonStringLiteral(s.db, out);
  out->append(",\"sequence\":null,\"ts_us\":");
  if (fast) {
    out->append(us_digits, us_len);
    out->append(",\"ts_ns\":");
    out->append(us_digits, us_len);
    out->append("000");
  } else {
    AppendInt(s.ts_us, out);
    out->append(",\"ts_ns\":");
    AppendInt(s.ts_us * 1000, out);
  }
  out->append(",\"table\":");
  AppendOptionalString(s.table, out);
  out->append(",\"server_id\":");
  AppendInt(s.server_id, out);
  out->append(",\"gtid\":");
  AppendOptionalString(s.gtid, out);
  out->append(",\"file\":");
  AppendJsonStringLiteral(s.file, out);
  out->append(",\"pos\":");
  AppendInt(s.pos, out);
  out->append(",\"row\":");
}

bool EventEncoder::SourceHeadCache::Matches(const SourceInfo& s) const {
  return valid && ts_us == s.ts_us && pos == s.pos && server_id == s.server_id &&
         snapshot == s.snapshot && file == s.file && table == s.table && db == s.db &&
         gtid == s.gtid;
}

void EventEncoder::SourceHeadCache::Keep(const SourceInfo& s) {
  valid = true;
  ts_us = s.ts_us;
  pos = s.pos;
  server_id = s.server_id;
  snapshot.assign(s.snapshot);
  file.assign(s.file);
  table.assign(s.table);
  db.assign(s.db);
  gtid.assign(s.gtid);
}

void EventEncoder::AppendSource(const SourceInfo& s, std::string* out) {
  // Rows of a snapshot chunk, and of one rows event, share all of the block but the row
  // number (and a snapshot's marker at the table's first and last row): the rest is
  // rendered when it changes.
  if (!source_head_.Matches(s)) {
    source_head_.text.clear();
    RenderSourceHead(s, &source_head_.text);
    source_head_.Keep(s);
  }
  out->append(source_head_.text);
  AppendInt(s.row, out);
  const int64_t thread = s.thread && *s.thread >= 0 ? *s.thread : -1;
  const std::string_view query = options_.include_query ? s.query : std::string_view();
  if (!source_tail_.valid || source_tail_.thread != thread || source_tail_.query != query) {
    source_tail_.valid = true;
    source_tail_.thread = thread;
    source_tail_.query.assign(query);
    std::string& t = source_tail_.text;
    t.assign(",\"thread\":");
    if (thread >= 0) {
      AppendInt(thread, &t);
    } else {
      t.append("null");
    }
    t.append(",\"query\":");
    AppendOptionalString(query, &t);
    t.push_back('}');
  }
  out->append(source_tail_.text);
}

Status EventEncoder::AppendEnvelopePayload(const TableEncoding& t, const ChangeEvent& e,
                                           Operation op, bool with_before, bool with_after,
                                           std::string* out) {
  const bool replace = options_.value_converter.replace_null_with_default;
  out->append("{\"before\":");
  if (with_before) {
    if (Status s = AppendRow(t.value_columns, e.before, replace, out); !s.ok()) return s;
  } else {
    out->append("null");
  }
  out->append(",\"after\":");
  if (with_after) {
    if (Status s = AppendRow(t.value_columns, e.after, replace, out); !s.ok()) return s;
  } else {
    out->append("null");
  }
  out->append(",\"source\":");
  AppendSource(e.source, out);
  out->append(",\"transaction\":");
  if (e.transaction && options_.provide_transaction_metadata) {
    out->append("{\"id\":");
    AppendJsonStringLiteral(e.transaction->id, out);
    out->append(",\"total_order\":");
    AppendInt(e.transaction->total_order, out);
    out->append(",\"data_collection_order\":");
    AppendInt(e.transaction->data_collection_order, out);
    out->push_back('}');
  } else {
    out->append("null");
  }
  out->append(",\"op\":\"");
  out->push_back(static_cast<char>(op));
  out->append("\",\"ts_ms\":");
  AppendEnvelopeTimes(e.ts_ns, out);
  out->push_back('}');
  return Status::Ok();
}

void AddContextHeaders(const EncoderOptions& o, EncodedRecord* r) {
  if (!o.extended_headers) return;
  AddHeader(r, "__debezium.context.connectorLogicalName", true, o.topic_prefix);
  AddHeader(r, "__debezium.context.taskId", true, o.task_id);
  AddHeader(r, "__debezium.context.connectorName", true, FlavorConnectorName(o.flavor));
  AddHeader(r, "__debezium.context.runId", true, o.run_id);
}

Status EventEncoder::EmitChange(const TableEncoding& t, const ChangeEvent& e, Operation op,
                                bool with_before, bool with_after,
                                std::span<const event::Value> key_row, RecordBuffer* out,
                                EncodedRecord** record) {
  EncodedRecord& r = out->Add();
  *record = &r;
  if (op != Operation::kTruncate) {
    if (Status s = AppendKey(t, key_row, &r); !s.ok()) return s;
  }
  r.has_value = true;
  if (options_.value_converter.schemas_enable) {
    r.value.append("{\"schema\":");
    r.value.append(t.envelope_schema_json);
    r.value.append(",\"payload\":");
    if (Status s = AppendEnvelopePayload(t, e, op, with_before, with_after, &r.value); !s.ok())
      return s;
    r.value.push_back('}');
  } else {
    if (Status s = AppendEnvelopePayload(t, e, op, with_before, with_after, &r.value); !s.ok())
      return s;
  }
  return Status::Ok();
}

void EventEncoder::Tombstone(size_t like_index, RecordBuffer* out) {
  // Same key and headers, null value (and null value schema). Add() may move the records,
  // so `like` is looked up after it.
  EncodedRecord& r = out->Add();
  const EncodedRecord& like = (*out)[like_index];
  r.has_key = like.has_key;
  r.key.assign(like.key);
  for (const RecordHeader& h : like.headers) AddHeader(&r, h.key, h.has_value, h.value);
}

// Appends the value of one add.fields / add.headers reference.
static void AppendReference(const FieldReference& ref, const ChangeEvent* e, Operation op,
                            const EncoderOptions& o, bool replace, bool as_header,
                            std::string* out, bool* is_null) {
  *is_null = false;
  auto str = [&](std::string_view s, bool nullable) {
    if (nullable && s.empty()) {
      *is_null = true;
      out->append(as_header ? "" : "null");
    } else if (as_header) {
      out->append(s);
    } else {
      AppendJsonStringLiteral(s, out);
    }
  };
  auto num = [&](int64_t v) { AppendInt(v, out); };
  const SourceInfo& s = e->source;
  switch (ref.from) {
    case FieldReference::Struct::kEnvelope:
      if (ref.field == "op") {
        char c[2] = {static_cast<char>(op), 0};
        str(c, false);
      } else if (ref.field == "ts_ms") {
        num(FloorDiv(e->ts_ns, 1000000));
      } else if (ref.field == "ts_us") {
        num(FloorDiv(e->ts_ns, 1000));
      } else if (ref.field == "ts_ns") {
        num(e->ts_ns);
      }
      return;
    case FieldReference::Struct::kTransaction:
      if (!e->transaction || !o.provide_transaction_metadata) {
        *is_null = true;
        out->append(as_header ? "" : "null");
      } else if (ref.field == "id") {
        str(e->transaction->id, false);
      } else if (ref.field == "total_order") {
        num(e->transaction->total_order);
      } else {
        num(e->transaction->data_collection_order);
      }
      return;
    case FieldReference::Struct::kSource:
      break;
  }
  const std::string& f = ref.field;
  if (f == "version") str(o.debezium_version, false);
  else if (f == "connector") str(FlavorConnectorName(o.flavor), false);
  else if (f == "name") str(o.topic_prefix, false);
  else if (f == "ts_ms") num(FloorDiv(s.ts_us, 1000));
  else if (f == "snapshot") {
    if (s.snapshot.empty()) {
      if (replace || as_header) str("false", false);
      else str("", true);
    } else {
      str(s.snapshot, false);
    }
  } else if (f == "db") str(s.db, false);
  else if (f == "sequence") str("", true);
  else if (f == "ts_us") num(s.ts_us);
  else if (f == "ts_ns") num(s.ts_us * 1000);
  else if (f == "table") str(s.table, true);
  else if (f == "server_id") num(s.server_id);
  else if (f == "gtid") str(s.gtid, true);
  else if (f == "file") str(s.file, false);
  else if (f == "pos") num(s.pos);
  else if (f == "row") num(s.row);
  else if (f == "thread") {
    if (s.thread && *s.thread >= 0) {
      num(*s.thread);
    } else {
      *is_null = true;
      out->append(as_header ? "" : "null");
    }
  } else if (f == "query") str(o.include_query ? s.query : std::string_view(), true);
}

static bool SourceFieldExists(const std::string& f) {
  static const char* kFields[] = {"version", "connector", "name",      "ts_ms", "snapshot", "db",
                                  "sequence", "ts_us",   "ts_ns",     "table", "server_id", "gtid",
                                  "file",     "pos",     "row",       "thread", "query"};
  for (const char* k : kFields) {
    if (f == k) return true;
  }
  return false;
}

static bool ReferenceExists(const FieldReference& r) {
  switch (r.from) {
    case FieldReference::Struct::kEnvelope:
      return r.field == "op" || r.field == "ts_ms" || r.field == "ts_us" || r.field == "ts_ns";
    case FieldReference::Struct::kTransaction:
      return r.field == "id" || r.field == "total_order" || r.field == "data_collection_order";
    case FieldReference::Struct::kSource:
      return SourceFieldExists(r.field);
  }
  return false;
}

void EventEncoder::AddUnwrapHeaders(const TableEncoding& t, const ChangeEvent* e, Operation op,
                                    EncodedRecord* r) {
  (void)t;
  for (const FieldReference& ref : options_.unwrap->add_headers) {
    if (e == nullptr) {  // Debezium's own tombstone: only `op` gets a header ("d")
      if (ref.field == "op") r->headers.push_back({ref.new_name, true, "d"});
      continue;
    }
    if (!ReferenceExists(ref)) continue;
    RecordHeader h;
    h.key = ref.new_name;
    bool is_null = false;
    AppendReference(ref, e, op, options_, true, true, &h.value, &is_null);
    h.has_value = !is_null;
    if (is_null) h.value.clear();
    r->headers.push_back(std::move(h));
  }
}

Status EventEncoder::EmitUnwrapped(const TableEncoding& t, const ChangeEvent& e, Operation op,
                                   std::span<const event::Value> row,
                                   std::span<const event::Value> key_row, RecordBuffer* out,
                                   EncodedRecord** record) {
  const UnwrapOptions& u = *options_.unwrap;
  const bool is_delete = op == Operation::kDelete;
  const bool rewrite =
      u.mode == DeleteTombstoneMode::kRewrite || u.mode == DeleteTombstoneMode::kRewriteWithTombstone;
  *record = nullptr;
  if (is_delete && u.mode == DeleteTombstoneMode::kDrop) return Status::Ok();
  EncodedRecord& r = out->Add();
  *record = &r;
  if (Status s = AppendKey(t, key_row, &r); !s.ok()) return s;
  const bool replace = options_.value_converter.replace_null_with_default;
  if (is_delete && u.mode == DeleteTombstoneMode::kDeleteToTombstone) {
    return Status::Ok();  // a real tombstone
  }
  r.has_value = true;
  if (is_delete && u.mode == DeleteTombstoneMode::kTombstone) {
    // Value null, value schema the optional …Value struct.
    if (options_.value_converter.schemas_enable) {
      r.value.append("{\"schema\":");
      r.value.append(t.value_schema_json);
      r.value.append(",\"payload\":null}");
    } else {
      r.value.append("null");
    }
    return Status::Ok();
  }
  std::string& v = r.value;
  if (options_.value_converter.schemas_enable) {
    v.append("{\"schema\":");
    v.append(t.unwrap_schema_json);
    v.append(",\"payload\":");
  }
  // The row, then __deleted, then add.fields (InsertField copies values with
  // Struct.get when the SMT's replace.null.with.default is on).
  const bool row_replace = rewrite && u.replace_null_with_default ? true : replace;
  if (Status s = AppendRow(t.value_columns, row, row_replace, &v); !s.ok()) return s;
  v.pop_back();  // reopen the object
  bool empty = t.value_columns.empty();
  auto sep = [&] {
    if (!empty) v.push_back(',');
    empty = false;
  };
  if (rewrite) {
    sep();
    v.append(is_delete ? "\"__deleted\":\"true\"" : "\"__deleted\":\"false\"");
  }
  for (const FieldReference& ref : u.add_fields) {
    if (!ReferenceExists(ref)) continue;
    sep();
    AppendJsonStringLiteral(ref.new_name, &v);
    v.push_back(':');
    bool is_null = false;
    AppendReference(ref, &e, op, options_, replace, false, &v, &is_null);
  }
  v.push_back('}');
  if (options_.value_converter.schemas_enable) v.push_back('}');
  return Status::Ok();
}

Status EventEncoder::Encode(const TableEncoding& t, const ChangeEvent& e, RecordBuffer* out) {
  const size_t ncols = t.table->columns.size();
  auto check = [&](std::span<const event::Value> row, const char* which) -> Status {
    if (row.size() != ncols) {
      return Status::InvalidArgument(std::string(which) + " image of " + t.table->id.database +
                                     "." + t.table->id.table + " has " +
                                     std::to_string(row.size()) + " values, the table " +
                                     std::to_string(ncols) + " columns");
    }
    return Status::Ok();
  };
  const bool unwrap = options_.unwrap.has_value();
  auto finish = [&](EncodedRecord* r, Operation op) {
    if (r == nullptr) return;
    AddContextHeaders(options_, r);
    if (unwrap) AddUnwrapHeaders(t, &e, op, r);
  };
  auto fail = [&](const Status& s) {
    return s.WithContext("table " + t.table->id.database + "." + t.table->id.table);
  };
  EncodedRecord* r = nullptr;
  switch (e.op) {
    case Operation::kCreate:
    case Operation::kRead: {
      if (Status s = check(e.after, "after"); !s.ok()) return s;
      Status s = unwrap ? EmitUnwrapped(t, e, e.op, e.after, e.after, out, &r)
                        : EmitChange(t, e, e.op, false, true, e.after, out, &r);
      if (!s.ok()) return fail(s);
      finish(r, e.op);
      return Status::Ok();
    }
    case Operation::kDelete: {
      if (Status s = check(e.before, "before"); !s.ok()) return s;
      Status s = unwrap ? EmitUnwrapped(t, e, e.op, e.before, e.before, out, &r)
                        : EmitChange(t, e, e.op, true, false, e.before, out, &r);
      if (!s.ok()) return fail(s);
      finish(r, e.op);
      if (options_.tombstones_on_delete) {
        if (!unwrap) {
          Tombstone(out->size() - 1, out);
        } else if (options_.unwrap->mode == DeleteTombstoneMode::kRewriteWithTombstone) {
          EncodedRecord& tomb = out->Add();
          if (Status ks = AppendKey(t, e.before, &tomb); !ks.ok()) return fail(ks);
          AddContextHeaders(options_, &tomb);
          AddUnwrapHeaders(t, nullptr, e.op, &tomb);
        }
      }
      return Status::Ok();
    }
    case Operation::kUpdate: {
      if (Status s = check(e.before, "before"); !s.ok()) return s;
      if (Status s = check(e.after, "after"); !s.ok()) return s;
      bool key_changed = false;
      if (t.has_key) {
        key_a_.clear();
        key_b_.clear();
        if (Status s = AppendKeyPayload(t, e.before, &key_a_); !s.ok()) return fail(s);
        if (Status s = AppendKeyPayload(t, e.after, &key_b_); !s.ok()) return fail(s);
        key_changed = key_a_ != key_b_;
      }
      if (!key_changed) {
        Status s = unwrap ? EmitUnwrapped(t, e, e.op, e.after, e.after, out, &r)
                          : EmitChange(t, e, e.op, true, true, e.after, out, &r);
        if (!s.ok()) return fail(s);
        finish(r, e.op);
        return Status::Ok();
      }
      // Primary key change: delete (+ tombstone) under the old key, create under the new.
      // The headers carry the other key as SimpleHeaderConverter writes a Struct.
      std::string new_key_header, old_key_header;
      {
        std::vector<ColumnPlan> plans = t.key_columns;
        for (auto& p : plans) p.decimal_numeric = true;
        if (Status s = AppendRow(plans, e.after, true, &new_key_header); !s.ok()) return fail(s);
        if (Status s = AppendRow(plans, e.before, true, &old_key_header); !s.ok()) return fail(s);
      }
      Status s = unwrap ? EmitUnwrapped(t, e, Operation::kDelete, e.before, e.before, out, &r)
                        : EmitChange(t, e, Operation::kDelete, true, false, e.before, out, &r);
      if (!s.ok()) return fail(s);
      if (r) {
        r->headers.push_back({"__debezium.newkey", true, new_key_header});
        finish(r, Operation::kDelete);
      }
      if (options_.tombstones_on_delete) {
        if (!unwrap) {
          Tombstone(out->size() - 1, out);
        } else if (options_.unwrap->mode == DeleteTombstoneMode::kRewriteWithTombstone) {
          EncodedRecord& tomb = out->Add();
          if (Status ks = AppendKey(t, e.before, &tomb); !ks.ok()) return fail(ks);
          tomb.headers.push_back({"__debezium.newkey", true, new_key_header});
          AddContextHeaders(options_, &tomb);
          AddUnwrapHeaders(t, nullptr, Operation::kDelete, &tomb);
        }
      }
      s = unwrap ? EmitUnwrapped(t, e, Operation::kCreate, e.after, e.after, out, &r)
                 : EmitChange(t, e, Operation::kCreate, false, true, e.after, out, &r);
      if (!s.ok()) return fail(s);
      if (r) {
        r->headers.push_back({"__debezium.oldkey", true, old_key_header});
        finish(r, Operation::kCreate);
      }
      return Status::Ok();
    }
    case Operation::kTruncate: {
      if (unwrap) return Status::Ok();  // the SMT drops truncates
      Status s = EmitChange(t, e, e.op, false, false, {}, out, &r);
      if (!s.ok()) return fail(s);
      finish(r, e.op);
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("unknown operation");
}

}  // namespace tributary::format::debezium
