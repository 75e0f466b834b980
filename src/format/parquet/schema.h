// ParquetSchema: the tree of a Parquet file's columns. Groups (the root, and optional or
// required nested structs such as the `before` / `after` / `source` of the Debezium
// envelope) and leaves (one column chunk each, with a physical type, a logical type and a
// repetition). Lists (repeated fields) are not supported: change events have none.
//
// Build with AddGroup / AddLeaf, then Finalize(), which validates the tree and numbers
// the leaves in depth-first order: that leaf index is the column id of the writer's
// Append* calls and the column order in the file. Leaves under one group have
// consecutive indexes. A plain value: copyable, thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace tributary::format::parquet {

// Thrift enum values of parquet.thrift `Type` (do not renumber).
enum class PhysicalType : uint8_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Repetition : uint8_t { kRequired = 0, kOptional = 1 };

enum class TimeUnit : uint8_t { kMillis = 1, kMicros = 2, kNanos = 3 };  // thrift union ids

struct LogicalType {
  enum class Kind : uint8_t {
    kNone,
    kString,
    kEnum,
    kJson,
    kUuid,
    kDecimal,
    kDate,
    kTime,
    kTimestamp,
    kInt,
  };
  Kind kind = Kind::kNone;
  int32_t precision = 0;         // kDecimal
  int32_t scale = 0;             // kDecimal
  int8_t bit_width = 0;          // kInt: 8, 16, 32, 64
  bool is_signed = true;         // kInt
  bool adjusted_to_utc = false;  // kTime, kTimestamp
  TimeUnit unit = TimeUnit::kMicros;

  static LogicalType None() { return {}; }
  static LogicalType String() { return Of(Kind::kString); }
  static LogicalType Enum() { return Of(Kind::kEnum); }
  static LogicalType Json() { return Of(Kind::kJson); }
  static LogicalType Uuid() { return Of(Kind::kUuid); }
  static LogicalType Date() { return Of(Kind::kDate); }
  static LogicalType Decimal(int32_t precision, int32_t scale) {
    LogicalType t = Of(Kind::kDecimal);
    t.precision = precision;
    t.scale = scale;
    return t;
  }
  static LogicalType Int(int bit_width, bool is_signed) {
    LogicalType t = Of(Kind::kInt);
    t.bit_width = static_cast<int8_t>(bit_width);
    t.is_signed = is_signed;
    return t;
  }
  static LogicalType Time(bool utc, TimeUnit unit) {
    LogicalType t = Of(Kind::kTime);
    t.adjusted_to_utc = utc;
    t.unit = unit;
    return t;
  }
  static LogicalType Timestamp(bool utc, TimeUnit unit) {
    LogicalType t = Of(Kind::kTimestamp);
    t.adjusted_to_utc = utc;
    t.unit = unit;
    return t;
  }

 private:
  static LogicalType Of(Kind k) {
    LogicalType t;
    t.kind = k;
    return t;
  }
};

// How min/max statistics of a leaf compare (Parquet's type-defined order).
enum class SortOrder : uint8_t {
  kSigned32,
  kUnsigned32,
  kSigned64,
  kUnsigned64,
  kFloat,
  kDouble,
  kBoolean,
  kBytes,        // unsigned lexicographic
  kSignedBytes,  // big-endian two's complement (DECIMAL on FIXED_LEN_BYTE_ARRAY)
};

struct SchemaNode {
  std::string name;
  bool is_group = false;
  Repetition repetition = Repetition::kOptional;
  PhysicalType type = PhysicalType::kInt32;  // leaves
  int32_t type_length = 0;                   // FIXED_LEN_BYTE_ARRAY width
  LogicalType logical;
  int parent = -1;
  std::vector<int> children;
  // Filled by Finalize():
  int16_t def_level = 0;  // definition level of this node when present (root = 0)
  int first_leaf = 0;     // leaves under this node: [first_leaf, first_leaf + leaf_count)
  int leaf_count = 0;
};

class ParquetSchema {
 public:
  static constexpr int kRoot = 0;

  ParquetSchema();

  // Adds a child of group `parent`; returns the new node's id. Errors (bad parent, bad
  // type combination) are reported by Finalize().
  int AddGroup(int parent, std::string name, Repetition repetition);
  int AddLeaf(int parent, std::string name, PhysicalType type, Repetition repetition,
              LogicalType logical = {}, int32_t type_length = 0);

  // Checks every node (names, logical type allowed on the physical type, decimal
  // precision fits the width, groups not empty) and numbers leaves and levels.
  Status Finalize();
  bool finalized() const { return finalized_; }

  size_t num_nodes() const { return nodes_.size(); }
  const SchemaNode& node(int id) const { return nodes_[id]; }
  int num_leaves() const { return static_cast<int>(leaves_.size()); }
  // Node id of leaf `leaf` (column index).
  int leaf_node(int leaf) const { return leaves_[leaf]; }
  const SchemaNode& leaf(int leaf) const { return nodes_[leaves_[leaf]]; }
  // Column index of leaf node `node_id`; -1 for a group. REQUIRES: finalized.
  int LeafIndex(int node_id) const;
  // Names from below the root down to `node_id`.
  std::vector<std::string> Path(int node_id) const;
  // Child of `parent` named `name`, or -1.
  int FindChild(int parent, std::string_view name) const;
  // Statistics order of a leaf.
  SortOrder SortOrderOf(int leaf) const;

 private:
  Status Check(int id) const;
  void Number(int id, int16_t parent_def);
  size_t Reachable(int id) const;

  std::vector<SchemaNode> nodes_;
  std::vector<int> leaves_;
  bool finalized_ = false;
};

// Bytes of a FIXED_LEN_BYTE_ARRAY that hold every unscaled value of `precision` decimal
// digits in two's complement (precision 65 -> 28 bytes).
int32_t DecimalByteWidth(int32_t precision);
// Largest precision that fits in `bytes` bytes of two's complement.
int32_t MaxDecimalPrecision(int32_t bytes);

}  // namespace tributary::format::parquet
