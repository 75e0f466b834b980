// SinkRecord: one Kafka message as the S3 sink sees it, before any parsing.
//
// Every member is a non-owning view. The bytes belong to whoever consumed the message (the
// Kafka consumer's message buffer, a test's string): a SinkRecord is valid only while that
// buffer is, which for a librdkafka message is until the message is destroyed. Copy the
// fields you need to keep (the file builder keeps the offset and timestamp, never the views).
// Plain struct; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tributary::format {

// Kafka's timestamp types (the record batch attribute bit, or none for old formats).
enum class TimestampType : uint8_t { kNone, kCreateTime, kLogAppendTime };

struct SinkHeader {
  std::string_view key;                   // header name (UTF-8)
  std::optional<std::string_view> value;  // raw bytes; nullopt for a null header value
};

struct SinkRecord {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  // Milliseconds since the epoch; meaningful only when timestamp_type != kNone (Kafka
  // reports -1 for "no timestamp").
  int64_t timestamp_ms = -1;
  TimestampType timestamp_type = TimestampType::kNone;
  std::optional<std::string_view> key;    // raw bytes; nullopt = null key
  std::optional<std::string_view> value;  // raw bytes; nullopt = null value (a tombstone)
  std::span<const SinkHeader> headers;

  bool is_tombstone() const { return !value.has_value(); }
  bool has_timestamp() const { return timestamp_type != TimestampType::kNone && timestamp_ms >= 0; }
};

}  // namespace tributary::format
