// Small value types shared by the Kafka wrappers: partitions, offsets, headers.
// Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::kafka {

// librdkafka's logical offsets (same numbers as RD_KAFKA_OFFSET_*).
inline constexpr int64_t kOffsetBeginning = -2;
inline constexpr int64_t kOffsetEnd = -1;
inline constexpr int64_t kOffsetStored = -1000;  // the group's committed offset
inline constexpr int64_t kOffsetInvalid = -1001;
// Let the partitioner choose (murmur2 of the key, or spread for a null key).
inline constexpr int32_t kAnyPartition = -1;

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

// A partition with an offset. For commits the offset is the NEXT offset to read (Kafka's
// convention: last processed + 1).
struct TopicPartitionOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = kOffsetInvalid;
  friend bool operator==(const TopicPartitionOffset&, const TopicPartitionOffset&) = default;
};

// A record header as a view. `value` is nullopt for a null header value.
struct RecordHeader {
  std::string_view name;
  std::optional<std::string_view> value;
};

}  // namespace tributary::kafka
