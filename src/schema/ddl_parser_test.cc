#include "schema/ddl_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace tributary::schema {
namespace {

using event::SqlType;

template <typename T>
T ParseOne(std::string_view sql) {
  auto st = ParseDdlStatement(sql);
  EXPECT_TRUE(st.has_value()) << sql << ": " << (st ? "" : st.error().ToString());
  if (!st) return T{};
  const T* body = std::get_if<T>(&st->body);
  EXPECT_NE(body, nullptr) << sql << ": parsed as another statement (index " << st->body.index() << ")";
  return body ? *body : T{};
}

TEST(DdlParser, CreateTableAst) {
  auto ct = ParseOne<CreateTableStatement>(
      "CREATE TEMPORARY TABLE IF NOT EXISTS `db`.t (id INT UNSIGNED NOT NULL AUTO_INCREMENT, "
      "name VARCHAR(20) CHARACTER SET utf8 COLLATE utf8_bin DEFAULT 'x' COMMENT 'c', "
      "PRIMARY KEY (id), UNIQUE KEY un (name(5) DESC)) ENGINE=InnoDB DEFAULT CHARSET=LATIN1 "
      "COMMENT 't'");
  EXPECT_TRUE(ct.temporary);
  EXPECT_TRUE(ct.if_not_exists);
  EXPECT_EQ(ct.table.database, "db");
  EXPECT_EQ(ct.table.table, "t");
  ASSERT_EQ(ct.columns.size(), 2u);
  EXPECT_EQ(ct.columns[0].column.type, SqlType::kInt);
  EXPECT_TRUE(ct.columns[0].column.is_unsigned);
  EXPECT_FALSE(ct.columns[0].column.nullable);
  EXPECT_TRUE(ct.columns[0].column.auto_increment);
  EXPECT_EQ(ct.columns[1].column.type, SqlType::kVarchar);
  EXPECT_EQ(ct.columns[1].column.length, 20);
  EXPECT_EQ(ct.columns[1].column.charset, "utf8mb3");     // declared, normalised
  EXPECT_EQ(ct.columns[1].column.collation, "utf8mb3_bin");
  EXPECT_EQ(ct.columns[1].column.default_value, "x");
  EXPECT_EQ(ct.columns[1].column.comment, "c");
  ASSERT_EQ(ct.indexes.size(), 2u);
  EXPECT_EQ(ct.indexes[0].kind, IndexDefinition::Kind::kPrimary);
  EXPECT_EQ(ct.indexes[1].kind, IndexDefinition::Kind::kUnique);
  EXPECT_EQ(ct.indexes[1].name, "un");
  EXPECT_EQ(ct.indexes[1].columns, std::vector<std::string>{"name"});
  EXPECT_EQ(ct.options.engine, "InnoDB");
  EXPECT_EQ(ct.options.charset, "latin1");
  EXPECT_EQ(ct.options.comment, "t");
}

TEST(DdlParser, AlterTableSpecificationsInOrder) {
  auto at = ParseOne<AlterTableStatement>(
      "ALTER TABLE t ADD COLUMN a INT FIRST, DROP COLUMN IF EXISTS b, MODIFY c BIGINT AFTER a, "
      "CHANGE d e TEXT, RENAME COLUMN f TO g, ALTER h SET DEFAULT 3, ALTER i DROP DEFAULT, "
      "ADD UNIQUE (a), DROP PRIMARY KEY, DROP INDEX k, RENAME INDEX l TO m, RENAME TO u, "
      "CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, DEFAULT CHARSET latin1, "
      "ALGORITHM=INPLACE, LOCK=NONE");
  using K = AlterSpec::Kind;
  std::vector<K> kinds;
  for (const AlterSpec& s : at.specs) kinds.push_back(s.kind);
  EXPECT_EQ(kinds, (std::vector<K>{K::kAddColumn, K::kDropColumn, K::kModifyColumn,
                                   K::kChangeColumn, K::kRenameColumn, K::kSetDefault,
                                   K::kDropDefault, K::kAddIndex, K::kDropPrimaryKey,
                                   K::kDropIndex, K::kRenameIndex, K::kRenameTable,
                                   K::kConvertCharset, K::kTableOptions, K::kNoShapeChange,
                                   K::kNoShapeChange}));
  EXPECT_EQ(at.specs[0].place, ColumnPlace::kFirst);
  EXPECT_TRUE(at.specs[1].if_exists);
  EXPECT_EQ(at.specs[2].place, ColumnPlace::kAfter);
  EXPECT_EQ(at.specs[2].after, "a");
  EXPECT_EQ(at.specs[3].name, "d");
  EXPECT_EQ(at.specs[3].column.column.name, "e");
  EXPECT_EQ(at.specs[5].default_value, "3");
  EXPECT_EQ(at.specs[11].rename_to.table, "u");
  EXPECT_EQ(at.specs[12].charset, "utf8mb4");
  EXPECT_EQ(at.specs[12].collation, "utf8mb4_bin");
  EXPECT_EQ(at.specs[13].options.charset, "latin1");
}

TEST(DdlParser, OtherShapeStatements) {
  auto rn = ParseOne<RenameTableStatement>("RENAME TABLE a TO b.c, `d` TO e");
  ASSERT_EQ(rn.renames.size(), 2u);
  EXPECT_EQ(rn.renames[0].second.database, "b");
  auto dr = ParseOne<DropTableStatement>("DROP TEMPORARY TABLE IF EXISTS a, b.c CASCADE");
  EXPECT_TRUE(dr.temporary);
  EXPECT_TRUE(dr.if_exists);
  EXPECT_EQ(dr.tables.size(), 2u);
  EXPECT_EQ(ParseOne<TruncateTableStatement>("TRUNCATE x.y").table.table, "y");
  auto cd = ParseOne<CreateDatabaseStatement>("CREATE SCHEMA IF NOT EXISTS s CHARSET utf8");
  EXPECT_EQ(cd.charset, "utf8mb3");
  EXPECT_EQ(ParseOne<AlterDatabaseStatement>("ALTER DATABASE COLLATE latin1_bin").collation,
            "latin1_bin");
  EXPECT_EQ(ParseOne<DropDatabaseStatement>("DROP DATABASE IF EXISTS s").name, "s");
  auto ci = ParseOne<CreateIndexStatement>("CREATE UNIQUE INDEX i ON t (a, b)");
  EXPECT_EQ(ci.index.kind, IndexDefinition::Kind::kUnique);
  EXPECT_EQ(ParseOne<DropIndexStatement>("DROP INDEX i ON db.t").table.database, "db");
  EXPECT_EQ(ParseOne<UseStatement>("USE `my db`").database, "my db");
  EXPECT_EQ(ParseOne<SkippedStatement>("GRANT ALL ON *.* TO x").what, "GRANT");
}

TEST(DdlParser, SeveralStatementsWithOffsets) {
  std::string sql = "USE a; CREATE TABLE t (x INT);; DROP TABLE t";
  auto all = ParseDdl(sql);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(sql.substr((*all)[1].offset, (*all)[1].end - (*all)[1].offset), "CREATE TABLE t (x INT)");
  EXPECT_EQ(sql.substr((*all)[2].offset, (*all)[2].end - (*all)[2].offset), "DROP TABLE t");
  EXPECT_FALSE(ParseDdlStatement("USE a; USE b").has_value());
  EXPECT_FALSE(ParseDdlStatement(" -- nothing").has_value());
}

TEST(DdlParser, ErrorsNameOffsetAndExcerpt) {
  auto r = ParseDdl("CREATE TABLE t (a INT, b NOPE(3))");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.error().message(),
            "DDL syntax error at offset 25 near 'NOPE(3))': expected a column type");
}

TEST(DdlParser, DeepNestingDoesNotRecurse) {
  std::string sql = "CREATE TABLE t (a INT DEFAULT " + std::string(200000, '(') + "1" +
                    std::string(200000, ')') + ")";
  auto r = ParseDdl(sql);
  ASSERT_TRUE(r) << r.error().ToString();
  std::string unbalanced = "CREATE TABLE t (a INT CHECK " + std::string(100000, '(');
  EXPECT_FALSE(ParseDdl(unbalanced).has_value());
}

TEST(DdlParser, TruncatedStatementsFailCleanly) {
  std::string sql =
      "CREATE TABLE `t` (`id` int(11) NOT NULL AUTO_INCREMENT, `n` varchar(5) CHARACTER SET "
      "latin1 DEFAULT 'a' COMMENT 'x', PRIMARY KEY (`id`), UNIQUE KEY `u` (`n`(3))) "
      "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 PARTITION BY HASH (id) PARTITIONS 2";
  ASSERT_TRUE(ParseDdl(sql));
  // Every prefix either parses or fails with a message; none crashes or loops.
  for (size_t n = 0; n < sql.size(); ++n) {
    auto r = ParseDdl(sql.substr(0, n));
    if (!r) {
      EXPECT_FALSE(r.error().message().empty());
    }
  }
}

}  // namespace
}  // namespace tributary::schema
