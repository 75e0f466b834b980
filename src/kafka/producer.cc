#include "kafka/producer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <bit>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "kafka/rdkafka_util.h"

namespace tributary::kafka {

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

constexpr char kEmpty[] = "";

}  // namespace

struct Producer::Impl {
  ProducerOptions options;
  internal::ClientContext context;
  internal::KafkaPtr rk;
  internal::QueuePtr events;  // main queue: delivery reports and errors
  std::unordered_map<std::string, rd_kafka_topic_t*, StringHash, std::equal_to<>> topics;
  std::thread poller;
  std::atomic<bool> stopping{false};
  bool closed = false;
  std::string header_names;  // Send's scratch (the owner's thread)
  std::string last_topic;    // Topic()'s last answer (the owner's thread)
  rd_kafka_topic_t* last_rkt = nullptr;

  // Ordered acknowledgement window: done[seq & mask] marks a record acknowledged out of
  // order (above acked_through). Send keeps last_seq - acked_through <= window.
  mutable std::mutex mu;
  std::condition_variable cv;
  std::vector<uint8_t> done;
  std::vector<uint64_t> tokens;
  uint64_t mask = 0;
  std::atomic<uint64_t> acked_through{0};
  std::atomic<uint64_t> last_seq{0};
  std::atomic<bool> failed{false};
  std::optional<DeliveryFailure> first_failure;  // guarded by mu
  std::atomic<int> waiters{0};
  // An abort_transaction that returned before finishing (its flush or EndTxn timed out):
  // librdkafka accepts no other transactional call until the abort is called again and
  // completes. The owner's thread only.
  bool abort_unfinished = false;

  std::atomic<uint64_t> n_acked{0}, n_failed{0}, n_waits{0}, n_sent{0}, n_bytes{0};

  ~Impl() {
    StopPoller();
    if (rk) {
      rd_kafka_purge(rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      for (auto& [name, rkt] : topics) rd_kafka_topic_destroy(rkt);
      topics.clear();
      events.reset();
      rk.reset();
    }
  }

  void StopPoller() {
    if (poller.joinable()) {
      stopping = true;
      rd_kafka_queue_yield(events.get());  // ends the poll now, not at its 100 ms timeout
      poller.join();
    }
  }

  void PollLoop() {
    while (!stopping.load(std::memory_order_relaxed)) {
      rd_kafka_event_t* ev = rd_kafka_queue_poll(events.get(), 100);
      if (ev != nullptr) HandleEvent(internal::EventPtr(ev));
    }
    // Serve what is left so counters are final.
    while (rd_kafka_event_t* ev = rd_kafka_queue_poll(events.get(), 0)) {
      HandleEvent(internal::EventPtr(ev));
    }
  }

  void HandleEvent(internal::EventPtr ev) {
    switch (rd_kafka_event_type(ev.get())) {
      case RD_KAFKA_EVENT_DR:
        OnDeliveryBatch(ev.get());
        break;
      case RD_KAFKA_EVENT_ERROR:
        OnError(ev.get());
        break;
      default:
        break;
    }
  }

  void OnError(rd_kafka_event_t* ev) {
    rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
    std::string text = rd_kafka_event_error_string(ev);
    context.RecordError(text);
    if (rd_kafka_event_error_is_fatal(ev)) {
      char buf[512];
      rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk.get(), buf, sizeof(buf));
      std::string reason = fmt::format("fatal Kafka producer error ({}): {}",
                                       rd_kafka_err2name(orig), buf);
      spdlog::error("{}", reason);
      DeliveryFailure f;
      f.status = Status::FailedPrecondition(reason);
      {
        std::lock_guard lock(mu);
        if (!first_failure) first_failure = f;
        failed = true;
      }
      cv.notify_all();
      if (options.on_failure) options.on_failure(f);
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
      spdlog::warn("Kafka producer: all brokers of '{}' are down; records wait and are "
                   "retried ({})",
                   context.bootstrap, text);
    } else {
      spdlog::warn("Kafka producer: {} ({})", text, rd_kafka_err2name(err));
    }
  }

  static Status FailureStatus(const rd_kafka_message_t* m, std::string_view topic) {
    size_t size = m->len + m->key_len;
    switch (m->err) {
      case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
        return Status::InvalidArgument(fmt::format(
            "record of {} bytes for topic '{}' is larger than the broker accepts "
            "(topic max.message.bytes / producer message.max.bytes)",
            size, topic));
      case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
        return Status::Unavailable(fmt::format(
            "record for topic '{}' was not acknowledged within delivery.timeout.ms", topic));
      case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
      case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
        return Status::Unavailable(fmt::format(
            "record for topic '{}' was dropped before delivery (producer closed or "
            "transaction aborted)",
            topic));
      default:
        return internal::StatusFromError(
            m->err, fmt::format("delivery to topic '{}' partition {}", topic, m->partition));
    }
  }

  static Status UnconfirmedStatus(const rd_kafka_message_t* m, std::string_view topic) {
    return Status::Unavailable(fmt::format(
        "Kafka acknowledged a record for topic '{}' partition {} without its offset (an "
        "earlier request for the partition failed and a later one succeeded); it may not "
        "have been written",
        topic, m->partition));
  }

  void OnDeliveryBatch(rd_kafka_event_t* ev) {
    std::vector<DeliveryFailure> failures;
    uint64_t before = acked_through.load(std::memory_order_relaxed);
    uint64_t after = before;
    {
      std::lock_guard lock(mu);
      while (const rd_kafka_message_t* m = rd_kafka_event_message_next(ev)) {
        auto seq = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(m->_private));
        // With acks=all every record Kafka wrote comes back with its offset. A "success"
        // without one is librdkafka's implicit ack: a later request for the partition
        // succeeded, so librdkafka assumes an earlier failed one was written too. A broker
        // that holds no state for this producer on the partition (its first records there)
        // accepts the later request out of sequence, so that assumption can be wrong and
        // the records lost. Treat it as a failure: the caller resends from its last stored
        // offset (duplicates possible, no loss).
        bool unconfirmed = m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->offset < 0;
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR || unconfirmed) {
          n_failed.fetch_add(1, std::memory_order_relaxed);
          std::string_view topic = rd_kafka_topic_name(m->rkt);
          DeliveryFailure f{.sequence = seq,
                            .token = tokens[seq & mask],
                            .topic = std::string(topic),
                            .partition = m->partition,
                            .status = unconfirmed ? UnconfirmedStatus(m, topic)
                                                  : FailureStatus(m, topic)};
          if (!first_failure) {
            spdlog::error("Kafka delivery failed (record {}): {}", seq, f.status.message());
            first_failure = f;
          }
          failed = true;
          if (options.on_failure) failures.push_back(std::move(f));
          continue;
        }
        n_acked.fetch_add(1, std::memory_order_relaxed);
        if (seq == after + 1 && !(first_failure && first_failure->sequence == seq)) {
          after = seq;
          while (done[(after + 1) & mask] != 0) {
            done[(after + 1) & mask] = 0;
            ++after;
          }
        } else if (seq > after) {
          done[seq & mask] = 1;
        }
      }
      acked_through.store(after, std::memory_order_release);
    }
    if (waiters.load(std::memory_order_acquire) > 0 || !failures.empty()) cv.notify_all();
    if (after != before && options.on_acked) options.on_acked(after);
    for (const DeliveryFailure& f : failures) options.on_failure(f);
  }

  Status FailureAsStatus() const {
    std::lock_guard lock(mu);
    if (!first_failure) return Status::Ok();
    return first_failure->status.WithContext(
        fmt::format("an earlier Kafka delivery failed (record {})", first_failure->sequence));
  }

  rd_kafka_topic_t* Topic(std::string_view name) {
    // Records come in runs for one topic: compare with the last one before hashing.
    if (last_rkt != nullptr && name == last_topic) return last_rkt;
    rd_kafka_topic_t* rkt = nullptr;
    if (auto it = topics.find(name); it != topics.end()) {
      rkt = it->second;
    } else {
      std::string key(name);
      rkt = rd_kafka_topic_new(rk.get(), key.c_str(), nullptr);
      if (rkt == nullptr) return nullptr;
      topics.emplace(std::move(key), rkt);
    }
    last_topic.assign(name);
    last_rkt = rkt;
    return rkt;
  }

  // Waits a little for delivery reports; false when the deadline passed or stop was asked.
  bool WaitForProgress(std::chrono::steady_clock::time_point deadline, const std::stop_token& stop) {
    if (stop.stop_requested() || std::chrono::steady_clock::now() >= deadline) return false;
    waiters.fetch_add(1, std::memory_order_acq_rel);
    {
      std::unique_lock lock(mu);
      cv.wait_for(lock, std::chrono::milliseconds(5));
    }
    waiters.fetch_sub(1, std::memory_order_acq_rel);
    return true;
  }
};

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Producer::~Producer() = default;

Result<std::unique_ptr<Producer>> Producer::Open(ProducerOptions options) {
  ClientConfig client = options.client;
  if (auto inflight = client.Get("max.in.flight.requests.per.connection")) {
    char* end = nullptr;
    long v = std::strtol(inflight->c_str(), &end, 10);
    if (v > 5) {
      return Error(Status::InvalidArgument(fmt::format(
          "max.in.flight.requests.per.connection={} is above 5, which the idempotent "
          "producer does not allow (ordering would not be kept)",
          v)));
    }
  } else {
    // Kafka Connect's source producer default. With more than one request in flight, a
    // failed first request to a partition followed by a successful second one can lose the
    // first one's records (see UnconfirmedStatus): one in flight rules that out.
    client.Set("max.in.flight.requests.per.connection", "1");
  }
  if (!client.Get("compression.type") && !client.Get("compression.codec")) {
    // Kafka Connect's producers send uncompressed batches. lz4 costs the producer little and
    // saves the broker and the topics' disk much more: a 1M-row snapshot of change events
    // took 0.6-0.7 s of broker CPU instead of 1.4-3.6 s (docs/benchmarks.md). Every Kafka
    // client reads it.
    client.Set("compression.type", "lz4");
  }
  for (auto [key, want] : {std::pair{"acks", "all"}, std::pair{"enable.idempotence", "true"},
                           std::pair{"partitioner", "murmur2_random"}}) {
    auto given = client.Get(key);
    if (given && *given != want && !(std::string_view(key) == "acks" && *given == "-1")) {
      spdlog::warn("Kafka producer: '{}={}' replaced by '{}={}' (ordered, lossless delivery "
                   "needs it)",
                   key, *given, key, want);
    }
    client.Set(key, want);
  }
  client.Set("queue.buffering.max.messages", std::to_string(options.queue_max_messages));
  client.Set("queue.buffering.max.kbytes", std::to_string(options.queue_max_kbytes));
  if (!options.transactional_id.empty()) client.Set("transactional.id", options.transactional_id);

  auto impl = std::make_unique<Impl>();
  auto conf = internal::MakeConf(client, &impl->context);
  if (!conf) return Error(conf.error());
  rd_kafka_conf_set_events(conf->get(), RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR);
  auto rk = internal::NewClient(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk) return Error(rk.error());
  impl->options = std::move(options);
  impl->context.owner = impl.get();
  impl->rk = std::move(*rk);
  impl->events.reset(rd_kafka_queue_get_main(impl->rk.get()));

  uint64_t window = std::bit_ceil(static_cast<uint64_t>(std::max(impl->options.queue_max_messages, 1024)) * 2);
  impl->done.assign(window, 0);
  impl->tokens.assign(window, 0);
  impl->mask = window - 1;
  Impl* raw = impl.get();
  impl->poller = std::thread([raw] { raw->PollLoop(); });
  spdlog::debug("Kafka producer created: {}", client.ToLogString());
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Status Producer::CheckBrokers(std::chrono::milliseconds timeout) {
  return internal::ProbeBrokers(impl_->rk.get(), impl_->context, timeout);
}

Result<uint64_t> Producer::Send(const OutgoingRecord& record, std::stop_token stop) {
  Impl& d = *impl_;
  if (d.closed) return Error(Status::FailedPrecondition("Kafka producer is closed"));
  if (d.failed.load(std::memory_order_acquire)) return Error(d.FailureAsStatus());
  rd_kafka_topic_t* rkt = d.Topic(record.topic);
  if (rkt == nullptr) {
    return Error(internal::StatusFromError(rd_kafka_last_error(),
                                           fmt::format("topic '{}'", record.topic)));
  }
  const uint64_t seq = d.last_seq.load(std::memory_order_relaxed) + 1;
  // Read the clock only when a wait starts (not once per record).
  std::chrono::steady_clock::time_point deadline{};
  auto wait_deadline = [&] {
    if (deadline == std::chrono::steady_clock::time_point{}) {
      deadline = std::chrono::steady_clock::now() + d.options.send_timeout;
    }
    return deadline;
  };

  // Keep the acknowledgement window bounded (a stuck early record holds it).
  while (seq - d.acked_through.load(std::memory_order_acquire) > d.mask) {
    if (d.failed.load(std::memory_order_acquire)) return Error(d.FailureAsStatus());
    d.n_waits.fetch_add(1, std::memory_order_relaxed);
    if (!d.WaitForProgress(wait_deadline(), stop)) {
      return Error(Status::Unavailable(fmt::format(
          "Kafka producer: {} records wait for acknowledgement; gave up sending to '{}'",
          seq - 1 - d.acked_through.load(), record.topic)));
    }
  }
  d.tokens[seq & d.mask] = record.token;

  rd_kafka_vu_t vus[8 + 16];
  std::vector<rd_kafka_vu_t> big;
  size_t n = 0;
  const size_t needed = 6 + record.headers.size() + (record.timestamp_ms != 0 ? 1 : 0);
  rd_kafka_vu_t* v = vus;
  if (needed > std::size(vus)) {
    big.resize(needed);
    v = big.data();
  }
  v[n].vtype = RD_KAFKA_VTYPE_RKT;
  v[n++].u.rkt = rkt;
  v[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  v[n++].u.i32 = record.partition;
  v[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  v[n++].u.i = RD_KAFKA_MSG_F_COPY;
  v[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  v[n++].u.ptr = reinterpret_cast<void*>(static_cast<uintptr_t>(seq));
  size_t bytes = 0;
  if (record.value) {
    v[n].vtype = RD_KAFKA_VTYPE_VALUE;
    v[n].u.mem.ptr = const_cast<char*>(record.value->data() != nullptr ? record.value->data() : kEmpty);
    v[n++].u.mem.size = record.value->size();
    bytes += record.value->size();
  }
  if (record.key) {
    v[n].vtype = RD_KAFKA_VTYPE_KEY;
    v[n].u.mem.ptr = const_cast<char*>(record.key->data() != nullptr ? record.key->data() : kEmpty);
    v[n++].u.mem.size = record.key->size();
    bytes += record.key->size();
  }
  if (record.timestamp_ms != 0) {
    v[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
    v[n++].u.i64 = record.timestamp_ms;
  }
  // Header names must be NUL-terminated for librdkafka: copied, back to back, into a
  // buffer sized first (so the pointers stay valid) and kept for the next record.
  size_t names_size = 0;
  for (const RecordHeader& h : record.headers) names_size += h.name.size() + 1;
  d.header_names.resize(names_size);
  char* name_at = d.header_names.data();
  for (const RecordHeader& h : record.headers) {
    std::memcpy(name_at, h.name.data(), h.name.size());
    name_at[h.name.size()] = '\0';
    v[n].vtype = RD_KAFKA_VTYPE_HEADER;
    v[n].u.header.name = name_at;
    name_at += h.name.size() + 1;
    v[n].u.header.val = h.value ? (h.value->data() != nullptr ? h.value->data() : kEmpty) : nullptr;
    v[n++].u.header.size = h.value ? static_cast<ssize_t>(h.value->size()) : 0;
  }

  while (true) {
    internal::ErrorPtr err(rd_kafka_produceva(d.rk.get(), v, n));
    if (!err) {
      d.last_seq.store(seq, std::memory_order_release);
      d.n_sent.fetch_add(1, std::memory_order_relaxed);
      d.n_bytes.fetch_add(bytes, std::memory_order_relaxed);
      return seq;
    }
    rd_kafka_resp_err_t code = rd_kafka_error_code(err.get());
    if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      d.n_waits.fetch_add(1, std::memory_order_relaxed);
      if (d.failed.load(std::memory_order_acquire)) return Error(d.FailureAsStatus());
      if (!d.WaitForProgress(wait_deadline(), stop)) {
        return Error(Status::Unavailable(fmt::format(
            "Kafka producer queue stayed full ({} records waiting for brokers '{}'){}",
            rd_kafka_outq_len(d.rk.get()), d.context.bootstrap,
            stop.stop_requested() ? "; stop requested" : "")));
      }
      continue;
    }
    if (code == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
      return Error(Status::InvalidArgument(fmt::format(
          "record of {} bytes for topic '{}' is larger than message.max.bytes", bytes,
          record.topic)));
    }
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      char buf[512];
      rd_kafka_fatal_error(d.rk.get(), buf, sizeof(buf));
      return Error(Status::FailedPrecondition(fmt::format("fatal Kafka producer error: {}", buf)));
    }
    return Error(internal::StatusFromError(err.get(), fmt::format("sending to topic '{}'", record.topic)));
  }
}

uint64_t Producer::AckedThrough() const {
  return impl_->acked_through.load(std::memory_order_acquire);
}

uint64_t Producer::LastSequence() const { return impl_->last_seq.load(std::memory_order_acquire); }

std::optional<DeliveryFailure> Producer::FirstFailure() const {
  std::lock_guard lock(impl_->mu);
  return impl_->first_failure;
}

Status Producer::Flush(std::chrono::milliseconds timeout) {
  Impl& d = *impl_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  // Event mode: rd_kafka_flush only waits (and makes lingering batches go now); the
  // delivery thread serves the reports.
  rd_kafka_resp_err_t err = rd_kafka_flush(d.rk.get(), internal::TimeoutMs(timeout));
  // Reports may still be on their way through the delivery thread.
  while (d.n_acked.load() + d.n_failed.load() < d.n_sent.load()) {
    if (std::chrono::steady_clock::now() >= deadline) break;
    d.WaitForProgress(deadline, {});
  }
  if (d.failed.load()) return d.FailureAsStatus();
  uint64_t outstanding = d.n_sent.load() - d.n_acked.load() - d.n_failed.load();
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || outstanding != 0) {
    std::string last = d.context.LastError();
    return Status::Unavailable(fmt::format(
        "Kafka producer: {} records not acknowledged within {} ms (brokers '{}'){}{}",
        outstanding, timeout.count(), d.context.bootstrap, last.empty() ? "" : "; last error: ",
        last));
  }
  return Status::Ok();
}

Result<int32_t> Producer::PartitionCount(std::string_view topic, std::chrono::milliseconds timeout) {
  return internal::PartitionCount(impl_->rk.get(), topic, timeout);
}

namespace {

// Runs a transactional call, retrying retriable errors until the deadline.
template <typename Call>
Status RetryTxn(std::string_view what, std::chrono::milliseconds timeout, Call call) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    internal::ErrorPtr err(call(internal::TimeoutMs(std::max(left, std::chrono::milliseconds(1)))));
    if (!err) return Status::Ok();
    if (rd_kafka_error_is_retriable(err.get()) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    return internal::StatusFromError(err.get(), what);
  }
}

}  // namespace

Status Producer::InitTransactions(std::chrono::milliseconds timeout) {
  if (impl_->options.transactional_id.empty()) {
    return Status::FailedPrecondition("InitTransactions needs a transactional_id");
  }
  rd_kafka_t* rk = impl_->rk.get();
  return RetryTxn("initializing Kafka transactions", timeout,
                  [rk](int ms) { return rd_kafka_init_transactions(rk, ms); });
}

Status Producer::BeginTransaction() {
  if (impl_->abort_unfinished) {
    // The aborted transaction's records are already lost to read_committed consumers;
    // finish the abort so a new transaction can begin (Unavailable until the
    // coordinator answers: the caller retries).
    if (Status s = AbortTransaction(impl_->options.txn_abort_resume_timeout); !s.ok()) {
      return s.WithContext("finishing the abort of the previous Kafka transaction");
    }
  }
  internal::ErrorPtr err(rd_kafka_begin_transaction(impl_->rk.get()));
  return internal::StatusFromError(err.get(), "beginning a Kafka transaction");
}

Status Producer::CommitTransaction(std::chrono::milliseconds timeout) {
  rd_kafka_t* rk = impl_->rk.get();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    internal::ErrorPtr err(rd_kafka_commit_transaction(
        rk, internal::TimeoutMs(std::max(left, std::chrono::milliseconds(1)))));
    if (!err) return Status::Ok();
    std::string text = rd_kafka_error_string(err.get());
    if (rd_kafka_error_is_fatal(err.get())) {
      return Status::FailedPrecondition(fmt::format("fatal error committing the Kafka transaction: {}", text));
    }
    if (rd_kafka_error_txn_requires_abort(err.get())) {
      Status aborted = AbortTransaction(std::max(left, std::chrono::milliseconds(1000)));
      return Status::Unavailable(fmt::format(
          "Kafka transaction aborted: {}{}", text,
          aborted.ok() ? "" : "; the abort failed too: " + aborted.message()));
    }
    if (rd_kafka_error_is_retriable(err.get()) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    return internal::StatusFromError(err.get(), "committing the Kafka transaction");
  }
}

bool Producer::IsAbortedTransaction(const Status& s) {
  return s.code() == StatusCode::kUnavailable &&
         s.message().starts_with("Kafka transaction aborted: ");
}

Status Producer::AbortTransaction(std::chrono::milliseconds timeout) {
  rd_kafka_t* rk = impl_->rk.get();
  Status s = RetryTxn("aborting the Kafka transaction", timeout,
                      [rk](int ms) { return rd_kafka_abort_transaction(rk, ms); });
  // A fatal error leaves the producer unusable anyway; anything else is resumed by the
  // next abort (BeginTransaction does it).
  impl_->abort_unfinished = !s.ok() && s.code() != StatusCode::kFailedPrecondition;
  if (!s.ok()) return s;
  // Wait for the purged records' reports, then start a clean sequence window: the aborted
  // records are resolved (never visible to read_committed consumers).
  Impl& d = *impl_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (d.n_acked.load() + d.n_failed.load() < d.n_sent.load() &&
         std::chrono::steady_clock::now() < deadline) {
    d.WaitForProgress(deadline, {});
  }
  {
    std::lock_guard lock(d.mu);
    if (d.first_failure && d.first_failure->status.code() != StatusCode::kFailedPrecondition) {
      d.first_failure.reset();
      d.failed = false;
    }
    std::fill(d.done.begin(), d.done.end(), 0);
    d.acked_through.store(d.last_seq.load());
  }
  return Status::Ok();
}

ProducerStats Producer::stats() const {
  const Impl& d = *impl_;
  return ProducerStats{.sent = d.n_sent.load(),
                       .acked = d.n_acked.load(),
                       .failed = d.n_failed.load(),
                       .queue_full_waits = d.n_waits.load(),
                       .bytes_sent = d.n_bytes.load()};
}

Status Producer::Close(std::chrono::milliseconds timeout) {
  if (impl_->closed) return Status::Ok();
  Status s = Flush(timeout);
  impl_->StopPoller();
  impl_->closed = true;
  return s;
}

}  // namespace tributary::kafka
