#include "mysql/event_json.h"

#include <fmt/format.h>

#include "common/json_text.h"
#include "mysql/json_binary.h"
#include "mysql/json_diff.h"
#include "mysql/value_text.h"

namespace tributary::mysql {
namespace {

// Writes `"key":` pairs with commas between them.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  void Key(std::string_view k) {
    if (!first_) out_->push_back(',');
    first_ = false;
    AppendJsonString(k, out_);
    out_->push_back(':');
  }
  void Str(std::string_view k, std::string_view v) {
    Key(k);
    AppendJsonString(v, out_);
  }
  template <typename T>
  void Num(std::string_view k, T v) {
    Key(k);
    fmt::format_to(std::back_inserter(*out_), "{}", v);
  }
  void Bool(std::string_view k, bool v) {
    Key(k);
    out_->append(v ? "true" : "false");
  }
  void End() { out_->push_back('}'); }
  std::string* out() { return out_; }

 private:
  std::string* out_;
  bool first_ = true;
};

Status AppendJsonDocumentString(std::span<const std::byte> binary, std::string* out) {
  std::string text;
  if (Status s = AppendJsonText(binary, &text); !s.ok()) return s;
  AppendJsonString(text, out);
  return Status::Ok();
}

Status AppendValue(const event::Value& v, const TableMapColumn& col, std::string* out) {
  using event::ValueKind;
  switch (v.kind) {
    case ValueKind::kJsonBinary:
      return AppendJsonDocumentString(std::as_bytes(std::span(v.bytes.data(), v.bytes.size())), out);
    case ValueKind::kJsonDiff: {
      auto diffs = ParseJsonDiffs(std::as_bytes(std::span(v.bytes.data(), v.bytes.size())));
      if (!diffs) return diffs.error();
      out->push_back('[');
      for (size_t i = 0; i < diffs->size(); ++i) {
        const JsonDiff& d = (*diffs)[i];
        if (i > 0) out->push_back(',');
        ObjectWriter o(out);
        o.Str("op", d.op == JsonDiff::Op::kReplace  ? "REPLACE"
                    : d.op == JsonDiff::Op::kInsert ? "INSERT"
                                                    : "REMOVE");
        o.Str("path", d.path);
        if (d.op != JsonDiff::Op::kRemove) {
          o.Key("value");
          if (Status s = AppendJsonDocumentString(d.value, out); !s.ok()) return s;
        }
        o.End();
      }
      out->push_back(']');
      return Status::Ok();
    }
    case ValueKind::kEnum:
      if (v.s.u >= 1 && v.s.u <= col.enum_values.size()) {
        AppendJsonString(col.enum_values[v.s.u - 1], out);
        return Status::Ok();
      }
      break;
    case ValueKind::kSet:
      if (!col.set_values.empty()) {
        std::string members;
        for (size_t i = 0; i < col.set_values.size() && i < 64; ++i) {
          if ((v.s.u >> i) & 1) {
            if (!members.empty()) members.push_back(',');
            members += col.set_values[i];
          }
        }
        AppendJsonString(members, out);
        return Status::Ok();
      }
      break;
    default: break;
  }
  return AppendValueJson(v, out);
}

Status AppendImage(const RowImage& image, const TableMap& table, std::string* out) {
  ObjectWriter o(out);
  for (size_t i = 0; i < image.values.size() && i < table.columns.size(); ++i) {
    const auto& v = image.values[i];
    if (v.is_absent()) continue;
    const auto& col = table.columns[i];
    o.Key(col.name.empty() ? fmt::format("@{}", i + 1) : col.name);
    if (Status s = AppendValue(v, col, out); !s.ok()) {
      return s.WithContext(fmt::format("column {}", i + 1));
    }
  }
  o.End();
  return Status::Ok();
}

void AppendTableMap(const TableMap& tm, ObjectWriter& o) {
  o.Num("table_id", tm.table_id);
  o.Str("database", tm.database);
  o.Str("table", tm.table);
  o.Key("columns");
  std::string* out = o.out();
  out->push_back('[');
  for (size_t i = 0; i < tm.columns.size(); ++i) {
    const auto& c = tm.columns[i];
    if (i > 0) out->push_back(',');
    ObjectWriter col(out);
    if (!c.name.empty()) col.Str("name", c.name);
    col.Str("type", ColumnTypeName(c.real_type));
    col.Num("meta", c.meta.meta);
    col.Bool("nullable", c.nullable);
    if (c.signedness_known) col.Bool("unsigned", c.meta.is_unsigned);
    if (c.charset_known) col.Num("charset", c.meta.charset);
    if (!c.visible) col.Bool("visible", false);
    if (!c.enum_values.empty() || !c.set_values.empty()) {
      col.Key(c.enum_values.empty() ? "set_values" : "enum_values");
      const auto& vals = c.enum_values.empty() ? c.set_values : c.enum_values;
      out->push_back('[');
      for (size_t k = 0; k < vals.size(); ++k) {
        if (k > 0) out->push_back(',');
        AppendJsonString(vals[k], out);
      }
      out->push_back(']');
    }
    if (c.meta.type == ColumnType::kGeometry) col.Num("geometry_type", c.geometry_type);
    if (c.meta.type == ColumnType::kVector && c.vector_dimensions > 0) {
      col.Num("dimensions", c.vector_dimensions);
    }
    col.End();
  }
  out->push_back(']');
  if (!tm.primary_key.empty()) {
    o.Key("primary_key");
    out->push_back('[');
    for (size_t i = 0; i < tm.primary_key.size(); ++i) {
      if (i > 0) out->push_back(',');
      fmt::format_to(std::back_inserter(*out), "{}", tm.primary_key[i] + 1);
    }
    out->push_back(']');
  }
}

}  // namespace

Status AppendEventJson(const DecodedEvent& ev, const EventJsonContext& ctx, std::string* out) {
  ObjectWriter o(out);
  if (!ctx.binlog_file.empty()) o.Str("file", ctx.binlog_file);
  o.Num("pos", ev.offset);
  if (ev.inner) o.Bool("inner", true);
  o.Str("type", EventTypeName(ev.header.type));
  if (ev.header.type == EventType::kUnknown || EventTypeName(ev.header.type).starts_with("UNKNOWN")) {
    o.Num("type_code", ev.header.raw_type);
  }
  o.Num("ts", ev.header.timestamp);
  o.Num("server_id", ev.header.server_id);
  o.Num("size", ev.header.event_size);
  o.Num("end_log_pos", ev.header.log_pos);
  if (ev.header.flags != 0) o.Num("flags", ev.header.flags);
  Status status;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, FormatDescriptionEvent>) {
          o.Str("server_version", b.server_version);
          o.Num("binlog_version", b.binlog_version);
          o.Str("checksum", b.checksum == ChecksumAlgorithm::kCrc32 ? "CRC32" : "NONE");
        } else if constexpr (std::is_same_v<T, QueryEvent>) {
          o.Num("thread_id", b.thread_id);
          o.Num("exec_time", b.exec_time);
          o.Num("error_code", b.error_code);
          o.Str("database", b.database);
          o.Str("sql", b.compressed ? std::string_view(b.owned_sql) : b.sql);
          if (b.sql_mode) o.Num("sql_mode", *b.sql_mode);
          if (b.charset_client) o.Num("charset_client", *b.charset_client);
          if (b.collation_connection) o.Num("collation_connection", *b.collation_connection);
          if (b.collation_server) o.Num("collation_server", *b.collation_server);
          if (b.collation_database) o.Num("collation_database", *b.collation_database);
          if (!b.time_zone.empty()) o.Str("time_zone", b.time_zone);
        } else if constexpr (std::is_same_v<T, RotateEvent>) {
          o.Str("next_file", b.next_file);
          o.Num("position", b.position);
        } else if constexpr (std::is_same_v<T, XidEvent>) {
          o.Num("xid", b.xid);
        } else if constexpr (std::is_same_v<T, XaPrepareEvent>) {
          o.Bool("one_phase", b.one_phase);
          o.Num("format_id", b.format_id);
          o.Str("gtrid", b.gtrid);
          o.Str("bqual", b.bqual);
        } else if constexpr (std::is_same_v<T, GtidEvent>) {
          if (!b.anonymous) o.Str("gtid", b.ToString());
          o.Num("gtid_flags", b.flags);
          o.Num("last_committed", b.last_committed);
          o.Num("sequence_number", b.sequence_number);
          if (b.immediate_commit_timestamp != 0) {
            o.Num("immediate_commit_ts", b.immediate_commit_timestamp);
            o.Num("original_commit_ts", b.original_commit_timestamp);
          }
          if (b.transaction_length != 0) o.Num("transaction_length", b.transaction_length);
          if (b.immediate_server_version != 0) {
            o.Num("immediate_server_version", b.immediate_server_version);
          }
        } else if constexpr (std::is_same_v<T, PreviousGtidsEvent>) {
          o.Str("gtid_set", b.set.ToString());
          if (b.set.tagged_format) o.Bool("tagged_format", true);
        } else if constexpr (std::is_same_v<T, MariaGtidEvent>) {
          o.Str("gtid", b.gtid.ToString());
          o.Bool("standalone", b.standalone());
          if (b.commit_id) o.Num("commit_id", *b.commit_id);
        } else if constexpr (std::is_same_v<T, MariaGtidListEvent>) {
          o.Key("gtids");
          out->push_back('[');
          for (size_t i = 0; i < b.gtids.size(); ++i) {
            if (i > 0) out->push_back(',');
            AppendJsonString(b.gtids[i].ToString(), out);
          }
          out->push_back(']');
        } else if constexpr (std::is_same_v<T, MariaBinlogCheckpointEvent>) {
          o.Str("checkpoint_file", b.file);
        } else if constexpr (std::is_same_v<T, RowsQueryEvent>) {
          o.Str("sql", b.sql);
        } else if constexpr (std::is_same_v<T, IntvarEvent>) {
          o.Num("intvar_type", b.type);
          o.Num("value", b.value);
        } else if constexpr (std::is_same_v<T, RandEvent>) {
          o.Num("seed1", b.seed1);
          o.Num("seed2", b.seed2);
        } else if constexpr (std::is_same_v<T, UserVarEvent>) {
          o.Str("name", b.name);
          o.Bool("is_null", b.is_null);
        } else if constexpr (std::is_same_v<T, IncidentEvent>) {
          o.Num("incident", b.incident);
          o.Str("message", b.message);
        } else if constexpr (std::is_same_v<T, HeartbeatEvent>) {
          o.Str("log_file", b.log_file);
          o.Num("position", b.position);
        } else if constexpr (std::is_same_v<T, std::shared_ptr<const TableMap>>) {
          AppendTableMap(*b, o);
        } else if constexpr (std::is_same_v<T, RowsEvent>) {
          o.Num("table_id", b.table_id);
          o.Num("rows_flags", b.flags);
          o.Str("database", b.table->database);
          o.Str("table", b.table->table);
          if (!ctx.gtid.empty()) o.Str("gtid", ctx.gtid);
          if (b.partition_id) o.Num("partition_id", *b.partition_id);
          o.Key("rows");
          out->push_back('[');
          for (size_t i = 0; i < b.rows.size() && status.ok(); ++i) {
            if (i > 0) out->push_back(',');
            ObjectWriter row(out);
            if (b.kind != RowsKind::kWrite) {
              row.Key("before");
              status = AppendImage(b.rows[i].before, *b.table, out);
            }
            if (b.kind != RowsKind::kDelete && status.ok()) {
              row.Key("after");
              status = AppendImage(b.rows[i].after, *b.table, out);
            }
            row.End();
          }
          out->push_back(']');
        } else if constexpr (std::is_same_v<T, TransactionPayloadEvent>) {
          o.Str("compression", b.compression == 0 ? "zstd" : "none");
          o.Num("payload_size", b.payload_size);
          o.Num("uncompressed_size", b.uncompressed_size);
        } else if constexpr (std::is_same_v<T, UnknownEvent>) {
          o.Bool("ignorable", (ev.header.flags & kFlagIgnorable) != 0);
        }
      },
      ev.body);
  o.End();
  return status;
}

}  // namespace tributary::mysql
