// MigrationType "cdc" end to end with the real binary: after a full load, `switchyard run` on
// a cdc task keeps the target equal to the source while inserts, updates and deletes happen,
// stops gracefully on SIGTERM, and a second run continues from the checkpoint on the target
// (changes made while it was stopped arrive, nothing twice). PostgreSQL -> PostgreSQL and
// MariaDB -> PostgreSQL.
#include "engine/pipeline/cdc_task.h"

#include <gtest/gtest.h>

#include <optional>

#include "engine/pipeline/cdc/pg_slot.h"
#include "tests/integration/full_load_test_util.h"
#include "tests/support/pg_slots.h"

namespace switchyard::testing {
namespace {

using catalog::Engine;

struct Case {
  Engine source;
  std::string name;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class CdcTask : public ::testing::TestWithParam<Case> {};

const char kCreate[] =
    "CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(40), n DECIMAL(12,3));\n"
    "INSERT INTO items VALUES (1, 'one', 1.5), (2, 'two', NULL), (3, 'drei\tü', 3.25)";

// Waits for the engine to say capture runs: changes from then on are captured.
bool WaitForCapture(const BackgroundRun& run) {
  return WaitUntil([&] { return run.Output().find("change capture running") != std::string::npos; },
                   std::chrono::seconds(60));
}

TEST_P(CdcTask, KeepsTheTargetEqualAcrossAStopAndResumesFromTheCheckpoint) {
  const Case c = GetParam();
  const std::string schema = "sy_cdc_task_" + c.name;
  const std::string id = c.name == "pg" ? "cdc-task-pg" : "cdc-task-my";
  endpoints::ConnectionParams source;
  std::string source_schema;
  if (c.source == Engine::kPostgres) {
    source = FreshDatabaseWithoutSlots(schema + "_src");
    source_schema = "public";
  } else {
    source = FreshMySqlDatabase(schema);
    source_schema = schema;
  }
  std::optional<SlotGuard> slot;  // the task's slot must not outlive the test
  if (c.source == Engine::kPostgres) slot.emplace(source, pipeline::cdc::ReplicationObjectName(id));
  ExecOrDie(source, kCreate);
  const auto target = FreshPostgresDatabase(schema + "_dst");
  const auto rules = nlohmann::json::array({IncludeSchemaRule(source_schema)});
  ASSERT_EQ(RunSwitchyard(FullLoadTask(id, source, target, rules), MakeTempDir("sy-" + id + "-fl"))
                .exit_code,
            0);

  nlohmann::json cdc_task = FullLoadTask(id, source, target, rules);
  cdc_task["MigrationType"] = "cdc";
  const std::string work = MakeTempDir("sy-" + id);
  auto equal = [&] {
    return CompareSimple(source, source_schema, target, source_schema, "items", {"id", "v", "n"},
                         {"id"}) == "";
  };
  {
    BackgroundRun run(cdc_task, work);
    ASSERT_TRUE(WaitForCapture(run)) << run.Output();
    ExecOrDie(source,
              "INSERT INTO items VALUES (4, 'four''s', -4.125), (5, NULL, 0);\n"
              "UPDATE items SET v = 'ONE', n = n * 2 WHERE id = 1;\n"
              "DELETE FROM items WHERE id = 2");
    EXPECT_TRUE(WaitUntil(equal, std::chrono::seconds(60))) << run.Output();
    run.Signal(SIGTERM);
    EXPECT_EQ(run.Wait(), 0) << run.Output();
  }
  // Changes while the task is stopped arrive when it runs again, each exactly once.
  ExecOrDie(source,
            "INSERT INTO items VALUES (6, 'six', 6);\n"
            "UPDATE items SET n = 99.999 WHERE id = 3;\n"
            "DELETE FROM items WHERE id = 5");
  {
    BackgroundRun run(cdc_task, work);
    EXPECT_TRUE(WaitUntil(equal, std::chrono::seconds(60))) << run.Output();
    // One engine per task: a second run is refused while this one holds the task.
    RunResult second = RunSwitchyard(cdc_task, work);
    EXPECT_EQ(second.exit_code, 1) << second.output;
    EXPECT_NE(second.output.find("already running"), std::string::npos) << second.output;
    // `switchyard stop` ends it gracefully and waits for it.
    RunResult stopped =
        RunSwitchyardCommand("stop '" + work + "/task.json' --state-dir '" + run.state_dir() + "'");
    EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
    EXPECT_NE(stopped.output.find("stopped"), std::string::npos) << stopped.output;
    EXPECT_EQ(run.Wait(), 0) << run.Output();
    EXPECT_NE(run.Output().find("resuming change capture after"), std::string::npos)
        << run.Output();
  }
  auto tables = ReadTables(work + "/state");
  const auto& items = tables[source_schema + ".items"];
  EXPECT_EQ(items.inserts, 3);
  EXPECT_EQ(items.updates, 2);
  EXPECT_EQ(items.deletes, 2);
  // The plan is kept for the console's table detail.
  ASSERT_EQ(items.columns.size(), 3u);
  EXPECT_EQ(items.columns[0].source_name, "id");
  EXPECT_EQ(items.columns[0].target_name, "id");
  EXPECT_EQ(items.columns[0].target_type, "integer");
  EXPECT_EQ(items.columns[2].source_type,
            c.source == Engine::kPostgres ? "numeric(12,3)" : "decimal(12,3)");
}

// Feedback must not wait behind the apply: with the source's wal_sender_timeout at 3 s and a
// target that takes 8 s for one transaction, the walsender keeps the connection (without
// status updates during the apply it drops it and the task reconnects).
TEST(CdcTaskKeepalive, ASlowTargetDoesNotCostTheSourceConnection) {
  const std::string id = "cdc-keepalive";
  const auto source = FreshDatabaseWithoutSlots("sy_cdc_keepalive_src");
  SlotGuard slot(source, pipeline::cdc::ReplicationObjectName(id));
  ExecOrDie(source, kCreate);
  // Read by walsenders connecting to this database, so before the task starts.
  ExecOrDie(source, "ALTER DATABASE sy_cdc_keepalive_src SET wal_sender_timeout = '3s'");
  const auto target = FreshPostgresDatabase("sy_cdc_keepalive_dst");
  const auto rules = nlohmann::json::array({IncludeSchemaRule("public")});
  nlohmann::json task = FullLoadTask(id, source, target, rules);
  task["MigrationType"] = "full-load-and-cdc";
  BackgroundRun run(task, MakeTempDir("sy-" + id));
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  ExecOrDie(target,
            "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(8); RETURN NEW; END $$;\n"
            "CREATE TRIGGER slow BEFORE INSERT ON public.items FOR EACH ROW "
            "WHEN (NEW.id = 100) EXECUTE FUNCTION slow();\n"
            "ALTER TABLE public.items ENABLE ALWAYS TRIGGER slow");
  ExecOrDie(source, "INSERT INTO items VALUES (100, 'slow', 1)");
  ExecOrDie(source, "INSERT INTO items VALUES (101, 'after', 2)");
  EXPECT_TRUE(WaitUntil(
      [&] {
        return CompareSimple(source, "public", target, "public", "items", {"id", "v", "n"},
                             {"id"}) == "";
      },
      std::chrono::seconds(60)))
      << run.Output();
  EXPECT_EQ(run.Output().find("reconnecting"), std::string::npos) << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

// An idle source (no writes to the captured tables, plenty elsewhere) must not pin WAL: the
// heartbeat message moves the slot's confirmed position past the WAL written meanwhile.
TEST(CdcTaskHeartbeat, SlotAdvancesWhileTheCapturedTablesAreIdle) {
  const std::string id = "cdc-heartbeat";
  const auto source = FreshDatabaseWithoutSlots("sy_cdc_heartbeat_src");
  SlotGuard slot(source, pipeline::cdc::ReplicationObjectName(id));
  ExecOrDie(source, kCreate);
  ExecOrDie(source, "CREATE SCHEMA other; CREATE TABLE other.noise (id INT)");
  const auto target = FreshPostgresDatabase("sy_cdc_heartbeat_dst");
  const auto rules = nlohmann::json::array({IncludeSchemaRule("public")});
  nlohmann::json task = FullLoadTask(id, source, target, rules);
  task["MigrationType"] = "full-load-and-cdc";
  BackgroundRun run(task, MakeTempDir("sy-" + id));
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  ExecOrDie(source, "INSERT INTO other.noise SELECT generate_series(1, 10000)");
  const std::string written = QueryValue(source, "SELECT pg_current_wal_lsn()::text");
  const std::string slot_name = pipeline::cdc::ReplicationObjectName(id);
  EXPECT_TRUE(WaitUntil(
      [&] {
        return QueryValue(source, "SELECT confirmed_flush_lsn >= '" + written +
                                      "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '" +
                                      slot_name + "'") == "t";
      },
      std::chrono::seconds(40)))
      << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

INSTANTIATE_TEST_SUITE_P(Sources, CdcTask,
                         ::testing::Values(Case{Engine::kPostgres, "pg"},
                                           Case{Engine::kMySql, "my"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace switchyard::testing
