# The snapshot state kept in source offsets (the engine itself lives in the MySQL source).
add_library(tributary_snapshot_state STATIC snapshot_state.cc)
target_link_libraries(tributary_snapshot_state PUBLIC tributary_common PRIVATE nlohmann_json::nlohmann_json fmt::fmt)
tributary_unit_test(snapshot_state_test SOURCES snapshot_state_test.cc LIBS tributary_snapshot_state)
