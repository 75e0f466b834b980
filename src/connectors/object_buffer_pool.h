// ObjectBufferPool: the byte buffers of the sink's lake objects, reused from one object
// to the next instead of being allocated, page-faulted, zeroed and grown again for each.
//
// A buffer is a std::string whose capacity is what is reused. The task takes one when an
// object opens (FileBuilder::Begin), sized from the last object of the same partition so
// that it does not grow by copying; the upload worker gives it back once the object is
// uploaded. Idle buffers are memory the process holds: idle_bytes() counts against the
// sink's budget (`tributary.sink.memory.bytes`) with the open and uploading objects, and
// Trim() frees idle buffers first when the budget is exceeded. Give() itself frees a
// buffer that would take the idle bytes past `max_idle_bytes`, and buffers smaller than
// `min_capacity` (not worth keeping: malloc serves them from its heap anyway).
//
// Why not malloc: glibc keeps freed blocks below its mmap threshold in the heap, which
// reuses them fast but keeps their pages resident without bound; the sink sets the
// threshold to 1 MiB so that object buffers are returned to the system when freed, which
// costs a page fault and a zeroed page for every 4 KiB of every object. The pool keeps a
// bounded, counted set of buffers instead.
//
// Ownership: the pool owns its idle buffers; a taken buffer belongs to the taker.
// Threading: every method may be called from any thread (Take on the task's thread, Give
// on upload workers); idle_bytes() is a lock-free read.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace tributary::connectors {

class ObjectBufferPool {
 public:
  struct Options {
    // Idle bytes (capacities) kept at most; a buffer given back beyond it is freed.
    uint64_t max_idle_bytes = 64ull << 20;
    // Buffers with a smaller capacity are freed when given back.
    size_t min_capacity = 256u << 10;
  };

  struct Stats {
    uint64_t taken = 0;          // Take() calls
    uint64_t reused = 0;         // ... served from an idle buffer
    uint64_t given = 0;          // Give() calls with a buffer kept
    uint64_t dropped = 0;        // buffers freed by Give() (too small, or pool full)
    uint64_t trimmed_bytes = 0;  // capacity freed by Trim()
  };

  ObjectBufferPool() : ObjectBufferPool(Options{}) {}
  explicit ObjectBufferPool(Options options) : options_(options) {}
  ObjectBufferPool(const ObjectBufferPool&) = delete;
  ObjectBufferPool& operator=(const ObjectBufferPool&) = delete;

  // An empty buffer for about `capacity` bytes: the smallest idle buffer holding at least
  // that much, else the largest idle one holding 7/8 of it, never one of more than 5/4 of
  // `capacity`; else a new one reserved to `capacity` (idle buffers that do not fit stay
  // for other requests, or Trim). 0: an empty string, nothing taken from the pool.
  std::string Take(size_t capacity);
  // Takes back a buffer the caller no longer needs (its content is dropped).
  void Give(std::string&& buffer);
  // Frees idle buffers, largest first, until idle_bytes() <= `keep`. Returns bytes freed.
  uint64_t Trim(uint64_t keep);

  // Sum of the idle buffers' capacities.
  uint64_t idle_bytes() const { return idle_bytes_.load(std::memory_order_relaxed); }
  size_t idle_buffers() const;
  Stats stats() const;
  const Options& options() const { return options_; }

 private:
  const Options options_;
  mutable std::mutex mu_;
  std::vector<std::string> idle_;  // guarded by mu_, in no particular order
  std::atomic<uint64_t> idle_bytes_{0};
  Stats stats_;  // guarded by mu_
};

}  // namespace tributary::connectors
