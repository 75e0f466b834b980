#include "config/placeholders.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace tributary::config {
namespace {

class PlaceholderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tributary-ph-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    resolver_.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    auto p = dir_ / name;
    std::ofstream(p) << content;
    return p.string();
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
  PlaceholderResolver resolver_;
};

TEST_F(PlaceholderTest, EnvFileAndDirectoryProviders) {
  env_["DB_HOST"] = "db.internal";
  std::string props = Write("secrets.properties", "db.password=s3cr=t\nother=x\n");
  Write("token", "abc");
  EXPECT_EQ(*resolver_.Resolve("${env:DB_HOST}"), "db.internal");
  EXPECT_EQ(*resolver_.Resolve("${env:DB_HOST}:3306"), "db.internal:3306");
  EXPECT_EQ(*resolver_.Resolve("${file:" + props + ":db.password}"), "s3cr=t");
  EXPECT_EQ(*resolver_.Resolve("${directory:" + dir_.string() + ":token}"), "abc");
  EXPECT_EQ(*resolver_.Resolve("plain"), "plain");
  EXPECT_EQ(*resolver_.Resolve("${no_provider}"), "${no_provider}");
  EXPECT_TRUE(PlaceholderResolver::HasPlaceholder("a ${env:X} b"));
  EXPECT_FALSE(PlaceholderResolver::HasPlaceholder("<YOUR_HOST>"));
}

TEST_F(PlaceholderTest, UnresolvableSaysWhyWithoutSecrets) {
  std::string props = Write("s.properties", "present=hunter2\n");
  auto missing_env = resolver_.Resolve("${env:NOPE}");
  ASSERT_FALSE(missing_env.has_value());
  EXPECT_EQ(missing_env.error().message(), "${env:NOPE}: environment variable NOPE is not set");
  auto missing_key = resolver_.Resolve("${file:" + props + ":absent}");
  ASSERT_FALSE(missing_key.has_value());
  EXPECT_NE(missing_key.error().message().find("key 'absent' not found"), std::string::npos);
  EXPECT_EQ(missing_key.error().message().find("hunter2"), std::string::npos);
  EXPECT_FALSE(resolver_.Resolve("${file:/nonexistent/x.properties:k}").has_value());
  auto unknown = resolver_.Resolve("${vault:secret/db:password}");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message().find("unknown config provider 'vault'"), std::string::npos);
  EXPECT_FALSE(resolver_.Resolve("${file:nokey}").has_value());
}

}  // namespace
}  // namespace tributary::config
