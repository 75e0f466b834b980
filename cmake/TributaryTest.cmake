# tributary_unit_test(NAME SOURCES... LIBS ...)
# One GoogleTest binary per part of src/, every test case registered with ctest under
# the label `unit`. Discovery runs before the tests (not at build time) so a sanitizer
# build does not execute test binaries while compiling.
#
# tributary_service_test(NAME SOURCES... LIBS ...)
# A GoogleTest binary that talks to the real local services (MariaDB, Kafka, S3) started by
# scripts/services.sh; registered under the label `services`, which scripts/test.sh runs
# after the services are up (with build/services/env.sh exported). Each test must create
# its own databases, topics and object prefixes so runs never collide.
include(GoogleTest)

function(_tributary_gtest name label)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT TRIBUTARY_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS ${label}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endfunction()

function(tributary_unit_test name)
  _tributary_gtest(${name} unit ${ARGN})
endfunction()

function(tributary_service_test name)
  _tributary_gtest(${name} services ${ARGN})
endfunction()
