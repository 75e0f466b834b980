#include "snapshot/snapshot_state.h"

#include <gtest/gtest.h>

namespace tributary::snapshot {
namespace {

TEST(SnapshotState, RoundTripsEveryField) {
  SnapshotState s;
  s.kind = SnapshotKind::kIncremental;
  s.signal_id = "sig-1";
  s.tables = {{"db", "a.b"}, {"d\"b", "t"}};
  s.conditions[{"db", "a.b"}] = "id > 10 AND name = 'x'";
  s.after_key = "[42,\"_utf8mb4 X'41'\"]";
  s.rows_in_table = 7;
  s.rows_total = 99;
  s.tables_total = 3;
  s.paused = true;
  auto back = ParseSnapshotState(SnapshotStateJson(s));
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(back->kind, SnapshotKind::kIncremental);
  EXPECT_EQ(back->signal_id, "sig-1");
  EXPECT_EQ(back->tables, s.tables);
  EXPECT_EQ(back->conditions, s.conditions);
  EXPECT_EQ(back->after_key, s.after_key);
  EXPECT_EQ(back->rows_in_table, 7u);
  EXPECT_EQ(back->rows_total, 99u);
  EXPECT_EQ(back->tables_total, 3u);
  EXPECT_TRUE(back->paused);
}

TEST(SnapshotState, MarkersFollowTablePosition) {
  SnapshotState s;
  s.tables = {{"d", "a"}, {"d", "b"}};
  s.tables_total = 2;
  EXPECT_TRUE(s.first_table());
  EXPECT_FALSE(s.last_table());
  s.after_key = "[1]";
  s.rows_in_table = 5;
  s.NextTable();
  EXPECT_FALSE(s.first_table());
  EXPECT_TRUE(s.last_table());
  EXPECT_FALSE(s.after_key.has_value());
  EXPECT_EQ(s.rows_in_table, 0u);
  s.NextTable();
  EXPECT_TRUE(s.done());
}

TEST(SnapshotState, RejectsDamagedState) {
  for (const char* bad : {"", "[]", "{\"tables\":[]}", "{\"kind\":\"x\",\"tables\":[]}",
                          "{\"kind\":\"initial\"}", "{\"kind\":\"initial\",\"tables\":[[\"a\"]]}",
                          "{\"kind\":\"initial\",\"tables\":[],\"rows\":-1}",
                          "{\"kind\":\"initial\",\"tables\":[],\"key\":5}"}) {
    auto r = ParseSnapshotState(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_NE(r.error().message().find("tributary_snapshot"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace tributary::snapshot
