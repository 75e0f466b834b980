#include "connectors/object_buffer_pool.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace tributary::connectors {
namespace {

constexpr size_t kMiB = 1 << 20;

TEST(ObjectBufferPoolTest, AGivenBufferIsTakenAgainWithItsMemory) {
  ObjectBufferPool pool;
  std::string a = pool.Take(4 * kMiB);
  EXPECT_GE(a.capacity(), 4 * kMiB);
  a.assign(3 * kMiB, 'x');
  const char* memory = a.data();
  const size_t capacity = a.capacity();
  pool.Give(std::move(a));
  EXPECT_EQ(pool.idle_bytes(), capacity);
  EXPECT_EQ(pool.idle_buffers(), 1u);

  std::string b = pool.Take(4 * kMiB);
  EXPECT_EQ(b.data(), memory);  // the same allocation, not a new one
  EXPECT_TRUE(b.empty());       // its content is gone
  EXPECT_EQ(b.capacity(), capacity);
  EXPECT_EQ(pool.idle_bytes(), 0u);
  ObjectBufferPool::Stats st = pool.stats();
  EXPECT_EQ(st.taken, 2u);
  EXPECT_EQ(st.reused, 1u);
  EXPECT_EQ(st.given, 1u);
}

TEST(ObjectBufferPoolTest, TakesTheSmallestBufferThatFits) {
  ObjectBufferPool pool;
  std::vector<std::string> bufs;
  for (size_t mib : {8, 2, 4}) bufs.push_back(pool.Take(mib * kMiB));
  for (auto& b : bufs) pool.Give(std::move(b));
  EXPECT_EQ(pool.idle_buffers(), 3u);
  std::string b = pool.Take(3 * kMiB + kMiB / 2);
  EXPECT_GE(b.capacity(), 4 * kMiB);
  EXPECT_LT(b.capacity(), 8 * kMiB);
  // Nothing holds 16 MiB, nor 7/8 of it: a new buffer; the idle ones stay.
  std::string c = pool.Take(16 * kMiB);
  EXPECT_GE(c.capacity(), 16 * kMiB);
  EXPECT_EQ(pool.idle_buffers(), 2u);
  // 7/8 of the request is close enough: the 8 MiB buffer serves 9 MiB.
  std::string d = pool.Take(9 * kMiB);
  EXPECT_GE(d.capacity(), 8 * kMiB);
  EXPECT_LT(d.capacity(), 9 * kMiB);
  EXPECT_EQ(pool.idle_buffers(), 1u);
  // Never more than 5/4 of the request: the 2 MiB buffer does not serve 1.5 MiB.
  std::string e = pool.Take(kMiB + kMiB / 2);
  EXPECT_LT(e.capacity(), 2 * kMiB);
  EXPECT_EQ(pool.idle_buffers(), 1u);
}

TEST(ObjectBufferPoolTest, ZeroTakesNothingFromThePool) {
  ObjectBufferPool pool;
  pool.Give(pool.Take(2 * kMiB));
  std::string s = pool.Take(0);
  EXPECT_EQ(s.capacity(), std::string().capacity());
  EXPECT_EQ(pool.idle_buffers(), 1u);
}

TEST(ObjectBufferPoolTest, IdleBytesAreBoundedAndSmallBuffersFreed) {
  ObjectBufferPool::Options o;
  o.max_idle_bytes = 10 * kMiB;
  o.min_capacity = 1 * kMiB;
  ObjectBufferPool pool(o);
  std::string a = pool.Take(4 * kMiB), b = pool.Take(4 * kMiB), c = pool.Take(4 * kMiB);
  pool.Give(std::move(a));
  pool.Give(std::move(b));
  const uint64_t two = pool.idle_bytes();
  EXPECT_LE(two, o.max_idle_bytes);
  pool.Give(std::move(c));  // past the bound: freed
  EXPECT_EQ(pool.idle_bytes(), two);
  std::string small(1000, 'x');
  pool.Give(std::move(small));  // too small to keep
  EXPECT_EQ(pool.idle_buffers(), 2u);
  EXPECT_EQ(pool.stats().dropped, 2u);
}

TEST(ObjectBufferPoolTest, TrimFreesLargestFirstDownToTheBudget) {
  ObjectBufferPool pool;
  std::vector<std::string> bufs;
  for (size_t mib : {1, 2, 4, 8}) bufs.push_back(pool.Take(mib * kMiB));
  uint64_t total = 0;
  for (auto& b : bufs) {
    total += b.capacity();
    pool.Give(std::move(b));
  }
  EXPECT_EQ(pool.idle_bytes(), total);
  EXPECT_EQ(pool.Trim(total), 0u);  // within: nothing freed
  uint64_t freed = pool.Trim(5 * kMiB);
  EXPECT_LE(pool.idle_bytes(), 5 * kMiB);
  EXPECT_EQ(pool.idle_bytes() + freed, total);
  // The 8 and 4 MiB buffers went; the small ones stay.
  EXPECT_EQ(pool.idle_buffers(), 2u);
  EXPECT_LT(pool.idle_bytes(), 4 * kMiB);
  EXPECT_EQ(pool.stats().trimmed_bytes, freed);
  pool.Trim(0);
  EXPECT_EQ(pool.idle_bytes(), 0u);
  EXPECT_EQ(pool.idle_buffers(), 0u);
}

TEST(ObjectBufferPoolTest, TakeAndGiveFromManyThreadsKeepTheCount) {
  ObjectBufferPool::Options o;
  o.max_idle_bytes = 64 * kMiB;
  o.min_capacity = 1;
  ObjectBufferPool pool(o);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&pool, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string b = pool.Take(static_cast<size_t>(4096 * (1 + (i + t) % 7)));
        b.append(100, 'x');
        pool.Give(std::move(b));
        if (i % 97 == 0) pool.Trim(16 * 4096);
      }
    });
  }
  for (auto& th : threads) th.join();
  // idle_bytes() is the sum of what the pool holds.
  uint64_t held = pool.idle_bytes();
  EXPECT_GT(pool.idle_buffers(), 0u);
  uint64_t freed = pool.Trim(0);
  EXPECT_EQ(freed, held);
  EXPECT_EQ(pool.idle_bytes(), 0u);
  EXPECT_GT(pool.stats().reused, 0u);
}

}  // namespace
}  // namespace tributary::connectors
