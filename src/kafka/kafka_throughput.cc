// kafka_throughput: producer and consumer throughput against a real broker.
//   kafka_throughput [records=1000000] [value_bytes=200] [partitions=6]
// Produces `records` keyed records with ordered acknowledgement (waits until
// AckedThrough() == records), then reads them back in a consumer group. Prints records/s.
// Creates topic kafka-throughput-<pid> and deletes it at the end.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"

using namespace tributary::kafka;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  uint64_t records = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  size_t value_bytes = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 200;
  int partitions = argc > 3 ? std::atoi(argv[3]) : 6;
  const char* env = std::getenv("TRIBUTARY_KAFKA_BOOTSTRAP");
  ClientConfig client;
  client.Set("bootstrap.servers", env != nullptr ? env : "127.0.0.1:9092");
  std::string topic = fmt::format("kafka-throughput-{}", ::getpid());

  auto admin = Admin::Open(client);
  if (!admin) return 1;
  NewTopic t;
  t.name = topic;
  t.partitions = partitions;
  t.replication_factor = 1;
  if (auto c = (*admin)->CreateTopicIfMissing(t, std::chrono::seconds(30)); !c) {
    fmt::print(stderr, "{}\n", c.error().ToString());
    return 1;
  }

  ProducerOptions po;
  po.client = client;
  po.client.Set("linger.ms", "5");
  po.client.Set("batch.size", "1000000");
  if (const char* comp = std::getenv("COMPRESSION")) po.client.Set("compression.type", comp);
  auto producer = Producer::Open(po);
  if (!producer) {
    fmt::print(stderr, "{}\n", producer.error().ToString());
    return 1;
  }
  std::string value(value_bytes, 'v');
  std::string key;
  auto start = Clock::now();
  for (uint64_t i = 0; i < records; ++i) {
    key = fmt::format("{}", i);
    OutgoingRecord r;
    r.topic = topic;
    r.key = key;
    r.value = value;
    auto seq = (*producer)->Send(r);
    if (!seq) {
      fmt::print(stderr, "{}\n", seq.error().ToString());
      return 1;
    }
  }
  while ((*producer)->AckedThrough() < records) {
    if (auto s = (*producer)->Flush(std::chrono::seconds(60)); !s.ok()) {
      fmt::print(stderr, "{}\n", s.ToString());
      return 1;
    }
  }
  double produce_s = std::chrono::duration<double>(Clock::now() - start).count();
  auto stats = (*producer)->stats();
  fmt::print("produce: {} records of {} bytes in {:.2f} s = {:.0f} records/s ({:.1f} MB/s), "
             "acked through {}, queue-full waits {}\n",
             records, value_bytes, produce_s, records / produce_s,
             records * (value_bytes + key.size()) / produce_s / 1e6, (*producer)->AckedThrough(),
             stats.queue_full_waits);

  ConsumerOptions co;
  co.client = client;
  co.group_id = fmt::format("kafka-throughput-{}", ::getpid());
  auto consumer = Consumer::Open(co);
  if (!consumer || !(*consumer)->Subscribe({topic}).ok()) return 1;
  uint64_t got = 0;
  uint64_t bytes = 0;
  Clock::time_point first{};
  while (got < records) {
    auto batch = (*consumer)->Poll(std::chrono::milliseconds(1000));
    if (!batch) {
      fmt::print(stderr, "{}\n", batch.error().ToString());
      return 1;
    }
    if (got == 0 && !batch->records.empty()) first = Clock::now();
    for (const ConsumedRecord& r : batch->records) bytes += r.value()->size();
    got += batch->records.size();
  }
  double consume_s = std::chrono::duration<double>(Clock::now() - first).count();
  fmt::print("consume: {} records in {:.2f} s (from the first record) = {:.0f} records/s "
             "({:.1f} MB/s values)\n",
             got, consume_s, got / consume_s, bytes / consume_s / 1e6);
  (void)(*consumer)->Close();
  (void)(*admin)->DeleteTopics({topic}, std::chrono::seconds(30));
  return 0;
}
