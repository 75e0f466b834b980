#include "schema/catalog.h"

#include <gtest/gtest.h>

#include "schema/ddl_parser.h"

namespace tributary::schema {
namespace {

using event::TableId;

TEST(Catalog, CaseSensitiveByDefault) {
  Catalog c;
  ASSERT_TRUE(c.ApplySql("CREATE TABLE Mixed (a INT)", "db"));
  EXPECT_NE(c.FindTable({"db", "Mixed"}), nullptr);
  EXPECT_EQ(c.FindTable({"db", "mixed"}), nullptr);
  auto r = c.ApplySql("ALTER TABLE mixed ADD COLUMN b INT", "db");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->changes.empty());
  ASSERT_EQ(r->unknown_tables.size(), 1u);
  EXPECT_EQ(r->unknown_tables[0], (TableId{"db", "mixed"}));
}

TEST(Catalog, LowerCaseTableNamesComparesLowercasedAndKeepsSpelling) {
  CatalogOptions o;
  o.lower_case_table_names = true;
  Catalog c(o);
  ASSERT_TRUE(c.ApplySql("CREATE TABLE Db.Mixed (a INT)", ""));
  auto r = c.ApplySql("ALTER TABLE db.MIXED ADD COLUMN b INT; RENAME TABLE DB.mixed TO db.Other", "");
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->changes.size(), 2u);
  EXPECT_EQ(r->changes[0].id, (TableId{"Db", "Mixed"}));  // the spelling the catalog holds
  EXPECT_EQ(r->changes[1].id, (TableId{"db", "Other"}));
  EXPECT_EQ(r->changes[1].previous_id, (TableId{"Db", "Mixed"}));
  const event::TableSchema* t = c.FindTable({"DB", "OTHER"});
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->columns.size(), 2u);
  EXPECT_EQ(c.TableIds(), (std::vector<TableId>{{"db", "Other"}}));
}

TEST(Catalog, FailedStatementLeavesTheCatalogUnchanged) {
  Catalog c;
  ASSERT_TRUE(c.ApplySql("CREATE TABLE t (a INT, b INT)", "db"));
  std::string before = DescribeTable(*c.FindTable({"db", "t"}));
  auto r = c.ApplySql("ALTER TABLE t ADD COLUMN c INT, DROP COLUMN nope, RENAME TO u", "db");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("db.t"), std::string::npos) << r.error().message();
  ASSERT_NE(c.FindTable({"db", "t"}), nullptr);
  EXPECT_EQ(DescribeTable(*c.FindTable({"db", "t"})), before);
  EXPECT_EQ(c.FindTable({"db", "u"}), nullptr);
}

TEST(Catalog, ChangesCarryTheResultingSchema) {
  Catalog c;
  auto r = c.ApplySql(
      "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(3)); ALTER TABLE t ADD w INT, RENAME TO t2; "
      "DROP TABLE t2",
      "db");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->changes.size(), 3u);
  EXPECT_EQ(r->changes[0].type, TableChange::Type::kCreate);
  EXPECT_EQ(r->changes[0].schema.columns.size(), 2u);
  EXPECT_EQ(r->changes[0].schema.primary_key, std::vector<std::string>{"id"});
  EXPECT_EQ(r->changes[1].type, TableChange::Type::kAlter);
  EXPECT_EQ(r->changes[1].id, (TableId{"db", "t2"}));
  EXPECT_EQ(r->changes[1].previous_id, (TableId{"db", "t"}));
  EXPECT_EQ(r->changes[1].schema.id, (TableId{"db", "t2"}));
  EXPECT_EQ(r->changes[1].schema.columns.size(), 3u);
  EXPECT_EQ(r->changes[2].type, TableChange::Type::kDrop);
  EXPECT_EQ(r->changes[2].schema.columns.size(), 3u);
  EXPECT_TRUE(c.TableIds().empty());
  EXPECT_EQ(TableChangeTypeName(TableChange::Type::kAlter), "ALTER");
}

TEST(Catalog, UseIsReportedAndFollowed) {
  Catalog c;
  auto r = c.ApplySql("USE a; CREATE TABLE t (x INT); USE b", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->use_database, "b");
  EXPECT_NE(c.FindTable({"a", "t"}), nullptr);
  auto no_db = c.ApplySql("CREATE TABLE t (x INT)", "");
  ASSERT_FALSE(no_db);
  EXPECT_EQ(no_db.error().code(), StatusCode::kInvalidArgument);
}

TEST(Catalog, PutAndRemoveTablesAndDatabases) {
  Catalog c;
  event::TableSchema t;
  t.id = {"d", "x"};
  t.default_charset = "latin1";
  c.PutTable(t);
  ASSERT_NE(c.FindTable({"d", "x"}), nullptr);
  // A table put from the server takes part in later DDL.
  ASSERT_TRUE(c.ApplySql("ALTER TABLE d.x ADD COLUMN s VARCHAR(2)", ""));
  EXPECT_EQ(c.FindTable({"d", "x"})->columns.at(0).charset, "latin1");
  EXPECT_TRUE(c.RemoveTable({"d", "x"}));
  EXPECT_FALSE(c.RemoveTable({"d", "x"}));

  c.PutDatabase("d", "utf8", "");
  ASSERT_NE(c.FindDatabase("d"), nullptr);
  EXPECT_EQ(c.FindDatabase("d")->charset, "utf8mb3");
  EXPECT_EQ(c.FindDatabase("d")->collation, "utf8mb3_general_ci");
  c.PutDatabase("e", "", "latin1_bin");
  EXPECT_EQ(c.FindDatabase("e")->charset, "latin1");
  EXPECT_EQ(c.DatabaseNames(), (std::vector<std::string>{"d", "e"}));
}

TEST(Catalog, CharsetAndCollationDefaults) {
  Catalog c;
  EXPECT_EQ(c.DefaultCollation("latin1"), "latin1_swedish_ci");
  EXPECT_EQ(c.DefaultCollation("UTF8"), "utf8mb3_general_ci");
  EXPECT_EQ(c.DefaultCollation("utf8mb4"), "utf8mb4_general_ci");
  EXPECT_EQ(c.DefaultCollation("binary"), "binary");
  EXPECT_EQ(c.DefaultCollation("klingon"), "");
  CatalogOptions o;
  o.charset_default_collations["utf8mb4"] = "utf8mb4_0900_ai_ci";
  EXPECT_EQ(Catalog(o).DefaultCollation("utf8mb4"), "utf8mb4_0900_ai_ci");
  EXPECT_EQ(CharsetOfCollation("utf8mb4_0900_ai_ci"), "utf8mb4");
  EXPECT_EQ(CharsetOfCollation("utf8_general_ci"), "utf8mb3");
  EXPECT_EQ(CharsetOfCollation("UTF16LE_GENERAL_CI"), "utf16le");
  EXPECT_EQ(CharsetOfCollation("binary"), "binary");
}

TEST(Catalog, ServerDefaultsApplyToUnknownDatabases) {
  CatalogOptions o;
  o.server_charset = "latin1";
  o.server_collation = "latin1_bin";
  Catalog c(o);
  ASSERT_TRUE(c.ApplySql("CREATE TABLE t (a CHAR(2)); CREATE DATABASE n; CREATE TABLE n.t (a CHAR)", "x"));
  EXPECT_EQ(c.FindTable({"x", "t"})->columns[0].collation, "latin1_bin");
  EXPECT_EQ(c.FindDatabase("n")->collation, "latin1_bin");
  EXPECT_EQ(c.FindTable({"n", "t"})->columns[0].charset, "latin1");
}

}  // namespace
}  // namespace tributary::schema
