# Snapshot control plane (issue 6): Debezium signals (signal table rows, the Kafka signal
# channel, watermark SQL), progress reporting and the rows/bytes rate limiter.
add_library(tributary_snapshot_control STATIC
  kafka_signal_channel.cc
  progress.cc
  rate_limiter.cc
  signal.cc)
target_link_libraries(tributary_snapshot_control
  PUBLIC tributary_common tributary_config
  PUBLIC tributary_kafka
  PRIVATE nlohmann_json::nlohmann_json fmt::fmt spdlog::spdlog)

tributary_unit_test(snapshot_control_test
  SOURCES signal_test.cc progress_test.cc rate_limiter_test.cc
  LIBS tributary_snapshot_control)

tributary_service_test(snapshot_kafka_signal_service_test
  SOURCES kafka_signal_channel_service_test.cc
  LIBS tributary_snapshot_control tributary_kafka tributary_config)
