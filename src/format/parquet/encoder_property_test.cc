// Randomized property test of the encoders' boundary cases: random bit widths, run
// structures and lengths through the RLE / bit-packing hybrid, and random columns
// through the whole writer with tiny, random page / dictionary / row-group limits, each
// decoded back by the independent test decoder and compared value by value.
#include <gtest/gtest.h>

#include <random>

#include "format/parquet/parquet_writer.h"
#include "format/parquet/rle_encoder.h"
#include "format/parquet/test_decoder.h"

namespace tributary::format::parquet {
namespace {

TEST(EncoderProperty, RleHybridRoundTrips) {
  std::mt19937_64 rng(12345);
  for (int iter = 0; iter < 3000; ++iter) {
    int width = static_cast<int>(rng() % 33);
    uint64_t max = width == 0 ? 0 : width == 32 ? 0xffffffffULL : (1ULL << width) - 1;
    size_t len = rng() % 300;
    std::vector<uint32_t> v;
    while (v.size() < len) {
      size_t run = rng() % 3 == 0 ? 1 + rng() % 40 : 1;
      uint32_t x = static_cast<uint32_t>(rng() % 4 == 0 ? max : rng() % (max + 1));
      for (size_t k = 0; k < run && v.size() < len; ++k) v.push_back(x);
    }
    std::string out;
    EncodeRleHybrid(v.data(), v.size(), width, &out);
    ASSERT_EQ(testing::DecodeRleHybrid(out, width, v.size()), v) << "iteration " << iter;
  }
}

TEST(EncoderProperty, RandomColumnsThroughTheWriter) {
  std::mt19937_64 rng(777);
  for (int iter = 0; iter < 150; ++iter) {
    WriterOptions o;
    o.codec = Codec::kUncompressed;
    o.page_size = 16 + static_cast<int64_t>(rng() % 4000);
    o.dictionary_page_size_limit = 8 + static_cast<int64_t>(rng() % 3000);
    o.dictionary = rng() % 4 != 0;
    o.max_row_group_rows = rng() % 2 ? 0 : 1 + static_cast<int64_t>(rng() % 700);
    bool bytes = rng() % 2;
    bool optional = rng() % 2;
    ParquetSchema s;
    int parent = 0;
    int group = -1;
    if (rng() % 3 == 0) parent = group = s.AddGroup(0, "g", Repetition::kOptional);
    s.AddLeaf(parent, "v", bytes ? PhysicalType::kByteArray : PhysicalType::kInt64,
              optional ? Repetition::kOptional : Repetition::kRequired);
    int max_def = (group >= 0 ? 1 : 0) + (optional ? 1 : 0);
    StringSink sink;
    auto w = ParquetWriter::Open(&sink, o);
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->Begin(s).ok());
    size_t rows = rng() % 2000;
    uint64_t card = 1 + rng() % 500;
    std::vector<int> defs;
    std::vector<std::optional<std::string>> expect;
    for (size_t r = 0; r < rows; ++r) {
      int kind = static_cast<int>(rng() % 10);
      if (group >= 0 && kind == 0) {
        (*w)->AppendNullGroup(group);
        defs.push_back(0);
        expect.emplace_back(std::nullopt);
      } else if (optional && kind == 1) {
        (*w)->AppendNull(0);
        defs.push_back(max_def - 1);
        expect.emplace_back(std::nullopt);
      } else {
        uint64_t x = rng() % card;
        std::string plain;
        if (bytes) {
          plain = std::string(static_cast<size_t>(x % 37), static_cast<char>('a' + x % 26)) +
                  std::to_string(x);
          (*w)->AppendBytes(0, plain);
        } else {
          auto v = static_cast<int64_t>(x * 0x9E3779B97F4A7C15ULL);
          plain.assign(reinterpret_cast<const char*>(&v), 8);
          (*w)->AppendInt64(0, v);
        }
        defs.push_back(max_def);
        expect.emplace_back(plain);
      }
      ASSERT_TRUE((*w)->EndRow().ok());
    }
    auto st = (*w)->Finish();
    ASSERT_TRUE(st) << st.error().ToString();
    auto f = testing::ParseFile(sink.bytes());
    std::vector<int> got_defs;
    std::vector<std::optional<std::string>> got;
    for (size_t rg = 0; rg < f.footer[4].list.size(); ++rg) {
      auto c = testing::DecodeColumn(f, static_cast<int>(rg), 0, max_def, bytes ? 6 : 2);
      got_defs.insert(got_defs.end(), c.def_levels.begin(), c.def_levels.end());
      got.insert(got.end(), c.values.begin(), c.values.end());
    }
    ASSERT_EQ(got_defs, defs) << "iteration " << iter;
    ASSERT_EQ(got, expect) << "iteration " << iter;
  }
}

}  // namespace
}  // namespace tributary::format::parquet
