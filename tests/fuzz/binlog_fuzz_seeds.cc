// binlog_fuzz_seeds OUT_DIR FILE...: writes a seed corpus for binlog_event_fuzz from real
// binlog files (plain or .gz), in the layout that target reads (see its header):
//   - each file whole, as mode 0 (cut at the last event boundary within kMaxSeedSize),
//   - each top-level event alone, as mode 1, 2 or 3 after the FORMAT_DESCRIPTION that
//     matches the file (MySQL CRC32, MariaDB CRC32, no checksum),
//   - each rows event preceded by the TABLE_MAP in force for it, in the same mode.
// At most kSeedsPerType single events of each event type are kept per file, so one
// large file does not drown the others. Seeds are named by a hash of their content.
// Exit status: 0, or 2 on bad usage or an unwritable directory. Files that do not decode
// to the end give the seeds of the events before the error.
#include <fmt/format.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "mysql/binlog_file.h"

namespace {

using tributary::mysql::BinlogFileReader;
using tributary::mysql::ChecksumAlgorithm;
using tributary::mysql::EventType;

constexpr size_t kMaxSeedSize = 64 * 1024;  // scripts/fuzz.sh passes -max_len=65536
constexpr int kSeedsPerType = 16;

// The whole file content; gzread reads plain files as they are.
bool ReadWholeFile(const std::string& path, std::string* out) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return false;
  char buf[1 << 16];
  int n;
  while ((n = gzread(gz, buf, sizeof(buf))) > 0) out->append(buf, static_cast<size_t>(n));
  gzclose(gz);
  return n == 0;
}

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

class SeedWriter {
 public:
  explicit SeedWriter(std::filesystem::path dir) : dir_(std::move(dir)) {}

  void Write(uint8_t control, std::string_view data) {
    std::string seed(1, static_cast<char>(control));
    seed.append(data);
    if (seed.size() > kMaxSeedSize) return;
    auto path = dir_ / fmt::format("seed-{:016x}", Fnv1a(seed));
    std::ofstream(path, std::ios::binary).write(seed.data(), static_cast<std::streamsize>(seed.size()));
    ++written_;
  }
  int written() const { return written_; }

 private:
  std::filesystem::path dir_;
  int written_ = 0;
};

bool IsRowsEvent(EventType t) {
  switch (t) {
    case EventType::kWriteRowsV1: case EventType::kUpdateRowsV1: case EventType::kDeleteRowsV1:
    case EventType::kWriteRowsV2: case EventType::kUpdateRowsV2: case EventType::kDeleteRowsV2:
    case EventType::kPartialUpdateRows:
    case EventType::kMariaWriteRowsCompressedV1: case EventType::kMariaUpdateRowsCompressedV1:
    case EventType::kMariaDeleteRowsCompressedV1: case EventType::kMariaWriteRowsCompressed:
    case EventType::kMariaUpdateRowsCompressed: case EventType::kMariaDeleteRowsCompressed:
      return true;
    default:
      return false;
  }
}

void SeedsFromFile(const std::string& path, SeedWriter* out) {
  std::string bytes;
  if (!ReadWholeFile(path, &bytes) || bytes.size() < 4) {
    fmt::print(stderr, "binlog_fuzz_seeds: {}: cannot read, skipped\n", path);
    return;
  }
  tributary::mysql::DecoderOptions options;
  options.verify_checksums = false;
  auto reader = BinlogFileReader::Open(path, options);
  if (!reader) {
    fmt::print(stderr, "binlog_fuzz_seeds: {}: {}\n", path, reader.error().message());
    return;
  }
  uint8_t mode = 3;
  size_t whole_end = 4;  // end of the last event that fits a whole-file seed
  std::string_view table_map;
  std::map<uint8_t, int> per_type;
  while (auto ev = (*reader)->Next()) {
    if (!ev->has_value()) break;
    const auto& e = **ev;
    if (e.inner) continue;
    if (e.offset + e.header.event_size > bytes.size()) break;
    std::string_view raw(bytes.data() + e.offset, e.header.event_size);
    if (e.offset + e.header.event_size <= kMaxSeedSize) whole_end = e.offset + e.header.event_size;
    if (const auto* fde = std::get_if<tributary::mysql::FormatDescriptionEvent>(&e.body)) {
      mode = fde->checksum != ChecksumAlgorithm::kCrc32 ? 3 : fde->mariadb ? 2 : 1;
      continue;
    }
    if (e.header.type == EventType::kTableMap) table_map = raw;
    if (per_type[e.header.raw_type]++ >= kSeedsPerType) continue;
    out->Write(mode, raw);
    if (IsRowsEvent(e.header.type) && !table_map.empty()) {
      out->Write(mode, std::string(table_map).append(raw));
    }
  }
  out->Write(0, std::string_view(bytes).substr(4, whole_end - 4));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr, "usage: {} OUT_DIR BINLOG_FILE...\n", argv[0]);
    return 2;
  }
  std::filesystem::path dir(argv[1]);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    fmt::print(stderr, "binlog_fuzz_seeds: {}: {}\n", dir.string(), ec.message());
    return 2;
  }
  SeedWriter out(dir);
  for (int i = 2; i < argc; ++i) SeedsFromFile(argv[i], &out);
  fmt::print(stderr, "binlog_fuzz_seeds: {} seeds in {}\n", out.written(), dir.string());
  return 0;
}
