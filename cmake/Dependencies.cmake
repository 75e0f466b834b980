# Every third-party library comes from a Debian 12 package (scripts/install-deps.sh), except
# librdkafka: see below.
# Targets are found once here; parts of src/ link only what they use.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(CURL REQUIRED)
find_package(zstd REQUIRED)
find_package(simdjson REQUIRED)

pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
# librdkafka: a pinned upstream release built once by scripts/deps/librdkafka.sh into the
# cache and linked statically (Debian 12's 2.0.2 stalls a busy consumer for up to a second
# whenever its prefetch queue fills, and Kafka 4 refuses its SCRAM logins).
# -DTRIBUTARY_SYSTEM_RDKAFKA=ON links the system's instead (pkg-config rdkafka).
set(TRIBUTARY_RDKAFKA_VERSION 2.12.1)
if(DEFINED ENV{TRIBUTARY_CACHE})
  set(_tributary_cache "$ENV{TRIBUTARY_CACHE}")
else()
  set(_tributary_cache "$ENV{HOME}/.cache/tributary")
endif()
set(TRIBUTARY_RDKAFKA_PREFIX "${_tributary_cache}/librdkafka-${TRIBUTARY_RDKAFKA_VERSION}"
    CACHE PATH "Where scripts/deps/librdkafka.sh installed librdkafka")
option(TRIBUTARY_SYSTEM_RDKAFKA "Link the system's librdkafka (pkg-config rdkafka)" OFF)
add_library(tributary_rdkafka INTERFACE)
if(TRIBUTARY_SYSTEM_RDKAFKA)
  pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
  if(RDKAFKA_VERSION VERSION_LESS 2.1)
    message(WARNING "librdkafka ${RDKAFKA_VERSION}: before 2.1 a busy consumer stalls whenever "
                    "its prefetch queue fills (the S3 sink runs at about half speed)")
  endif()
  target_link_libraries(tributary_rdkafka INTERFACE PkgConfig::RDKAFKA)
else()
  if(NOT EXISTS "${TRIBUTARY_RDKAFKA_PREFIX}/lib/librdkafka.a")
    message(FATAL_ERROR "librdkafka ${TRIBUTARY_RDKAFKA_VERSION} is not built in "
                        "${TRIBUTARY_RDKAFKA_PREFIX}: run scripts/install-deps.sh (or "
                        "scripts/deps/librdkafka.sh), or configure with "
                        "-DTRIBUTARY_SYSTEM_RDKAFKA=ON")
  endif()
  find_library(SASL2_LIBRARY NAMES sasl2 REQUIRED)
  add_library(tributary_rdkafka_static STATIC IMPORTED)
  set_target_properties(tributary_rdkafka_static PROPERTIES
    IMPORTED_LOCATION "${TRIBUTARY_RDKAFKA_PREFIX}/lib/librdkafka.a"
    INTERFACE_INCLUDE_DIRECTORIES "${TRIBUTARY_RDKAFKA_PREFIX}/include"
    INTERFACE_COMPILE_DEFINITIONS LIBRDKAFKA_STATICLIB)
  target_link_libraries(tributary_rdkafka INTERFACE tributary_rdkafka_static OpenSSL::SSL
    OpenSSL::Crypto ZLIB::ZLIB zstd::libzstd_shared PkgConfig::LZ4 ${SASL2_LIBRARY}
    Threads::Threads ${CMAKE_DL_LIBS} m rt)
endif()
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)  # fast CRC32 of binlog events
find_library(SNAPPY_LIBRARY NAMES snappy REQUIRED)

if(TRIBUTARY_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(TRIBUTARY_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# malloc of the tributary binary: the C library's by default, with mimalloc preloaded for a
# source connector (below); -DTRIBUTARY_MALLOC=mimalloc links Debian's libmimalloc-dev for
# every command. glibc's
# malloc serialises the source's producer path: librdkafka allocates a record and its
# headers on one thread and frees them on the delivery thread, and both wait on one arena
# lock. Measured (docs/benchmarks.md, "Allocators"): mimalloc cuts the source's CPU by a
# sixth and the snapshot's by a third, but raises the S3 sink's peak RSS by 50-110 MB (over
# its 256 MB target with 100 partitions), so the sink keeps glibc's. Sanitizer and fuzz
# builds keep the C library's malloc (their runtimes replace it).
set(TRIBUTARY_MALLOC "system" CACHE STRING "malloc of the tributary binary: system or mimalloc")
set_property(CACHE TRIBUTARY_MALLOC PROPERTY STRINGS mimalloc system)
add_library(tributary_malloc INTERFACE)
if(TRIBUTARY_MALLOC STREQUAL "mimalloc" AND NOT TRIBUTARY_SANITIZE AND NOT TRIBUTARY_FUZZ)
  find_package(mimalloc 2.0 CONFIG)
  if(NOT mimalloc_FOUND)
    message(FATAL_ERROR "mimalloc not found: run scripts/install-deps.sh (libmimalloc-dev), or "
                        "configure with -DTRIBUTARY_MALLOC=system")
  endif()
  # The shared library: linked into the executable it replaces malloc for every library in
  # the process (libmariadb, librdkafka, OpenSSL), not only for our own code.
  target_link_libraries(tributary_malloc INTERFACE mimalloc)
elseif(NOT TRIBUTARY_MALLOC STREQUAL "system" AND NOT TRIBUTARY_MALLOC STREQUAL "mimalloc")
  message(FATAL_ERROR "TRIBUTARY_MALLOC=${TRIBUTARY_MALLOC}: use mimalloc or system")
elseif(NOT TRIBUTARY_SANITIZE AND NOT TRIBUTARY_FUZZ)
  # system: a source connector run on its own re-executes itself with this library
  # preloaded (cli/allocator.h), so sources get mimalloc and sinks keep glibc's malloc.
  find_library(TRIBUTARY_MIMALLOC_RUNTIME NAMES libmimalloc.so.2)
  if(TRIBUTARY_MIMALLOC_RUNTIME)
    target_compile_definitions(tributary_malloc INTERFACE
      TRIBUTARY_MIMALLOC_PRELOAD="${TRIBUTARY_MIMALLOC_RUNTIME}")
  else()
    message(STATUS "libmimalloc.so.2 not found: source connectors run on glibc's malloc "
                   "(scripts/install-deps.sh installs libmimalloc-dev)")
  endif()
endif()
