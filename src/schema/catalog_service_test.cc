// The catalog against a real server: each DDL sequence runs on the local MariaDB, then
// the catalog that applied the same DDL must describe every table as the catalog that
// parsed the server's SHOW CREATE TABLE does. This checks what the corpus cannot: that
// charset / collation resolution, type folding, key and NOT NULL rules, CONVERT TO
// CHARACTER SET, column placement and renames match the server.
//
// Needs the services (scripts/services.sh; build/services/env.sh exported); each run
// uses its own database `tributary_ddl_<pid>` and drops it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "mysql/sql_connection.h"
#include "schema/catalog.h"

namespace tributary::schema {
namespace {

// What SHOW CREATE TABLE says differently without a different shape: integer display
// widths (MariaDB prints int(11)), BOOLEAN (printed tinyint(1)), an explicit DEFAULT NULL,
// backticks in generated expressions.
std::string Normalize(const std::string& described) {
  static const std::regex widths(R"(( (TINYINT|SMALLINT|MEDIUMINT|INT|BIGINT|YEAR))\(\d+\))");
  std::string s = std::regex_replace(described, widths, "$1");
  std::erase(s, '`');
  s = std::regex_replace(s, std::regex(" BOOLEAN"), " TINYINT");
  s = std::regex_replace(s, std::regex(" DEFAULT NULL"), "");
  return s;
}

struct Sequence {
  const char* name;
  std::vector<const char*> statements;
};

const std::vector<Sequence>& Sequences() {
  static const std::vector<Sequence> kSequences = {
      {"types and synonyms",
       {"CREATE TABLE t (a TINYINT, b BOOL, c SMALLINT UNSIGNED, d MEDIUMINT ZEROFILL, e INTEGER, "
        "f BIGINT, g SERIAL, h DECIMAL, i DEC(5), j NUMERIC(8,3), k FLOAT, l FLOAT(7,3), "
        "m FLOAT(30), n DOUBLE PRECISION, o REAL, p BIT, q BIT(9), r DATE, s TIME(3), "
        "u DATETIME(6), v TIMESTAMP(2) NULL, w YEAR, x JSON, y POINT, z GEOMETRY, "
        "aa UUID, ab INET4, ac INET6)"}},
      {"character types and charsets",
       {"CREATE TABLE t (a CHAR, b NCHAR(3), c NATIONAL VARCHAR(4), d CHARACTER VARYING(5), "
        "e LONG VARCHAR, f LONG, g TEXT(100), h TEXT(70000), i BLOB(300), j LONG VARBINARY, "
        "k VARCHAR(5) CHARACTER SET latin1, l VARCHAR(5) COLLATE utf8mb4_bin, "
        "m VARCHAR(5) BINARY, n CHAR(2) ASCII, o CHAR(2) UNICODE, p VARCHAR(5) CHARSET utf8, "
        "q CHAR(4) CHARACTER SET binary, r TEXT CHARSET binary, s ENUM('x','y') CHARSET latin1, "
        "t SET('a','b') COLLATE utf8mb4_bin, u BINARY(3), v VARBINARY(7), w TINYBLOB)"}},
      {"table and database defaults",
       {"CREATE TABLE t1 (a VARCHAR(3), b TEXT COLLATE latin1_bin) DEFAULT CHARSET=latin1",
        "CREATE TABLE t2 (a VARCHAR(3)) COLLATE utf8mb4_unicode_ci",
        "CREATE TABLE t3 (a VARCHAR(3), b VARCHAR(3) CHARACTER SET utf8mb4) CHARSET utf8 "
        "COLLATE utf8_unicode_ci",
        "ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_german2_ci",
        "CREATE TABLE t4 (a VARCHAR(3), b VARCHAR(3) CHARSET utf8mb4)"}},
      {"defaults, keys and NOT NULL",
       {"CREATE TABLE t (id INT AUTO_INCREMENT, a VARCHAR(5) NOT NULL DEFAULT 'x', "
        "b INT DEFAULT -1, c TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE "
        "CURRENT_TIMESTAMP, d DATETIME(3) DEFAULT NOW(3), e INT UNIQUE, f INT NOT NULL, "
        "g VARBINARY(2) DEFAULT 0x4142, PRIMARY KEY (id, a), UNIQUE KEY uf (f), UNIQUE (e, f), "
        "KEY kb (b))"}},
      {"generated, invisible and json columns",
       {"CREATE TABLE t (a INT, b INT AS (a * 2) VIRTUAL, c INT GENERATED ALWAYS AS (a + 1) "
        "STORED, d INT INVISIBLE, j JSON, k LONGTEXT)"}},
      {"add, drop, modify, change, rename columns",
       {"CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(5), c INT, d INT)",
        "ALTER TABLE t ADD COLUMN e INT FIRST, ADD f INT AFTER a, ADD (g INT, h INT NOT NULL)",
        "ALTER TABLE t DROP COLUMN c, DROP IF EXISTS nope",
        "ALTER TABLE t MODIFY b VARCHAR(50) CHARACTER SET latin1 NOT NULL AFTER id",
        "ALTER TABLE t CHANGE d dd BIGINT UNSIGNED DEFAULT 7 FIRST",
        "ALTER TABLE t RENAME COLUMN a TO a2, ALTER COLUMN f SET DEFAULT 3",
        "ALTER TABLE t ALTER COLUMN f DROP DEFAULT, ALTER h SET DEFAULT 1"}},
      {"keys come and go",
       {"CREATE TABLE t (a INT, b INT, c INT, d VARCHAR(10))",
        "ALTER TABLE t ADD PRIMARY KEY (a, b), ADD UNIQUE KEY uc (c), ADD UNIQUE (d)",
        "ALTER TABLE t DROP INDEX uc, ADD CONSTRAINT named UNIQUE (b, c)",
        "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (c)",
        "CREATE UNIQUE INDEX ud2 ON t (d, a)", "DROP INDEX d ON t",
        // The server refuses to drop a column of a multi-column UNIQUE key.
        "ALTER TABLE t RENAME INDEX ud2 TO ud3, DROP INDEX named, DROP COLUMN b"}},
      {"convert to character set",
       {"CREATE TABLE t (a VARCHAR(10), b TINYTEXT, c TEXT, d MEDIUMTEXT, e ENUM('x'), f INT) "
        "CHARSET latin1",
        "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        "ALTER TABLE t DEFAULT CHARSET latin1, ADD g VARCHAR(3)"}},
      {"like, rename and the gh-ost swap",
       {"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(10))",
        "CREATE TABLE _users_gho LIKE users",
        "ALTER TABLE _users_gho ADD COLUMN email VARCHAR(100) AFTER id, MODIFY name "
        "VARCHAR(50) NOT NULL",
        "RENAME TABLE users TO _users_del, _users_gho TO users", "DROP TABLE _users_del",
        "ALTER TABLE users RENAME TO people"}},
      {"MariaDB periods and system versioning",
       {"CREATE TABLE t (id INT, s DATE, e DATE, PERIOD FOR app (s, e))",
        "CREATE TABLE v (id INT) WITH SYSTEM VERSIONING"}},
  };
  return kSequences;
}

class CatalogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* host = std::getenv("TRIBUTARY_MARIADB_HOST");
    const char* password = std::getenv("TRIBUTARY_ADMIN_PASSWORD");
    if (host == nullptr || password == nullptr) {
      GTEST_SKIP() << "services not running: source build/services/env.sh";
    }
    mysql::ConnectionOptions o;
    o.host = host;
    if (const char* port = std::getenv("TRIBUTARY_MARIADB_PORT")) o.port = static_cast<uint16_t>(std::atoi(port));
    o.user = "admin";
    o.password = password;
    auto c = mysql::SqlConnection::Connect(o);
    ASSERT_TRUE(c) << c.error().ToString();
    conn_ = std::move(*c);
    auto cs = conn_->QueryValue("SELECT @@character_set_server");
    auto coll = conn_->QueryValue("SELECT @@collation_server");
    ASSERT_TRUE(cs && coll && *cs && *coll);
    options_.server_charset = **cs;
    options_.server_collation = **coll;
    database_ = "tributary_ddl_" + std::to_string(getpid());
  }

  void TearDown() override {
    if (conn_) (void)conn_->Execute("DROP DATABASE IF EXISTS " + database_);
  }

  std::unique_ptr<mysql::SqlConnection> conn_;
  CatalogOptions options_;
  std::string database_;
};

TEST_F(CatalogServiceTest, DdlAndShowCreateTableAgree) {
  int tables = 0;
  for (const Sequence& seq : Sequences()) {
    SCOPED_TRACE(seq.name);
    ASSERT_TRUE(conn_->Execute("DROP DATABASE IF EXISTS " + database_).ok());
    ASSERT_TRUE(conn_->Execute("CREATE DATABASE " + database_).ok());
    ASSERT_TRUE(conn_->Execute("USE " + database_).ok());
    Catalog from_ddl(options_);
    ASSERT_TRUE(from_ddl.ApplySql("CREATE DATABASE " + database_, database_));
    for (const char* st : seq.statements) {
      Status s = conn_->Execute(st);
      ASSERT_TRUE(s.ok()) << st << ": " << s.ToString();
      auto applied = from_ddl.ApplySql(st, database_);
      ASSERT_TRUE(applied) << st << ": " << applied.error().ToString();
    }
    Catalog from_server(options_);
    ASSERT_TRUE(from_server.ApplySql("CREATE DATABASE " + database_, database_));
    auto db = conn_->QueryValue("SELECT CONCAT(DEFAULT_CHARACTER_SET_NAME, ' ', DEFAULT_COLLATION_NAME) "
                                "FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + database_ + "'");
    ASSERT_TRUE(db && *db);
    std::string cs = (*db)->substr(0, (*db)->find(' '));
    from_server.PutDatabase(database_, cs, (*db)->substr(cs.size() + 1));
    auto names = conn_->Query("SHOW TABLES");
    ASSERT_TRUE(names);
    for (const auto& row : *names) {
      auto show = conn_->Query("SHOW CREATE TABLE " + mysql::SqlConnection::QuoteIdentifier(*row[0]));
      ASSERT_TRUE(show && !show->empty());
      auto applied = from_server.ApplySql(*(*show)[0][1], database_);
      ASSERT_TRUE(applied) << *(*show)[0][1] << "\n" << applied.error().ToString();
    }
    ASSERT_EQ(from_ddl.TableIds(), from_server.TableIds());
    for (const auto& id : from_ddl.TableIds()) {
      ++tables;
      EXPECT_EQ(Normalize(DescribeTable(*from_ddl.FindTable(id))),
                Normalize(DescribeTable(*from_server.FindTable(id))));
    }
  }
  EXPECT_EQ(tables, 14);  // every sequence compared its tables
}

}  // namespace
}  // namespace tributary::schema
