// A captured table dropped or renamed on the source during CDC (ChangeProcessingDdlHandlingPolicy
// .HandleSourceTableDropped): that table's capture ends with its reason in the state store
// ("Table error"), its target table is dropped or kept per the setting, and the other tables go
// on and end equal value for value. A kill -9 right after the target DROP, before the next
// checkpoint, resumes without failing and without bringing the table back. A drop or rename
// while the engine is stopped ends the capture too, after the changes made before it.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "engine/pipeline/cdc/pg_slot.h"
#include "tests/integration/full_load_test_util.h"
#include "tests/support/pg_slots.h"

namespace switchyard::testing {
namespace {

using catalog::Engine;

struct Case {
  Engine source;
  Engine target;
  std::string name;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

bool WaitForCapture(const BackgroundRun& run) {
  return WaitUntil([&] { return run.Output().find("change capture running") != std::string::npos; },
                   std::chrono::seconds(60));
}

// Every row of a query as text, for comparing a kept table with what the source had.
std::vector<std::vector<std::string>> Rows(const endpoints::ConnectionParams& params,
                                           const std::string& sql) {
  std::vector<std::vector<std::string>> out;
  auto s = endpoints::Connect(params);
  if (!s.ok()) return {{"<error " + s.status().ToString() + ">"}};
  auto rows = (*s)->Query(sql);
  if (!rows.ok()) return {{"<error " + rows.status().ToString() + ">"}};
  for (const auto& r : *rows) {
    out.emplace_back();
    for (const auto& v : r) out.back().push_back(v.value_or("NULL"));
  }
  return out;
}

class CdcTableEnd : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    const Case c = GetParam();
    const std::string db = "sy_tend_" + c.name;
    id_ = "tend-" + c.name;
    std::replace(id_.begin(), id_.end(), '_', '-');
    if (c.source == Engine::kPostgres) {
      source_ = FreshDatabaseWithoutSlots(db + "_src");
      source_schema_ = "public";
      slot_.emplace(source_, pipeline::cdc::ReplicationObjectName(id_));
    } else {
      source_ = FreshMySqlDatabase(db + "_src");
      source_schema_ = db + "_src";
    }
    target_ = c.target == Engine::kPostgres ? FreshPostgresDatabase(db + "_dst")
                                            : FreshMySqlDatabase(db + "_dst");
    target_schema_ = c.target == Engine::kPostgres ? source_schema_ : db + "_dst";
    std::string sql;
    for (const char* t : {"keep", "gone", "moved"}) {
      sql += std::string("CREATE TABLE ") + t + " (id INT PRIMARY KEY, v VARCHAR(40));\n";
      for (int i = 1; i <= 20; ++i) {
        sql += std::string("INSERT INTO ") + t + " VALUES (" + std::to_string(i) + ", '" + t +
               std::to_string(i) + "');\n";
      }
    }
    ExecOrDie(source_, sql);
    nlohmann::json rules = nlohmann::json::array({IncludeSchemaRule(source_schema_)});
    if (target_schema_ != source_schema_) {
      rules.push_back({{"rule-type", "transformation"},
                       {"rule-id", "2"},
                       {"rule-name", "rename-schema"},
                       {"rule-target", "schema"},
                       {"object-locator", {{"schema-name", source_schema_}}},
                       {"rule-action", "rename"},
                       {"value", target_schema_}});
    }
    task_ = FullLoadTask(id_, source_, target_, rules,
                         {{"FullLoadSettings", {{"MaxFullLoadSubTasks", 2}}},
                          {"ErrorBehavior", {{"RecoverableErrorInterval", 1}}}});
    task_["MigrationType"] = "full-load-and-cdc";
  }

  std::string KeepDifferences() {
    return CompareSimple(source_, source_schema_, target_, target_schema_, "keep", {"id", "v"},
                         {"id"});
  }
  bool TargetHas(const std::string& table) {
    return QueryValue(target_,
                      "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" +
                          target_schema_ + "' AND table_name = '" + table + "'") == "1";
  }
  state::TableRecord Table(const BackgroundRun& run, const std::string& table) {
    return ReadTables(run.state_dir())[source_schema_ + "." + table];
  }
  bool WaitForTableError(const BackgroundRun& run, const std::string& table) {
    return WaitUntil(
        [&] { return Table(run, table).table_state == state::TableState::kTableError; },
        std::chrono::seconds(30));
  }
  // One session that reaches change capture, runs `meanwhile`, and stops gracefully.
  void RunOnceAndStop(
      const std::string& work,
      const std::function<void(BackgroundRun&)>& meanwhile = [](BackgroundRun&) {}) {
    BackgroundRun run(task_, work);
    ASSERT_TRUE(WaitForCapture(run)) << run.Output();
    meanwhile(run);
    run.Signal(SIGTERM);
    ASSERT_EQ(run.Wait(), 0) << run.Output();
  }
  std::string RenameSql(const std::string& from, const std::string& to) {
    return GetParam().source == Engine::kPostgres ? "ALTER TABLE " + from + " RENAME TO " + to
                                                  : "RENAME TABLE " + from + " TO " + to;
  }

  std::string id_, source_schema_, target_schema_;
  endpoints::ConnectionParams source_, target_;
  std::optional<SlotGuard> slot_;
  nlohmann::json task_;
};

TEST_P(CdcTableEnd, DropAndRenameEndOnlyThoseTablesAndANewTableOfTheNameIsNotPickedUp) {
  const std::string work = MakeTempDir("sy-" + id_ + "-end");
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  ExecOrDie(source_,
            "INSERT INTO gone VALUES (100, 'late');\n"
            "UPDATE moved SET v = 'before rename' WHERE id = 3;\n"
            "INSERT INTO keep VALUES (100, 'k100');");
  ExecOrDie(source_, "DROP TABLE gone");
  ExecOrDie(source_, RenameSql("moved", "moved_new"));
  // After the rename: not the target's business any more (PostgreSQL: the Relation message
  // that shows the new name).
  ExecOrDie(source_,
            "UPDATE moved_new SET v = 'after rename' WHERE id = 4;\n"
            "UPDATE keep SET v = 'k1 after' WHERE id = 1;\n"
            "DELETE FROM keep WHERE id = 2;");
  ASSERT_TRUE(WaitForTableError(run, "gone")) << run.Output();
  ASSERT_TRUE(WaitForTableError(run, "moved")) << run.Output();
  EXPECT_NE(Table(run, "gone").last_error.find("dropped on the source at"), std::string::npos)
      << Table(run, "gone").last_error;
  EXPECT_NE(Table(run, "moved")
                .last_error.find("renamed on the source to " + source_schema_ + ".moved_new"),
            std::string::npos)
      << Table(run, "moved").last_error;
  // A table created again under the dropped name is another table: not captured.
  ExecOrDie(source_,
            "CREATE TABLE gone (other INT PRIMARY KEY, w VARCHAR(10), x INT);\n"
            "INSERT INTO gone VALUES (1, 'new', 7);\n"
            "INSERT INTO keep VALUES (101, 'k101');");
  EXPECT_TRUE(WaitUntil([&] { return KeepDifferences().empty(); }, std::chrono::seconds(30)))
      << KeepDifferences() << run.Output();
  EXPECT_FALSE(TargetHas("gone"));  // HandleSourceTableDropped: true by default, as in DMS
  // The renamed table's target keeps what it had up to the rename, and nothing after.
  EXPECT_EQ(Rows(target_, "SELECT v FROM " +
                              catalog::QuoteQualified(GetParam().target, target_schema_, "moved") +
                              " WHERE id IN (3, 4) ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"before rename"}, {"moved4"}}));
  EXPECT_EQ(Table(run, "gone").table_state, state::TableState::kTableError);
  RunResult status =
      RunSwitchyardCommand("status '" + work + "/task.json' --state-dir '" + run.state_dir() + "'");
  EXPECT_NE(status.output.find("dropped on the source"), std::string::npos) << status.output;
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

TEST_P(CdcTableEnd, ADroppedTableIsKeptOnTheTargetWhenTheSettingSaysSo) {
  task_["ReplicationTaskSettings"]["ChangeProcessingDdlHandlingPolicy"] = {
      {"HandleSourceTableDropped", false}};
  const std::string work = MakeTempDir("sy-" + id_ + "-keep");
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  ExecOrDie(source_,
            "INSERT INTO gone VALUES (100, 'late');\n"
            "UPDATE gone SET v = 'changed' WHERE id = 5;\n"
            "DELETE FROM gone WHERE id = 6;");
  const auto before_drop = Rows(source_, "SELECT id, v FROM gone ORDER BY id");
  ExecOrDie(source_, "DROP TABLE gone");
  ExecOrDie(source_, "INSERT INTO keep VALUES (100, 'k100')");
  ASSERT_TRUE(WaitForTableError(run, "gone")) << run.Output();
  EXPECT_NE(Table(run, "gone").last_error.find("left as it is"), std::string::npos)
      << Table(run, "gone").last_error;
  EXPECT_EQ(Rows(target_, "SELECT id, v FROM " +
                              catalog::QuoteQualified(GetParam().target, target_schema_, "gone") +
                              " ORDER BY id"),
            before_drop);
  EXPECT_TRUE(WaitUntil([&] { return KeepDifferences().empty(); }, std::chrono::seconds(30)))
      << KeepDifferences() << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

TEST_P(CdcTableEnd, AKillRightAfterTheTargetDropResumesWithoutTheTable) {
  const std::string work = MakeTempDir("sy-" + id_ + "-kill");
  {
    ScopedEnv crash("SWITCHYARD_FAILPOINT", "after-table-end:1");
    BackgroundRun run(task_, work);
    ASSERT_TRUE(WaitForCapture(run)) << run.Output();
    ExecOrDie(source_, "INSERT INTO keep VALUES (100, 'k100')");
    ExecOrDie(source_, "DROP TABLE gone");
    EXPECT_EQ(run.Wait(std::chrono::seconds(30)), 128 + SIGKILL) << run.Output();
    EXPECT_FALSE(TargetHas("gone"));
  }
  ExecOrDie(source_,
            "INSERT INTO keep VALUES (101, 'k101');\n"
            "UPDATE keep SET v = 'k3 after' WHERE id = 3;");
  BackgroundRun run(task_, work, "--start-type resume-processing");
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  EXPECT_TRUE(WaitUntil([&] { return KeepDifferences().empty(); }, std::chrono::seconds(30)))
      << KeepDifferences() << run.Output();
  EXPECT_FALSE(TargetHas("gone"));
  EXPECT_EQ(Table(run, "gone").table_state, state::TableState::kTableError);
  EXPECT_NE(Table(run, "gone").last_error.find("dropped on the source at"), std::string::npos)
      << Table(run, "gone").last_error;
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

TEST_P(CdcTableEnd, ChangesBeforeADropOrRenameWhileStoppedAreAppliedBeforeTheCaptureEnds) {
  task_["ReplicationTaskSettings"]["ChangeProcessingDdlHandlingPolicy"] = {
      {"HandleSourceTableDropped", false}};
  const std::string work = MakeTempDir("sy-" + id_ + "-stopped");
  ASSERT_NO_FATAL_FAILURE(RunOnceAndStop(work));
  // While the engine is stopped: the tables are no longer on the source when it starts again,
  // but their last changes are in the stream after the checkpoint.
  ExecOrDie(source_,
            "INSERT INTO gone VALUES (100, 'late');\n"
            "UPDATE gone SET v = 'changed' WHERE id = 5;\n"
            "DELETE FROM gone WHERE id = 6;\n"
            "UPDATE moved SET v = 'moved 7' WHERE id = 7;");
  const auto gone_rows = Rows(source_, "SELECT id, v FROM gone ORDER BY id");
  const auto moved_rows = Rows(source_, "SELECT id, v FROM moved ORDER BY id");
  ExecOrDie(source_, "DROP TABLE gone");
  ExecOrDie(source_, RenameSql("moved", "moved_away"));
  ExecOrDie(source_, "INSERT INTO keep VALUES (100, 'k100')");
  BackgroundRun run(task_, work, "--start-type resume-processing");
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  ASSERT_TRUE(WaitForTableError(run, "gone")) << run.Output();
  ASSERT_TRUE(WaitForTableError(run, "moved")) << run.Output();
  auto target_rows = [&](const std::string& table) {
    return Rows(target_, "SELECT id, v FROM " +
                             catalog::QuoteQualified(GetParam().target, target_schema_, table) +
                             " ORDER BY id");
  };
  EXPECT_EQ(target_rows("gone"), gone_rows) << run.Output();
  EXPECT_EQ(target_rows("moved"), moved_rows) << run.Output();
  EXPECT_NE(Table(run, "gone").last_error.find("left as it is"), std::string::npos)
      << Table(run, "gone").last_error;
  EXPECT_TRUE(WaitUntil([&] { return KeepDifferences().empty(); }, std::chrono::seconds(30)))
      << KeepDifferences() << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

// The same while stopped, with HandleSourceTableDropped true (the default): a drop is told from a
// rename (PostgreSQL: by the relation OID the earlier session stored), so the dropped table's
// target goes and the renamed one's stays, with its last changes in both cases.
TEST_P(CdcTableEnd, ADropAndARenameWhileStoppedAreToldApart) {
  const std::string work = MakeTempDir("sy-" + id_ + "-apart");
  ASSERT_NO_FATAL_FAILURE(RunOnceAndStop(work, [&](BackgroundRun& run) {
    // Applied: the session has looked at the catalog (the watch runs before each read).
    ExecOrDie(source_, "INSERT INTO keep VALUES (99, 'k99')");
    ASSERT_TRUE(WaitUntil([&] { return KeepDifferences().empty(); }, std::chrono::seconds(30)))
        << KeepDifferences() << run.Output();
  }));
  ExecOrDie(source_,
            "INSERT INTO gone VALUES (100, 'late');\n"
            "UPDATE moved SET v = 'moved 7' WHERE id = 7;");
  const auto moved_rows = Rows(source_, "SELECT id, v FROM moved ORDER BY id");
  ExecOrDie(source_, "DROP TABLE gone");
  ExecOrDie(source_, RenameSql("moved", "moved_away"));
  ExecOrDie(source_, "INSERT INTO keep VALUES (100, 'k100')");
  BackgroundRun run(task_, work, "--start-type resume-processing");
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  ASSERT_TRUE(WaitForTableError(run, "gone")) << run.Output();
  ASSERT_TRUE(WaitForTableError(run, "moved")) << run.Output();
  EXPECT_NE(Table(run, "gone").last_error.find("dropped on the source at"), std::string::npos)
      << Table(run, "gone").last_error;
  EXPECT_FALSE(TargetHas("gone")) << run.Output();
  EXPECT_NE(Table(run, "moved")
                .last_error.find("renamed on the source to " + source_schema_ + ".moved_away"),
            std::string::npos)
      << Table(run, "moved").last_error;
  EXPECT_EQ(Rows(target_, "SELECT id, v FROM " +
                              catalog::QuoteQualified(GetParam().target, target_schema_, "moved") +
                              " ORDER BY id"),
            moved_rows);
  EXPECT_TRUE(WaitUntil([&] { return KeepDifferences().empty(); }, std::chrono::seconds(30)))
      << KeepDifferences() << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

INSTANTIATE_TEST_SUITE_P(Sources, CdcTableEnd,
                         ::testing::Values(Case{Engine::kMySql, Engine::kPostgres, "my_pg"},
                                           Case{Engine::kPostgres, Engine::kMySql, "pg_my"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace switchyard::testing
