// Which malloc the process runs on: the C library's, or one that scales across threads
// (mimalloc linked with -DTRIBUTARY_MALLOC=mimalloc or preloaded, jemalloc, tcmalloc).
#pragma once

#include <string>

namespace tributary {

// Thread-safe; looks the allocators' own entry points up once.
bool MallocScalesAcrossThreads();

// "mimalloc 2.0.9", "jemalloc", "tcmalloc" or "the C library's malloc".
std::string MallocName();

}  // namespace tributary
