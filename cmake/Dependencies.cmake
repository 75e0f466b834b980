# Every third-party library comes from a Debian 12 package (scripts/install-deps.sh).
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
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)  # fast CRC32 of binlog events
find_library(SNAPPY_LIBRARY NAMES snappy REQUIRED)

if(TRIBUTARY_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(TRIBUTARY_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
