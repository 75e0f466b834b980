#include "cli/allocator.h"

#include <spdlog/spdlog.h>
#include <sys/prctl.h>
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
  if (const char* name = std::getenv("TRIBUTARY_MALLOC_REEXEC"); name != nullptr) {
    // Once only. The kernel named this process after the file executed, "exe": it gets
    // back the name it had (ps, top and perf show it).
    if (*name != '\0') ::prctl(PR_SET_NAME, name, 0, 0, 0);
    return;
  }
  const std::string library = SourceMallocPreload();
  if (library.empty() || MallocScalesAcrossThreads()) return;
  const char* choice = std::getenv("TRIBUTARY_MALLOC");
  if (choice != nullptr && std::string_view(choice) == "system") return;
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
  std::string comm;
  {
    std::ifstream in("/proc/self/comm");
    std::getline(in, comm);
  }
  ::setenv("TRIBUTARY_MALLOC_REEXEC", comm.c_str(), 1);
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
