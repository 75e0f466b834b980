#include "config/option.h"

#include <gtest/gtest.h>

#include <set>

namespace tributary::config {
namespace {

TEST(OptionTest, PatternsMatchSegments) {
  EXPECT_TRUE(MatchesPattern("transforms.<alias>.type", "transforms.unwrap.type"));
  EXPECT_FALSE(MatchesPattern("transforms.<alias>.type", "transforms..type"));
  EXPECT_FALSE(MatchesPattern("transforms.<alias>.type", "transforms.unwrap.type.x"));
  EXPECT_TRUE(MatchesPattern("column.mask.with.<N>.chars", "column.mask.with.12.chars"));
  EXPECT_FALSE(MatchesPattern("column.mask.with.<N>.chars", "column.mask.with.ab.chars"));
  EXPECT_TRUE(MatchesPattern("producer.override.*", "producer.override.compression.type"));
  EXPECT_FALSE(MatchesPattern("producer.override.*", "producer.override."));
  EXPECT_FALSE(MatchesPattern("producer.override.*", "producer.overrides"));
}

TEST(OptionTest, FindsByNameAliasAndPatternPerConnector) {
  bool alias = false;
  const OptionDef* prefix = FindOption("database.server.name", kSource, &alias);
  ASSERT_NE(prefix, nullptr);
  EXPECT_EQ(prefix->name, "topic.prefix");
  EXPECT_TRUE(alias);
  const OptionDef* history = FindOption("database.history.kafka.topic", kSource, &alias);
  ASSERT_NE(history, nullptr);
  EXPECT_EQ(history->name, "schema.history.internal.kafka.topic");
  EXPECT_EQ(FindOption("flush.size", kSource), nullptr);
  ASSERT_NE(FindOption("flush.size", kSink), nullptr);
  const OptionDef* t = FindOption("transforms.unwrap.add.fields", kBoth, &alias);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->name, "transforms.<alias>.add.fields");
  EXPECT_FALSE(alias);
  const OptionDef* pass = FindOption("database.history.producer.acks", kSource, &alias);
  ASSERT_NE(pass, nullptr);
  EXPECT_EQ(pass->name, "schema.history.internal.producer.*");
  EXPECT_TRUE(alias);
}

TEST(OptionTest, TableIsConsistent) {
  std::set<std::string> names;
  for (const OptionDef& opt : AllOptions()) {
    EXPECT_TRUE(names.insert(opt.name).second) << "duplicate option " << opt.name;
    for (const auto& a : opt.aliases) EXPECT_TRUE(names.insert(a).second) << "duplicate alias " << a;
    EXPECT_FALSE(opt.doc.empty()) << opt.name;
    EXPECT_FALSE(opt.group.empty()) << opt.name;
    if (opt.type == OptionType::kEnum) {
      EXPECT_FALSE(opt.allowed.empty()) << opt.name;
    }
    if (opt.required) {
      EXPECT_FALSE(opt.default_value.has_value()) << opt.name;
    }
  }
  EXPECT_TRUE(LooksSecret("producer.override.sasl.jaas.config"));
  EXPECT_TRUE(LooksSecret("database.ssl.keystore.password"));
  EXPECT_FALSE(LooksSecret("database.hostname"));
}

}  // namespace
}  // namespace tributary::config
