// The order in which Confluent's JsonFormat writes the members of a schemaless JSON object
// (a Connect map, which Jackson writes in java.util.HashMap order), and a cache of it per
// object shape.
//
// ComputeMemberOrder: members as a Jackson ObjectNode holds them (a repeated name keeps
// its first position and its last value), in java.util.HashMap iteration order when asked:
// buckets of a table sized for the entries (16, doubled while size > 0.75 × capacity),
// entries of one bucket in insertion order.
//
// MemberOrderCache: the member orders of the object shapes seen lately (a shape: the
// member names in document order). Records of a topic repeat a few shapes (a Debezium
// event: the envelope, the row, the source block), so the order is computed once per
// shape instead of hashing and sorting every object's names. Small objects only; gives up
// on data whose shapes do not repeat.
//
// Ownership: the cache owns its shapes; Find() returns a view valid until the next Find(),
// FindShared() a shape that may be kept (shapes are immutable once made).
// Threading: one cache per writer (thread-compatible).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/record_value.h"

namespace tributary::format {

// Indices into `keys` (member names in document order) in the order Jackson writes them.
void ComputeMemberOrder(std::span<const std::string_view> keys, bool java_order,
                        std::vector<uint32_t>* order);

class MemberOrderCache {
 public:
  // A cached shape: its member order and, for each position of that order, the text
  // written before the member's value (a comma after the first, the Jackson-escaped name,
  // a colon), so repeated shapes do not escape their names again.
  struct Shape {
    bool java_order = true;
    std::vector<std::string> keys;
    std::vector<uint32_t> order;
    std::string prefixes;               // every position's prefix, concatenated
    std::vector<uint32_t> prefix_ends;  // end of position i's prefix in `prefixes`
    std::string_view Prefix(size_t i) const {
      size_t begin = i == 0 ? 0 : prefix_ends[i - 1];
      return std::string_view(prefixes).substr(begin, prefix_ends[i] - begin);
    }
  };

  // The cached shape of an object whose member names are `keys` (document order), added
  // when new; null when shapes are not cached (large objects, or data whose shapes do not
  // repeat). The pointer is valid until the next Find or FindShared.
  const Shape* Find(std::span<const std::string_view> keys, bool java_order);
  // The same, as a shape that stays valid while other shapes are added or evicted.
  std::shared_ptr<const Shape> FindShared(std::span<const std::string_view> keys, bool java_order);

  // The order of `keys` (see ComputeMemberOrder) into *out.
  void Order(std::span<const std::string_view> keys, bool java_order, std::vector<uint32_t>* out);

  // Reusable buffers for the members of an object at nesting `depth`, their names and
  // their order (references stay valid while deeper levels are added: deques).
  std::vector<JsonView>& Members(int depth) { return Level(members_, depth); }
  std::vector<std::string_view>& Keys(int depth) { return Level(keys_, depth); }
  std::vector<uint32_t>& Orders(int depth) { return Level(orders_, depth); }

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  static constexpr size_t kMaxMembers = 64;
  static constexpr size_t kMaxShapes = 32;

  template <typename T>
  static std::vector<T>& Level(std::deque<std::vector<T>>& levels, int depth) {
    if (static_cast<size_t>(depth) >= levels.size()) levels.resize(depth + 1);
    return levels[depth];
  }
  // Index into shapes_ of the shape of `keys`, adding it when new; -1: not cached.
  int FindIndex(std::span<const std::string_view> keys, bool java_order);

  std::vector<std::shared_ptr<const Shape>> shapes_;
  size_t next_victim_ = 0;
  size_t last_hit_ = 0;  // the shape found last (tried first)
  std::deque<std::vector<JsonView>> members_;
  std::deque<std::vector<std::string_view>> keys_;
  std::deque<std::vector<uint32_t>> orders_;
  uint64_t hits_ = 0, misses_ = 0;
  bool enabled_ = true;
};

}  // namespace tributary::format
