#include "connectors/sink_metrics.h"

namespace tributary::connectors {
namespace {

server::Counter& C(server::MetricsEndpoint& e, const char* name, const char* help) {
  return e.registry().GetCounter(name, help, {{"connector", e.connector()}});
}

}  // namespace

SinkMetrics::SinkMetrics(server::MetricsEndpoint& e)
    : records_(C(e, "tributary_sink_records_consumed_total", "Records consumed from Kafka.")),
      written_(C(e, "tributary_sink_records_written_total", "Records written into objects.")),
      skipped_(C(e, "tributary_sink_records_skipped_total",
                 "Records skipped: ignored nulls and tolerated errors.")),
      dead_lettered_(C(e, "tributary_sink_records_dead_lettered_total",
                       "Records sent to the dead letter queue topic.")),
      objects_(C(e, "tributary_sink_objects_written_total", "Objects uploaded to the store.")),
      bytes_(C(e, "tributary_sink_bytes_written_total", "Object bytes uploaded to the store.")),
      commits_(C(e, "tributary_sink_offset_commits_total", "Kafka offset commits.")),
      spills_(C(e, "tributary_sink_spills_total",
                "Open objects cut early to stay within the memory budget.")),
      upload_retries_(C(e, "tributary_sink_upload_retries_total",
                        "Uploads (or parts) that failed and were retried.")),
      upload_waits_(C(e, "tributary_sink_upload_waits_total",
                      "Times the task waited for uploads (memory budget full).")),
      last_publish_(
          e.registry().GetGauge("tributary_sink_last_publish_timestamp_seconds",
                                "Unix time of the last figures published by the sink's poll loop.",
                                {{"connector", e.connector()}})) {}

void SinkMetrics::Publish(const SinkTaskStats& s) {
  last_ = std::chrono::steady_clock::now();
  records_.Set(s.records);
  written_.Set(s.written);
  skipped_.Set(s.skipped);
  dead_lettered_.Set(s.dead_lettered);
  objects_.Set(s.objects);
  bytes_.Set(s.bytes);
  commits_.Set(s.commits);
  spills_.Set(s.spills);
  upload_retries_.Set(s.upload_retries);
  upload_waits_.Set(s.upload_waits);
  last_publish_.Set(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace tributary::connectors
