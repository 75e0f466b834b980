# Sink records, record values and the JSON / CSV object formats (no I/O).
add_library(tributary_sink_formats STATIC
  ${CMAKE_CURRENT_LIST_DIR}/record_value.cc
  ${CMAKE_CURRENT_LIST_DIR}/gzip_stream.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_lines_format.cc
  ${CMAKE_CURRENT_LIST_DIR}/member_order_cache.cc
  ${CMAKE_CURRENT_LIST_DIR}/schemaless_json_transcoder.cc
  ${CMAKE_CURRENT_LIST_DIR}/csv_format.cc)
target_link_libraries(tributary_sink_formats
  PUBLIC tributary_common tributary_config
  PRIVATE simdjson::simdjson ZLIB::ZLIB)

tributary_unit_test(sink_formats_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/record_value_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/json_lines_format_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/schemaless_json_transcoder_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/csv_format_test.cc
  LIBS tributary_sink_formats)
if(TRIBUTARY_BUILD_TESTS)
  # Golden files made with Kafka's JsonConverter + Jackson (testdata/confluent_json/Golden.java).
  target_compile_definitions(sink_formats_test PRIVATE
    TRIBUTARY_FORMAT_TESTDATA="${CMAKE_CURRENT_LIST_DIR}/testdata")
endif()
