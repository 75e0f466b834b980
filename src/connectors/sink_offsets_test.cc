#include "connectors/sink_offsets.h"

#include <gtest/gtest.h>

namespace tributary::connectors {
namespace {

TEST(PartitionProgressTest, NothingBeforeTheFirstRecord) {
  PartitionProgress p;
  EXPECT_FALSE(p.Committable().has_value());
  EXPECT_FALSE(p.NeedsCommit());
}

TEST(PartitionProgressTest, OpenObjectsHoldTheOffsetAtTheirFirstRecord) {
  PartitionProgress p;
  p.Written(100);
  p.Written(101);
  p.Written(102);
  EXPECT_EQ(p.Committable(), 100);  // 100..102 are not durable yet
  p.Durable();
  EXPECT_EQ(p.Committable(), 103);  // all uploaded: the next offset
  p.Written(103);
  EXPECT_EQ(p.Committable(), 103);
}

TEST(PartitionProgressTest, SkippedRecordsMoveTheOffsetOnlyWhenNothingIsOpen) {
  PartitionProgress p;
  p.Skipped(5);  // an ignored tombstone
  EXPECT_EQ(p.Committable(), 6);
  p.Written(6);
  p.Skipped(7);  // dead-lettered while 6 is open
  EXPECT_EQ(p.Committable(), 6);
  p.Durable();
  EXPECT_EQ(p.Committable(), 8);
}

TEST(PartitionProgressTest, DroppedObjectsAreReadAgain) {
  PartitionProgress p;
  p.Written(10);
  p.Written(11);
  p.Durable();
  p.Written(12);
  p.Written(13);
  p.Dropped();
  EXPECT_EQ(p.Committable(), 12);
}

TEST(PartitionProgressTest, CommitsOnlyMoveForward) {
  PartitionProgress p;
  p.Written(0);
  p.Durable();
  ASSERT_TRUE(p.NeedsCommit());
  p.MarkCommitted(1);
  EXPECT_FALSE(p.NeedsCommit());
  p.Written(1);  // open again at 1: nothing new to commit
  EXPECT_FALSE(p.NeedsCommit());
  p.MarkCommitted(0);  // an older commit result does not go back
  EXPECT_EQ(p.committed(), 1);
  p.Durable();
  EXPECT_TRUE(p.NeedsCommit());
  EXPECT_EQ(p.Committable(), 2);
}

TEST(PartitionProgressTest, CutsUploadedOutOfOrderReleaseTheOffsetInOrder) {
  PartitionProgress p;
  for (int64_t o = 0; o < 3; ++o) p.Written(o);
  EXPECT_EQ(p.Cut(), 0);
  for (int64_t o = 3; o < 6; ++o) p.Written(o);
  EXPECT_EQ(p.Cut(), 3);
  p.Written(6);  // open
  EXPECT_EQ(p.uploading(), 2u);
  EXPECT_EQ(p.Committable(), 0);
  p.Uploaded(3);  // the later cut lands first: nothing moves
  EXPECT_EQ(p.Committable(), 0);
  p.Uploaded(0);
  EXPECT_EQ(p.Committable(), 6);  // the open set's first offset
  EXPECT_EQ(p.Cut(), 6);
  EXPECT_EQ(p.Committable(), 6);
  p.Uploaded(6);
  EXPECT_EQ(p.Committable(), 7);
  EXPECT_EQ(p.uploading(), 0u);
}

TEST(PartitionProgressTest, AnUnfinishedCutHoldsTheOffsetWhateverComesAfter) {
  PartitionProgress p;
  p.Written(10);
  EXPECT_EQ(p.Cut(), 10);  // its upload fails or hangs
  p.Written(11);
  EXPECT_EQ(p.Cut(), 11);
  p.Uploaded(11);
  p.Skipped(12);
  p.Written(13);
  EXPECT_EQ(p.Cut(), 13);
  p.Uploaded(13);
  EXPECT_EQ(p.Committable(), 10);
  p.Written(14);
  p.Dropped();  // a revoke: the open object goes, the cut still holds the offset
  EXPECT_EQ(p.Committable(), 10);
  p.MarkCommitted(10);
  EXPECT_FALSE(p.NeedsCommit());
  p.Uploaded(10);  // finally durable: resume where the dropped object began
  EXPECT_EQ(p.Committable(), 14);
  EXPECT_TRUE(p.NeedsCommit());
}

TEST(PartitionProgressTest, CutWithNothingOpenIsNoBatch) {
  PartitionProgress p;
  p.Skipped(0);
  EXPECT_FALSE(p.Cut().has_value());
  EXPECT_EQ(p.uploading(), 0u);
  EXPECT_EQ(p.Committable(), 1);
}

}  // namespace
}  // namespace tributary::connectors
