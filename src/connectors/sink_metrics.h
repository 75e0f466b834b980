// SinkMetrics: the S3 sink connector's series in the metrics endpoint's registry
// (docs/metrics.md): records consumed / written / skipped, objects and bytes uploaded,
// upload retries, offset commits.
//
// Published from the task's own thread: S3SinkTask's poll loop calls Publish with the
// task's SinkTaskStats when Due() (at most once a second; the loop polls at least every
// poll timeout, so an idle sink publishes too). The per-record path is untouched.
//
// Lifetime: the endpoint must outlive this object, which must outlive the task's Run().
// Threading: Due / Publish on the task's thread; scrapes on the endpoint's.
#pragma once

#include <chrono>

#include "connectors/s3_sink.h"
#include "server/metrics_endpoint.h"

namespace tributary::connectors {

class SinkMetrics {
 public:
  explicit SinkMetrics(server::MetricsEndpoint& endpoint);
  SinkMetrics(const SinkMetrics&) = delete;
  SinkMetrics& operator=(const SinkMetrics&) = delete;

  // True when a second passed since the last Publish.
  bool Due(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) const {
    return now - last_ >= std::chrono::seconds(1);
  }
  void Publish(const SinkTaskStats& stats);

 private:
  std::chrono::steady_clock::time_point last_{};
  server::Counter& records_;
  server::Counter& written_;
  server::Counter& skipped_;
  server::Counter& dead_lettered_;
  server::Counter& objects_;
  server::Counter& bytes_;
  server::Counter& commits_;
  server::Counter& spills_;
  server::Counter& upload_retries_;
  server::Counter& upload_waits_;
  server::Gauge& last_publish_;
};

}  // namespace tributary::connectors
