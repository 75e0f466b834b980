#include "connectors/change_builder.h"
#include "connectors/schema_history.h"

#include <gtest/gtest.h>

namespace tributary::connectors {
namespace {

namespace dbz = format::debezium;

TEST(SkippedOperations, DefaultAndLists) {
  SkippedOperations def;
  EXPECT_TRUE(def.Skips(dbz::Operation::kTruncate));
  EXPECT_FALSE(def.Skips(dbz::Operation::kCreate));
  auto s = SkippedOperations::Parse({"c", "D"});
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->Skips(dbz::Operation::kCreate));
  EXPECT_TRUE(s->Skips(dbz::Operation::kDelete));
  EXPECT_FALSE(s->Skips(dbz::Operation::kUpdate));
  EXPECT_FALSE(s->Skips(dbz::Operation::kTruncate));
  auto none = SkippedOperations::Parse({"none"});
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->Skips(dbz::Operation::kTruncate));
  EXPECT_EQ(SkippedOperations::Parse({"x"}).error().code(), StatusCode::kInvalidArgument);
}

TEST(OperationOf, MapsRowsKinds) {
  EXPECT_EQ(OperationOf(mysql::RowsKind::kWrite), dbz::Operation::kCreate);
  EXPECT_EQ(OperationOf(mysql::RowsKind::kUpdate), dbz::Operation::kUpdate);
  EXPECT_EQ(OperationOf(mysql::RowsKind::kPartialUpdate), dbz::Operation::kUpdate);
  EXPECT_EQ(OperationOf(mysql::RowsKind::kDelete), dbz::Operation::kDelete);
}

TEST(TruncatedTable, RecognisesTruncateStatements) {
  auto t = TruncatedTable("TRUNCATE TABLE `shop`.`orders`", "other");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->database, "shop");
  EXPECT_EQ(t->table, "orders");
  t = TruncatedTable("  truncate items", "shop");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->database, "shop");
  EXPECT_EQ(t->table, "items");
  EXPECT_FALSE(TruncatedTable("BEGIN", "shop").has_value());
  EXPECT_FALSE(TruncatedTable("ALTER TABLE t ADD c INT", "shop").has_value());
  EXPECT_FALSE(TruncatedTable("truncated", "shop").has_value());
}

TEST(TableEncodings, RebuildsOnlyForANewSchemaVersion) {
  dbz::EncoderOptions options;
  options.topic_prefix = "p";
  auto filters = dbz::ColumnFilters::Create(options.filters);
  ASSERT_TRUE(filters.has_value());
  TableEncodings cache(options, *filters);
  auto v1 = std::make_shared<event::TableSchema>();
  v1->id = {"db", "t"};
  event::Column id;
  id.name = "id";
  id.type = event::SqlType::kInt;
  id.type_name = "INT";
  id.nullable = false;
  v1->columns.push_back(id);
  v1->primary_key = {"id"};
  std::shared_ptr<const event::TableSchema> c1 = v1;
  auto e1 = cache.For(c1);
  ASSERT_TRUE(e1.has_value()) << e1.error().ToString();
  EXPECT_EQ((*e1)->topic, "p.db.t");
  EXPECT_TRUE((*e1)->has_key);
  auto again = cache.For(c1);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *e1);  // same object: cached
  auto v2 = std::make_shared<event::TableSchema>(*v1);
  event::Column name;
  name.name = "name";
  name.type = event::SqlType::kVarchar;
  name.type_name = "VARCHAR";
  name.length = 10;
  name.charset = "utf8mb4";
  v2->columns.push_back(name);
  auto e2 = cache.For(v2);
  ASSERT_TRUE(e2.has_value());
  EXPECT_EQ((*e2)->table.get(), v2.get());
  EXPECT_EQ((*e2)->value_columns.size(), 2u);
  // Alternating tables: each gets its own encoding, whichever was asked for last.
  auto other = std::make_shared<event::TableSchema>(*v1);
  other->id = {"db", "u"};
  std::shared_ptr<const event::TableSchema> cu = other;
  auto eu = cache.For(cu);
  ASSERT_TRUE(eu.has_value());
  EXPECT_EQ((*eu)->topic, "p.db.u");
  auto back = cache.For(v2);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, *e2);
  auto eu2 = cache.For(cu);
  ASSERT_TRUE(eu2.has_value());
  EXPECT_EQ(*eu2, *eu);
  // The superseded version of db.t asked for again (a stale schema object): rebuilt for it,
  // never answered with the newer version's encoding.
  auto old = cache.For(c1);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ((*old)->table.get(), c1.get());
  EXPECT_EQ((*old)->value_columns.size(), 1u);
}

TEST(ToDebeziumChanges, CarriesTypeIdsAndSchemas) {
  schema::TableChange create;
  create.type = schema::TableChange::Type::kCreate;
  create.id = {"db", "t"};
  create.schema.id = create.id;
  schema::TableChange drop;
  drop.type = schema::TableChange::Type::kDrop;
  drop.id = {"db", "old"};
  auto out = ToDebeziumChanges({create, drop});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, dbz::TableChangeType::kCreate);
  ASSERT_NE(out[0].table, nullptr);
  EXPECT_EQ(out[0].table->id.table, "t");
  EXPECT_EQ(out[1].type, dbz::TableChangeType::kDrop);
  EXPECT_EQ(out[1].table, nullptr);
}

}  // namespace
}  // namespace tributary::connectors
