#include "format/parquet/parquet_writer.h"

#include <gtest/gtest.h>

#include <cstring>

#include "format/parquet/test_decoder.h"

namespace tributary::format::parquet {
namespace {

using testing::DecodeColumn;
using testing::ParseFile;

std::string I64(int64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }

std::unique_ptr<ParquetWriter> Open(StringSink* sink, WriterOptions o) {
  auto w = ParquetWriter::Open(sink, std::move(o));
  EXPECT_TRUE(w.has_value());
  return std::move(*w);
}

WriterOptions Plain() {
  WriterOptions o;
  o.codec = Codec::kUncompressed;
  return o;
}

TEST(ParquetWriter, EnvelopeDefinitionLevels) {
  ParquetSchema s;
  int before = s.AddGroup(0, "before", Repetition::kOptional);
  s.AddLeaf(before, "id", PhysicalType::kInt64, Repetition::kRequired);
  s.AddLeaf(before, "name", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String());
  int after = s.AddGroup(0, "after", Repetition::kOptional);
  s.AddLeaf(after, "id", PhysicalType::kInt64, Repetition::kRequired);
  s.AddLeaf(after, "name", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String());
  s.AddLeaf(0, "op", PhysicalType::kByteArray, Repetition::kRequired, LogicalType::String());
  StringSink sink;
  auto w = Open(&sink, Plain());
  ASSERT_TRUE(w->Begin(s).ok());
  // insert: before null
  w->AppendNullGroup(before);
  w->AppendInt64(2, 1);
  w->AppendBytes(3, "ann");
  w->AppendBytes(4, "c");
  ASSERT_TRUE(w->EndRow().ok());
  // update with a null name after
  w->AppendInt64(0, 1);
  w->AppendBytes(1, "ann");
  w->AppendInt64(2, 1);
  w->AppendNull(3);
  w->AppendBytes(4, "u");
  ASSERT_TRUE(w->EndRow().ok());
  // delete
  w->AppendInt64(0, 1);
  w->AppendNull(1);
  w->AppendNullGroup(after);
  w->AppendBytes(4, "d");
  ASSERT_TRUE(w->EndRow().ok());
  auto st = w->Finish();
  ASSERT_TRUE(st) << st.error().ToString();
  EXPECT_EQ(st->rows, 3);
  EXPECT_EQ(static_cast<size_t>(st->bytes), sink.bytes().size());

  auto f = ParseFile(sink.bytes());
  EXPECT_EQ(f.footer[3].i, 3);             // num_rows
  EXPECT_EQ(f.footer[2].list.size(), 8u);  // root, 2 groups x (group + 2 leaves), op
  EXPECT_EQ(DecodeColumn(f, 0, 0, 1, 2).def_levels, (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(DecodeColumn(f, 0, 1, 2, 6).def_levels, (std::vector<int>{0, 2, 1}));
  EXPECT_EQ(DecodeColumn(f, 0, 3, 2, 6).def_levels, (std::vector<int>{2, 1, 0}));
  auto ids = DecodeColumn(f, 0, 2, 1, 2);
  EXPECT_EQ(ids.values[0], I64(1));
  EXPECT_EQ(ids.values[2], std::nullopt);
  auto op = DecodeColumn(f, 0, 4, 0, 6);
  EXPECT_EQ(op.values[2], "d");
}

ParquetSchema OneColumn(PhysicalType t, Repetition r = Repetition::kOptional, LogicalType l = {}) {
  ParquetSchema s;
  s.AddLeaf(0, "v", t, r, l);
  return s;
}

TEST(ParquetWriter, DictionaryFallsBackToPlain) {
  WriterOptions o = Plain();
  o.dictionary_page_size_limit = 4096;
  o.page_size = 1024;
  StringSink sink;
  auto w = Open(&sink, o);
  ASSERT_TRUE(w->Begin(OneColumn(PhysicalType::kInt64)).ok());
  for (int64_t i = 0; i < 5000; ++i) {
    if (i % 7 == 0) {
      w->AppendNull(0);
    } else {
      w->AppendInt64(0, i);
    }
    ASSERT_TRUE(w->EndRow().ok());
  }
  ASSERT_TRUE(w->Finish());
  auto f = ParseFile(sink.bytes());
  auto c = DecodeColumn(f, 0, 0, 1, 2);
  EXPECT_EQ(c.dict_pages, 1);
  EXPECT_GT(c.dict_encoded_pages, 0);
  EXPECT_GT(c.plain_pages, 0);
  ASSERT_EQ(c.values.size(), 5000u);
  for (int64_t i = 0; i < 5000; ++i) {
    if (i % 7 == 0) {
      EXPECT_EQ(c.values[i], std::nullopt);
    } else {
      EXPECT_EQ(c.values[i], I64(i)) << i;
    }
  }
  // Dictionary of at most ~4096 bytes of int64 = ~512 entries (+ what one check interval adds).
  const auto& md = f.footer[4].list[0][1].list[0][3];
  EXPECT_TRUE(md.has(11));            // dictionary_page_offset
  EXPECT_EQ(md[13].list.size(), 3u);  // encoding stats: dict page, dict data pages, plain pages
}

TEST(ParquetWriter, LowCardinalityStaysDictionaryAndPagesSplit) {
  WriterOptions o = Plain();
  o.page_size = 256;
  StringSink sink;
  auto w = Open(&sink, o);
  ASSERT_TRUE(
      w->Begin(OneColumn(PhysicalType::kByteArray, Repetition::kRequired, LogicalType::String()))
          .ok());
  const char* names[] = {"red", "green", "blue"};
  for (int i = 0; i < 20000; ++i) {
    w->AppendBytes(0, names[i % 3]);
    ASSERT_TRUE(w->EndRow().ok());
  }
  ASSERT_TRUE(w->Finish());
  auto f = ParseFile(sink.bytes());
  auto c = DecodeColumn(f, 0, 0, 0, 6);
  EXPECT_EQ(c.plain_pages, 0);
  EXPECT_GT(c.dict_encoded_pages, 10);  // 20000 x 2 bits / 256 bytes ~ 20 pages
  for (int i = 0; i < 20000; ++i) ASSERT_EQ(c.values[i], names[i % 3]);
  // Statistics: min "blue", max "red", no nulls.
  const auto& stats = f.footer[4].list[0][1].list[0][3][12];
  EXPECT_EQ(stats[6].bin, "blue");
  EXPECT_EQ(stats[5].bin, "red");
  EXPECT_EQ(stats[3].i, 0);
}

TEST(ParquetWriter, RowGroupsByRowsAndBytes) {
  WriterOptions o = Plain();
  o.max_row_group_rows = 1000;
  StringSink sink;
  auto w = Open(&sink, o);
  ASSERT_TRUE(w->Begin(OneColumn(PhysicalType::kInt32)).ok());
  for (int i = 0; i < 2500; ++i) {
    w->AppendInt32(0, i);
    ASSERT_TRUE(w->EndRow().ok());
  }
  auto st = w->Finish();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->row_groups, 3);
  auto f = ParseFile(sink.bytes());
  ASSERT_EQ(f.footer[4].list.size(), 3u);
  EXPECT_EQ(f.footer[4].list[2][3].i, 500);

  WriterOptions b = Plain();
  b.row_group_size = 64 << 10;
  b.dictionary = false;
  StringSink sink2;
  auto w2 = Open(&sink2, b);
  ASSERT_TRUE(w2->Begin(OneColumn(PhysicalType::kByteArray)).ok());
  std::string value(100, 'x');
  for (int i = 0; i < 5000; ++i) {
    w2->AppendBytes(0, value);
    ASSERT_TRUE(w2->EndRow().ok());
  }
  st = w2->Finish();
  ASSERT_TRUE(st);
  // ~520 KB of values in row groups of ~64 KB
  EXPECT_GE(st->row_groups, 7);
  EXPECT_LE(st->row_groups, 9);
  auto f2 = ParseFile(sink2.bytes());
  int64_t rows = 0;
  for (const auto& rg : f2.footer[4].list) {
    rows += rg[3].i;
    EXPECT_LE(rg[6].i, (64 << 10) * 5 / 4);  // total_compressed_size
  }
  EXPECT_EQ(rows, 5000);
}

TEST(ParquetWriter, MisuseIsReported) {
  StringSink sink;
  auto w = Open(&sink, Plain());
  ParquetSchema s;
  s.AddLeaf(0, "a", PhysicalType::kInt64, Repetition::kRequired);
  s.AddLeaf(0, "b", PhysicalType::kInt32, Repetition::kOptional);
  ASSERT_TRUE(w->Begin(s).ok());
  w->AppendInt32(0, 1);  // wrong type
  w->AppendInt32(1, 1);
  Status st = w->EndRow();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("wrong type"), std::string::npos);

  StringSink sink2;
  auto w2 = Open(&sink2, Plain());
  ASSERT_TRUE(w2->Begin(s).ok());
  w2->AppendNull(0);  // required
  w2->AppendNull(1);
  EXPECT_FALSE(w2->EndRow().ok());

  StringSink sink3;
  auto w3 = Open(&sink3, Plain());
  ASSERT_TRUE(w3->Begin(s).ok());
  w3->AppendInt64(0, 1);  // b missing
  st = w3->EndRow();
  EXPECT_NE(st.message().find("1 values for 2 columns"), std::string::npos);
}

TEST(ParquetWriter, BadSchemasAreRejected) {
  StringSink sink;
  auto w = Open(&sink, Plain());
  ParquetSchema s;
  s.AddLeaf(0, "d", PhysicalType::kInt32, Repetition::kRequired, LogicalType::Decimal(10, 2));
  EXPECT_FALSE(w->Begin(s).ok());
  ParquetSchema g;
  g.AddGroup(0, "empty", Repetition::kOptional);
  EXPECT_FALSE(g.Finalize().ok());
  ParquetSchema f;
  f.AddLeaf(0, "d", PhysicalType::kFixedLenByteArray, Repetition::kRequired,
            LogicalType::Decimal(39, 0), 16);
  EXPECT_FALSE(f.Finalize().ok());  // 16 bytes hold 38 digits
}

TEST(ParquetWriter, AppendToStringSinkToleratesTakenPrefixes) {
  std::string out;
  AppendToStringSink sink(&out);
  WriterOptions o = Plain();
  o.max_row_group_rows = 10;
  auto real = ParquetWriter::Open(&sink, o);
  ASSERT_TRUE(real);
  ASSERT_TRUE((*real)->Begin(OneColumn(PhysicalType::kInt64)).ok());
  std::string taken;
  for (int i = 0; i < 35; ++i) {
    (*real)->AppendInt64(0, i);
    ASSERT_TRUE((*real)->EndRow().ok());
    if (out.size() > 100) {  // an upload takes what is there
      taken += out;
      out.clear();
    }
  }
  EXPECT_GT((*real)->bytes_written(), 100);
  ASSERT_TRUE((*real)->Finish());
  taken += out;
  auto f = ParseFile(taken);
  EXPECT_EQ(f.footer[3].i, 35);
  EXPECT_EQ(DecodeColumn(f, 3, 0, 1, 2).values[4], I64(34));
}

TEST(ParquetWriter, EmptyFileIsValid) {
  StringSink sink;
  auto w = Open(&sink, WriterOptions{});
  ASSERT_TRUE(w->Begin(OneColumn(PhysicalType::kInt32)).ok());
  auto st = w->Finish();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->rows, 0);
  auto f = ParseFile(sink.bytes());
  EXPECT_EQ(f.footer[4].list.size(), 0u);
}

TEST(ParquetWriter, EveryCodecWrites) {
  for (Codec c : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    WriterOptions o;
    o.codec = c;
    StringSink sink;
    auto w = Open(&sink, o);
    ASSERT_TRUE(w->Begin(OneColumn(PhysicalType::kByteArray)).ok());
    for (int i = 0; i < 1000; ++i) {
      w->AppendBytes(0, std::string(50, static_cast<char>('a' + i % 26)));
      ASSERT_TRUE(w->EndRow().ok());
    }
    ASSERT_TRUE(w->Finish());
    auto f = ParseFile(sink.bytes());
    EXPECT_EQ(f.footer[4].list[0][1].list[0][3][4].i, static_cast<int>(c));
  }
  EXPECT_FALSE(Compressor::Make(Codec::kZstd, 99).has_value());
  EXPECT_FALSE(Compressor::Make(Codec::kGzip, 10).has_value());
  EXPECT_FALSE(ParseCodec("lzo").has_value());
}

TEST(ParquetWriter, MemoryStaysBoundedAcrossRowGroups) {
  WriterOptions o;
  o.row_group_size = 1 << 20;
  o.page_size = 64 << 10;
  StringSink sink;
  auto w = Open(&sink, o);
  ASSERT_TRUE(w->Begin(OneColumn(PhysicalType::kByteArray)).ok());
  std::string v(64, 'z');
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 200000; ++i) {
    for (size_t k = 0; k < v.size(); k += 8) {  // incompressible: xorshift bytes
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      std::memcpy(v.data() + k, &x, 8);
    }
    w->AppendBytes(0, v);
    ASSERT_TRUE(w->EndRow().ok());
  }
  auto st = w->Finish();
  ASSERT_TRUE(st);
  EXPECT_GT(st->row_groups, 5);
  // ~1 MB row groups: the writer's buffers stay within a few row groups' worth.
  EXPECT_LT(st->peak_memory_bytes, 8 << 20);
}

}  // namespace
}  // namespace tributary::format::parquet
