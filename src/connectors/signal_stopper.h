// SIGINT/SIGTERM as a stop request for a connector run.
#pragma once

#include <signal.h>

#include <functional>
#include <stop_token>
#include <thread>

namespace tributary::connectors {

// Blocks SIGINT and SIGTERM in the constructing thread (and so in every thread it starts
// afterwards: construct it before any client thread exists) and takes them in a watcher
// thread, which calls `on_signal` (if given) and requests the stop. The destructor wakes
// the watcher at once, joins it and restores the signal mask. Not copyable; one per run.
class SignalStopper {
 public:
  explicit SignalStopper(std::function<void(int signal)> on_signal = {});
  ~SignalStopper();
  SignalStopper(const SignalStopper&) = delete;
  SignalStopper& operator=(const SignalStopper&) = delete;

  std::stop_token token() const { return stop_.get_token(); }

 private:
  sigset_t set_{};
  sigset_t old_{};
  std::function<void(int)> on_signal_;
  std::stop_source stop_;
  std::jthread watcher_;
};

}  // namespace tributary::connectors
