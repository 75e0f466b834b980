#include "common/malloc_info.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cstdlib>

namespace tributary {
namespace {

struct Probe {
  std::string name = "the C library's malloc";
  bool scales = false;
};

// The allocators are found by a symbol only they define, whether linked or preloaded
// (LD_PRELOAD=libmimalloc.so.2): no link dependency on any of them.
Probe Detect() {
  Probe p;
  void* v = dlsym(RTLD_DEFAULT, "mi_version");
  void* in_heap = dlsym(RTLD_DEFAULT, "mi_is_in_heap_region");
  if (v != nullptr && in_heap != nullptr) {
    int version = reinterpret_cast<int (*)()>(v)();  // 209 for 2.0.9
    // Present is not enough: malloc() must reach it (a mimalloc loaded after libc is not
    // the process's malloc).
    void* block = std::malloc(64);
    const bool serves = reinterpret_cast<bool (*)(const void*)>(in_heap)(block);
    std::free(block);
    p.name = fmt::format("mimalloc {}.{}.{}", version / 100, version / 10 % 10, version % 10);
    if (!serves) p.name += " (loaded, but malloc() is the C library's)";
    p.scales = serves;
  } else if (dlsym(RTLD_DEFAULT, "mallctl") != nullptr) {
    p.name = "jemalloc";
    p.scales = true;
  } else if (dlsym(RTLD_DEFAULT, "tc_malloc") != nullptr) {
    p.name = "tcmalloc";
    p.scales = true;
  }
  return p;
}

const Probe& Get() {
  static const Probe probe = Detect();
  return probe;
}

}  // namespace

bool MallocScalesAcrossThreads() { return Get().scales; }
std::string MallocName() { return Get().name; }

}  // namespace tributary
