#include "lake/layout/object_name.h"

#include <fmt/format.h>

#include "config/connector_config.h"

namespace tributary::lake {

ObjectNameOptions ObjectNameOptions::FromConfig(const config::ConnectorConfig& config) {
  ObjectNameOptions o;
  if (config.Has("topics.dir")) o.topics_dir = config.GetString("topics.dir");
  if (config.Has("directory.delim")) o.directory_delim = config.GetString("directory.delim");
  if (config.Has("file.delim")) o.file_delim = config.GetString("file.delim");
  if (config.Has("filename.offset.zero.pad.width")) {
    o.zero_pad_width = static_cast<int>(config.GetLong("filename.offset.zero.pad.width"));
  }
  return o;
}

std::string PartitionedPath(const ObjectNameOptions& options, std::string_view topic,
                            std::string_view encoded_partition) {
  return fmt::format("{}{}{}", topic, options.directory_delim, encoded_partition);
}

std::string ObjectFileName(const ObjectNameOptions& options, std::string_view topic,
                           int32_t kafka_partition, int64_t start_offset,
                           std::string_view extension) {
  return fmt::format("{}{}{}{}{:0{}d}{}", topic, options.file_delim, kafka_partition,
                     options.file_delim, start_offset, std::max(options.zero_pad_width, 1),
                     extension);
}

namespace {

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return true;
}

}  // namespace

std::string ObjectKey(const ObjectNameOptions& options, std::string_view topic,
                      std::string_view encoded_partition, int32_t kafka_partition,
                      int64_t start_offset, std::string_view extension) {
  std::string key;
  if (!IsBlank(options.topics_dir)) {
    key += options.topics_dir;
    key += options.directory_delim;
  }
  key += PartitionedPath(options, topic, encoded_partition);
  key += options.directory_delim;
  key += ObjectFileName(options, topic, kafka_partition, start_offset, extension);
  return key;
}

std::string CompanionObjectKey(std::string_view object_key, std::string_view extension,
                               std::string_view infix) {
  std::string key(object_key);
  if (key.size() >= extension.size() && std::string_view(key).ends_with(extension)) {
    key.resize(key.size() - extension.size());
  }
  key += infix;
  key += extension;
  return key;
}

}  // namespace tributary::lake
