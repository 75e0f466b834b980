// The malloc a source connector runs on (see TRIBUTARY_MALLOC in cmake/Dependencies.cmake;
// which one is in use: common/malloc_info.h).
#pragma once

#include <string>

namespace tributary::cli {

// The mimalloc a source connector is re-executed with (see MaybeRunSourceOnMimalloc), or ""
// when this build has none.
std::string SourceMallocPreload();

// A source connector run on its own: re-executes this process (same pid, same arguments)
// with mimalloc preloaded, unless malloc already scales across threads, this build found
// no libmimalloc.so.2, it is not readable, TRIBUTARY_MALLOC=system is set, or it already
// did. glibc's arena locks cost the source's producer path a sixth of its CPU and the
// snapshot a third; the sink stays on glibc's malloc, whose peak RSS is 50-110 MB lower
// (docs/benchmarks.md, "Allocators"). Returns only when it does not re-execute; call it
// before any thread or output exists.
void MaybeRunSourceOnMimalloc();

}  // namespace tributary::cli
