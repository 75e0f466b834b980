#include "connectors/signal_stopper.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <utility>

namespace tributary::connectors {

SignalStopper::SignalStopper(std::function<void(int)> on_signal)
    : on_signal_(std::move(on_signal)) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
  watcher_ = std::jthread([this](std::stop_token st) {
    while (!st.stop_requested()) {
      timespec timeout{1, 0};
      int sig = sigtimedwait(&set_, nullptr, &timeout);
      // The destructor's own wake-up (a SIGTERM to this thread after the stop request).
      if (st.stop_requested()) break;
      if (sig == SIGINT || sig == SIGTERM) {
        spdlog::info("signal {} received: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
        if (on_signal_) on_signal_(sig);
        stop_.request_stop();
      }
    }
  });
}

SignalStopper::~SignalStopper() {
  watcher_.request_stop();
  // Wakes sigtimedwait now rather than at its timeout (a run used to end up to 200 ms
  // after its work). The signal is blocked in every thread and taken by the watcher, which
  // sees the stop request and ignores it.
  pthread_kill(watcher_.native_handle(), SIGTERM);
  watcher_.join();
  // A SIGINT/SIGTERM that came after the watcher's last wait would take its default action
  // (exit 143 after a clean stop) once unblocked: the run is ending anyway, drop it.
  timespec none{0, 0};
  while (sigtimedwait(&set_, nullptr, &none) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

}  // namespace tributary::connectors
