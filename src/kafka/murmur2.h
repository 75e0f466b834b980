// Kafka's murmur2 key hash and the Java producer's default partition for a keyed record.
//
// Byte-for-byte the hash of org.apache.kafka.common.utils.Utils.murmur2 (seed 0x9747b28c),
// so a key lands on the partition Kafka Connect would choose:
// partition = (murmur2(key) & 0x7fffffff) % partition_count (formats.md section 5).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace tributary::kafka {

// The hash as Java's int, reinterpreted: Murmur2("21") == static_cast<uint32_t>(-973932308).
uint32_t Murmur2(std::string_view key_bytes);

// Java's value (signed 32-bit), for comparing with Kafka's test vectors.
inline int32_t JavaMurmur2(std::string_view key_bytes) {
  return static_cast<int32_t>(Murmur2(key_bytes));
}

// Partition of a non-null key among `partition_count` partitions (all of them, available
// or not, as the Java producer counts). REQUIRES: partition_count > 0.
inline int32_t PartitionForKey(std::string_view key_bytes, int32_t partition_count) {
  return static_cast<int32_t>((Murmur2(key_bytes) & 0x7fffffffu) %
                              static_cast<uint32_t>(partition_count));
}

}  // namespace tributary::kafka
