#include "connectors/topic_partition_writer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include "connectors/sink_headers.h"
#include "connectors/sink_retry.h"

namespace tributary::connectors {
namespace {

constexpr std::string_view kCutFolder = "_tributary_cuts";
constexpr std::string_view kCutSuffix = ".cut";

std::string RecordAt(std::string_view topic, int32_t partition, int64_t offset) {
  return fmt::format("topic '{}' partition {} offset {}", topic, partition, offset);
}

}  // namespace

TopicPartitionWriter::TopicPartitionWriter(const SinkContext& context, std::string topic,
                                           int32_t partition)
    : context_(context),
      topic_(std::move(topic)),
      partition_(partition),
      policy_(context.options->rotation) {}

TopicPartitionWriter::~TopicPartitionWriter() = default;

std::string TopicPartitionWriter::CutMarkerPrefix(const lake::ObjectNameOptions& names,
                                                  std::string_view topic, int32_t partition) {
  std::string p;
  if (!names.topics_dir.empty()) p = names.topics_dir + names.directory_delim;
  p += topic;
  p += names.directory_delim;
  p += kCutFolder;
  p += names.directory_delim;
  p += fmt::format("partition={}", partition);
  p += names.directory_delim;
  return p;
}

Status TopicPartitionWriter::LoadRecordedCuts(int64_t first_offset) {
  cuts_loaded_ = true;
  if (context_.options->rotation.rotate_schedule_interval_ms <= 0) return Status::Ok();
  std::string prefix = CutMarkerPrefix(context_.options->names, topic_, partition_);
  auto list = context_.store->ListAll(prefix);
  if (!list) return list.error().WithContext("reading recorded rotation cuts");
  for (const auto& obj : *list) {
    std::string_view name = std::string_view(obj.key).substr(prefix.size());
    if (!name.ends_with(kCutSuffix)) continue;
    name.remove_suffix(kCutSuffix.size());
    int64_t offset = 0;
    auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), offset);
    if (ec != std::errc() || p != name.data() + name.size()) continue;
    if (offset >= first_offset) {
      policy_.AddRecordedCut(offset);
      spdlog::debug("{}: recorded cut after offset {}", RecordAt(topic_, partition_, first_offset),
                    offset);
    } else if (Status s = context_.store->Delete(obj.key); !s.ok()) {
      spdlog::warn("cannot delete the spent rotation marker {}: {}", obj.key, s.message());
    }
  }
  return Status::Ok();
}

uint64_t TopicPartitionWriter::OpenObjectBytes() const {
  uint64_t n = 0;
  for (const auto& [_, f] : files_) {
    if (f.value) n += f.value->EstimatedObjectBytes();
  }
  return n;
}

uint64_t TopicPartitionWriter::GrowableMemoryBytes() const {
  uint64_t n = 0;
  for (const auto& [_, f] : files_) {
    for (const FileBuilder* b : {f.value.get(), f.keys.get(), f.headers.get()}) {
      if (b != nullptr && !b->fixed_memory()) n += b->MemoryBytes();
    }
  }
  return n;
}

uint64_t TopicPartitionWriter::MemoryBytes() const {
  uint64_t n = 0;
  for (const auto& [_, f] : files_) {
    if (f.value) n += f.value->MemoryBytes();
    if (f.keys) n += f.keys->MemoryBytes();
    if (f.headers) n += f.headers->MemoryBytes();
  }
  return n;
}

Result<uint64_t> TopicPartitionWriter::SpillLargest() {
  FileBuilder* best = nullptr;
  for (auto& [_, f] : files_) {
    for (FileBuilder* b : {f.value.get(), f.keys.get(), f.headers.get()}) {
      // A write-through buffer is already bounded: giving it back would only make it grow
      // again from nothing.
      if (b == nullptr || b->fixed_memory()) continue;
      if (best == nullptr || b->SpillableBytes() > best->SpillableBytes()) best = b;
    }
  }
  if (best == nullptr || best->SpillableBytes() == 0) return 0;
  uint64_t before = best->MemoryBytes();
  if (Status s = best->Spill(); !s.ok()) return Error(s);
  ++stats_.spills;
  uint64_t after = best->MemoryBytes();
  return before > after ? before - after : 0;
}

WriteResult TopicPartitionWriter::Write(const format::SinkRecord& record,
                                        const format::ParsedValue& value,
                                        const format::ParsedValue* key, int64_t now_ms) {
  const SinkOptions& opt = *context_.options;
  const bool tombstone = value.is_null_value();
  auto fault = [&](Status s) {
    return WriteResult{s.message().starts_with("topic '")
                           ? std::move(s)
                           : s.WithContext(RecordAt(topic_, partition_, record.offset)),
                       true};
  };

  auto encoded = context_.partitioner->EncodePartition(record, value, now_ms);
  if (!encoded) return fault(encoded.error());

  lake::RecordFacts facts;
  facts.offset = record.offset;
  facts.tombstone = tombstone;
  facts.encoded_partition = *encoded;
  facts.now_ms = now_ms;
  if (const lake::TimestampExtractor* ex = context_.partitioner->timestamp_extractor();
      ex != nullptr && !tombstone) {
    auto t = ex->Extract(record, value, now_ms);
    if (!t) return fault(t.error());
    facts.record_time_ms = *t;
    facts.schedule_time_ms = *t;
  } else if (record.has_timestamp()) {
    facts.schedule_time_ms = record.timestamp_ms;
  }

  auto it = files_.find(*encoded);
  if (it != files_.end() && it->second.value && !tombstone) {
    FileBuilder& open = *it->second.value;
    if (open.schema().get() != value.schema.get()) {
      auto changed = lake::SchemaRequiresRotation(opt.schema_compatibility, open.schema().get(),
                                                  value.schema.get());
      if (!changed) {
        return WriteResult{changed.error().WithContext(RecordAt(topic_, partition_, record.offset)),
                           false};
      }
      facts.schema_changed = *changed;
    }
    if (!facts.schema_changed && open.RequiresNewObject(value)) facts.schema_changed = true;
  }

  if (lake::RotateReason r = policy_.BeforeAppend(facts); r != lake::RotateReason::kNone) {
    if (Status s = CommitFiles(r); !s.ok()) return WriteResult{s, false};
  }

  if (tombstone && !(opt.store_keys && key != nullptr)) {
    Skip(record.offset);  // nothing of a null value to write without its key
    return WriteResult{};
  }
  // Checked before anything is written, so the value, keys and headers objects stay
  // aligned line for line (as Confluent's KeyValueHeaderRecordWriterProvider does).
  if (opt.store_headers) {
    if (Status s = MissingHeadersError(record); !s.ok()) return fault(s);
  }
  auto slot = files_.try_emplace(*encoded).first;
  OpenObject& obj = slot->second;
  bool new_value = false, new_keys = false;
  std::string value_key;
  if (!tombstone && !obj.value) {
    auto writer = opt.make_format();
    if (!writer) return WriteResult{writer.error(), false};
    value_key = lake::ObjectKey(opt.names, topic_, *encoded, partition_, record.offset,
                                (*writer)->Extension());
    auto b = FileBuilder::Begin(value_key, record.offset, std::move(*writer), opt.spill_dir,
                                ValueBufferOptions());
    if (!b) return WriteResult{b.error(), false};
    obj.value = std::move(*b);
    obj.value->set_schema(value.schema);
    obj.value->set_tagging(opt.tagging);
    new_value = true;
  }
  if (opt.store_keys && key != nullptr && !obj.keys) {
    auto writer = opt.make_key_format();
    if (!writer) return WriteResult{writer.error(), false};
    std::string base = lake::ObjectKey(opt.names, topic_, *encoded, partition_, record.offset,
                                       (*writer)->Extension());
    std::string keys_key = lake::CompanionObjectKey(base, (*writer)->Extension(), ".keys");
    auto b = FileBuilder::Begin(keys_key, record.offset, std::move(*writer), opt.spill_dir);
    if (!b) return WriteResult{b.error(), false};
    obj.keys = std::move(*b);
    new_keys = true;
  }
  bool new_headers = false;
  if (opt.store_headers && !obj.headers) {
    auto writer = opt.make_header_format();
    if (!writer) return WriteResult{writer.error(), false};
    std::string base = lake::ObjectKey(opt.names, topic_, *encoded, partition_, record.offset,
                                       (*writer)->Extension());
    std::string headers_key = lake::CompanionObjectKey(base, (*writer)->Extension(), ".headers");
    auto b = FileBuilder::Begin(headers_key, record.offset, std::move(*writer), opt.spill_dir);
    if (!b) return WriteResult{b.error(), false};
    obj.headers = std::move(*b);
    new_headers = true;
  }
  // A record that cannot be encoded must not leave an object named after it.
  auto undo = [&] {
    if (new_value) obj.value.reset();
    if (new_keys) obj.keys.reset();
    if (new_headers) obj.headers.reset();
    if (!obj.value && !obj.keys && !obj.headers) files_.erase(slot);
  };
  if (obj.value && !tombstone) {
    if (Status s = obj.value->Append(record, value); !s.ok()) {
      undo();
      return fault(s);
    }
  }
  if (obj.keys) {
    if (Status s = obj.keys->Append(record, *key); !s.ok()) {
      undo();
      return fault(s);
    }
  }
  if (obj.headers) {
    if (Status s = obj.headers->Append(record, value); !s.ok()) {
      undo();
      return fault(s);
    }
  }
  progress_.Written(record.offset);
  ++stats_.records;

  if (lake::RotateReason r = policy_.AfterAppend(facts, OpenObjectBytes());
      r != lake::RotateReason::kNone) {
    if (Status s = CommitFiles(r); !s.ok()) return WriteResult{s, false};
  }
  return WriteResult{};
}

void TopicPartitionWriter::Skip(int64_t offset) {
  progress_.Skipped(offset);
  ++stats_.skipped;
}

Status TopicPartitionWriter::PutWithRetry(const std::string& key, const std::string& bytes) {
  return RetryWhileRetryable(
      "writing " + key, [&] { return context_.store->Put(key, lake::AsBytes(bytes)); },
      context_.options->upload_retry_backoff, context_.stop);
}

FileBuilder::BufferOptions TopicPartitionWriter::ValueBufferOptions() const {
  FileBuilder::BufferOptions b;
  b.pool = context_.buffers;
  if (b.pool == nullptr || last_value_bytes_ == 0) return b;
  // The last object's size and an eighth more: an object like the last one never grows
  // its buffer by copying. Objects past the limit are written through a buffer of the
  // limit's size.
  const uint64_t limit = context_.object_buffer_limit;
  b.capacity = static_cast<size_t>(std::min(last_value_bytes_ + last_value_bytes_ / 8, limit));
  if (last_value_bytes_ >= limit && limit >= (1u << 20)) b.spill_at = static_cast<size_t>(limit);
  return b;
}

Status TopicPartitionWriter::CommitFiles(lake::RotateReason reason) {
  const SinkOptions& opt = *context_.options;
  size_t count = 0;
  uint64_t value_bytes = 0, value_objects = 0;
  for (const auto& [encoded, obj] : files_) {
    if (obj.value) {
      value_bytes += obj.value->content_bytes();
      ++value_objects;
    }
  }
  if (value_objects > 0) last_value_bytes_ = value_bytes / value_objects;
  if (context_.uploads != nullptr) {
    std::vector<std::unique_ptr<FileBuilder>> objects;
    for (auto& [encoded, obj] : files_) {
      if (obj.value) objects.push_back(std::move(obj.value));
      if (obj.keys) objects.push_back(std::move(obj.keys));
      if (obj.headers) objects.push_back(std::move(obj.headers));
    }
    count = objects.size();
    std::optional<int64_t> first = progress_.Cut();
    if (!first && count > 0) {
      return Status::Internal(fmt::format("topic '{}' partition {}: objects cut without records",
                                          topic_, partition_));
    }
    if (first) uploading_.push_back(context_.uploads->Submit(*first, std::move(objects)));
  } else {
    for (auto& [encoded, obj] : files_) {
      for (FileBuilder* b : {obj.value.get(), obj.keys.get(), obj.headers.get()}) {
        if (b == nullptr) continue;
        if (Status s = b->Finish(); !s.ok()) return s;
        if (Status s = UploadWithRetry(*b, *context_.store, opt.part_size,
                                       opt.upload_retry_backoff, context_.stop, {},
                                       &stats_.upload_retries);
            !s.ok()) {
          return s;
        }
        ++stats_.objects;
        stats_.bytes += b->content_bytes();
        ++count;
      }
    }
    progress_.Durable();
  }
  spdlog::debug("topic '{}' partition {}: cut {} object(s) up to offset {} ({})", topic_,
                partition_, count, policy_.last_offset(), lake::RotateReasonName(reason));
  files_.clear();
  policy_.Committed();
  ++stats_.rotations;
  return Status::Ok();
}

Status TopicPartitionWriter::ReapUploads() {
  Status failure;
  for (auto it = uploading_.begin(); it != uploading_.end();) {
    const UploadPool::Batch& b = **it;
    if (!b.finished()) {
      ++it;
      continue;
    }
    if (!b.status().ok()) {
      if (failure.ok()) failure = b.status();
      ++it;  // stays: its records are not durable
      continue;
    }
    progress_.Uploaded(b.first_offset());
    stats_.objects += b.objects();
    stats_.bytes += b.bytes();
    stats_.upload_retries += b.retries();
    it = uploading_.erase(it);
  }
  return failure;
}

Status TopicPartitionWriter::WaitUploads() {
  if (context_.uploads != nullptr) {
    for (const auto& b : uploading_) context_.uploads->Wait(*b);
  }
  return ReapUploads();
}

Status TopicPartitionWriter::CommitOpen(lake::RotateReason reason) {
  if (files_.empty()) return Status::Ok();
  return CommitFiles(reason);
}

Status TopicPartitionWriter::CheckWallclock(int64_t now_ms) {
  if (files_.empty() || policy_.WallclockDue(now_ms) == lake::RotateReason::kNone) {
    return Status::Ok();
  }
  // Record the cut first: a run that reads these records again cuts after the same offset.
  int64_t last = policy_.last_offset();
  std::string key = fmt::format("{}{:020}{}",
                                CutMarkerPrefix(context_.options->names, topic_, partition_), last,
                                kCutSuffix);
  std::string body = fmt::format(
      "{{\"topic\":\"{}\",\"partition\":{},\"last_offset\":{},\"reason\":"
      "\"rotate.schedule.interval.ms\",\"wall_clock_ms\":{}}}\n",
      topic_, partition_, last, now_ms);
  if (Status s = PutWithRetry(key, body); !s.ok()) return s.WithContext("recording a rotation cut");
  policy_.AddRecordedCut(last);
  return CommitFiles(lake::RotateReason::kWallclock);
}

void TopicPartitionWriter::Drop() {
  files_.clear();
  // Recorded cuts are loaded again before the records come back.
  policy_ = lake::RotationPolicy(context_.options->rotation);
  progress_.Dropped();
  cuts_loaded_ = false;
}

}  // namespace tributary::connectors
