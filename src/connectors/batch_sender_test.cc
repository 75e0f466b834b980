#include "connectors/batch_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace tributary::connectors {
namespace {

namespace dbz = format::debezium;
using namespace std::chrono_literals;

void Fill(dbz::RecordBuffer* b, int batch, int records) {
  for (int i = 0; i < records; ++i) {
    dbz::EncodedRecord& r = b->Add();
    r.has_value = true;
    r.value = std::to_string(batch) + "/" + std::to_string(i);
  }
}

TEST(BatchSenderTest, SendsEveryBatchInOrderAndHandsBackEmptyBuffers) {
  std::vector<std::string> sent;  // written by the sender thread only, read after Finish
  std::stop_source stop;
  BatchSender sender(
      [&](const dbz::RecordBuffer& b) {
        for (const auto& r : b.records()) sent.push_back(r.value);
        return Status::Ok();
      },
      stop.get_token());
  dbz::RecordBuffer batch;
  for (int i = 0; i < 200; ++i) {
    Fill(&batch, i, 3);
    ASSERT_TRUE(sender.Push(&batch).ok());
    EXPECT_EQ(batch.size(), 0u) << "the caller gets an empty buffer back";
  }
  ASSERT_TRUE(sender.Finish().ok());
  ASSERT_EQ(sent.size(), 600u);
  for (int i = 0; i < 200; ++i) {
    for (int j = 0; j < 3; ++j) {
      ASSERT_EQ(sent[i * 3 + j], std::to_string(i) + "/" + std::to_string(j));
    }
  }
  EXPECT_TRUE(sender.Finish().ok()) << "Finish is idempotent";
}

TEST(BatchSenderTest, TheFirstErrorStopsSendingAndIsReturnedByPushAndFinish) {
  std::atomic<int> calls{0};
  std::stop_source stop;
  BatchSender sender(
      [&](const dbz::RecordBuffer&) {
        return ++calls == 3 ? Status::Unavailable("broker gone") : Status::Ok();
      },
      stop.get_token());
  dbz::RecordBuffer batch;
  Status pushed;
  for (int i = 0; i < 100 && pushed.ok(); ++i) {
    Fill(&batch, i, 1);
    pushed = sender.Push(&batch);
  }
  EXPECT_FALSE(pushed.ok()) << "a later Push reports the failure";
  Status finished = sender.Finish();
  EXPECT_EQ(finished.code(), StatusCode::kUnavailable);
  EXPECT_NE(finished.message().find("broker gone"), std::string::npos);
  EXPECT_EQ(calls.load(), 3) << "nothing is sent after the failed batch";
}

TEST(BatchSenderTest, AtMostDepthBatchesWaitBehindTheOneBeingSent) {
  std::latch gate(1);
  std::atomic<int> pushed{0};
  std::stop_source stop;
  BatchSender sender(
      [&](const dbz::RecordBuffer&) {
        gate.wait();
        return Status::Ok();
      },
      stop.get_token());
  std::thread pusher([&] {
    dbz::RecordBuffer batch;
    for (int i = 0; i < 10; ++i) {
      Fill(&batch, i, 1);
      ASSERT_TRUE(sender.Push(&batch).ok());
      ++pushed;
    }
  });
  // One batch in send_ (blocked) plus kDepth queued: the next Push waits.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (pushed.load() < static_cast<int>(BatchSender::kDepth) + 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(pushed.load(), static_cast<int>(BatchSender::kDepth) + 1);
  gate.count_down();
  pusher.join();
  EXPECT_TRUE(sender.Finish().ok());
  EXPECT_EQ(pushed.load(), 10);
}

TEST(BatchSenderTest, AStopDropsWhatIsQueuedAndReleasesAWaitingPush) {
  std::latch gate(1);
  std::atomic<int> calls{0};
  std::stop_source stop;
  BatchSender sender(
      [&](const dbz::RecordBuffer&) {
        ++calls;
        gate.wait();
        return Status::Ok();
      },
      stop.get_token());
  dbz::RecordBuffer batch;
  for (size_t i = 0; i <= BatchSender::kDepth; ++i) {
    Fill(&batch, static_cast<int>(i), 1);
    ASSERT_TRUE(sender.Push(&batch).ok());
  }
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
    gate.count_down();  // the batch in flight returns, as Producer::Send does at a stop
  });
  Fill(&batch, 99, 1);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(sender.Push(&batch).ok()) << "a stop is not an error";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  stopper.join();
  EXPECT_TRUE(sender.Finish().ok());
  EXPECT_EQ(calls.load(), 1) << "the queued batches were dropped";
}

}  // namespace
}  // namespace tributary::connectors
