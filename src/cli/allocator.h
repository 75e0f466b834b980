// Which malloc the process runs on (see TRIBUTARY_MALLOC in cmake/Dependencies.cmake).
#pragma once

#include <string>

namespace tributary::cli {

// "mimalloc 2.0.9", or "the C library's malloc"; says so when mimalloc is linked but
// malloc() does not reach it (the executable was linked without it in front of libc).
// Thread-safe; allocates a few bytes to check.
std::string AllocatorDescription();

}  // namespace tributary::cli
