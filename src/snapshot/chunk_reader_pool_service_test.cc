// ChunkReaderPool against the live MariaDB: views opened in submission order (their
// binlog positions never go back while other sessions write), reads in parallel, a
// failing job does not block the ones behind it, Cancel() and destruction join promptly.
#include "snapshot/chunk_reader_pool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "mysql/sql_connection.h"

namespace tributary::snapshot {
namespace {

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

ChunkReaderPool::Connect Connector() {
  return [] { return mysql::SqlConnection::Connect(AdminOptions()); };
}

struct Position {
  std::string file;
  uint64_t pos = 0;
  bool operator<(const Position& o) const {
    return file != o.file ? file < o.file : pos < o.pos;
  }
};

// Opens a MariaDB consistent view and remembers its binlog position; reads the table's
// row count inside it, sleeping `read_ms` first (so reads overlap).
class CountJob : public ChunkJob {
 public:
  CountJob(std::string table, int read_ms) : table_(std::move(table)), read_ms_(read_ms) {}
  Status OpenView(mysql::SqlConnection& conn) override {
    if (Status s = conn.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"); !s.ok()) return s;
    auto rows = conn.Query("SHOW STATUS LIKE 'binlog_snapshot_%'");
    if (!rows) return rows.error();
    for (const auto& r : *rows) {
      if (r.size() < 2 || !r[0] || !r[1]) continue;
      if (*r[0] == "Binlog_snapshot_file") at.file = *r[1];
      if (*r[0] == "Binlog_snapshot_position") at.pos = std::stoull(*r[1]);
    }
    return Status::Ok();
  }
  Status Read(mysql::SqlConnection& conn, std::stop_token stop) override {
    auto start = std::chrono::steady_clock::now();
    while (!stop.stop_requested() &&
           std::chrono::steady_clock::now() - start < std::chrono::milliseconds(read_ms_)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (stop.stop_requested()) {
      stopped = true;
      return Status::Unavailable("stopped");
    }
    auto n = conn.QueryValue("SELECT COUNT(*) FROM " + table_);
    if (!n) return n.error();
    count = n->has_value() ? std::stoll(**n) : -1;
    return conn.Execute("COMMIT");
  }
  Position at;
  int64_t count = -1;
  std::atomic<bool> stopped{false};

 private:
  std::string table_;
  int read_ms_;
};

class FailingJob : public ChunkJob {
 public:
  Status OpenView(mysql::SqlConnection& conn) override {
    return conn.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  }
  Status Read(mysql::SqlConnection& conn, std::stop_token) override {
    return conn.Execute("SELECT * FROM no_such_database_xyz.no_such_table");
  }
};

class ChunkReaderPoolServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = mysql::SqlConnection::Connect(AdminOptions());
    ASSERT_TRUE(c) << c.error().ToString();
    conn_ = std::move(*c);
    db_ = fmt::format("snappool_test_{}", getpid());
    ASSERT_TRUE(conn_->Execute("DROP DATABASE IF EXISTS " + db_).ok());
    ASSERT_TRUE(conn_->Execute("CREATE DATABASE " + db_).ok());
    ASSERT_TRUE(conn_->Execute("CREATE TABLE " + db_ + ".t (id INT PRIMARY KEY)").ok());
  }
  void TearDown() override {
    if (conn_) (void)conn_->Execute("DROP DATABASE IF EXISTS " + db_);
  }
  std::unique_ptr<mysql::SqlConnection> conn_;
  std::string db_;
};

TEST_F(ChunkReaderPoolServiceTest, ViewsInSubmissionOrderUnderWrites) {
  // A writer commits rows while the pool opens views: each view sees a prefix of the
  // writes, and the views' positions and contents never go back in submission order.
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    auto c = mysql::SqlConnection::Connect(AdminOptions());
    ASSERT_TRUE(c);
    for (int i = 1; writing; ++i) {
      ASSERT_TRUE((*c)->Execute(fmt::format("INSERT INTO {}.t VALUES ({})", db_, i)).ok());
    }
  });
  ChunkReaderPool pool(4, Connector());
  std::vector<std::shared_ptr<CountJob>> jobs;
  std::vector<uint64_t> seqs;
  for (int i = 0; i < 24; ++i) {
    jobs.push_back(std::make_shared<CountJob>(db_ + ".t", 20));
    seqs.push_back(pool.Submit(jobs.back()));
  }
  EXPECT_EQ(pool.in_flight(), 24u);
  auto started = std::chrono::steady_clock::now();
  for (size_t i = 0; i < jobs.size(); ++i) {
    ASSERT_TRUE(pool.WaitDone(seqs[i], {}).ok()) << i;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  writing = false;
  writer.join();
  EXPECT_EQ(pool.in_flight(), 0u);
  for (size_t i = 1; i < jobs.size(); ++i) {
    EXPECT_FALSE(jobs[i]->at < jobs[i - 1]->at) << "view " << i << " is before view " << i - 1;
    EXPECT_GE(jobs[i]->count, jobs[i - 1]->count) << i;
  }
  EXPECT_GT(jobs.back()->count, jobs.front()->count);  // the writer ran meanwhile
  // 24 reads of >= 20 ms on 4 workers: parallel (one worker would need >= 480 ms).
  EXPECT_LT(secs, 0.45);
  // Waiting again for a finished job: not in flight any more.
  EXPECT_EQ(pool.WaitDone(seqs[0], {}).code(), StatusCode::kNotFound);
}

TEST_F(ChunkReaderPoolServiceTest, AFailureDoesNotBlockTheJobsBehindIt) {
  ChunkReaderPool pool(2, Connector());
  auto bad = std::make_shared<FailingJob>();
  auto good = std::make_shared<CountJob>(db_ + ".t", 0);
  uint64_t b = pool.Submit(bad);
  uint64_t g = pool.Submit(good);
  EXPECT_TRUE(pool.WaitView(b, {}).ok());
  Status s = pool.WaitDone(b, {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no_such"), std::string::npos) << s.ToString();
  EXPECT_TRUE(pool.WaitDone(g, {}).ok());
  EXPECT_EQ(good->count, 0);
  // A connection that cannot be opened: every job says so, none hangs.
  ChunkReaderPool refused(2, [] {
    auto o = AdminOptions();
    o.password = "wrong-password";
    return mysql::SqlConnection::Connect(o);
  });
  auto j1 = std::make_shared<CountJob>(db_ + ".t", 0);
  auto j2 = std::make_shared<CountJob>(db_ + ".t", 0);
  uint64_t s1 = refused.Submit(j1);
  uint64_t s2 = refused.Submit(j2);
  EXPECT_FALSE(refused.WaitView(s1, {}).ok());
  EXPECT_FALSE(refused.WaitDone(s1, {}).ok());
  EXPECT_FALSE(refused.WaitDone(s2, {}).ok());
}

TEST_F(ChunkReaderPoolServiceTest, CancelAndStopDoNotHang) {
  ChunkReaderPool pool(2, Connector());
  std::vector<std::shared_ptr<CountJob>> jobs;
  std::vector<uint64_t> seqs;
  for (int i = 0; i < 6; ++i) {
    jobs.push_back(std::make_shared<CountJob>(db_ + ".t", 60000));  // would read for a minute
    seqs.push_back(pool.Submit(jobs.back()));
  }
  ASSERT_TRUE(pool.WaitView(seqs[0], {}).ok());
  // The owner's stop token ends a wait without touching the jobs.
  std::stop_source owner;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    owner.request_stop();
  });
  EXPECT_EQ(pool.WaitDone(seqs[0], owner.get_token()).code(), StatusCode::kUnavailable);
  stopper.join();
  auto t = std::chrono::steady_clock::now();
  pool.Cancel();
  EXPECT_LT(std::chrono::steady_clock::now() - t, std::chrono::seconds(2));
  EXPECT_EQ(pool.in_flight(), 0u);
  EXPECT_TRUE(jobs[0]->stopped);
  EXPECT_TRUE(jobs[1]->stopped);
  // Usable again after Cancel.
  auto again = std::make_shared<CountJob>(db_ + ".t", 0);
  EXPECT_TRUE(pool.WaitDone(pool.Submit(again), {}).ok());
  // Destruction with jobs running joins promptly.
  for (int i = 0; i < 4; ++i) pool.Submit(std::make_shared<CountJob>(db_ + ".t", 60000));
  t = std::chrono::steady_clock::now();
  {
    ChunkReaderPool other(1, Connector());
    other.Submit(std::make_shared<CountJob>(db_ + ".t", 60000));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t, std::chrono::seconds(3));
}

// Records when its OpenView and Read ran (steady clock), so a test can check overlaps.
class TimedJob : public ChunkJob {
 public:
  using Clock = std::chrono::steady_clock;
  Status OpenView(mysql::SqlConnection& conn) override {
    view_start = Clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Status s = conn.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    view_end = Clock::now();
    return s;
  }
  Status Prepare(mysql::SqlConnection& conn) override {
    prepare_start = Clock::now();
    Status s = conn.Execute("SELECT SLEEP(0.005)");
    prepare_end = Clock::now();
    return s;
  }
  Status Read(mysql::SqlConnection& conn, std::stop_token) override {
    read_start = Clock::now();
    Status s = conn.Execute("SELECT SLEEP(0.08)");  // a query running on the server
    read_end = Clock::now();
    (void)conn.Execute("COMMIT");
    return s;
  }
  Clock::time_point view_start, view_end, prepare_start, prepare_end, read_start, read_end;
};

// The lock method's rule: no view is opened while a reader's query runs (FLUSH TABLES
// WITH READ LOCK would wait for it with every writer of the server blocked), and reads
// still run in parallel (views in batches).
TEST_F(ChunkReaderPoolServiceTest, ViewsApartFromReadsNeverOverlapAQuery) {
  PoolOptions options;
  options.views_apart_from_reads = true;
  ChunkReaderPool pool(3, Connector(), options);
  std::vector<std::shared_ptr<TimedJob>> jobs;
  std::vector<uint64_t> seqs;
  auto started = TimedJob::Clock::now();
  // Submitted as the connector does: a new one each time the oldest is done.
  for (int i = 0; i < 3; ++i) {
    jobs.push_back(std::make_shared<TimedJob>());
    seqs.push_back(pool.Submit(jobs.back()));
  }
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(pool.WaitDone(seqs[static_cast<size_t>(i)], {}).ok()) << i;
    if (i + 3 < 12) {
      jobs.push_back(std::make_shared<TimedJob>());
      seqs.push_back(pool.Submit(jobs.back()));
    }
  }
  double secs = std::chrono::duration<double>(TimedJob::Clock::now() - started).count();
  int overlapping_reads = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    for (size_t j = 0; j < jobs.size(); ++j) {
      if (i == j) continue;
      const auto& v = *jobs[i];
      const auto& r = *jobs[j];
      EXPECT_FALSE(v.view_start < r.read_end && r.read_start < v.view_end)
          << "view " << i << " opened while read " << j << " ran";
      EXPECT_FALSE(v.view_start < r.prepare_end && r.prepare_start < v.view_end)
          << "view " << i << " opened while prepare " << j << " ran";
      if (i < j && jobs[i]->read_start < jobs[j]->read_end &&
          jobs[j]->read_start < jobs[i]->read_end) {
        ++overlapping_reads;
      }
    }
    EXPECT_LE(jobs[i]->view_end, jobs[i]->prepare_start);
    EXPECT_LE(jobs[i]->prepare_end, jobs[i]->read_start);
    if (i > 0) {
      EXPECT_LE(jobs[i - 1]->prepare_end, jobs[i]->prepare_start) << "prepare " << i;
    }
  }
  EXPECT_GT(overlapping_reads, 4) << "reads ran one at a time";
  // 12 reads of 80 ms: one at a time would take ≥ 0.96 s.
  EXPECT_LT(secs, 0.9);
}

// A view that touches no table, and a Prepare that reads the table (the connector's
// boundary seek, which keeps the table's metadata lock until the view ends). `hold_ms`:
// the view takes that long (a FLUSH TABLES WITH READ LOCK waiting its turn).
class TableJob : public ChunkJob {
 public:
  TableJob(std::string table, int hold_ms) : table_(std::move(table)), hold_ms_(hold_ms) {}
  Status OpenView(mysql::SqlConnection& conn) override {
    Status s = conn.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    view_opened = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms_));
    return s;
  }
  Status Prepare(mysql::SqlConnection& conn) override {
    auto n = conn.QueryValue("SELECT COUNT(*) FROM " + table_);
    if (!n) return n.error();
    count = n->has_value() ? std::stoll(**n) : -1;
    return Status::Ok();
  }
  Status Read(mysql::SqlConnection& conn, std::stop_token) override {
    return conn.Execute("COMMIT");
  }
  std::atomic<bool> view_opened{false};
  int64_t count = -1;

 private:
  std::string table_;
  int hold_ms_;
};

// Another client's LOCK TABLES t WRITE (or DDL) while a batch of views opens: it waits
// for every session holding t, and later statements on t wait behind it. A job of the
// batch that had read t would hold it while waiting for the next job's view, whose
// statement on t (or FTWRL) waits behind the LOCK TABLES: neither would ever be granted.
// Jobs read tables only in Prepare, after the batch's views: the lock is granted at once.
TEST_F(ChunkReaderPoolServiceTest, ABatchWaitingForItsViewsHoldsNoTable) {
  PoolOptions options;
  options.views_apart_from_reads = true;
  ChunkReaderPool pool(2, Connector(), options);
  ASSERT_TRUE(conn_->Execute("INSERT INTO " + db_ + ".t VALUES (1), (2), (3)").ok());
  auto first = std::make_shared<TableJob>(db_ + ".t", 0);
  auto second = std::make_shared<TableJob>(db_ + ".t", 1500);  // a slow view
  uint64_t s1 = pool.Submit(first);
  uint64_t s2 = pool.Submit(second);
  // Both views are open, the second still "taking its lock".
  for (int i = 0; i < 500 && !second->view_opened; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(second->view_opened);
  auto c = mysql::SqlConnection::Connect(AdminOptions());
  ASSERT_TRUE(c) << c.error().ToString();
  auto& other = **c;
  ASSERT_TRUE(other.Execute("SET SESSION lock_wait_timeout = 5").ok());
  auto t = std::chrono::steady_clock::now();
  Status locked = other.Execute("LOCK TABLES " + db_ + ".t WRITE");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  ASSERT_TRUE(locked.ok()) << locked.ToString();
  EXPECT_LT(secs, 1.0) << "LOCK TABLES waited for a job that held the table";
  ASSERT_TRUE(other.Execute("INSERT INTO " + db_ + ".t VALUES (4)").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(other.Execute("UNLOCK TABLES").ok());
  // The jobs waited behind the lock, in their views taken before the insert.
  EXPECT_TRUE(pool.WaitDone(s1, {}).ok());
  EXPECT_TRUE(pool.WaitDone(s2, {}).ok());
  EXPECT_EQ(first->count, 3);
  EXPECT_EQ(second->count, 3);
}

// A statement the server holds (here SLEEP; in production FLUSH TABLES WITH READ LOCK
// behind another client's long query) does not see the stop token: Cancel ends it with
// KILL QUERY instead of waiting for it.
class ServerHeldJob : public ChunkJob {
 public:
  Status OpenView(mysql::SqlConnection& conn) override {
    return conn.Execute("SELECT SLEEP(60)");
  }
  Status Read(mysql::SqlConnection&, std::stop_token) override { return Status::Ok(); }
};

TEST_F(ChunkReaderPoolServiceTest, CancelKillsAStatementTheServerHolds) {
  PoolOptions options;
  options.kill_after = std::chrono::milliseconds(200);
  ChunkReaderPool pool(2, Connector(), options);
  pool.Submit(std::make_shared<ServerHeldJob>());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // inside SLEEP(60)
  auto t = std::chrono::steady_clock::now();
  pool.Cancel();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  EXPECT_LT(secs, 5.0);
  EXPECT_GE(secs, 0.15);  // it asked nicely first
  EXPECT_EQ(pool.queries_killed(), 1u);
  EXPECT_EQ(pool.in_flight(), 0u);
  // The pool goes on (the worker reconnects).
  auto again = std::make_shared<CountJob>(db_ + ".t", 0);
  EXPECT_TRUE(pool.WaitDone(pool.Submit(again), {}).ok());
}

}  // namespace
}  // namespace tributary::snapshot
