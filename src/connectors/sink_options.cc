#include "connectors/sink_options.h"

#include <fmt/format.h>

#include "config/connector_config.h"
#include "connectors/sink_headers.h"
#include "connectors/sink_parquet_format.h"
#include "format/csv_format.h"
#include "format/json_lines_format.h"
#include "lake/layout/time_zone.h"

namespace tributary::connectors {
namespace {

std::string_view SimpleClassName(std::string_view cls) {
  size_t dot = cls.rfind('.');
  return dot == std::string_view::npos ? cls : cls.substr(dot + 1);
}

}  // namespace

Result<SinkOptions> SinkOptions::FromConfig(const config::ConnectorConfig& config) {
  SinkOptions o;
  o.name = config.name;
  if (!config.GetString("topics.regex").empty()) {
    std::string re = config.GetString("topics.regex");
    o.topics.push_back(re.starts_with("^") ? re : "^" + re);
  } else {
    o.topics = config.GetList("topics");
  }
  if (o.topics.empty()) {
    return Error(Status::InvalidArgument("the sink needs `topics` or `topics.regex`"));
  }

  o.null_behavior_defaulted = !config.IsExplicit("behavior.on.null.values");
  if (!o.null_behavior_defaulted) {
    std::string b = config.GetString("behavior.on.null.values");
    o.null_behavior = b == "fail" ? NullBehavior::kFail
                      : b == "write" ? NullBehavior::kWrite
                                     : NullBehavior::kIgnore;
  }
  o.store_keys = config.GetBool("store.kafka.keys");
  o.store_headers = config.GetBool("store.kafka.headers");
  if (config.Has("report.null.values.to.dlq")) {
    o.report_nulls_to_dlq = config.GetBool("report.null.values.to.dlq");
  }
  if (config.GetBool("s3.object.tagging")) {
    auto tagging = ObjectTagging::Parse(config.GetList("s3.object.tagging.key.value.pairs"),
                                        config.GetString("s3.object.behavior.on.tagging.error"));
    if (!tagging) return Error(tagging.error());
    o.tagging = std::make_shared<const ObjectTagging>(std::move(*tagging));
  }
  o.tolerate_errors = config.GetString("errors.tolerance") == "all";
  o.dlq_topic = config.GetString("errors.deadletterqueue.topic.name");
  o.dlq_context_headers = config.GetBool("errors.deadletterqueue.context.headers.enable");
  o.log_errors = config.GetBool("errors.log.enable");

  o.names = lake::ObjectNameOptions::FromConfig(config);
  auto partitioner = lake::PartitionerOptions::FromConfig(config);
  if (!partitioner) return Error(partitioner.error());
  o.partitioner = std::move(*partitioner);
  std::shared_ptr<const lake::TimeZone> zone = lake::TimeZone::Utc();
  if (!config.GetString("timezone").empty()) {
    auto z = lake::TimeZone::Load(config.GetString("timezone"));
    if (!z) return Error(z.error().WithContext("timezone"));
    zone = *z;
  }
  o.rotation = lake::RotationOptions::FromConfig(config, zone);
  if (config.Has("tributary.max.object.bytes")) {
    o.rotation.max_object_bytes = static_cast<uint64_t>(config.GetLong("tributary.max.object.bytes"));
  }
  if (config.Has("schema.compatibility")) {
    o.schema_compatibility = config.GetString("schema.compatibility");
  }
  o.value_parsing = format::RecordValueOptions::FromConfig(config);

  if (config.Has("s3.part.size")) o.part_size = static_cast<uint64_t>(config.GetLong("s3.part.size"));
  if (config.Has("retry.backoff.ms")) {
    o.upload_retry_backoff = std::chrono::milliseconds(config.GetLong("retry.backoff.ms"));
  }
  if (config.Has("tributary.sink.memory.bytes")) {
    o.memory_budget_bytes = static_cast<uint64_t>(config.GetLong("tributary.sink.memory.bytes"));
  }
  if (config.Has("tributary.sink.spill.dir")) o.spill_dir = config.GetString("tributary.sink.spill.dir");

  std::string cls = config.GetString("format.class");
  std::string_view simple = SimpleClassName(cls);
  if (simple == "JsonFormat") {
    format::JsonLinesOptions json = format::JsonLinesOptions::FromConfig(config);
    o.make_format = [json]() -> Result<std::unique_ptr<format::FormatWriter>> {
      return std::make_unique<format::JsonLinesFormat>(json);
    };
  } else if (simple == "CsvFormat") {
    auto csv = format::CsvOptions::FromConfig(config);
    if (!csv) return Error(csv.error().WithContext("format.class=CsvFormat"));
    o.make_format = [csv = *csv]() -> Result<std::unique_ptr<format::FormatWriter>> {
      return std::make_unique<format::CsvFormat>(csv);
    };
  } else if (simple == "ParquetFormat") {
    auto parquet = SinkParquetOptions::FromConfig(config, o.memory_budget_bytes);
    if (!parquet) return Error(parquet.error());
    o.make_format = [p = *parquet]() -> Result<std::unique_ptr<format::FormatWriter>> {
      return MakeSinkParquetFormat(p);
    };
  } else {
    return Error(Status::Unsupported(fmt::format("format.class '{}' is not supported", cls)));
  }
  if (!config.GetString("tributary.parquet.schema.topic").empty() && simple != "ParquetFormat") {
    return Error(Status::InvalidArgument(
        "tributary.parquet.schema.topic types Parquet columns; it needs "
        "format.class=io.confluent.connect.s3.format.parquet.ParquetFormat"));
  }
  // keys.format.class and headers.format.class are JsonFormat (the only ones allowed),
  // which like Confluent's follows s3.compression.type (`.keys.json.gz`) and
  // json.decimal.format.
  format::JsonLinesOptions companion = format::JsonLinesOptions::FromConfig(config);
  if (o.store_keys) {
    o.make_key_format = [companion]() -> Result<std::unique_ptr<format::FormatWriter>> {
      return std::make_unique<format::JsonLinesFormat>(companion);
    };
  }
  if (o.store_headers) {
    o.make_header_format = [companion]() -> Result<std::unique_ptr<format::FormatWriter>> {
      return std::make_unique<HeadersJsonFormat>(companion);
    };
  }
  return o;
}

}  // namespace tributary::connectors
