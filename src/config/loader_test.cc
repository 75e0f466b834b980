#include "config/loader.h"

#include <gtest/gtest.h>

namespace tributary::config {
namespace {

TEST(LoaderTest, ConnectorJsonWithNameAndCoercedScalars) {
  auto raw = LoadConfigText("c.json", R"({
    "name": "orders",
    "config": {"connector.class": "MySqlConnector", "database.port": 3307, "include.query": true}
  })");
  ASSERT_TRUE(raw.has_value()) << raw.error().ToString();
  EXPECT_EQ(raw->name, "orders");
  ASSERT_EQ(raw->entries.size(), 3u);
  EXPECT_EQ(raw->entries[1].key, "database.port");
  EXPECT_EQ(raw->entries[1].value, "3307");
  EXPECT_EQ(raw->entries[2].value, "true");
  EXPECT_TRUE(raw->diagnostics.empty());
}

TEST(LoaderTest, BareMapTakesNameFromFileOrKey) {
  auto raw = LoadConfigText("/etc/tributary/my-sink.json", R"({"connector.class": "S3SinkConnector"})");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->name, "my-sink");
  auto named = LoadConfigText("x.json", R"({"name": "n1", "connector.class": "S3SinkConnector"})");
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(named->name, "n1");
  EXPECT_EQ(named->entries.size(), 1u);  // `name` is not a config entry
}

TEST(LoaderTest, PropertiesFileLikeConnectStandalone) {
  auto raw = LoadConfigText("mysql.properties",
                            "name=inventory\nconnector.class=io.debezium.connector.mysql.MySqlConnector\n"
                            "database.port=3306\n");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->name, "inventory");
  EXPECT_EQ(raw->entries.size(), 2u);
}

TEST(LoaderTest, MalformedJsonGivesLineAndColumn) {
  auto raw = LoadConfigText("bad.json", "{\n  \"name\": \"x\",\n  \"config\": {\n    \"a\": \"b\"\n    \"c\": \"d\"\n  }\n}\n");
  ASSERT_FALSE(raw.has_value());
  EXPECT_EQ(raw.error().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(raw.error().message().starts_with("bad.json:5:7: malformed JSON:"))
      << raw.error().message();
  auto trailing = LoadConfigText("t.json", "{\"a\": \"b\",}");
  ASSERT_FALSE(trailing.has_value());
  EXPECT_TRUE(trailing.error().message().starts_with("t.json:1:11:")) << trailing.error().message();
}

TEST(LoaderTest, WrongShapesAreReported) {
  EXPECT_FALSE(LoadConfigText("e.json", "  \n").has_value());
  EXPECT_FALSE(LoadConfigText("a.json", "[1,2]").has_value());
  EXPECT_FALSE(LoadConfigText("c.json", R"({"name":"x","config":"nope"})").has_value());
  auto raw = LoadConfigText("v.json", R"({"name":"x","tasks":[],"config":{"a":null,"b":["l"],"c":{}}})");
  ASSERT_TRUE(raw.has_value());
  ASSERT_EQ(raw->diagnostics.size(), 4u);
  EXPECT_EQ(raw->diagnostics[0].key, "tasks");
  EXPECT_FALSE(raw->diagnostics[0].error());
  EXPECT_EQ(raw->diagnostics[1].key, "a");
  EXPECT_TRUE(raw->diagnostics[1].error());
  EXPECT_NE(raw->diagnostics[2].message.find("not a JSON array"), std::string::npos);
}

TEST(LoaderTest, DuplicateKeysAndNameMismatch) {
  auto raw = LoadConfigText("d.json", R"({"name":"x","config":{"a":"1","a":"2","name":"y"}})");
  ASSERT_TRUE(raw.has_value());
  ASSERT_EQ(raw->entries.size(), 1u);
  EXPECT_EQ(raw->entries[0].value, "2");
  bool dup = false, mismatch = false;
  for (const auto& d : raw->diagnostics) {
    dup |= d.key == "a" && !d.error();
    mismatch |= d.key == "name" && d.error();
  }
  EXPECT_TRUE(dup);
  EXPECT_TRUE(mismatch);
}

TEST(LoaderTest, PlaceholdersResolvedAndFailuresReported) {
  PlaceholderResolver r;
  r.env = [](const std::string& n) -> std::optional<std::string> {
    if (n == "PW") return std::string("pw-value");
    return std::nullopt;
  };
  auto raw = LoadConfigText("p.json", R"({"config":{"database.password":"${env:PW}","x":"${env:MISSING}"}})", r);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->entries[0].value, "pw-value");
  EXPECT_EQ(raw->entries[0].written, "${env:PW}");
  EXPECT_TRUE(raw->entries[0].from_placeholder);
  ASSERT_EQ(raw->diagnostics.size(), 1u);
  EXPECT_EQ(raw->diagnostics[0].key, "x");
  EXPECT_TRUE(raw->diagnostics[0].error());
}

TEST(LoaderTest, MissingFile) {
  auto raw = LoadConfigFile("/nonexistent/connector.json");
  ASSERT_FALSE(raw.has_value());
  EXPECT_EQ(raw.error().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tributary::config
