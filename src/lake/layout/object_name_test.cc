#include "lake/layout/object_name.h"

#include <gtest/gtest.h>

#include "config/connector_config.h"

namespace tributary::lake {
namespace {

TEST(ObjectName, ConfluentDocumentedExamples) {
  ObjectNameOptions o;
  // formats.md 3.3, DefaultPartitioner.
  EXPECT_EQ(ObjectKey(o, "dbserver1.inventory.customers", "partition=0", 0, 0, ".json"),
            "topics/dbserver1.inventory.customers/partition=0/"
            "dbserver1.inventory.customers+0+0000000000.json");
  // HourlyPartitioner.
  EXPECT_EQ(ObjectKey(o, "dbserver1.inventory.customers", "year=2024/month=05/day=01/hour=13", 0,
                      1200, ".json"),
            "topics/dbserver1.inventory.customers/year=2024/month=05/day=01/hour=13/"
            "dbserver1.inventory.customers+0+0000001200.json");
  // Issue #292's real key, topics.dir=storage/kafka.
  o.topics_dir = "storage/kafka";
  EXPECT_EQ(ObjectKey(o, "dbserver1.inventory.customers", "year=2019/month=11/day=19/hour=18", 1, 9,
                      ".snappy.parquet"),
            "storage/kafka/dbserver1.inventory.customers/year=2019/month=11/day=19/hour=18/"
            "dbserver1.inventory.customers+1+0000000009.snappy.parquet");
}

TEST(ObjectName, DelimitersPaddingAndBlankTopicsDir) {
  ObjectNameOptions o;
  o.topics_dir = "  ";
  o.directory_delim = "#";
  o.file_delim = "_";
  o.zero_pad_width = 4;
  EXPECT_EQ(ObjectKey(o, "t", "partition=3", 3, 12345678, ".csv.gz"),
            "t#partition=3#t_3_12345678.csv.gz");
  o.zero_pad_width = 0;
  EXPECT_EQ(ObjectFileName(o, "t", 0, 7, ".json"), "t_0_7.json");
  o.zero_pad_width = 20;
  EXPECT_EQ(ObjectFileName(o, "t", 0, 9223372036854775807, ""), "t_0_09223372036854775807");
  EXPECT_EQ(PartitionedPath(o, "t", "a=1#b=2"), "t#a=1#b=2");
  EXPECT_EQ(CompanionObjectKey("topics/t/partition=0/t+0+0000000000.json", ".json", ".keys"),
            "topics/t/partition=0/t+0+0000000000.keys.json");
}

TEST(ObjectName, FromConfig) {
  config::ConnectorConfig c;
  c.values["topics.dir"].value = "lake";
  c.values["filename.offset.zero.pad.width"].value = "6";
  ObjectNameOptions o = ObjectNameOptions::FromConfig(c);
  EXPECT_EQ(o.topics_dir, "lake");
  EXPECT_EQ(o.zero_pad_width, 6);
  EXPECT_EQ(o.file_delim, "+");
  EXPECT_EQ(ObjectKey(o, "t", "partition=0", 0, 42, ".json"), "lake/t/partition=0/t+0+000042.json");
}

}  // namespace
}  // namespace tributary::lake
