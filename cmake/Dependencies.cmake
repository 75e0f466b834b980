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
