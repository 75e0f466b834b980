// ExtractNewRecordState ("unwrap"), Debezium's io.debezium.transforms.ExtractNewRecordState,
// applied while encoding (no second pass over the JSON): options, the field references
// of `add.fields` / `add.headers`, and the flattened value schema.
//
// Behaviour (Debezium 3.x, DefaultDeleteHandlingStrategy):
//   create/update/read: value = the `after` struct; in rewrite modes plus `__deleted`
//     "false"; then the `add.fields` in list order.
//   delete: tombstone (default) → same key, value null but with the optional `…Value`
//     schema (JsonConverter writes {"schema":{…},"payload":null}, or `null` without
//     schemas); drop → no record; rewrite[-with-tombstone] → the `before` struct plus
//     `__deleted` "true" and the add.fields; delete-to-tombstone → a real tombstone.
//   Debezium's own tombstones: kept only by rewrite-with-tombstone.
//   truncate: dropped.
// A value schema that gained fields (rewrite, add.fields) is rebuilt as Kafka's
// SchemaUtil.copySchemaBasics does: same name/version/doc/parameters, not optional.
//
// Plain values; thread-compatible.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary::format::debezium {

enum class DeleteTombstoneMode : uint8_t {
  kTombstone,
  kDrop,
  kRewrite,
  kRewriteWithTombstone,
  kDeleteToTombstone,
};

// One `add.fields` / `add.headers` entry: `op`, `source.ts_ms`, `table`, `ts_ms:ts`.
struct FieldReference {
  enum class Struct : uint8_t { kEnvelope, kSource, kTransaction };
  Struct from = Struct::kSource;
  std::string field;      // name inside `from`
  std::string new_name;   // prefix + (field | struct_field | the name after ':')
};

struct UnwrapOptions {
  DeleteTombstoneMode mode = DeleteTombstoneMode::kTombstone;
  std::vector<FieldReference> add_fields;
  std::vector<FieldReference> add_headers;
  bool replace_null_with_default = true;  // the SMT's own option (applies to __deleted copies)
};

// Parses one `add.fields`/`add.headers` list as Debezium's FieldReference does.
// Errors: InvalidArgument for an entry with more than one ':'.
Result<std::vector<FieldReference>> ParseFieldReferences(std::string_view list,
                                                         std::string_view prefix);

// Builds options from the transform's keys without the `transforms.<alias>.` prefix
// (`delete.tombstone.handling.mode`, the legacy `drop.tombstones` +
// `delete.handling.mode`, `add.fields`, `add.fields.prefix`, `add.headers`,
// `add.headers.prefix`, `replace.null.with.default`). Errors: InvalidArgument for an
// unknown mode.
Result<UnwrapOptions> ParseUnwrapOptions(const std::map<std::string, std::string>& keys);

}  // namespace tributary::format::debezium
