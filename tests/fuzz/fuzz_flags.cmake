# Compiler flags of the fuzz build (-DTRIBUTARY_FUZZ=ON), included by the top-level
# CMakeLists.txt before src/ so that the libraries under test carry the coverage and
# sanitizer instrumentation too. scripts/fuzz.sh configures this build in build/fuzz.
#
# Why clang >= 16: libstdc++ 12 only declares std::expected (our Result<T>) when
# __cpp_concepts >= 202002L. clang-14 and 15 lack conditionally trivial special members
# (P0848) and cannot compile <expected> at all; clang 16 to 18 implement P0848 but still
# advertise 201907L, so for them the macro is raised by hand; clang 19 advertises 202002L.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
  message(FATAL_ERROR
    "TRIBUTARY_FUZZ needs clang >= 16 with libFuzzer (Debian 12: apt-get install clang-19 "
    "libclang-rt-19-dev), configured with -DCMAKE_C_COMPILER=clang-19 "
    "-DCMAKE_CXX_COMPILER=clang++-19; this is ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}. "
    "clang-14 cannot compile libstdc++ 12's <expected>.")
endif()

# Coverage for libFuzzer everywhere; libFuzzer's main() only in the fuzz targets
# (tests/fuzz/CMakeLists.txt links them with -fsanitize=fuzzer).
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                    -fno-sanitize-recover=undefined -g)
add_link_options(-fsanitize=address,undefined)

if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 19)
  add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:-Wno-builtin-macro-redefined;-U__cpp_concepts;-D__cpp_concepts=202002L>")
endif()
