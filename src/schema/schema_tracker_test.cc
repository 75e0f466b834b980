#include "schema/schema_tracker.h"

#include <gtest/gtest.h>

#include "mysql/value_text.h"
#include "schema/table_map_check.h"

namespace tributary::schema {
namespace {

using mysql::ColumnType;

mysql::TableMapColumn MapColumn(ColumnType type, uint16_t meta = 0) {
  mysql::TableMapColumn c;
  c.meta.type = type;
  c.meta.meta = meta;
  c.real_type = type;
  return c;
}

mysql::TableMap Map(std::string db, std::string table, std::vector<mysql::TableMapColumn> cols,
                    uint64_t id = 7) {
  mysql::TableMap m;
  m.table_id = id;
  m.database = std::move(db);
  m.table = std::move(table);
  m.columns = std::move(cols);
  return m;
}

SchemaTrackerOptions Options() {
  SchemaTrackerOptions o;
  o.capture_table = [](const event::TableId& id) { return id.database == "shop"; };
  o.capture_database = [](std::string_view db) { return db == "shop"; };
  return o;
}

void Apply(SchemaTracker& t, std::string_view sql, std::string_view db = "shop") {
  auto r = t.OnQuery(db, sql, "binlog.000001:100");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
}

TEST(SchemaTracker, DecodesEachTableMapWithTheSchemaOfItsPosition) {
  SchemaTracker t(Options());
  Apply(t, "CREATE TABLE orders (id INT UNSIGNED PRIMARY KEY, qty INT)");
  auto before_alter = Map("shop", "orders", {MapColumn(ColumnType::kLong), MapColumn(ColumnType::kLong)});
  ASSERT_TRUE(t.OnTableMap(before_alter, "binlog.000001", 200).ok());
  EXPECT_TRUE(before_alter.columns[0].meta.is_unsigned);
  EXPECT_EQ(before_alter.columns[1].name, "qty");

  Apply(t, "ALTER TABLE orders ADD COLUMN note VARCHAR(10) CHARACTER SET latin1 AFTER id");
  // A row logged after the ALTER has three columns, the new one in the middle.
  auto after_alter = Map("shop", "orders", {MapColumn(ColumnType::kLong), MapColumn(ColumnType::kVarchar, 10),
                                            MapColumn(ColumnType::kLong)});
  ASSERT_TRUE(t.OnTableMap(after_alter, "binlog.000001", 300).ok());
  EXPECT_EQ(after_alter.columns[1].name, "note");
  EXPECT_EQ(mysql::CollationCharsetName(after_alter.columns[1].meta.charset), "latin1");
  EXPECT_EQ(after_alter.columns[2].name, "qty");

  // A stale map (the old two-column shape) no longer matches: stop, naming it all.
  auto stale = Map("shop", "orders", {MapColumn(ColumnType::kLong), MapColumn(ColumnType::kLong)});
  Status s = t.OnTableMap(stale, "binlog.000001", 400);
  ASSERT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("binlog.000001:400"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("`shop`.`orders`"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("the binlog row has 2 columns, the schema has 3 (id, note, qty)"),
            std::string::npos)
      << s.message();
}

TEST(SchemaTracker, ReturnsRecordsForShapeChangesOnly) {
  SchemaTracker t(Options());
  auto r = t.OnQuery("shop", "BEGIN", "f:1");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_value());
  r = t.OnQuery("shop", "GRANT SELECT ON shop.* TO 'u'@'%'", "f:2");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_value());
  r = t.OnQuery("shop", "CREATE TABLE a (x INT)", "f:3");
  ASSERT_TRUE(r.has_value() && r->has_value());
  EXPECT_EQ((*r)->database, "shop");
  EXPECT_EQ((*r)->ddl, "CREATE TABLE a (x INT)");
  ASSERT_EQ((*r)->changes.size(), 1u);
  EXPECT_EQ((*r)->changes[0].type, TableChange::Type::kCreate);
  EXPECT_EQ((*r)->changes[0].schema.columns.size(), 1u);
}

TEST(SchemaTracker, StopsOnUnparseableDdlOfACapturedTableUnlessToldToSkip) {
  SchemaTracker t(Options());
  Apply(t, "CREATE TABLE orders (id INT PRIMARY KEY)");
  auto r = t.OnQuery("shop", "ALTER TABLE orders FROBNICATE COLUMN id", "binlog.000002:77");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("binlog.000002:77"), std::string::npos);
  EXPECT_NE(r.error().message().find("FROBNICATE"), std::string::npos);
  EXPECT_NE(r.error().message().find("skip.unparseable.ddl"), std::string::npos);

  // The same garbage about a table nobody captures is skipped with a warning.
  auto other = t.OnQuery("other", "ALTER TABLE zzz FROBNICATE", "binlog.000002:90");
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->has_value());

  auto o = Options();
  o.skip_unparseable_ddl = true;
  SchemaTracker skipping(o);
  Apply(skipping, "CREATE TABLE orders (id INT PRIMARY KEY)");
  auto skipped = skipping.OnQuery("shop", "ALTER TABLE orders FROBNICATE", "f:1");
  ASSERT_TRUE(skipped.has_value());
  EXPECT_FALSE(skipped->has_value());
}

TEST(SchemaTracker, IgnoresTableMapsOfTablesNotCaptured) {
  SchemaTracker t(Options());
  auto map = Map("other", "t", {MapColumn(ColumnType::kLong)});
  EXPECT_TRUE(t.OnTableMap(map, "f", 1).ok());
  EXPECT_TRUE(map.columns[0].name.empty());
}

TEST(SchemaTracker, FailsWithoutHistoryOrFullMetadataAndBuildsFromFullMetadata) {
  SchemaTracker t(Options());
  auto bare = Map("shop", "legacy", {MapColumn(ColumnType::kLong)});
  Status s = t.OnTableMap(bare, "binlog.000003", 4);
  ASSERT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("no schema is known for `shop`.`legacy`"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("snapshot.mode=recovery"), std::string::npos);

  auto full = Map("shop", "legacy", {MapColumn(ColumnType::kLong)});
  full.columns[0].name = "id";
  full.has_column_names = true;
  ASSERT_TRUE(t.OnTableMap(full, "binlog.000003", 4).ok());
  auto schema = t.Table({"shop", "legacy"});
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->columns[0].name, "id");
  auto pending = t.TakePendingRecords();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].changes[0].id.table, "legacy");
  EXPECT_TRUE(t.TakePendingRecords().empty());
}

TEST(SchemaTracker, WarnAndSkipModes) {
  auto o = Options();
  o.inconsistent_mode = InconsistentSchemaMode::kWarn;
  SchemaTracker warn(o);
  Apply(warn, "CREATE TABLE t (a INT, b INT UNSIGNED)");
  auto map = Map("shop", "t", {MapColumn(ColumnType::kLong), MapColumn(ColumnType::kLongLong)});
  EXPECT_TRUE(warn.OnTableMap(map, "f", 1).ok());
  EXPECT_TRUE(map.columns[1].meta.is_unsigned);  // completed: the column counts agree

  o.inconsistent_mode = InconsistentSchemaMode::kSkip;
  SchemaTracker skip(o);
  Apply(skip, "CREATE TABLE t (a INT, b INT UNSIGNED)");
  auto bad = Map("shop", "t", {MapColumn(ColumnType::kLong)}, 42);
  EXPECT_TRUE(skip.OnTableMap(bad, "f", 1).ok());
  EXPECT_TRUE(skip.IsSkipped(42));
  auto good = Map("shop", "t", {MapColumn(ColumnType::kLong), MapColumn(ColumnType::kLong)}, 42);
  EXPECT_TRUE(skip.OnTableMap(good, "f", 2).ok());
  EXPECT_FALSE(skip.IsSkipped(42));
}

TEST(SchemaTracker, FollowsAnOnlineSchemaChangeToolsRenameDance) {
  SchemaTracker t(Options());
  Apply(t, "CREATE TABLE orders (id INT PRIMARY KEY, qty INT)");
  Apply(t, "CREATE TABLE `_orders_gho` LIKE `orders`");
  Apply(t, "ALTER TABLE `_orders_gho` ADD COLUMN price DECIMAL(10,2) NOT NULL DEFAULT 0");
  Apply(t, "RENAME TABLE `orders` TO `_orders_del`, `_orders_gho` TO `orders`");
  Apply(t, "DROP TABLE IF EXISTS `_orders_del`");
  auto schema = t.Table({"shop", "orders"});
  ASSERT_NE(schema, nullptr);
  ASSERT_EQ(schema->columns.size(), 3u);
  EXPECT_EQ(schema->columns[2].name, "price");
  EXPECT_EQ(t.Table({"shop", "_orders_del"}), nullptr);
  auto map = Map("shop", "orders", {MapColumn(ColumnType::kLong), MapColumn(ColumnType::kLong),
                                    MapColumn(ColumnType::kNewDecimal, 10 << 8 | 2)});
  EXPECT_TRUE(t.OnTableMap(map, "f", 9).ok());
}

TEST(SchemaTracker, ReplayRestoresTheSchemaFromStoredRecords) {
  SchemaTracker first(Options());
  std::vector<SchemaChangeRecord> history;
  for (std::string_view sql : {"CREATE TABLE a (x INT)", "ALTER TABLE a ADD y VARCHAR(5)",
                               "RENAME TABLE a TO b", "CREATE TABLE c (z INT)", "DROP TABLE c"}) {
    auto r = first.OnQuery("shop", sql, "f:1");
    ASSERT_TRUE(r.has_value() && r->has_value()) << sql;
    history.push_back(**r);
  }
  SchemaTracker second(Options());
  for (const auto& rec : history) ASSERT_TRUE(second.Replay(rec).ok());
  auto b = second.Table({"shop", "b"});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(DescribeTable(*b), DescribeTable(*first.Table({"shop", "b"})));
  EXPECT_EQ(second.Table({"shop", "a"}), nullptr);
  EXPECT_EQ(second.Table({"shop", "c"}), nullptr);
}

TEST(SchemaTracker, StoreOnlyCapturedTablesDdl) {
  auto o = Options();
  o.capture_table = [](const event::TableId& id) { return id.database == "shop" && id.table == "orders"; };
  o.store_only_captured_tables_ddl = true;
  SchemaTracker t(o);
  auto r = t.OnQuery("shop", "CREATE TABLE audit (x INT)", "f:1");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_value());
  EXPECT_NE(t.Table({"shop", "audit"}), nullptr);  // still tracked
  r = t.OnQuery("shop", "CREATE TABLE orders (x INT)", "f:2");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->has_value());
}

TEST(SchemaTracker, HandsOutANewSchemaObjectPerVersion) {
  SchemaTracker t(Options());
  Apply(t, "CREATE TABLE a (x INT)");
  auto v1 = t.Table({"shop", "a"});
  EXPECT_EQ(v1, t.Table({"shop", "a"}));
  Apply(t, "ALTER TABLE a ADD y INT");
  auto v2 = t.Table({"shop", "a"});
  EXPECT_NE(v1, v2);
  EXPECT_EQ(v1->columns.size(), 1u);
  EXPECT_EQ(v2->columns.size(), 2u);
}

TEST(SchemaTracker, LoadsTheServersDefinitions) {
  SchemaTracker t(Options());
  ServerSchema server;
  server.character_set_server = "utf8mb4";
  server.databases.push_back(
      {"shop",
       "CREATE DATABASE `shop` /*!40100 DEFAULT CHARACTER SET latin1 COLLATE latin1_swedish_ci */",
       {{{"shop", "orders"},
         "CREATE TABLE `orders` (\n  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n  `note` "
         "varchar(20) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=3 "
         "DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci"}}});
  auto records = t.LoadServerSchema(server);
  ASSERT_TRUE(records.has_value()) << records.error().ToString();
  ASSERT_EQ(records->size(), 2u);
  auto orders = t.Table({"shop", "orders"});
  ASSERT_NE(orders, nullptr);
  EXPECT_TRUE(orders->columns[0].is_unsigned);
  EXPECT_EQ(orders->columns[1].charset, "latin1");
  EXPECT_EQ(orders->primary_key, std::vector<std::string>{"id"});
}

}  // namespace
}  // namespace tributary::schema
