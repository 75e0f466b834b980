#include "connectors/sink_headers.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/topic_partition_writer.h"
#include "format/gzip_stream.h"
#include "format/json_lines_format.h"
#include "lake/store/local_store.h"

namespace tributary::connectors {
namespace {

format::SinkRecord At(int64_t offset, std::span<const format::SinkHeader> headers) {
  format::SinkRecord r;
  r.topic = "orders";
  r.partition = 0;
  r.offset = offset;
  r.headers = headers;
  return r;
}

TEST(HeadersLineTest, ConfluentEnvelopeInOrderWithJacksonEscapes) {
  std::vector<format::SinkHeader> h = {
      {"trace-id", std::string_view("abc")},
      {"retries", std::string_view("007")},            // bytes kept (Connect would say 7)
      {"quote\"d", std::string_view("a\\b\n\x01")},     // Jackson escapes, upper-case hex
      {"nothing", std::nullopt},                        // a null header value
      {"emoji", std::string_view("\xF0\x9F\x98\x80")},  // outside the BMP: surrogate pair
      {"bad", std::string_view("a\xFF" "b")},           // invalid UTF-8: U+FFFD
  };
  std::string line;
  EncodeHeadersLine(At(5, h), &line);
  EXPECT_EQ(line,
            "{\"headers\":[{\"key\":\"trace-id\",\"value\":\"abc\"},"
            "{\"key\":\"retries\",\"value\":\"007\"},"
            "{\"key\":\"quote\\\"d\",\"value\":\"a\\\\b\\n\\u0001\"},"
            "{\"key\":\"nothing\",\"value\":null},"
            "{\"key\":\"emoji\",\"value\":\"\\uD83D\\uDE00\"},"
            "{\"key\":\"bad\",\"value\":\"a\xEF\xBF\xBD" "b\"}]}");
}

TEST(HeadersLineTest, ARecordWithoutHeadersIsRefusedNamingIt) {
  EXPECT_TRUE(MissingHeadersError(At(1, {})).code() == StatusCode::kInvalidArgument);
  Status s = MissingHeadersError(At(42, {}));
  EXPECT_NE(s.message().find("topic 'orders' partition 0 offset 42"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("Headers cannot be null"), std::string::npos);
  std::vector<format::SinkHeader> one = {{"a", std::string_view("b")}};
  EXPECT_TRUE(MissingHeadersError(At(1, one)).ok());
}

TEST(HeadersJsonFormatTest, LinesAndGzip) {
  std::vector<format::SinkHeader> h = {{"k", std::string_view("v")}};
  format::ParsedValue unused;
  std::string plain;
  HeadersJsonFormat f(format::JsonLinesOptions{});
  EXPECT_EQ(f.Extension(), ".json");
  ASSERT_TRUE(f.Begin(&plain).ok());
  ASSERT_TRUE(f.Append(At(0, h), unused).ok());
  ASSERT_TRUE(f.Append(At(1, h), unused).ok());
  EXPECT_FALSE(f.Append(At(2, {}), unused).ok());
  ASSERT_TRUE(f.Finish().ok());
  const std::string line = "{\"headers\":[{\"key\":\"k\",\"value\":\"v\"}]}\n";
  EXPECT_EQ(plain, line + line);
  EXPECT_EQ(f.record_count(), 2u);

  format::JsonLinesOptions gz;
  gz.compression = format::Compression::kGzip;
  HeadersJsonFormat g(gz);
  EXPECT_EQ(g.Extension(), ".json.gz");
  std::string zipped;
  ASSERT_TRUE(g.Begin(&zipped).ok());
  ASSERT_TRUE(g.Append(At(0, h), unused).ok());
  ASSERT_TRUE(g.Finish().ok());
  ASSERT_GE(zipped.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(zipped[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(zipped[1]), 0x8b);
}

// The writer over a real local folder store: value, keys and headers objects side by side.
class HeadersWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sink-headers-test-XXXXXX";
    root_ = mkdtemp(tmpl);
    store_ = std::move(*lake::LocalStore::Open(root_));
    options_.name = "t";
    options_.topics = {"orders"};
    options_.rotation.flush_size = 2;
    format::JsonLinesOptions json;
    json.java_map_order = false;
    options_.make_format = [json]() -> Result<std::unique_ptr<format::FormatWriter>> {
      return std::make_unique<format::JsonLinesFormat>(json);
    };
    options_.make_key_format = options_.make_format;
    options_.store_headers = true;
    options_.make_header_format = [json]() -> Result<std::unique_ptr<format::FormatWriter>> {
      return std::make_unique<HeadersJsonFormat>(json);
    };
    partitioner_ = std::move(*lake::Partitioner::Create(options_.partitioner));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<TopicPartitionWriter> NewWriter() {
    SinkContext ctx;
    ctx.options = &options_;
    ctx.store = store_.get();
    ctx.partitioner = partitioner_.get();
    auto w = std::make_unique<TopicPartitionWriter>(ctx, "orders", 0);
    EXPECT_TRUE(w->LoadRecordedCuts(0).ok());
    return w;
  }

  WriteResult Feed(TopicPartitionWriter& w, int64_t offset, std::optional<std::string> value,
                   std::span<const format::SinkHeader> headers) {
    format::SinkRecord sr = At(offset, headers);
    sr.value = value;
    std::string key = "{\"id\":" + std::to_string(offset) + "}";
    sr.key = key;
    auto parsed = parser_.Parse(sr);
    EXPECT_TRUE(parsed.has_value());
    std::optional<format::ParsedValue> k;
    if (options_.store_keys) {
      format::SinkRecord kr = sr;
      kr.value = sr.key;
      k = *parser_.Parse(kr);
    }
    return w.Write(sr, *parsed, k ? &*k : nullptr, 0);
  }

  std::map<std::string, std::string> Objects() {
    std::map<std::string, std::string> out;
    auto listing = store_->ListAll("");
    EXPECT_TRUE(listing.has_value());
    for (const auto& o : *listing) out[o.key] = *store_->Get(o.key);
    return out;
  }

  SinkOptions options_;
  std::string root_;
  std::unique_ptr<lake::LocalStore> store_;
  std::unique_ptr<lake::Partitioner> partitioner_;
  format::RecordValueParser parser_;
};

TEST_F(HeadersWriter, HeadersObjectBesideEachValueObjectLineForLine) {
  auto w = NewWriter();
  std::vector<format::SinkHeader> a = {{"h", std::string_view("0")}};
  std::vector<format::SinkHeader> b = {{"h", std::string_view("1")}, {"x", std::nullopt}};
  ASSERT_TRUE(Feed(*w, 0, "{\"id\":0}", a).ok());
  ASSERT_TRUE(Feed(*w, 1, "{\"id\":1}", b).ok());
  ASSERT_TRUE(Feed(*w, 2, "{\"id\":2}", a).ok());  // open: not uploaded
  auto objects = Objects();
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects["topics/orders/partition=0/orders+0+0000000000.json"],
            "{\"id\":0}\n{\"id\":1}\n");
  EXPECT_EQ(objects["topics/orders/partition=0/orders+0+0000000000.headers.json"],
            "{\"headers\":[{\"key\":\"h\",\"value\":\"0\"}]}\n"
            "{\"headers\":[{\"key\":\"h\",\"value\":\"1\"},{\"key\":\"x\",\"value\":null}]}\n");
  EXPECT_EQ(w->progress().Committable(), 2);
}

TEST_F(HeadersWriter, ARecordWithoutHeadersIsTheRecordsFaultAndLeavesNothingBehind) {
  auto w = NewWriter();
  std::vector<format::SinkHeader> a = {{"h", std::string_view("v")}};
  ASSERT_TRUE(Feed(*w, 0, "{\"id\":0}", a).ok());
  WriteResult r = Feed(*w, 1, "{\"id\":1}", {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.record_fault);
  EXPECT_NE(r.status.message().find("topic 'orders' partition 0 offset 1"), std::string::npos)
      << r.status.message();
  w->Skip(1);  // errors.tolerance=all
  ASSERT_TRUE(Feed(*w, 2, "{\"id\":2}", a).ok());  // flush.size: two records written
  auto objects = Objects();
  EXPECT_EQ(objects["topics/orders/partition=0/orders+0+0000000000.json"],
            "{\"id\":0}\n{\"id\":2}\n");
  EXPECT_EQ(objects["topics/orders/partition=0/orders+0+0000000000.headers.json"],
            "{\"headers\":[{\"key\":\"h\",\"value\":\"v\"}]}\n"
            "{\"headers\":[{\"key\":\"h\",\"value\":\"v\"}]}\n");

  // A first record without headers opens no object at all.
  auto w2 = NewWriter();
  std::filesystem::remove_all(root_);
  store_ = std::move(*lake::LocalStore::Open(root_));
  ASSERT_FALSE(Feed(*w2, 10, "{\"id\":10}", {}).ok());
  EXPECT_EQ(w2->open_objects(), 0u);
}

TEST_F(HeadersWriter, TombstonesWriteKeysAndHeaders) {
  options_.store_keys = true;
  options_.null_behavior = NullBehavior::kWrite;
  auto w = NewWriter();
  std::vector<format::SinkHeader> a = {{"op", std::string_view("d")}};
  ASSERT_TRUE(Feed(*w, 0, std::nullopt, a).ok());
  ASSERT_TRUE(Feed(*w, 1, std::nullopt, a).ok());
  auto objects = Objects();
  EXPECT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects["topics/orders/tombstone/orders+0+0000000000.keys.json"],
            "{\"id\":0}\n{\"id\":1}\n");
  EXPECT_EQ(objects["topics/orders/tombstone/orders+0+0000000000.headers.json"],
            "{\"headers\":[{\"key\":\"op\",\"value\":\"d\"}]}\n"
            "{\"headers\":[{\"key\":\"op\",\"value\":\"d\"}]}\n");
}

}  // namespace
}  // namespace tributary::connectors
