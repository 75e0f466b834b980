#include "connectors/signal_stopper.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace tributary::connectors {
namespace {

using namespace std::chrono_literals;

TEST(SignalStopperTest, SigtermRequestsTheStopAndCallsBack) {
  std::atomic<int> got{0};
  auto stopper = std::make_unique<SignalStopper>([&](int sig) { got = sig; });
  std::stop_token token = stopper->token();
  ASSERT_FALSE(token.stop_requested());
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);  // blocked here, taken by the watcher
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!token.stop_requested() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(token.stop_requested());
  EXPECT_EQ(got.load(), SIGTERM);
  stopper.reset();
}

TEST(SignalStopperTest, EndsAtOnceWithoutASignalAndRestoresTheMask) {
  sigset_t before;
  pthread_sigmask(SIG_BLOCK, nullptr, &before);
  ASSERT_FALSE(sigismember(&before, SIGINT));
  auto t0 = std::chrono::steady_clock::now();
  {
    SignalStopper stopper;
    sigset_t during;
    pthread_sigmask(SIG_BLOCK, nullptr, &during);
    EXPECT_TRUE(sigismember(&during, SIGINT));
    EXPECT_TRUE(sigismember(&during, SIGTERM));
    std::this_thread::sleep_for(10ms);  // the watcher is inside sigtimedwait
    EXPECT_FALSE(stopper.token().stop_requested());
  }
  // Its wait is 1 s; the destructor wakes it (a run used to end up to 200 ms late).
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
  sigset_t after;
  pthread_sigmask(SIG_BLOCK, nullptr, &after);
  EXPECT_FALSE(sigismember(&after, SIGINT));
  EXPECT_FALSE(sigismember(&after, SIGTERM));
}

}  // namespace
}  // namespace tributary::connectors
