#include "format/parquet/schema.h"

#include <fmt/format.h>

#include <cmath>

namespace tributary::format::parquet {

int32_t MaxDecimalPrecision(int32_t bytes) {
  // floor(log10(2^(8*bytes - 1) - 1))
  return static_cast<int32_t>(std::floor((8.0 * bytes - 1) * std::log10(2.0)));
}

int32_t DecimalByteWidth(int32_t precision) {
  int32_t bytes = 1;
  while (MaxDecimalPrecision(bytes) < precision) ++bytes;
  return bytes;
}

ParquetSchema::ParquetSchema() {
  SchemaNode root;
  root.name = "schema";
  root.is_group = true;
  root.repetition = Repetition::kRequired;
  nodes_.push_back(std::move(root));
}

int ParquetSchema::AddGroup(int parent, std::string name, Repetition repetition) {
  SchemaNode n;
  n.name = std::move(name);
  n.is_group = true;
  n.repetition = repetition;
  n.parent = parent;
  int id = static_cast<int>(nodes_.size());
  nodes_.push_back(std::move(n));
  if (parent >= 0 && parent < id && nodes_[parent].is_group) nodes_[parent].children.push_back(id);
  finalized_ = false;
  return id;
}

int ParquetSchema::AddLeaf(int parent, std::string name, PhysicalType type, Repetition repetition,
                           LogicalType logical, int32_t type_length) {
  SchemaNode n;
  n.name = std::move(name);
  n.type = type;
  n.repetition = repetition;
  n.logical = logical;
  n.type_length = type_length;
  n.parent = parent;
  int id = static_cast<int>(nodes_.size());
  nodes_.push_back(std::move(n));
  if (parent >= 0 && parent < id && nodes_[parent].is_group) nodes_[parent].children.push_back(id);
  finalized_ = false;
  return id;
}

Status ParquetSchema::Check(int id) const {
  const SchemaNode& n = nodes_[id];
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        fmt::format("parquet schema: column '{}': {}", fmt::join(Path(id), "."), why));
  };
  if (id != kRoot && n.name.empty()) return bad("empty name");
  if (id != kRoot &&
      (n.parent < 0 || n.parent >= static_cast<int>(nodes_.size()) || !nodes_[n.parent].is_group)) {
    return bad("parent is not a group");
  }
  if (n.is_group) {
    if (n.children.empty()) return bad("a group needs at least one field");
    return Status::Ok();
  }
  using K = LogicalType::Kind;
  const LogicalType& l = n.logical;
  PhysicalType t = n.type;
  if (t == PhysicalType::kFixedLenByteArray && n.type_length <= 0) {
    return bad("FIXED_LEN_BYTE_ARRAY needs a positive length");
  }
  switch (l.kind) {
    case K::kNone: break;
    case K::kString:
    case K::kEnum:
    case K::kJson:
      if (t != PhysicalType::kByteArray) return bad("STRING/ENUM/JSON need BYTE_ARRAY");
      break;
    case K::kUuid:
      if (t != PhysicalType::kFixedLenByteArray || n.type_length != 16)
        return bad("UUID needs FIXED_LEN_BYTE_ARRAY(16)");
      break;
    case K::kDate:
      if (t != PhysicalType::kInt32) return bad("DATE needs INT32");
      break;
    case K::kTime:
      if (l.unit == TimeUnit::kMillis ? t != PhysicalType::kInt32 : t != PhysicalType::kInt64) {
        return bad("TIME(MILLIS) needs INT32, TIME(MICROS/NANOS) INT64");
      }
      break;
    case K::kTimestamp:
      if (t != PhysicalType::kInt64) return bad("TIMESTAMP needs INT64");
      break;
    case K::kInt:
      if (l.bit_width != 8 && l.bit_width != 16 && l.bit_width != 32 && l.bit_width != 64) {
        return bad("INT bit width must be 8, 16, 32 or 64");
      }
      if ((l.bit_width == 64) != (t == PhysicalType::kInt64) ||
          (t != PhysicalType::kInt32 && t != PhysicalType::kInt64)) {
        return bad("INT(8/16/32) needs INT32, INT(64) INT64");
      }
      break;
    case K::kDecimal: {
      if (l.precision < 1 || l.scale < 0 || l.scale > l.precision) {
        return bad(fmt::format("bad DECIMAL({},{})", l.precision, l.scale));
      }
      int32_t max_p = 0;
      if (t == PhysicalType::kInt32) {
        max_p = 9;
      } else if (t == PhysicalType::kInt64) {
        max_p = 18;
      } else if (t == PhysicalType::kFixedLenByteArray) {
        max_p = MaxDecimalPrecision(n.type_length);
      } else {
        return bad("DECIMAL needs INT32, INT64 or FIXED_LEN_BYTE_ARRAY");
      }
      if (l.precision > max_p) {
        return bad(fmt::format("DECIMAL precision {} does not fit (max {})", l.precision, max_p));
      }
      break;
    }
  }
  return Status::Ok();
}

void ParquetSchema::Number(int id, int16_t parent_def) {
  SchemaNode& n = nodes_[id];
  n.def_level = static_cast<int16_t>(
      parent_def + (id != kRoot && n.repetition == Repetition::kOptional ? 1 : 0));
  n.first_leaf = static_cast<int>(leaves_.size());
  if (!n.is_group) {
    leaves_.push_back(id);
  } else {
    for (int c : nodes_[id].children) Number(c, nodes_[id].def_level);
  }
  nodes_[id].leaf_count = static_cast<int>(leaves_.size()) - nodes_[id].first_leaf;
}

Status ParquetSchema::Finalize() {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Status s = Check(static_cast<int>(i));
    if (!s.ok()) return s;
  }
  leaves_.clear();
  Number(kRoot, 0);
  if (Reachable(kRoot) != nodes_.size()) {
    return Status::InvalidArgument("parquet schema: a node is not reachable from the root");
  }
  finalized_ = true;
  return Status::Ok();
}

size_t ParquetSchema::Reachable(int id) const {
  size_t n = 1;
  for (int c : nodes_[id].children) n += Reachable(c);
  return n;
}

int ParquetSchema::LeafIndex(int node_id) const {
  if (node_id < 0 || node_id >= static_cast<int>(nodes_.size()) || nodes_[node_id].is_group)
    return -1;
  return nodes_[node_id].first_leaf;
}

std::vector<std::string> ParquetSchema::Path(int node_id) const {
  std::vector<std::string> path;
  for (int id = node_id; id > kRoot && id < static_cast<int>(nodes_.size());
       id = nodes_[id].parent) {
    path.push_back(nodes_[id].name);
  }
  return {path.rbegin(), path.rend()};
}

int ParquetSchema::FindChild(int parent, std::string_view name) const {
  for (int c : nodes_[parent].children) {
    if (nodes_[c].name == name) return c;
  }
  return -1;
}

SortOrder ParquetSchema::SortOrderOf(int leaf_index) const {
  const SchemaNode& n = leaf(leaf_index);
  bool is_unsigned = n.logical.kind == LogicalType::Kind::kInt && !n.logical.is_signed;
  switch (n.type) {
    case PhysicalType::kBoolean: return SortOrder::kBoolean;
    case PhysicalType::kInt32: return is_unsigned ? SortOrder::kUnsigned32 : SortOrder::kSigned32;
    case PhysicalType::kInt64: return is_unsigned ? SortOrder::kUnsigned64 : SortOrder::kSigned64;
    case PhysicalType::kFloat: return SortOrder::kFloat;
    case PhysicalType::kDouble: return SortOrder::kDouble;
    case PhysicalType::kByteArray: return SortOrder::kBytes;
    case PhysicalType::kFixedLenByteArray:
      return n.logical.kind == LogicalType::Kind::kDecimal ? SortOrder::kSignedBytes
                                                           : SortOrder::kBytes;
  }
  return SortOrder::kBytes;
}

}  // namespace tributary::format::parquet
