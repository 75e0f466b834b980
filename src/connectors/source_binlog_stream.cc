#include "connectors/source_binlog_stream.h"

#include <fmt/format.h>

namespace tributary::connectors {

Status BinlogStream::Open(const mysql::BinlogClientOptions& options,
                          mysql::DecoderOptions decoder) {
  auto client = mysql::BinlogClient::Connect(options);
  if (!client) return client.error();
  client_ = std::move(*client);
  decoder_ = mysql::EventDecoder(decoder);
  // The artificial ROTATE that opens the stream comes before any FORMAT_DESCRIPTION but
  // already carries the checksum the server announced.
  mysql::FormatDescriptionEvent initial;
  if (client_->info().binlog_checksum == "CRC32") initial.checksum = mysql::ChecksumAlgorithm::kCrc32;
  decoder_.SetFormat(initial);
  file_ = options.file;
  return Status::Ok();
}

Result<std::span<const BinlogStreamItem>> BinlogStream::Next() {
  events_.clear();
  items_.clear();
  auto bytes = client_->Next();
  if (!bytes) return Error(bytes.error());
  if (bytes->empty()) return std::span<const BinlogStreamItem>();
  auto header = mysql::EventDecoder::DecodeHeader(*bytes);
  uint64_t at = header && header->log_pos >= header->event_size ? header->log_pos - header->event_size : 0;
  uint64_t end = header ? header->log_pos : 0;
  auto ev = decoder_.Decode(*bytes, at);
  if (!ev) return Error(ev.error().WithContext(fmt::format("{}:{}", file_, at)));
  events_.push_back(std::move(*ev));
  while (auto inner = decoder_.NextInner()) {
    if (!inner->has_value()) {
      return Error(inner->error().WithContext(fmt::format("{}:{} (compressed transaction)", file_, at)));
    }
    events_.push_back(std::move(**inner));
  }
  // A ROTATE names the file of what follows; it is never inside a payload.
  if (const auto* rot = std::get_if<mysql::RotateEvent>(&events_.front().body)) {
    file_ = std::string(rot->next_file);
  }
  for (const auto& e : events_) items_.push_back({&e, {file_, at, end}});
  return std::span<const BinlogStreamItem>(items_);
}

}  // namespace tributary::connectors
