// A full load that crashed or was stopped resumes with `--start-type resume-processing`:
// committed key ranges and completed tables are kept (not truncated, not reloaded), everything
// else is cleaned up and loaded again, and the target ends equal to the source, value by value,
// with no duplicated row and FullLoadRows counting each row once.
//
// Crashes are exact, not raced: SWITCHYARD_FAILPOINT (engine/pipeline/full_load.cpp) kills the
// engine with SIGKILL at the N-th commit, segment or prepared table. The graceful stop holds a
// lock on one target table so the load is provably in flight when SIGTERM arrives.
#include <gtest/gtest.h>

#include "tests/integration/full_load_test_util.h"

namespace switchyard::testing {
namespace {

const char kSourceDb[] = "sy_fl_resume_src";

// Three tables, loaded one at a time (MaxFullLoadSubTasks 1) biggest first: `big` (400 rows,
// even ids 2..800, auto-split into 4 ranges of 100), `nokey` (100 rows, no key: one segment)
// and `small` (20 rows). CommitRate 25: 4 commits per range.
class FullLoadResume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_ = new endpoints::ConnectionParams(FreshMySqlDatabase(kSourceDb));
    ExecOrDie(*source_,
              "CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40), n INT);\n"
              "INSERT INTO big (id, v, n) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
              "FROM s WHERE i < 400) SELECT i * 2, IF(i % 10 = 0, NULL, CONCAT('väl-', i)), i * 7 "
              "FROM s;\n"
              "CREATE TABLE nokey (a INT, b VARCHAR(20));\n"
              "INSERT INTO nokey (a, b) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
              "FROM s WHERE i < 100) SELECT i % 7, CONCAT('b', i) FROM s;\n"
              "CREATE TABLE small (id INT PRIMARY KEY, v VARCHAR(40));\n"
              "INSERT INTO small (id, v) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
              "FROM s WHERE i < 20) SELECT i, CONCAT('s', i) FROM s");
    // Auto-split and the load order read the row estimates: make them exact.
    auto s = endpoints::Connect(*source_);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Query("ANALYZE TABLE big, nokey, small").ok());
  }
  static void TearDownTestSuite() { delete source_; }

  nlohmann::json Task(const std::string& id, const endpoints::ConnectionParams& target,
                      const std::string& prep_mode = "DROP_AND_CREATE") const {
    return FullLoadTask(
        id, *source_, target, nlohmann::json::array({IncludeSchemaRule(kSourceDb)}),
        {{"FullLoadSettings",
          {{"TargetTablePrepMode", prep_mode}, {"MaxFullLoadSubTasks", 1}, {"CommitRate", 25}}}},
        {{"AutoSplitRowThreshold", 100}, {"AutoSplitSegments", 4}});
  }

  void ExpectAllTablesEqual(const endpoints::ConnectionParams& target) const {
    EXPECT_EQ(
        CompareSimple(*source_, kSourceDb, target, kSourceDb, "big", {"id", "v", "n"}, {"id"}), "");
    EXPECT_EQ(
        CompareSimple(*source_, kSourceDb, target, kSourceDb, "nokey", {"a", "b"}, {"a", "b"}), "");
    EXPECT_EQ(CompareSimple(*source_, kSourceDb, target, kSourceDb, "small", {"id", "v"}, {"id"}),
              "");
  }

  static endpoints::ConnectionParams* source_;
};

endpoints::ConnectionParams* FullLoadResume::source_ = nullptr;

const std::string kBig = std::string(kSourceDb) + ".big";
const std::string kNokey = std::string(kSourceDb) + ".nokey";
const std::string kSmall = std::string(kSourceDb) + ".small";
const std::string kTargetBig = std::string("\"") + kSourceDb + "\".big";

TEST_F(FullLoadResume, CrashBetweenKeyRangesKeepsCommittedRangesAndLoadsTheRest) {
  const auto target = FreshPostgresDatabase("sy_fl_resume_dst");
  const auto task = Task("fl-resume-ranges", target);
  const std::string work = MakeTempDir("sy-fl-resume-ranges");
  {
    ScopedEnv crash("SWITCHYARD_FAILPOINT", "after-segment-commit:2");
    RunResult crashed = RunSwitchyard(task, work);
    ASSERT_NE(crashed.exit_code, 0) << crashed.output;
  }
  auto tables = ReadTables(work + "/state");
  ASSERT_EQ(tables.size(), 3u);
  EXPECT_EQ(state::TableStateName(tables[kBig].table_state), std::string("Full load"));
  EXPECT_EQ(tables[kBig].segments_total, 4);
  ASSERT_EQ(tables[kBig].segments_completed, 2);
  EXPECT_EQ(tables[kBig].full_load_rows, 200);
  EXPECT_EQ(QueryValue(target, "SELECT count(*) FROM " + kTargetBig), "200");

  // A row the source does not have, inside the first (committed) range: a reload of that range
  // would delete it.
  ExecOrDie(target, "INSERT INTO " + kTargetBig + " (id, v, n) VALUES (3, 'marker', 0)");

  RunResult resumed = RunSwitchyard(task, work, "--start-type resume-processing");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(QueryValue(target, "SELECT v FROM " + kTargetBig + " WHERE id = 3"), "marker")
      << "a range committed before the crash was reloaded";
  ExecOrDie(target, "DELETE FROM " + kTargetBig + " WHERE id = 3");
  ExpectAllTablesEqual(target);

  tables = ReadTables(work + "/state");
  for (const auto& [name, rows] :
       std::map<std::string, int64_t>{{kBig, 400}, {kNokey, 100}, {kSmall, 20}}) {
    EXPECT_EQ(state::TableStateName(tables[name].table_state), std::string("Table completed"))
        << name;
    EXPECT_EQ(tables[name].full_load_rows, rows) << name;
  }
  EXPECT_EQ(tables[kBig].segments_completed, 4);
  auto task_record = ReadTask(work + "/state");
  ASSERT_TRUE(task_record);
  EXPECT_EQ(std::string(state::TaskStatusName(task_record->status)), "stopped");
  EXPECT_EQ(task_record->stop_reason, state::StopReason::kFullLoadOnlyFinished);
}

TEST_F(FullLoadResume, CrashInsideATableReloadsItWithoutDuplicatesOrDoubleCounting) {
  const auto target = FreshPostgresDatabase("sy_fl_resume_mid_dst");
  const auto task = Task("fl-resume-mid", target);
  const std::string work = MakeTempDir("sy-fl-resume-mid");
  {
    // `big` makes 20 commits (4 ranges x (4 + a final empty one)); the 22nd is the second
    // commit of `nokey`, which has no key and so no range to clean up but the whole table.
    ScopedEnv crash("SWITCHYARD_FAILPOINT", "after-commit:22");
    RunResult crashed = RunSwitchyard(task, work);
    ASSERT_NE(crashed.exit_code, 0) << crashed.output;
  }
  auto tables = ReadTables(work + "/state");
  ASSERT_EQ(state::TableStateName(tables[kBig].table_state), std::string("Table completed"));
  const std::string target_nokey = std::string("\"") + kSourceDb + "\".nokey";
  const std::string partial = QueryValue(target, "SELECT count(*) FROM " + target_nokey);
  ASSERT_EQ(partial, "50") << "the crash should leave nokey half loaded";
  ExecOrDie(target, "INSERT INTO " + kTargetBig + " (id, v, n) VALUES (5, 'marker', 0)");

  RunResult resumed = RunSwitchyard(task, work, "--start-type resume-processing");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(QueryValue(target, "SELECT v FROM " + kTargetBig + " WHERE id = 5"), "marker")
      << "a table completed before the crash was reloaded";
  ExecOrDie(target, "DELETE FROM " + kTargetBig + " WHERE id = 5");
  ExpectAllTablesEqual(target);  // nokey has no key: equal rows means no duplicates

  tables = ReadTables(work + "/state");
  EXPECT_EQ(tables[kNokey].full_load_rows, 100) << "rows of the cleaned-up commits counted twice";
  EXPECT_EQ(tables[kBig].full_load_rows, 400);
  EXPECT_EQ(tables[kSmall].full_load_rows, 20);
}

TEST_F(FullLoadResume, CrashWhilePreparingAFreshStartDoesNotKeepTablesOfTheOlderRun) {
  const auto source = FreshMySqlDatabase("sy_fl_fresh_src");
  ExecOrDie(source,
            "CREATE TABLE t1 (id INT PRIMARY KEY, v VARCHAR(20));\n"
            "INSERT INTO t1 VALUES (1, 'a'), (2, 'b'), (3, 'c');\n"
            "CREATE TABLE t2 (id INT PRIMARY KEY, v VARCHAR(20));\n"
            "INSERT INTO t2 VALUES (1, 'x'), (2, 'y')");
  const auto target = FreshPostgresDatabase("sy_fl_fresh_dst");
  const auto task = FullLoadTask("fl-fresh-crash", source, target,
                                 nlohmann::json::array({IncludeSchemaRule("sy_fl_fresh_src")}),
                                 {{"FullLoadSettings", {{"MaxFullLoadSubTasks", 1}}}});
  const std::string work = MakeTempDir("sy-fl-fresh-crash");
  RunResult first = RunSwitchyard(task, work);
  ASSERT_EQ(first.exit_code, 0) << first.output;

  ExecOrDie(source, "UPDATE t1 SET v = CONCAT(v, '-new');\nUPDATE t2 SET v = CONCAT(v, '-new')");
  {
    ScopedEnv crash("SWITCHYARD_FAILPOINT", "after-prepare-table:1");
    RunResult crashed = RunSwitchyard(task, work);
    ASSERT_NE(crashed.exit_code, 0) << crashed.output;
  }
  RunResult resumed = RunSwitchyard(task, work, "--start-type resume-processing");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  for (const char* table : {"t1", "t2"}) {
    EXPECT_EQ(CompareSimple(source, "sy_fl_fresh_src", target, "sy_fl_fresh_src", table,
                            {"id", "v"}, {"id"}),
              "")
        << table;
  }
}

TEST_F(FullLoadResume, SigtermStopsGracefullyAndResumeCompletesTheLoad) {
  const auto target = FreshPostgresDatabase("sy_fl_stop_dst");
  // `small` is pre-created (DO_NOTHING keeps it) and locked, so its load is in flight, blocked,
  // when the signal arrives.
  ExecOrDie(target, std::string("CREATE SCHEMA \"") + kSourceDb +
                        "\";\n"
                        "CREATE TABLE \"" +
                        kSourceDb + "\".small (id int PRIMARY KEY, v varchar(40))");
  auto locker = endpoints::Connect(target);
  ASSERT_TRUE(locker.ok());
  ASSERT_TRUE((*locker)->Execute("BEGIN").ok());
  ASSERT_TRUE(
      (*locker)
          ->Execute(std::string("LOCK TABLE \"") + kSourceDb + "\".small IN ACCESS EXCLUSIVE MODE")
          .ok());

  const auto task = Task("fl-stop", target, "DO_NOTHING");
  const std::string work = MakeTempDir("sy-fl-stop");
  BackgroundRun run(task, work);
  ASSERT_TRUE(WaitUntil([&] {
    auto t = ReadTables(run.state_dir());
    return t.size() == 3 && t[kBig].table_state == state::TableState::kTableCompleted &&
           t[kNokey].table_state == state::TableState::kTableCompleted &&
           t[kSmall].table_state == state::TableState::kFullLoad;
  })) << run.Output();
  run.Signal(SIGTERM);
  ASSERT_TRUE(WaitUntil([&] {
    return run.Output().find("stopping gracefully") != std::string::npos;
  })) << run.Output();
  ASSERT_TRUE((*locker)->Execute("ROLLBACK").ok());  // let the blocked COPY go on, and stop

  ASSERT_EQ(run.Wait(), 1) << run.Output();
  auto task_record = ReadTask(run.state_dir());
  ASSERT_TRUE(task_record);
  EXPECT_EQ(std::string(state::TaskStatusName(task_record->status)), "stopped");
  auto tables = ReadTables(run.state_dir());
  EXPECT_EQ(tables[kSmall].table_state, state::TableState::kTableCancelled);
  EXPECT_EQ(tables[kBig].table_state, state::TableState::kTableCompleted);
  EXPECT_EQ(tables[kNokey].table_state, state::TableState::kTableCompleted);
  EXPECT_EQ(QueryValue(target, std::string("SELECT count(*) FROM \"") + kSourceDb + "\".small"),
            "0")
      << "the interrupted transaction should be rolled back";

  RunResult resumed = RunSwitchyard(task, work, "--start-type resume-processing");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  ExpectAllTablesEqual(target);
  tables = ReadTables(work + "/state");
  EXPECT_EQ(tables[kSmall].full_load_rows, 20);
}

TEST_F(FullLoadResume, DoNothingResumeRefusesToDeleteRowsThatMayNotBeOurs) {
  // DO_NOTHING loads into an existing table whose own rows cannot be told apart from loaded
  // ones: a resume after a crash mid-table must stop that table, not clean it up.
  const auto target = FreshPostgresDatabase("sy_fl_resume_nothing_dst");
  ExecOrDie(target, std::string("CREATE SCHEMA \"") + kSourceDb + "\";\n" + "CREATE TABLE " +
                        kTargetBig + " (id int PRIMARY KEY, v varchar(40), n int);\n" +
                        "INSERT INTO " + kTargetBig + " VALUES (100000, 'theirs', 1)");
  const auto task = Task("fl-resume-nothing", target, "DO_NOTHING");
  const std::string work = MakeTempDir("sy-fl-resume-nothing");
  {
    ScopedEnv crash("SWITCHYARD_FAILPOINT", "after-commit:1");
    RunResult crashed = RunSwitchyard(task, work);
    ASSERT_NE(crashed.exit_code, 0) << crashed.output;
  }
  RunResult resumed = RunSwitchyard(task, work, "--start-type resume-processing");
  EXPECT_EQ(resumed.exit_code, 1) << resumed.output;
  auto tables = ReadTables(work + "/state");
  ASSERT_EQ(tables.count(kBig), 1u);
  EXPECT_EQ(tables[kBig].table_state, state::TableState::kTableError);
  EXPECT_NE(tables[kBig].last_error.find("DO_NOTHING"), std::string::npos)
      << tables[kBig].last_error;
  EXPECT_EQ(QueryValue(target, "SELECT v FROM " + kTargetBig + " WHERE id = 100000"), "theirs");
}

TEST_F(FullLoadResume, LostTargetConnectionIsRetriedAndTheSegmentReloadedWithoutDuplicates) {
  // The failpoint makes the server end the loader's session after its third commit, in the
  // middle of `big`'s first key range: the worker reconnects, deletes that range's committed
  // rows and loads it again, without operator action.
  const auto target = FreshPostgresDatabase("sy_fl_retry_dst");
  const auto task = FullLoadTask(
      "fl-retry", *source_, target, nlohmann::json::array({IncludeSchemaRule(kSourceDb)}),
      {{"FullLoadSettings", {{"MaxFullLoadSubTasks", 1}, {"CommitRate", 25}}},
       {"ErrorBehavior", {{"RecoverableErrorInterval", 1}, {"RecoverableErrorCount", 3}}}},
      {{"AutoSplitRowThreshold", 100}, {"AutoSplitSegments", 4}});
  const std::string work = MakeTempDir("sy-fl-retry");
  ScopedEnv drop("SWITCHYARD_FAILPOINT", "drop-target-connection:3");
  RunResult run = RunSwitchyard(task, work);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("retry 1"), std::string::npos) << run.output;
  ExpectAllTablesEqual(target);
  auto tables = ReadTables(work + "/state");
  EXPECT_EQ(tables[kBig].full_load_rows, 400);
  EXPECT_EQ(tables[kBig].table_state, state::TableState::kTableCompleted);
}

}  // namespace
}  // namespace switchyard::testing
