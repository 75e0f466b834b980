// Robustness of the whole decoding path on real binlog files: every truncation point and
// random byte flips end in a clean error naming the position (or, for flips in files
// without checksums, in values), never in a crash, a hang or an unbounded allocation.
// The sanitizer build runs these too.
#include "mysql/binlog_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "mysql/event_json.h"

namespace tributary::mysql {
namespace {

std::vector<std::byte> ReadFile(const std::string& name) {
  std::filesystem::path p = std::filesystem::path(TRIBUTARY_BINLOG_TESTDATA) / "files" / name;
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing test data " << p;
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

struct Outcome {
  size_t events = 0;
  bool error = false;
  std::string message;
};

// Decodes everything and renders every event, as `tributary binlog` does.
Outcome DecodeAll(std::vector<std::byte> bytes, DecoderOptions options = {}) {
  Outcome o;
  auto reader = BinlogFileReader::FromMemory(std::move(bytes), "mem", options);
  if (!reader) {
    o.error = true;
    o.message = reader.error().message();
    return o;
  }
  std::string line;
  while (auto ev = (*reader)->Next()) {
    if (!ev->has_value()) {
      o.error = true;
      o.message = ev->error().message();
      break;
    }
    ++o.events;
    line.clear();
    Status s = AppendEventJson(**ev, {}, &line);
    if (!s.ok()) {
      o.error = true;
      o.message = s.message();
      break;
    }
  }
  return o;
}

const char* kFiles[] = {
    "mysql8.0.28_char-varchar-enum-set-text_fullmeta__rust_mysql_common.bin",
    "mysql8.0.32_zstd-transaction-payload__rust_mysql_common.bin",
    "mysql8.0.22_json-partial-update__rust_mysql_common.bin",
    "mariadb10.5.15_fullmeta-annotate-enum-json-text__rust_mysql_common.bin",
    "mysql9.6.0_gtid-tagged-decimal__rust_mysql_common.bin",
    "mysql8.4.8_alltypes-fullmeta-rowsquery__zongji-reconstructed.bin",
    "mysql5.7.20_no-checksum-rows-v2__mysql-binlog-connector-java.bin",
};

class BinlogFileRobustnessTest : public ::testing::TestWithParam<const char*> {};

TEST_P(BinlogFileRobustnessTest, WholeFileDecodes) {
  Outcome o = DecodeAll(ReadFile(GetParam()));
  EXPECT_FALSE(o.error) << o.message;
  EXPECT_GT(o.events, 3u);
}

// Every cut costs a decode of the prefix (quadratic), so every truncation point is tried
// on the files up to 5 KB; the larger file is covered by the byte flips.
class BinlogFileTruncationTest : public ::testing::TestWithParam<const char*> {};

TEST_P(BinlogFileTruncationTest, EveryTruncationIsAnErrorWithItsPosition) {
  auto full = ReadFile(GetParam());
  size_t full_events = DecodeAll(full).events;
  for (size_t len = 0; len < full.size(); ++len) {
    std::vector<std::byte> prefix(full.begin(), full.begin() + static_cast<long>(len));
    Outcome o = DecodeAll(prefix);
    ASSERT_LE(o.events, full_events) << "len " << len;
    if (len < 4) {
      ASSERT_TRUE(o.error) << "len " << len;
      continue;
    }
    // A cut exactly at an event boundary is a shorter, valid file; anywhere else the
    // reader reports the event it could not read, naming the offset.
    if (o.error) {
      ASSERT_TRUE(o.message.starts_with("mem:")) << o.message;
    }
  }
}

TEST_P(BinlogFileRobustnessTest, RandomByteFlipsNeverCrash) {
  auto full = ReadFile(GetParam());
  std::mt19937 rng(12345);
  std::uniform_int_distribution<size_t> pos(4, full.size() - 1);
  std::uniform_int_distribution<int> bit(0, 7);
  size_t errors = 0;
  for (int round = 0; round < 400; ++round) {
    auto bytes = full;
    int flips = 1 + round % 3;
    for (int f = 0; f < flips; ++f) bytes[pos(rng)] ^= static_cast<std::byte>(1 << bit(rng));
    Outcome o = DecodeAll(bytes);
    errors += o.error;
    // Without checksum verification the decoder meets the corrupt bytes themselves.
    DecoderOptions no_crc;
    no_crc.verify_checksums = false;
    DecodeAll(bytes, no_crc);
  }
  // With CRC32 files nearly every flip is caught; without, some flips land in values.
  EXPECT_GT(errors, 0u);
}

INSTANTIATE_TEST_SUITE_P(Files, BinlogFileRobustnessTest, ::testing::ValuesIn(kFiles));
INSTANTIATE_TEST_SUITE_P(Files, BinlogFileTruncationTest,
                         ::testing::ValuesIn(kFiles, kFiles + std::size(kFiles) - 1));

TEST(BinlogFileTest, ChecksumMismatchNamesTheEventAndOffset) {
  auto bytes = ReadFile("mysql8.0.28_char-varchar-enum-set-text_fullmeta__rust_mysql_common.bin");
  bytes[1077 + 40] ^= std::byte{0x01};  // inside the WRITE_ROWS_V2 at offset 1077
  Outcome o = DecodeAll(bytes);
  ASSERT_TRUE(o.error);
  EXPECT_TRUE(o.message.starts_with("mem:1077: WRITE_ROWS_V2 event checksum mismatch")) << o.message;
}

TEST(BinlogFileTest, NotABinlogAndMissingFile) {
  Outcome o = DecodeAll({std::byte{'h'}, std::byte{'i'}, std::byte{'!'}, std::byte{'!'}});
  ASSERT_TRUE(o.error);
  EXPECT_NE(o.message.find("not a binlog file"), std::string::npos);
  auto missing = BinlogFileReader::Open("/nonexistent/binlog.000001");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
}

TEST(BinlogFileTest, HugeEventSizeIsRejectedWithoutAllocating) {
  auto bytes = ReadFile("mysql8.0.32_zstd-transaction-payload__rust_mysql_common.bin");
  // Event size field of the first event after the FDE: claim 4 GB.
  size_t second = 4 + 0x7a;  // FDE of an 8.0 server is 122 bytes
  bytes[second + 9] = std::byte{0xff};
  bytes[second + 10] = std::byte{0xff};
  bytes[second + 11] = std::byte{0xff};
  bytes[second + 12] = std::byte{0xff};
  Outcome o = DecodeAll(bytes);
  ASSERT_TRUE(o.error);
  EXPECT_NE(o.message.find("truncated"), std::string::npos) << o.message;
}

}  // namespace
}  // namespace tributary::mysql
