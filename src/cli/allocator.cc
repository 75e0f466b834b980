#include "cli/allocator.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

#include "common/malloc_info.h"

namespace tributary::cli {

std::string SourceMallocPreload() {
#ifdef TRIBUTARY_MIMALLOC_PRELOAD
  return TRIBUTARY_MIMALLOC_PRELOAD;
#else
  return "";
#endif
}

void MaybeRunSourceOnMimalloc() {
  const std::string library = SourceMallocPreload();
  if (library.empty() || MallocScalesAcrossThreads()) return;
  const char* choice = std::getenv("TRIBUTARY_MALLOC");
  if (choice != nullptr && std::string_view(choice) == "system") return;
  if (std::getenv("TRIBUTARY_MALLOC_REEXEC") != nullptr) return;  // once only
  if (::access(library.c_str(), R_OK) != 0) return;
  std::string cmdline;
  {
    // Closed before execv: the stream's descriptor is not close-on-exec.
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    cmdline.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::vector<std::string> args;
  for (size_t start = 0; start < cmdline.size();) {
    size_t end = cmdline.find('\0', start);
    if (end == std::string::npos) end = cmdline.size();
    args.emplace_back(cmdline, start, end - start);
    start = end + 1;
  }
  if (args.empty()) return;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const char* old = std::getenv("LD_PRELOAD");
  const std::string previous = old != nullptr ? old : "";
  const std::string preload = previous.empty() ? library : library + ":" + previous;
  ::setenv("LD_PRELOAD", preload.c_str(), 1);
  ::setenv("TRIBUTARY_MALLOC_REEXEC", "1", 1);
  std::fflush(stdout);
  std::fflush(stderr);
  ::execv("/proc/self/exe", argv.data());
  // Not re-executed: go on with this malloc.
  if (old != nullptr) {
    ::setenv("LD_PRELOAD", previous.c_str(), 1);
  } else {
    ::unsetenv("LD_PRELOAD");
  }
  ::unsetenv("TRIBUTARY_MALLOC_REEXEC");
  spdlog::debug("running on {}: re-executing with {} failed", MallocName(), library);
}

}  // namespace tributary::cli
