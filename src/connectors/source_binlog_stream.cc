#include "connectors/source_binlog_stream.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace tributary::connectors {
namespace {

// Events read together: their bytes back to back, then how the reading ended, if it did.
struct EventBatch {
  std::vector<std::byte> bytes;
  std::vector<size_t> ends;     // end of each event in `bytes`
  std::optional<Status> error;  // after the events: the read that failed
  bool end = false;             // after the events: the end of a non-blocking binlog

  void Reset() {
    bytes.clear();
    ends.clear();
    error.reset();
    end = false;
  }
};

}  // namespace

// The reader thread and the queue between it and the owner.
//
// The reader appends each event to the open batch under the mutex (an uncontended lock per
// event, no system call) and queues the batch when it holds batch_bytes. An owner that
// finds the queue empty takes the open batch as it is, or waits for the reader's next
// append: events never wait in the reader while the owner waits.
struct BinlogStream::ReadAhead {
  std::unique_ptr<mysql::BinlogEventSource> source;
  BinlogReadAheadOptions options;

  std::mutex mu;
  std::condition_variable ready_cv;  // the owner waits: an event was read
  std::condition_variable room_cv;   // the reader waits: below max_bytes again
  std::deque<std::unique_ptr<EventBatch>> queue;   // full or final batches; guarded by mu
  std::unique_ptr<EventBatch> open;                // being filled; guarded by mu
  std::vector<std::unique_ptr<EventBatch>> spare;  // guarded by mu
  size_t held_bytes = 0;                           // in queue and open; guarded by mu
  bool stopping = false;                           // guarded by mu
  bool owner_waiting = false;                      // guarded by mu
  std::thread thread;

  // The owner's side.
  std::unique_ptr<EventBatch> current;  // the batch being decoded
  size_t next_event = 0;

  ~ReadAhead() {
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    room_cv.notify_all();
    source->Interrupt();
    if (thread.joinable()) thread.join();
  }

  // REQUIRES: mu held.
  EventBatch& OpenBatch() {
    if (!open) {
      if (!spare.empty()) {
        open = std::move(spare.back());
        spare.pop_back();
      } else {
        open = std::make_unique<EventBatch>();
        open->bytes.reserve(options.batch_bytes + (options.batch_bytes >> 2));
      }
    }
    return *open;
  }

  // Queues the open batch. REQUIRES: mu held.
  void Seal() {
    if (open) queue.push_back(std::move(open));
  }

  // The reader thread.
  void Run() {
    while (true) {
      auto bytes = source->Next();
      bool wake = false;
      {
        std::unique_lock lock(mu);
        if (!bytes || bytes->empty()) {
          // How the reading ended goes after the events read before it.
          EventBatch& b = OpenBatch();
          if (!bytes) {
            b.error = bytes.error();
          } else {
            b.end = true;
          }
          Seal();
          lock.unlock();
          ready_cv.notify_one();
          return;
        }
        room_cv.wait(lock, [&] { return stopping || held_bytes < options.max_bytes; });
        if (stopping) return;
        EventBatch& b = OpenBatch();
        b.bytes.insert(b.bytes.end(), bytes->begin(), bytes->end());
        b.ends.push_back(b.bytes.size());
        held_bytes += bytes->size();
        if (b.bytes.size() >= options.batch_bytes) Seal();
        wake = owner_waiting;
      }
      if (wake) ready_cv.notify_one();
    }
  }

  enum class Got { kEvent, kTimeout, kError, kEnd };

  // The next event's bytes (kEvent), valid until the next call; kError sets *error.
  Got NextEvent(const std::chrono::milliseconds* max_wait, std::span<const std::byte>* out,
                Status* error) {
    while (true) {
      if (current) {
        if (next_event < current->ends.size()) {
          size_t begin = next_event == 0 ? 0 : current->ends[next_event - 1];
          size_t end = current->ends[next_event++];
          *out = std::span<const std::byte>(current->bytes.data() + begin, end - begin);
          return Got::kEvent;
        }
        if (current->error) {
          *error = *current->error;
          return Got::kError;
        }
        if (current->end) return Got::kEnd;
      }
      {
        std::unique_lock lock(mu);
        if (current) {
          // Every view into it ended with the previous call.
          // Kept for reuse (no allocator churn across threads): the batches alive at once
          // are bounded by max_bytes / batch_bytes + 3, and so is the spare list.
          if (current->bytes.capacity() <= 2 * options.batch_bytes) {
            current->Reset();
            spare.push_back(std::move(current));
          } else {
            current.reset();
          }
        }
        auto has_events = [&] { return !queue.empty() || (open && !open->ends.empty()); };
        if (!has_events()) {
          owner_waiting = true;
          bool got = true;
          if (max_wait == nullptr) {
            ready_cv.wait(lock, has_events);
          } else {
            got = ready_cv.wait_for(lock, *max_wait, has_events);
          }
          owner_waiting = false;
          if (!got) return Got::kTimeout;
        }
        if (!queue.empty()) {
          current = std::move(queue.front());
          queue.pop_front();
        } else {
          current = std::move(open);  // the reader opens another
        }
        held_bytes -= current->bytes.size();
      }
      room_cv.notify_one();
      next_event = 0;
    }
  }
};

BinlogStream::BinlogStream() = default;

BinlogStream::~BinlogStream() {
  // The reader goes first: events_ may view its batches, never the other way round.
  read_ahead_.reset();
}

Status BinlogStream::Open(const mysql::BinlogClientOptions& options, mysql::DecoderOptions decoder,
                          BinlogReadAheadOptions read_ahead) {
  auto client = mysql::BinlogClient::Connect(options);
  if (!client) return client.error();
  mysql::ServerInfo info = (*client)->info();
  return Open(std::move(*client), info, options.file, decoder, read_ahead);
}

Status BinlogStream::Open(std::unique_ptr<mysql::BinlogEventSource> source,
                          const mysql::ServerInfo& info, std::string file,
                          mysql::DecoderOptions decoder, BinlogReadAheadOptions read_ahead) {
  if (read_ahead_) return Status::FailedPrecondition("BinlogStream: already open");
  info_ = info;
  decoder_ = mysql::EventDecoder(decoder);
  // The artificial ROTATE that opens the stream comes before any FORMAT_DESCRIPTION but
  // already carries the checksum the server announced.
  mysql::FormatDescriptionEvent initial;
  if (info_.binlog_checksum == "CRC32") initial.checksum = mysql::ChecksumAlgorithm::kCrc32;
  decoder_.SetFormat(initial);
  file_ = std::move(file);
  at_end_ = false;
  auto ra = std::make_unique<ReadAhead>();
  ra->source = std::move(source);
  ra->options = read_ahead;
  if (ra->options.batch_bytes == 0) ra->options.batch_bytes = 1;
  if (ra->options.max_bytes == 0) ra->options.max_bytes = 1;
  ReadAhead* raw = ra.get();
  ra->thread = std::thread([raw] { raw->Run(); });
  read_ahead_ = std::move(ra);
  return Status::Ok();
}

size_t BinlogStream::read_ahead_bytes() const {
  if (!read_ahead_) return 0;
  std::lock_guard lock(read_ahead_->mu);
  return read_ahead_->held_bytes;
}

Result<std::span<const BinlogStreamItem>> BinlogStream::Next() { return NextImpl(nullptr); }

Result<std::span<const BinlogStreamItem>> BinlogStream::Next(std::chrono::milliseconds max_wait) {
  if (max_wait.count() < 0) max_wait = std::chrono::milliseconds(0);
  return NextImpl(&max_wait);
}

Result<std::span<const BinlogStreamItem>> BinlogStream::NextImpl(
    const std::chrono::milliseconds* max_wait) {
  // The previous call's events are done with (the span's contract): their row storage
  // goes back to the decoder for the next rows events.
  for (mysql::DecodedEvent& e : events_) decoder_.Recycle(e);
  events_.clear();
  items_.clear();
  if (!read_ahead_) return Error(Status::FailedPrecondition("BinlogStream: not open"));
  std::span<const std::byte> bytes;
  Status error;
  switch (read_ahead_->NextEvent(max_wait, &bytes, &error)) {
    case ReadAhead::Got::kEvent:
      return Decode(bytes);
    case ReadAhead::Got::kTimeout:
      return std::span<const BinlogStreamItem>();
    case ReadAhead::Got::kEnd:
      at_end_ = true;
      return std::span<const BinlogStreamItem>();
    case ReadAhead::Got::kError:
      return Error(error);
  }
  return std::span<const BinlogStreamItem>();
}

Result<std::span<const BinlogStreamItem>> BinlogStream::Decode(std::span<const std::byte> bytes) {
  auto header = mysql::EventDecoder::DecodeHeader(bytes);
  uint64_t at = header && header->log_pos >= header->event_size ? header->log_pos - header->event_size : 0;
  uint64_t end = header ? header->log_pos : 0;
  auto ev = decoder_.Decode(bytes, at);
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
