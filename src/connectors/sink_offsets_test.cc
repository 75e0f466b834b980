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

}  // namespace
}  // namespace tributary::connectors
