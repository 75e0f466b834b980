#include "format/member_order_cache.h"

#include <algorithm>

#include "format/json_lines_format.h"

namespace tributary::format {

void ComputeMemberOrder(std::span<const std::string_view> keys, bool java_order,
                        std::vector<uint32_t>* order) {
  order->clear();
  for (uint32_t i = 0; i < keys.size(); ++i) {
    bool replaced = false;
    for (uint32_t& m : *order) {
      if (keys[m] == keys[i]) {
        m = i;
        replaced = true;
        break;
      }
    }
    if (!replaced) order->push_back(i);
  }
  if (!java_order || order->size() < 2) return;
  size_t capacity = 16;
  while (order->size() > capacity * 3 / 4) capacity *= 2;
  std::vector<std::pair<uint32_t, uint32_t>> keyed;  // (bucket, position in *order)
  keyed.reserve(order->size());
  for (uint32_t i = 0; i < order->size(); ++i) {
    uint32_t h = static_cast<uint32_t>(JavaStringHash(keys[(*order)[i]]));
    h ^= h >> 16;
    keyed.emplace_back(h & static_cast<uint32_t>(capacity - 1), i);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<uint32_t> sorted;
  sorted.reserve(order->size());
  for (const auto& [bucket, i] : keyed) sorted.push_back((*order)[i]);
  *order = std::move(sorted);
}

namespace {

bool SameKeys(const MemberOrderCache::Shape& shape, std::span<const std::string_view> keys) {
  if (shape.keys.size() != keys.size()) return false;
  for (size_t i = 0; i < keys.size(); ++i) {
    // Member names are short: a byte loop beats a call to memcmp.
    const std::string& k = shape.keys[i];
    if (k.size() != keys[i].size()) return false;
    const char* a = k.data();
    const char* b = keys[i].data();
    for (size_t j = 0; j < k.size(); ++j) {
      if (a[j] != b[j]) return false;
    }
  }
  return true;
}

}  // namespace

int MemberOrderCache::FindIndex(std::span<const std::string_view> keys, bool java_order) {
  if (!enabled_ || keys.size() > kMaxMembers) return -1;
  // Shapes of a record alternate (envelope, row, source): try the last hit first, then
  // every shape.
  if (last_hit_ < shapes_.size()) {
    const Shape& s = *shapes_[last_hit_];
    if (s.java_order == java_order && SameKeys(s, keys)) {
      ++hits_;
      return static_cast<int>(last_hit_);
    }
  }
  for (size_t i = 0; i < shapes_.size(); ++i) {
    const Shape& s = *shapes_[i];
    if (s.java_order == java_order && SameKeys(s, keys)) {
      ++hits_;
      last_hit_ = i;
      return static_cast<int>(i);
    }
  }
  ++misses_;
  if (misses_ > 4096 && misses_ > hits_) {  // shapes do not repeat
    enabled_ = false;
    return -1;
  }
  auto shape = std::make_shared<Shape>();
  shape->java_order = java_order;
  shape->keys.assign(keys.begin(), keys.end());
  ComputeMemberOrder(keys, java_order, &shape->order);
  for (size_t i = 0; i < shape->order.size(); ++i) {
    if (i > 0) shape->prefixes.push_back(',');
    AppendJacksonString(keys[shape->order[i]], &shape->prefixes);
    shape->prefixes.push_back(':');
    shape->prefix_ends.push_back(static_cast<uint32_t>(shape->prefixes.size()));
  }
  size_t at;
  if (shapes_.size() < kMaxShapes) {
    at = shapes_.size();
    shapes_.push_back(std::move(shape));
  } else {
    next_victim_ = (next_victim_ + 1) % kMaxShapes;
    at = next_victim_;
    shapes_[at] = std::move(shape);
  }
  last_hit_ = at;
  return static_cast<int>(at);
}

const MemberOrderCache::Shape* MemberOrderCache::Find(std::span<const std::string_view> keys,
                                                      bool java_order) {
  int i = FindIndex(keys, java_order);
  return i < 0 ? nullptr : shapes_[static_cast<size_t>(i)].get();
}

std::shared_ptr<const MemberOrderCache::Shape> MemberOrderCache::FindShared(
    std::span<const std::string_view> keys, bool java_order) {
  int i = FindIndex(keys, java_order);
  return i < 0 ? nullptr : shapes_[static_cast<size_t>(i)];
}

void MemberOrderCache::Order(std::span<const std::string_view> keys, bool java_order,
                             std::vector<uint32_t>* out) {
  if (const Shape* shape = Find(keys, java_order)) {
    *out = shape->order;
    return;
  }
  ComputeMemberOrder(keys, java_order, out);
}

}  // namespace tributary::format
