// RowReader and BuildChunkSelect against the live MariaDB: rows read by the snapshot
// path must encode exactly as the same rows decoded from the binlog (Debezium JSON, byte
// for byte, under every value-shaping option), and key-ordered paging must visit every
// row once, in order.
//
// Needs the services (scripts/services.sh; build/services/env.sh exported). Uses its own
// database `snapread_test_<pid>`, dropped at the end. Set TRIBUTARY_SNAPREAD_BENCH_ROWS to
// also time RowReader over a table of that many rows (the figure goes to stdout).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "format/debezium/envelope.h"
#include "format/debezium/schema_builder.h"
#include "mysql/binlog_client.h"
#include "mysql/event_decoder.h"
#include "mysql/sql_connection.h"
#include "mysql/value_text.h"
#include "schema/catalog.h"
#include "schema/table_map_check.h"
#include "snapshot/chunk_sql.h"
#include "snapshot/row_reader.h"

namespace tributary::snapshot {
namespace {

namespace dbz = format::debezium;

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

mysql::ConnectionOptions AdminOptions() {
  mysql::ConnectionOptions o;
  o.host = Env("TRIBUTARY_MARIADB_HOST", "127.0.0.1");
  o.port = static_cast<uint16_t>(std::stoi(Env("TRIBUTARY_MARIADB_PORT", "3306")));
  o.user = "admin";
  o.password = Env("TRIBUTARY_ADMIN_PASSWORD", "admin");
  o.ssl_mode = mysql::SslMode::kDisabled;
  return o;
}

class RowReaderServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = mysql::SqlConnection::Connect(AdminOptions());
    ASSERT_TRUE(c) << c.error().ToString();
    conn_ = std::move(*c);
    db_ = fmt::format("snapread_test_{}", getpid());
    Exec("DROP DATABASE IF EXISTS " + db_);
    Exec("CREATE DATABASE " + db_ + " CHARACTER SET utf8mb4");
  }
  void TearDown() override {
    if (conn_) (void)conn_->Execute("DROP DATABASE IF EXISTS " + db_);
  }
  void Exec(const std::string& sql) {
    Status s = conn_->Execute(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }
  // The table's schema as the tracker builds it from SHOW CREATE TABLE.
  std::shared_ptr<const event::TableSchema> Schema(const std::string& table) {
    schema::Catalog catalog;
    EXPECT_TRUE(catalog.ApplySql("CREATE DATABASE " + db_ + " CHARACTER SET utf8mb4", db_));
    auto show = conn_->Query(fmt::format("SHOW CREATE TABLE {}.{}", db_, table));
    EXPECT_TRUE(show) << show.error().ToString();
    auto applied = catalog.ApplySql(*(*show)[0][1], db_);
    EXPECT_TRUE(applied) << applied.error().ToString();
    const event::TableSchema* t = catalog.FindTable({db_, table});
    EXPECT_NE(t, nullptr);
    return std::make_shared<event::TableSchema>(*t);
  }
  // A snapshot session: UTC, as the caller of RowReader must set it.
  std::unique_ptr<mysql::SqlConnection> SnapshotConnection() {
    auto c = mysql::SqlConnection::Connect(AdminOptions());
    EXPECT_TRUE(c) << c.error().ToString();
    EXPECT_TRUE((*c)->Execute("SET SESSION time_zone = '+00:00'").ok());
    return std::move(*c);
  }

  std::unique_ptr<mysql::SqlConnection> conn_;
  std::string db_;
};

// Every column family the binlog decoder handles.
constexpr const char* kAllTypes = R"(CREATE TABLE all_types (
  id INT NOT NULL PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, b1 TINYINT(1), boo BOOLEAN,
  si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, izf INT(6) ZEROFILL,
  f FLOAT, d DOUBLE, f73 FLOAT(7,3), d102 DOUBLE(10,2),
  dec0 DECIMAL(10,0), dec2 DECIMAL(10,2), dec65 DECIMAL(65,30), decu DECIMAL(5,2) UNSIGNED,
  dec18 DECIMAL(18,9), deczf DECIMAL(8,3) ZEROFILL,
  y YEAR,
  da DATE, t0 TIME, t3 TIME(3), t6 TIME(6),
  dt0 DATETIME, dt1 DATETIME(1), dt2 DATETIME(2), dt3 DATETIME(3), dt4 DATETIME(4),
  dt5 DATETIME(5), dt6 DATETIME(6),
  ts0 TIMESTAMP NULL, ts3 TIMESTAMP(3) NULL, ts6 TIMESTAMP(6) NULL,
  c10 CHAR(10), cl1 CHAR(5) CHARACTER SET latin1, vc VARCHAR(100), vcl1 VARCHAR(20) CHARSET latin1,
  vc3 VARCHAR(10) CHARSET utf8mb3, vcbin VARCHAR(10) COLLATE utf8mb4_bin, ucs VARCHAR(5) CHARSET ucs2,
  txt TEXT, mtxt MEDIUMTEXT, ltxt LONGTEXT CHARSET latin1,
  bin4 BINARY(4), vbin VARBINARY(20), tblb TINYBLOB, blb BLOB, lblb LONGBLOB,
  bit1 BIT(1), bit5 BIT(5), bit64 BIT(64),
  e ENUM('a','b','ç'), s SET('x','y','z'), el1 ENUM('é','f') CHARSET latin1,
  j JSON,
  g GEOMETRY, p POINT,
  gv BIGINT AS (i * 2) VIRTUAL, gs BIGINT AS (i + 1) STORED,
  u UUID, i4 INET4, i6 INET6
))";

constexpr const char* kAllTypesRows[] = {
    // 1: NULL everywhere it may be.
    "INSERT INTO all_types (id) VALUES (1)",
    // MariaDB's UUID (time-based and random), INET4, INET6.
    R"(INSERT INTO all_types (id, u, i4, i6) VALUES
      (7, 'e7d6b5a4-1b2c-11ef-8a3b-0242ac120002', '192.168.0.1', '2001:db8::ff00:42:8329'),
      (8, '3f2504e0-4f89-41d3-9a0c-0305e82c3301', '0.0.0.0', '::ffff:10.1.2.3'))",
    // 2: ordinary values.
    R"(INSERT INTO all_types (id, ti, tiu, b1, boo, si, siu, mi, miu, i, iu, bi, biu, izf, f, d,
       f73, d102, dec0, dec2, dec65, decu, dec18, y, da, t0, t3, t6, dt0, dt1, dt2, dt3, dt4, dt5,
       dt6, ts0, ts3, ts6, c10, cl1, vc, vcl1, vc3, vcbin, ucs, txt, mtxt, ltxt, bin4, vbin, tblb,
       blb, lblb, bit1, bit5, bit64, e, s, el1, j, g, p) VALUES
      (2, -5, 200, 1, 0, -300, 60000, -8000000, 16000000, -2000000000, 4000000000,
       -9000000000000000000, 18000000000000000000, 42, 3.14159, 2.718281828459045, 1234.567,
       12345678.91, 1234567890, -12345678.90,
       '12345678901234567890123456789012345.123456789012345678901234567891', 999.99,
       -123456789.123456789, 2024, '2024-02-29', '12:34:56', '-01:02:03.456', '23:59:59.999999',
       '2024-01-02 03:04:05', '2024-01-02 03:04:05.1', '2024-01-02 03:04:05.12',
       '2024-01-02 03:04:05.123', '2024-01-02 03:04:05.1234', '2024-01-02 03:04:05.12345',
       '2024-01-02 03:04:05.123456', '2024-06-01 12:00:00', '2024-06-01 12:00:00.123',
       '2038-01-19 03:14:07.999999', 'ab  ', 'café', 'hello 😀 wörld', 'Grüße', 'ŝtrange',
       'CaseBin', 'ŭcs', 'some text', REPEAT('m', 1000), 'latin ÿ',
       X'0102', X'00FF00', X'', X'DEADBEEF', REPEAT(X'AB', 5000), b'1', b'10101',
       b'1000000000000000000000000000000000000000000000000000000000000001', 'ç', 'x,z', 'é',
       '{"b": [1, 2.5, "x"], "a": {"k": null, "t": true}}',
       ST_GeomFromText('LINESTRING(0 0, 1 1, 2 5)'), ST_GeomFromText('POINT(1.5 -2.25)', 4326)))",
    // 3: extremes.
    R"(INSERT INTO all_types (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, f, d, dec0, dec2,
       dec65, decu, dec18, y, da, t0, t3, t6, dt0, dt6, ts0, ts6, c10, vc, txt, bin4, vbin, bit1,
       bit5, bit64, e, s, j, deczf) VALUES
      (3, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,
       -9223372036854775808, 18446744073709551615, -3.402823466e+38, -1.7976931348623157e308,
       -9999999999, 99999999.99,
       '-99999999999999999999999999999999999.999999999999999999999999999999', 0.01,
       0.000000001, 2155, '9999-12-31', '-838:59:59', '838:59:59.000', '-838:59:59.000000',
       '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '1970-01-01 05:30:01',
       '1970-01-01 05:30:01.000001', '', '', '', X'FFFFFFFF', X'00', b'0', b'11111',
       b'1111111111111111111111111111111111111111111111111111111111111111', 'a', 'x,y,z',
       '[]', 99999.999))",
    // 4: the smallest and zero values.
    R"(INSERT INTO all_types (id, f, d, dec0, dec2, dec65, decu, dec18, y, da, dt0, dt3, dt6,
       ts0, ts3, t0, t6, e, s, j, bit64, vc, deczf) VALUES
      (4, 1.17549435e-38, 4.9e-324, 0, -0.01, 0, 0, -0.000000001, 1901, '1000-01-01',
       '1000-01-01 00:00:00', '1000-01-01 00:00:00.000', '1000-01-01 00:00:00.000000',
       '2000-01-01 00:00:00', '2000-01-01 00:00:00.5', '00:00:00', '-00:00:00.000001', 'b', 'y',
       '"just a string"', b'0', 'x', 1.5))",
};

// Rows written with sql_mode='' (zero dates, zero parts, ENUM error values).
constexpr const char* kLaxRows[] = {
    R"(INSERT INTO all_types (id, y, da, dt0, dt6, ts0, ts6, e, s, el1, j) VALUES
      (5, 0, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000',
       '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', 'nope', '', 'f', '{"e":"\\u00e9"}'))",
    R"(INSERT INTO all_types (id, da, dt0, dt3) VALUES
      (6, '2020-00-15', '2020-02-00 10:00:00', '0000-01-01 00:00:00.001'))",
};

std::string ShowValue(const event::Value& v) {
  // The reader's DECIMAL text and the binlog's binary DECIMAL are one value in two forms
  // (the same JSON text below).
  const auto kind = v.kind == event::ValueKind::kDecimalText ? event::ValueKind::kDecimal : v.kind;
  std::string out = fmt::format("kind={} fsp={} p={} s={} bits={} ", static_cast<int>(kind), v.fsp,
                                v.precision, v.scale, v.bits);
  if (v.kind == event::ValueKind::kString) {
    out += fmt::format("cs={} ", mysql::CollationCharsetName(v.charset));
  }
  std::string json;
  Status s = mysql::AppendValueJson(v, &json);
  return out + (s.ok() ? json : s.ToString());
}

std::vector<dbz::EncoderOptions> AllOptionSets() {
  std::vector<dbz::EncoderOptions> sets;
  for (auto dec : {dbz::DecimalMode::kPrecise, dbz::DecimalMode::kDouble, dbz::DecimalMode::kString}) {
    for (auto tp : {dbz::TimePrecisionMode::kAdaptiveTimeMicroseconds, dbz::TimePrecisionMode::kAdaptive,
                    dbz::TimePrecisionMode::kConnect}) {
      for (auto bin : {dbz::BinaryMode::kBytes, dbz::BinaryMode::kBase64, dbz::BinaryMode::kBase64UrlSafe,
                       dbz::BinaryMode::kHex}) {
        for (auto big : {dbz::BigIntUnsignedMode::kLong, dbz::BigIntUnsignedMode::kPrecise}) {
          dbz::EncoderOptions o;
          o.flavor = dbz::Flavor::kMariaDb;
          o.topic_prefix = "snapread";
          o.decimal_mode = dec;
          o.time_precision_mode = tp;
          o.binary_mode = bin;
          o.bigint_unsigned_mode = big;
          o.run_id = "run";
          sets.push_back(o);
        }
      }
    }
  }
  return sets;
}

struct Encoded {
  std::string key, value;
};

// Encodes `row` as a read event with fixed source fields, under each option set.
std::vector<Encoded> EncodeAll(const std::vector<std::shared_ptr<const dbz::TableEncoding>>& encs,
                               const std::vector<dbz::EncoderOptions>& sets,
                               std::span<const event::Value> row) {
  std::vector<Encoded> out;
  for (size_t k = 0; k < sets.size(); ++k) {
    dbz::EventEncoder encoder(sets[k]);
    dbz::ChangeEvent ce;
    ce.op = dbz::Operation::kRead;
    ce.after = row;
    ce.source.ts_us = 1000;
    ce.source.snapshot = "true";
    ce.source.db = "db";
    ce.source.table = "t";
    ce.source.file = "f";
    ce.ts_ns = 1;
    dbz::RecordBuffer records;
    Status s = encoder.Encode(*encs[k], ce, &records);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok() || records.size() != 1) {
      out.push_back({"<error>", s.ToString()});
      continue;
    }
    out.push_back({records[0].key, records[0].value});
  }
  return out;
}

TEST_F(RowReaderServiceTest, SnapshotRowsEncodeAsTheBinlogRows) {
  Exec(fmt::format("USE {}", db_));
  Exec(kAllTypes);
  auto schema = Schema("all_types");
  ASSERT_TRUE(schema);
  const auto sets = AllOptionSets();
  std::vector<std::shared_ptr<const dbz::TableEncoding>> encs;
  for (const auto& o : sets) {
    auto filters = dbz::ColumnFilters::Create(o.filters);
    ASSERT_TRUE(filters);
    auto enc = dbz::BuildTableEncoding(schema, o, *filters);
    ASSERT_TRUE(enc) << enc.error().ToString();
    encs.push_back(*enc);
  }

  auto status = conn_->Query("SHOW MASTER STATUS");
  ASSERT_TRUE(status && !status->empty()) << (status ? "no row" : status.error().ToString());
  const std::string file = *(*status)[0][0];
  const uint64_t pos = std::stoull(*(*status)[0][1]);
  // Rows in a session time zone that is not UTC: TIMESTAMP values must still come out as
  // the same instants.
  Exec("SET SESSION time_zone = '+05:30'");
  for (const char* sql : kAllTypesRows) Exec(sql);
  Exec("SET SESSION sql_mode = ''");
  for (const char* sql : kLaxRows) Exec(sql);
  const size_t kRows = 8;  // ids 1..8

  // The binlog path: rows of all_types from the position before the INSERTs.
  std::map<int64_t, std::vector<Encoded>> from_binlog;
  std::map<int64_t, std::vector<std::string>> binlog_values;
  {
    mysql::BinlogClientOptions bo;
    static_cast<mysql::ConnectionOptions&>(bo) = AdminOptions();
    bo.server_id = 4000000000u + static_cast<uint32_t>(getpid() % 100000);
    bo.file = file;
    bo.position = pos;
    bo.non_blocking = true;
    bo.check_server_id_free = false;
    auto client = mysql::BinlogClient::Connect(bo);
    ASSERT_TRUE(client) << client.error().ToString();
    mysql::EventDecoder decoder;
    mysql::FormatDescriptionEvent initial;
    if ((*client)->info().binlog_checksum == "CRC32") initial.checksum = mysql::ChecksumAlgorithm::kCrc32;
    decoder.SetFormat(initial);
    decoder.SetTableMapHook([&](mysql::TableMap& map, uint64_t) {
      if (map.database == db_ && map.table == "all_types") schema::CompleteTableMap(*schema, &map);
      return Status::Ok();
    });
    while (true) {
      auto bytes = (*client)->Next();
      ASSERT_TRUE(bytes) << bytes.error().ToString();
      if (bytes->empty()) break;
      auto ev = decoder.Decode(*bytes, 0);
      ASSERT_TRUE(ev) << ev.error().ToString();
      const auto* rows = std::get_if<mysql::RowsEvent>(&ev->body);
      if (rows == nullptr || rows->table->database != db_ || rows->table->table != "all_types") continue;
      for (const auto& change : rows->rows) {
        const auto& vals = change.after.values.empty() ? change.before.values : change.after.values;
        ASSERT_EQ(vals.size(), schema->columns.size());
        for (const auto& v : vals) ASSERT_FALSE(v.is_absent());
        from_binlog[vals[0].s.i] = EncodeAll(encs, sets, vals);
        for (const auto& v : vals) binlog_values[vals[0].s.i].push_back(ShowValue(v));
      }
    }
  }
  ASSERT_EQ(from_binlog.size(), kRows);

  // The snapshot path.
  auto snap = SnapshotConnection();
  ChunkSpec spec;
  spec.table = schema.get();
  spec.key_columns = schema->IdentityKey();
  auto select = BuildChunkSelect(spec);
  ASSERT_TRUE(select) << select.error().ToString();
  auto reader = RowReader::Open(*snap, schema, *select, spec.key_columns);
  ASSERT_TRUE(reader) << reader.error().ToString();
  size_t n = 0;
  std::map<std::string, int> decimal_forms;  // column → values read as text / as binary
  while (true) {
    auto row = (*reader)->Next();
    ASSERT_TRUE(row) << row.error().ToString();
    if (*row == nullptr) break;
    ++n;
    const auto& vals = **row;
    for (size_t c = 0; c < vals.size(); ++c) {
      if (vals[c].kind == event::ValueKind::kDecimalText) {
        ++decimal_forms[schema->columns[c].name + " text"];
      } else if (vals[c].kind == event::ValueKind::kDecimal) {
        ++decimal_forms[schema->columns[c].name + " binary"];
      }
    }
    const int64_t id = vals[0].s.i;
    ASSERT_TRUE(from_binlog.count(id)) << id;
    // Value by value first: the clearer message when something differs.
    for (size_t c = 0; c < vals.size(); ++c) {
      EXPECT_EQ(ShowValue(vals[c]), binlog_values[id][c])
          << "row " << id << " column " << schema->columns[c].name;
    }
    if (std::getenv("SNAPREAD_SHOW")) {
      for (size_t c = 0; c < vals.size(); ++c) {
        fmt::print("{} {}: {}\n", id, schema->columns[c].name, ShowValue(vals[c]));
      }
    }
    auto encoded = EncodeAll(encs, sets, vals);
    if (std::getenv("SNAPREAD_SHOW")) fmt::print("{}\n", encoded[0].value);
    for (size_t k = 0; k < sets.size(); ++k) {
      EXPECT_EQ(encoded[k].key, from_binlog[id][k].key) << "row " << id << " option set " << k;
      EXPECT_EQ(encoded[k].value, from_binlog[id][k].value) << "row " << id << " option set " << k;
    }
    EXPECT_EQ((*reader)->LastKeyJson(), fmt::format("[{}]", id));
  }
  EXPECT_EQ(n, kRows);
  // The server's text is passed on for plain DECIMAL columns (scale 0, negative values,
  // -0.01, 65 digits); ZEROFILL pads 1.5 to "00001.500", which takes the binary path
  // (99999.999 needs no padding).
  std::string forms;
  for (const auto& [k, count] : decimal_forms) forms += fmt::format("{}={} ", k, count);
  EXPECT_EQ(forms,
            "dec0 text=3 dec18 text=3 dec2 text=3 dec65 text=3 decu text=3 deczf binary=1 "
            "deczf text=1 ");
  EXPECT_EQ((*reader)->rows_read(), kRows);
  EXPECT_GT((*reader)->bytes_read(), 6000u);  // the 5000-byte LONGBLOB and friends
  EXPECT_TRUE((*reader)->Finish().ok());
  // The connection is usable again.
  auto one = snap->QueryValue("SELECT 1");
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(one->value_or(""), "1");
}

// Pages through `table` with chunks of `chunk` rows and returns the key JSON of every row
// in the order read.
std::vector<std::string> PageAll(mysql::SqlConnection& conn,
                                 const std::shared_ptr<const event::TableSchema>& schema,
                                 uint64_t chunk, size_t* chunks) {
  std::vector<std::string> keys;
  ChunkSpec spec;
  spec.table = schema.get();
  spec.key_columns = schema->IdentityKey();
  spec.limit = chunk;
  *chunks = 0;
  while (true) {
    auto select = BuildChunkSelect(spec);
    EXPECT_TRUE(select) << select.error().ToString();
    if (!select) return keys;
    auto reader = RowReader::Open(conn, schema, *select, spec.key_columns);
    EXPECT_TRUE(reader) << reader.error().ToString();
    if (!reader) return keys;
    size_t n = 0;
    while (true) {
      auto row = (*reader)->Next();
      EXPECT_TRUE(row) << row.error().ToString();
      if (!row || *row == nullptr) break;
      ++n;
      keys.push_back((*reader)->LastKeyJson());
    }
    ++*chunks;
    if (n < chunk) break;
    spec.after_key = (*reader)->LastKeyJson();
    if (*chunks > 1000) break;
  }
  return keys;
}

// The keys of every row as the server orders them, read through RowReader in one scan.
std::vector<std::string> AllKeysInOrder(mysql::SqlConnection& conn,
                                        const std::shared_ptr<const event::TableSchema>& schema) {
  size_t chunks = 0;
  auto copy = std::make_shared<event::TableSchema>(*schema);
  return PageAll(conn, copy, 1u << 30, &chunks);
}

TEST_F(RowReaderServiceTest, PagesThroughCompositeAndStringKeys) {
  Exec(fmt::format("USE {}", db_));
  Exec("CREATE TABLE comp (a INT NOT NULL, b VARCHAR(10) COLLATE utf8mb4_general_ci NOT NULL, "
       "c DATETIME(3) NOT NULL, v INT, PRIMARY KEY (a, b, c))");
  std::string values;
  int count = 0;
  for (int a = -2; a <= 2; ++a) {
    for (const char* b : {"", "A", "b", "C", "d é", "ÿ"}) {
      for (const char* c : {"2024-01-01 00:00:00.000", "2024-01-01 00:00:00.001", "1999-12-31 23:59:59.999"}) {
        values += fmt::format("{}({}, '{}', '{}', {})", count ? "," : "", a, b, c, count);
        ++count;
      }
    }
  }
  Exec("INSERT INTO comp VALUES " + values);
  Exec("CREATE TABLE strk (k VARCHAR(20) COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, v INT)");
  Exec("INSERT INTO strk VALUES ('apple',1),('Banana',2),('cherry',3),('DATE',4),('eLdEr',5),"
       "('Fig',6),('grape',7),('a',8),('B',9),('ß',10),('z',11),('Zz',12),('😀',13),(' x',14),"
       "('x''q',15),('back\\\\slash',16),('ab ',17),('€',18)");
  auto snap = SnapshotConnection();
  for (const char* table : {"comp", "strk"}) {
    auto schema = Schema(table);
    auto all = AllKeysInOrder(*snap, schema);
    auto count_rows = conn_->QueryValue(fmt::format("SELECT COUNT(*) FROM {}", table));
    ASSERT_TRUE(count_rows);
    ASSERT_EQ(all.size(), std::stoull(**count_rows)) << table;
    for (uint64_t chunk : {1u, 2u, 7u, 1000u}) {
      size_t chunks = 0;
      auto paged = PageAll(*snap, schema, chunk, &chunks);
      EXPECT_EQ(paged, all) << table << " in chunks of " << chunk;
      EXPECT_EQ(chunks, all.size() / chunk + 1) << table << " in chunks of " << chunk;
    }
  }
}

TEST_F(RowReaderServiceTest, FinishMidResultLeavesTheConnectionUsable) {
  Exec(fmt::format("USE {}", db_));
  Exec("CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(100))");
  Exec("INSERT INTO big SELECT seq, REPEAT('x', 100) FROM seq_1_to_20000");
  auto schema = Schema("big");
  auto snap = SnapshotConnection();
  ChunkSpec spec;
  spec.table = schema.get();
  spec.key_columns = schema->IdentityKey();
  auto select = BuildChunkSelect(spec);
  ASSERT_TRUE(select);
  auto reader = RowReader::Open(*snap, schema, *select, spec.key_columns);
  ASSERT_TRUE(reader) << reader.error().ToString();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*reader)->Next());
  EXPECT_EQ((*reader)->LastKeyJson(), "[10]");
  ASSERT_TRUE((*reader)->Finish().ok());
  auto v = snap->QueryValue("SELECT COUNT(*) FROM " + db_ + ".big");
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->value_or(""), "20000");
  reader->reset();
}

TEST_F(RowReaderServiceTest, ErrorsNameTheTable) {
  Exec(fmt::format("USE {}", db_));
  Exec("CREATE TABLE two (id INT PRIMARY KEY, a INT)");
  auto schema = Schema("two");
  auto snap = SnapshotConnection();
  auto r = RowReader::Open(*snap, schema, "SELECT id FROM " + db_ + ".two", {"id"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find(".two"), std::string::npos) << r.error().ToString();
  auto bad = RowReader::Open(*snap, schema, "SELECT id, a FROM " + db_ + ".nope", {"id"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("1146"), std::string::npos) << bad.error().ToString();
  auto stats = ReadTableStats(*snap, {db_, "two"});
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_EQ(stats->rows, 0u);
  auto missing = ReadTableStats(*snap, {db_, "absent"});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->rows, 0u);
}

}  // namespace
}  // namespace tributary::snapshot
