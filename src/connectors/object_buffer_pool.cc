#include "connectors/object_buffer_pool.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace tributary::connectors {

std::string ObjectBufferPool::Take(size_t capacity) {
  std::string out;
  if (capacity == 0) return out;
  {
    std::lock_guard lock(mu_);
    ++stats_.taken;
    const size_t none = idle_.size();
    // The smallest that holds `capacity`, else the largest that holds 7/8 of it; never one
    // more than a quarter larger (its pages are resident: memory the object does not need).
    const size_t most = capacity > SIZE_MAX / 2 ? SIZE_MAX : capacity + capacity / 4;
    size_t best = none;
    size_t largest = none;
    for (size_t i = 0; i < idle_.size(); ++i) {
      size_t c = idle_[i].capacity();
      if (c > most) continue;
      if (c >= capacity && (best == none || c < idle_[best].capacity())) best = i;
      if (largest == none || c > idle_[largest].capacity()) largest = i;
    }
    size_t pick = best;
    if (pick == none && largest != none && idle_[largest].capacity() >= capacity - capacity / 8) {
      pick = largest;
    }
    if (pick != none) {
      out = std::move(idle_[pick]);
      if (pick != idle_.size() - 1) idle_[pick] = std::move(idle_.back());
      idle_.pop_back();
      idle_bytes_.fetch_sub(out.capacity(), std::memory_order_relaxed);
      ++stats_.reused;
      return out;
    }
  }
  out.reserve(capacity);
  return out;
}

void ObjectBufferPool::Give(std::string&& buffer) {
  std::string dropped;  // freed outside the lock
  buffer.clear();
  const size_t c = buffer.capacity();
  std::lock_guard lock(mu_);
  if (c < options_.min_capacity || idle_bytes() + c > options_.max_idle_bytes) {
    if (c > std::string().capacity()) ++stats_.dropped;  // an empty string is nothing
    dropped = std::move(buffer);
    return;
  }
  idle_.push_back(std::move(buffer));
  idle_bytes_.fetch_add(c, std::memory_order_relaxed);
  ++stats_.given;
}

uint64_t ObjectBufferPool::Trim(uint64_t keep) {
  std::vector<std::string> freed;  // freed outside the lock
  uint64_t bytes = 0;
  {
    std::lock_guard lock(mu_);
    if (idle_bytes() <= keep) return 0;
    std::sort(idle_.begin(), idle_.end(),
              [](const std::string& a, const std::string& b) { return a.capacity() < b.capacity(); });
    while (!idle_.empty() && idle_bytes() > keep) {
      uint64_t c = idle_.back().capacity();
      freed.push_back(std::move(idle_.back()));
      idle_.pop_back();
      idle_bytes_.fetch_sub(c, std::memory_order_relaxed);
      bytes += c;
    }
    stats_.trimmed_bytes += bytes;
  }
  return bytes;
}

size_t ObjectBufferPool::idle_buffers() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

ObjectBufferPool::Stats ObjectBufferPool::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace tributary::connectors
