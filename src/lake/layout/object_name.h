// Object keys exactly as the Kafka Connect S3 sink names them
// (TopicPartitionWriter.fileKeyToCommit, formats.md 3.3):
//   [<topics.dir><dir>]<topic><dir><encodedPartition><dir><topic><file><kafkaPartition><file><startOffset,
//   zero-padded><ext>
// with <dir> = directory.delim and <file> = file.delim; topics.dir is left out only when
// it is blank. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::lake {

struct ObjectNameOptions {
  std::string topics_dir = "topics";  // topics.dir
  std::string directory_delim = "/";  // directory.delim
  std::string file_delim = "+";       // file.delim
  int zero_pad_width = 10;            // filename.offset.zero.pad.width (0: no padding)

  static ObjectNameOptions FromConfig(const config::ConnectorConfig& config);
};

// "<topic><dir><encodedPartition>" (Partitioner.generatePartitionedPath).
std::string PartitionedPath(const ObjectNameOptions& options, std::string_view topic,
                            std::string_view encoded_partition);

// "<topic><file><partition><file><padded offset><extension>".
std::string ObjectFileName(const ObjectNameOptions& options, std::string_view topic,
                           int32_t kafka_partition, int64_t start_offset,
                           std::string_view extension);

// The full key of an object.
std::string ObjectKey(const ObjectNameOptions& options, std::string_view topic,
                      std::string_view encoded_partition, int32_t kafka_partition,
                      int64_t start_offset, std::string_view extension);

// The key of the keys/headers companion object: "<name-without-ext><infix><ext>", e.g.
// infix ".keys": t+0+0000000000.keys.json (Confluent's Utils.getAdjustedFilename).
std::string CompanionObjectKey(std::string_view object_key, std::string_view extension,
                               std::string_view infix);

}  // namespace tributary::lake
