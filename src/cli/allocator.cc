#include "cli/allocator.h"

#include <fmt/format.h>

#include <cstdlib>

#if TRIBUTARY_WITH_MIMALLOC
#include <mimalloc.h>
#endif

namespace tributary::cli {

std::string AllocatorDescription() {
#if TRIBUTARY_WITH_MIMALLOC
  const int v = mi_version();  // 209 for 2.0.9
  void* p = std::malloc(64);
  const bool overridden = mi_is_in_heap_region(p);
  std::free(p);
  return fmt::format("mimalloc {}.{}.{}{}", v / 100, v / 10 % 10, v % 10,
                     overridden ? "" : " (linked, but malloc() is the C library's)");
#else
  return "the C library's malloc";
#endif
}

}  // namespace tributary::cli
