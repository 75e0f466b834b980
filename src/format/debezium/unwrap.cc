#include "format/debezium/unwrap.h"


namespace tributary::format::debezium {
namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string Get(const std::map<std::string, std::string>& keys, const std::string& k,
                const std::string& def) {
  auto it = keys.find(k);
  return it == keys.end() ? def : it->second;
}

}  // namespace

Result<std::vector<FieldReference>> ParseFieldReferences(std::string_view list,
                                                         std::string_view prefix) {
  std::vector<FieldReference> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string item = Trim(list.substr(start, comma == std::string_view::npos
                                                    ? std::string_view::npos
                                                    : comma - start));
    start = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
    if (item.empty()) continue;
    size_t colon = item.find(':');
    if (colon != std::string::npos && item.find(':', colon + 1) != std::string::npos) {
      return Error(Status::InvalidArgument("unexpected field name '" + item + "'"));
    }
    std::string path = colon == std::string::npos ? item : item.substr(0, colon);
    FieldReference r;
    size_t dot = path.find('.');
    if (dot == std::string::npos) {
      r.field = path;
      if (path == "id" || path == "total_order" || path == "data_collection_order") {
        r.from = FieldReference::Struct::kTransaction;
      } else if (path == "op" || path == "ts_ms" || path == "ts_us" || path == "ts_ns") {
        r.from = FieldReference::Struct::kEnvelope;
      } else {
        r.from = FieldReference::Struct::kSource;
      }
      r.new_name = std::string(prefix) + r.field;
    } else {
      std::string st = path.substr(0, dot);
      // Debezium splits on every '.', keeping the first two parts.
      std::string rest = path.substr(dot + 1);
      size_t dot2 = rest.find('.');
      r.field = dot2 == std::string::npos ? rest : rest.substr(0, dot2);
      r.from = st == "transaction" ? FieldReference::Struct::kTransaction
               : st == "source"    ? FieldReference::Struct::kSource
                                   : FieldReference::Struct::kEnvelope;
      r.new_name = std::string(prefix) + st + "_" + r.field;
    }
    if (colon != std::string::npos) r.new_name = std::string(prefix) + item.substr(colon + 1);
    out.push_back(std::move(r));
  }
  return out;
}

Result<UnwrapOptions> ParseUnwrapOptions(const std::map<std::string, std::string>& keys) {
  UnwrapOptions o;
  std::string mode;
  if (keys.count("delete.tombstone.handling.mode")) {
    mode = keys.at("delete.tombstone.handling.mode");
  } else if (keys.count("delete.handling.mode") || keys.count("drop.tombstones")) {
    // Legacy pair (removed in Debezium 3.2): drop.tombstones (true) + delete.handling.mode (drop).
    bool drop_tombstones = Get(keys, "drop.tombstones", "true") != "false";
    std::string dhm = Get(keys, "delete.handling.mode", "drop");
    if (dhm == "rewrite") {
      mode = drop_tombstones ? "rewrite" : "rewrite-with-tombstone";
    } else if (dhm == "none") {
      mode = "tombstone";
    } else if (dhm == "drop") {
      mode = "drop";
    } else {
      return Error(Status::InvalidArgument("unknown delete.handling.mode '" + dhm + "'"));
    }
  } else {
    mode = "tombstone";
  }
  if (mode == "tombstone") {
    o.mode = DeleteTombstoneMode::kTombstone;
  } else if (mode == "drop") {
    o.mode = DeleteTombstoneMode::kDrop;
  } else if (mode == "rewrite") {
    o.mode = DeleteTombstoneMode::kRewrite;
  } else if (mode == "rewrite-with-tombstone") {
    o.mode = DeleteTombstoneMode::kRewriteWithTombstone;
  } else if (mode == "delete-to-tombstone" || mode == "delete.to.tombstone") {
    o.mode = DeleteTombstoneMode::kDeleteToTombstone;
  } else {
    return Error(Status::InvalidArgument("unknown delete.tombstone.handling.mode '" + mode + "'"));
  }
  auto fields = ParseFieldReferences(Get(keys, "add.fields", ""), Get(keys, "add.fields.prefix", "__"));
  if (!fields) return Error(fields.error());
  o.add_fields = std::move(*fields);
  auto headers =
      ParseFieldReferences(Get(keys, "add.headers", ""), Get(keys, "add.headers.prefix", "__"));
  if (!headers) return Error(headers.error());
  o.add_headers = std::move(*headers);
  o.replace_null_with_default = Get(keys, "replace.null.with.default", "true") != "false";
  return o;
}

}  // namespace tributary::format::debezium
