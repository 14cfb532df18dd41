// MigrationType "full-load-and-cdc" end to end with the real binary, for each source into each
// target: a writer inserts, updates and deletes on several tables (one without a key, one
// large transaction, one transaction left open across the snapshot point) from before the
// task starts until after its full load; once the writer stops, the target must equal the
// source value for value, with no row missing or twice. Then the engine is killed (-9)
// during the full load and during CDC, and a resume must again end equal.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

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

// Tables on either engine: a keyed one, a keyless one (REPLICA IDENTITY FULL on PostgreSQL),
// and one that receives a large transaction.
std::string CreateTables(Engine e, int seed_rows) {
  const std::string big_series =
      e == Engine::kPostgres
          ? "INSERT INTO accounts SELECT g, g * 1.25, 'seed ' || g FROM generate_series(1, " +
                std::to_string(seed_rows) + ") g;\n"
          : "SET SESSION max_recursive_iterations = 1000000;\n"
            "INSERT INTO accounts WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s "
            "WHERE g < " +
                std::to_string(seed_rows) + ") SELECT g, g * 1.25, CONCAT('seed ', g) FROM s;\n";
  std::string sql =
      "CREATE TABLE accounts (id INT PRIMARY KEY, balance DECIMAL(14,2), note VARCHAR(100));\n"
      "CREATE TABLE events (k INT, payload VARCHAR(50));\n"
      "CREATE TABLE bulk (id INT PRIMARY KEY, v VARCHAR(30));\n"
      "INSERT INTO events VALUES (1, 'a'), (1, 'a'), (2, NULL), (3, 'c');\n" +
      big_series;
  if (e == Engine::kPostgres) sql += "ALTER TABLE events REPLICA IDENTITY FULL;\n";
  return sql;
}

// Small transactions in a loop on its own connection until stopped: ids from `first_id` up.
class Writer {
 public:
  Writer(endpoints::ConnectionParams source, int first_id)
      : source_(std::move(source)), next_(first_id) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Writer() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int iterations() const { return iterations_; }
  const std::string& error() const { return error_; }

 private:
  void Loop() {
    auto s = endpoints::Connect(source_);
    if (!s.ok()) {
      error_ = s.status().ToString();
      return;
    }
    auto& db = **s;
    while (!stop_) {
      const int i = next_++;
      const std::string id = std::to_string(i);
      // An insert, an update of an older row (maybe one the full load already copied), a
      // delete, and keyless changes, in one transaction.
      std::string sql =
          "INSERT INTO accounts VALUES (" + id + ", " + std::to_string(i % 997) + ".5, 'w" + id +
          "');\nUPDATE accounts SET balance = balance + 1, note = 'u" + id +
          "' WHERE id = " + std::to_string(i % 5000 + 1) +
          ";\nDELETE FROM accounts WHERE id = " + std::to_string(i % 7000 + 5001) +
          ";\nINSERT INTO events VALUES (" + std::to_string(i % 3) + ", 'e" + id + "');\n" +
          (i % 5 == 0 ? "DELETE FROM events WHERE payload = 'e" + std::to_string(i - 3) + "';\n"
                      : "") +
          (i % 7 == 0 ? "UPDATE events SET payload = 'x" + id + "' WHERE payload = 'e" +
                            std::to_string(i - 1) + "';\n"
                      : "");
      // One statement per call: MySQL sessions take no multi-statement text.
      Status st = db.Execute("BEGIN");
      for (size_t at = 0; st.ok() && at < sql.size();) {
        const size_t end = sql.find(";\n", at);
        st = db.Execute(sql.substr(at, end - at));
        at = end + 2;
      }
      if (st.ok()) st = db.Execute("COMMIT");
      if (!st.ok()) {
        error_ = st.ToString();
        return;
      }
      ++iterations_;
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  }

  endpoints::ConnectionParams source_;
  std::atomic<int> next_;
  std::atomic<bool> stop_{false};
  std::atomic<int> iterations_{0};
  std::string error_;
  std::thread thread_;
};

// Waits until the engine says change capture runs (the full load, if any, is over).
bool WaitForCapture(const BackgroundRun& run) {
  return WaitUntil([&] { return run.Output().find("change capture running") != std::string::npos; },
                   std::chrono::seconds(120));
}

class FullLoadAndCdc : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    const Case c = GetParam();
    const std::string db = "sy_flcdc_" + c.name;
    id_ = "flcdc-" + c.name;
    std::replace(id_.begin(), id_.end(), '_', '-');  // task ids take hyphens, not underscores
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
    ExecOrDie(source_, CreateTables(c.source, 20000));
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
    task_ =
        FullLoadTask(id_, source_, target_, rules,
                     {{"FullLoadSettings", {{"MaxFullLoadSubTasks", 2}, {"CommitRate", 2000}}}});
    task_["MigrationType"] = "full-load-and-cdc";
  }

  // "" when every table is equal on both sides.
  std::string Differences() {
    std::string out;
    out += CompareSimple(source_, source_schema_, target_, target_schema_, "accounts",
                         {"id", "balance", "note"}, {"id"});
    out += CompareSimple(source_, source_schema_, target_, target_schema_, "events",
                         {"k", "payload"}, {"k", "payload"});
    out += CompareSimple(source_, source_schema_, target_, target_schema_, "bulk", {"id", "v"},
                         {"id"});
    return out;
  }
  bool WaitEqual(std::chrono::seconds timeout = std::chrono::seconds(180)) {
    return WaitUntil([&] { return Differences().empty(); }, timeout);
  }
  void LargeTransaction(int from, int rows) {
    const std::string last = std::to_string(from + rows - 1), first = std::to_string(from);
    ExecOrDie(source_, GetParam().source == Engine::kPostgres
                           ? "INSERT INTO bulk SELECT g, 'big ' || g FROM generate_series(" +
                                 first + ", " + last + ") g"
                           : "SET SESSION max_recursive_iterations = 1000000;\n"
                             "INSERT INTO bulk WITH RECURSIVE s(g) AS (SELECT " +
                                 first + " UNION ALL SELECT g + 1 FROM s WHERE g < " + last +
                                 ") SELECT g, CONCAT('big ', g) FROM s");
  }

  // `switchyard reload` of accounts in the running task, then waits for it to be reloaded:
  // compared only once the reload is over, as on MariaDB 10.11 a full scan of a table while a
  // bulk LOAD DATA fills it once hung both statements inside the server (seen under CPU load).
  void ReloadAccounts(const BackgroundRun& run, const std::string& work) {
    ASSERT_NO_FATAL_FAILURE(RequestReloadOfAccounts(run, work));
    ASSERT_NO_FATAL_FAILURE(WaitForReloadOfAccounts(run));
  }
  void RequestReloadOfAccounts(const BackgroundRun& run, const std::string& work) {
    RunResult reload =
        RunSwitchyardCommand("reload '" + work + "/task.json' --table " + source_schema_ +
                             ".accounts --state-dir '" + run.state_dir() + "'");
    ASSERT_EQ(reload.exit_code, 0) << reload.output;
  }
  void WaitForReloadOfAccounts(const BackgroundRun& run) {
    ASSERT_TRUE(
        WaitUntil([&] { return run.Output().find(".accounts reloaded at") != std::string::npos; },
                  std::chrono::seconds(120)))
        << run.Output();
  }

  // Holds the engine's apply back (bulk locked on the target, a change to it on the source) until
  // ReleaseApply, so that the stream stays behind what the source does meanwhile.
  void HoldApply(const BackgroundRun& run, std::unique_ptr<endpoints::SqlSession>* blocker) {
    const bool pg_target = GetParam().target == Engine::kPostgres;
    const std::string bulk = catalog::QuoteQualified(GetParam().target, target_schema_, "bulk");
    auto session = endpoints::Connect(target_);
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    *blocker = std::move(*session);
    if (pg_target) {
      ASSERT_TRUE((*blocker)->Execute("BEGIN").ok());
      ASSERT_TRUE((*blocker)->Execute("LOCK TABLE " + bulk + " IN ACCESS EXCLUSIVE MODE").ok());
    } else {
      ASSERT_TRUE((*blocker)->Execute("LOCK TABLES " + bulk + " WRITE").ok());
    }
    ExecOrDie(source_, "INSERT INTO bulk VALUES (1, 'held')");
    const std::string waiting =
        pg_target ? "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                  : "SELECT count(*) FROM information_schema.processlist WHERE state LIKE "
                    "'Waiting for table%'";
    ASSERT_TRUE(
        WaitUntil([&] { return QueryValue(target_, waiting) != "0"; }, std::chrono::seconds(60)))
        << run.Output();
    // With a read-ahead of one transaction, these keep the reader from reading further.
    for (int i = 0; i < 5; ++i) {
      ExecOrDie(source_, "INSERT INTO events VALUES (" + std::to_string(100 + i) + ", 'filler')");
    }
  }
  void ReleaseApply(endpoints::SqlSession& blocker) {
    ASSERT_TRUE(
        blocker.Execute(GetParam().target == Engine::kPostgres ? "COMMIT" : "UNLOCK TABLES").ok());
  }

  std::string id_, source_schema_, target_schema_;
  endpoints::ConnectionParams source_, target_;
  std::optional<SlotGuard> slot_;
  nlohmann::json task_;
};

TEST_P(FullLoadAndCdc, EndsEqualWhileAWriterRunsThroughTheSnapshotPoint) {
  const std::string work = MakeTempDir("sy-" + id_);
  // A transaction open across the snapshot point: its rows must arrive exactly once.
  auto open_txn = endpoints::Connect(source_);
  ASSERT_TRUE(open_txn.ok()) << open_txn.status().ToString();
  ASSERT_TRUE((*open_txn)->Execute("BEGIN").ok());
  ASSERT_TRUE((*open_txn)->Execute("INSERT INTO accounts VALUES (-1, 1.00, 'open txn')").ok());
  Writer writer(source_, 100000);
  // MySQL: this test takes the global-read-lock fallback for aligned snapshots; the kill test
  // below takes the usual retry path.
  std::optional<ScopedEnv> lock_path;
  if (GetParam().source == Engine::kMySql)
    lock_path.emplace("SWITCHYARD_FAILPOINT", "force-global-read-lock");
  BackgroundRun run(task_, work);
  // PostgreSQL's slot creation waits for the open transaction; commit it while the task starts.
  WaitUntil(
      [&] {
        return run.Output().find("creating replication slot") != std::string::npos ||
               run.Output().find("snapshot(s) at binlog position") != std::string::npos;
      },
      std::chrono::seconds(30));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE((*open_txn)->Execute("COMMIT").ok());
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  LargeTransaction(1, 20000);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  writer.Stop();
  ASSERT_EQ(writer.error(), "");
  ASSERT_GT(writer.iterations(), 50);
  EXPECT_TRUE(WaitEqual()) << Differences() << run.Output();
  EXPECT_EQ(QueryValue(target_,
                       "SELECT note FROM " +
                           catalog::QuoteQualified(GetParam().target, target_schema_, "accounts") +
                           " WHERE id = -1"),
            "open txn");
  // With the writer stopped and everything applied, both latencies come down to 0, and
  // `status --json` shows them with their percentiles.
  auto metric = [&](const char* name) -> std::optional<double> {
    RunResult status = RunSwitchyardCommand("status '" + work + "/task.json' --json --state-dir '" +
                                            run.state_dir() + "'");
    auto json = nlohmann::json::parse(status.output, nullptr, false);
    if (json.is_discarded() || !json.contains("Metrics") || !json["Metrics"].contains(name))
      return std::nullopt;
    EXPECT_TRUE(json["Metrics"][name].contains("P99"));
    return json["Metrics"][name]["Value"].get<double>();
  };
  EXPECT_TRUE(
      WaitUntil([&] { return metric("CDCLatencySource") == 0.0; }, std::chrono::seconds(30)));
  EXPECT_TRUE(
      WaitUntil([&] { return metric("CDCLatencyTarget") == 0.0; }, std::chrono::seconds(30)));
  if (GetParam().source == Engine::kMySql) {
    EXPECT_NE(run.Output().find("with a global read lock"), std::string::npos) << run.Output();
  }
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
  auto tables = ReadTables(work + "/state");
  EXPECT_EQ(tables[source_schema_ + ".bulk"].inserts, 20000);
}

TEST_P(FullLoadAndCdc, ResumesEqualAfterKillsDuringTheLoadAndDuringCdc) {
  const std::string work = MakeTempDir("sy-" + id_ + "-kill");
  Writer writer(source_, 200000);
  {
    // Killed (-9) right after the first table's load completes: the others are half done.
    ScopedEnv crash("SWITCHYARD_FAILPOINT", "after-segment-commit:1");
    BackgroundRun run(task_, work);
    EXPECT_EQ(run.Wait(std::chrono::seconds(120)), 128 + SIGKILL) << run.Output();
  }
  {
    BackgroundRun run(task_, work, "--start-type resume-processing");
    ASSERT_TRUE(WaitForCapture(run)) << run.Output();
    LargeTransaction(1, 5000);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    run.Signal(SIGKILL);  // during CDC, maybe inside the large transaction's apply
    EXPECT_EQ(run.Wait(), 128 + SIGKILL);
  }
  {
    BackgroundRun run(task_, work, "--start-type resume-processing");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    writer.Stop();
    ASSERT_EQ(writer.error(), "");
    EXPECT_TRUE(WaitEqual()) << Differences() << run.Output();
    run.Signal(SIGTERM);
    EXPECT_EQ(run.Wait(), 0) << run.Output();
  }
}

TEST_P(FullLoadAndCdc, BatchApplyEndsEqualAcrossAKillDuringCdc) {
  // Net changes per key, collected for a second: the writer's insert-update-delete runs of one
  // key collapse, the keyless table keeps its changes in order.
  task_["ReplicationTaskSettings"]["TargetMetadata"] = {{"BatchApplyEnabled", true}};
  task_["ReplicationTaskSettings"]["ChangeProcessingTuning"] = {{"BatchApplyTimeoutMin", 1}};
  const std::string work = MakeTempDir("sy-" + id_ + "-batch");
  Writer writer(source_, 400000);
  {
    BackgroundRun run(task_, work);
    ASSERT_TRUE(WaitForCapture(run)) << run.Output();
    LargeTransaction(1, 5000);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    run.Signal(SIGKILL);  // while a batch collects or applies
    EXPECT_EQ(run.Wait(), 128 + SIGKILL);
  }
  BackgroundRun run(task_, work, "--start-type resume-processing");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  writer.Stop();
  ASSERT_EQ(writer.error(), "");
  EXPECT_TRUE(WaitEqual()) << Differences() << run.Output();
  EXPECT_EQ(run.Output().find("not implemented"), std::string::npos) << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

// Ends the engine's sessions from the server side, as a network cut or a restart would: the
// replication/binlog connection on the source and every session on the target database.
void CutConnections(const endpoints::ConnectionParams& source, const std::string& slot,
                    const endpoints::ConnectionParams& target) {
  if (source.engine == Engine::kPostgres) {
    (void)QueryValue(source,
                     "SELECT count(pg_terminate_backend(active_pid)) FROM "
                     "pg_replication_slots WHERE slot_name = '" +
                         slot + "'");
  } else {
    auto s = endpoints::Connect(source);
    ASSERT_TRUE(s.ok());
    auto rows = (*s)->Query(
        "SELECT id FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'");
    ASSERT_TRUE(rows.ok());
    for (const auto& r : *rows) (void)(*s)->Execute("KILL " + *r[0]);
  }
  if (target.engine == Engine::kPostgres) {
    (void)QueryValue(target,
                     "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  } else {
    auto s = endpoints::Connect(target);
    ASSERT_TRUE(s.ok());
    auto rows = (*s)->Query(
        "SELECT id FROM information_schema.processlist WHERE db = DATABASE() "
        "AND id <> CONNECTION_ID()");
    ASSERT_TRUE(rows.ok());
    for (const auto& r : *rows) (void)(*s)->Execute("KILL " + *r[0]);
  }
}

TEST_P(FullLoadAndCdc, ReconnectsByItselfAfterLostConnectionsAndEndsEqual) {
  task_["ReplicationTaskSettings"]["ErrorBehavior"] = {{"RecoverableErrorInterval", 1}};
  const std::string work = MakeTempDir("sy-" + id_ + "-cut");
  Writer writer(source_, 300000);
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CutConnections(source_, pipeline::cdc::ReplicationObjectName(id_), target_);
  ASSERT_TRUE(WaitUntil([&] { return run.Output().find("reconnecting in") != std::string::npos; },
                        std::chrono::seconds(60)))
      << run.Output();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  writer.Stop();
  ASSERT_EQ(writer.error(), "");
  EXPECT_TRUE(WaitEqual()) << Differences() << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

TEST_P(FullLoadAndCdc, RecordsAnApplyConflictAndGoesOn) {
  const std::string work = MakeTempDir("sy-" + id_ + "-conflict");
  // The control schema outlives the test's databases on a MySQL target (one server, one
  // `switchyard` database): count what this run adds.
  const std::string control = GetParam().target == Engine::kPostgres
                                  ? "switchyard.switchyard_apply_exceptions"
                                  : "`switchyard`.`switchyard_apply_exceptions`";
  const std::string count_sql =
      "SELECT count(*) FROM " + control + " WHERE task_name = '" + id_ + "'";
  const std::string before = QueryValue(target_, count_sql);
  const int before_count = before.starts_with("<") ? 0 : std::stoi(before);
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  const auto target_accounts =
      catalog::QuoteQualified(GetParam().target, target_schema_, "accounts");
  // The row is gone on the target, then updated on the source: ApplyErrorUpdatePolicy
  // (LOG_ERROR by default) records it and the task goes on with the next change.
  ExecOrDie(target_, "DELETE FROM " + target_accounts + " WHERE id = 10");
  ExecOrDie(source_, "UPDATE accounts SET note = 'conflict' WHERE id = 10");
  ExecOrDie(source_, "INSERT INTO accounts VALUES (999999, 1.00, 'after the conflict')");
  EXPECT_TRUE(WaitUntil(
      [&] {
        return QueryValue(target_, "SELECT note FROM " + target_accounts + " WHERE id = 999999") ==
               "after the conflict";
      },
      std::chrono::seconds(60)))
      << run.Output();
  RunResult status = RunSwitchyardCommand("status '" + work + "/task.json' --json --errors 5 " +
                                          "--state-dir '" + run.state_dir() + "'");
  auto json = nlohmann::json::parse(status.output, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << status.output;
  ASSERT_EQ(json["ApplyExceptions"].size(), 1u) << status.output;
  const auto& e = json["ApplyExceptions"][0];
  EXPECT_EQ(e["Operation"], "UPDATE");
  EXPECT_EQ(e["Action"], "LOG_ERROR");
  EXPECT_NE(e["Statement"].get<std::string>().find("conflict"), std::string::npos) << e.dump();
  EXPECT_EQ(json["Metrics"]["ApplyExceptions"]["Value"], 1) << status.output;
  // Recorded on the target as well, beside the checkpoint.
  EXPECT_EQ(QueryValue(target_, count_sql), std::to_string(before_count + 1));
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

TEST_P(FullLoadAndCdc, ReloadsOneTableWhileChangesKeepComing) {
  const std::string work = MakeTempDir("sy-" + id_ + "-reload");
  Writer writer(source_, 400000);
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  // The target copy went wrong behind the engine's back; a reload puts it right without
  // stopping the task, and the writer's changes before, during and after it all arrive.
  const auto target_accounts =
      catalog::QuoteQualified(GetParam().target, target_schema_, "accounts");
  ExecOrDie(target_, "DELETE FROM " + target_accounts + " WHERE id BETWEEN 100 AND 300");
  ExecOrDie(target_,
            "UPDATE " + target_accounts + " SET note = 'wrong' WHERE id BETWEEN 301 AND 400");
  ASSERT_NO_FATAL_FAILURE(ReloadAccounts(run, work));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  writer.Stop();
  ASSERT_EQ(writer.error(), "");
  EXPECT_TRUE(WaitEqual()) << Differences() << run.Output();
  EXPECT_EQ(ReadTables(run.state_dir())[source_schema_ + ".accounts"].table_state,
            state::TableState::kTableCompleted);
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

TEST_P(FullLoadAndCdc, FollowsColumnsAddedAndDroppedOnTheSource) {
  const std::string work = MakeTempDir("sy-" + id_ + "-ddl");
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  // A column with a literal default (existing rows take it on both sides), rows that set it,
  // then a dropped column, then more changes of the new shape.
  ExecOrDie(source_, "ALTER TABLE accounts ADD COLUMN extra VARCHAR(20) DEFAULT 'dflt'");
  ExecOrDie(source_,
            "INSERT INTO accounts (id, balance, note, extra) VALUES (900001, 1.50, 'n', 'x1')");
  ExecOrDie(source_, "UPDATE accounts SET extra = 'x2' WHERE id = 7");
  ExecOrDie(source_, "ALTER TABLE accounts DROP COLUMN note");
  ExecOrDie(source_, "INSERT INTO accounts (id, balance, extra) VALUES (900002, 2.50, 'x3')");
  ExecOrDie(source_, "UPDATE accounts SET extra = NULL, balance = 0 WHERE id = 8");
  ExecOrDie(source_, "DELETE FROM accounts WHERE id = 9");
  auto equal = [&] {
    return CompareSimple(source_, source_schema_, target_, target_schema_, "accounts",
                         {"id", "balance", "extra"}, {"id"});
  };
  EXPECT_TRUE(WaitUntil([&] { return equal().empty(); }, std::chrono::seconds(60)))
      << equal() << run.Output();
  const std::string has_note =
      "SELECT count(*) FROM information_schema.columns WHERE table_schema = '" + target_schema_ +
      "' AND table_name = 'accounts' AND column_name = 'note'";
  EXPECT_EQ(QueryValue(target_, has_note), "0");
  EXPECT_EQ(ReadTables(run.state_dir())[source_schema_ + ".accounts"].ddls, 2);
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

TEST_P(FullLoadAndCdc, ResumesEqualAfterAKillRightAfterTheTargetFollowedAColumnChange) {
  // Killed (-9) with the target already altered but the checkpoint still before the change:
  // the resume replays the change against a target that has it, and goes on to the next one.
  const std::string work = MakeTempDir("sy-" + id_ + "-ddl-kill");
  {
    ScopedEnv crash("SWITCHYARD_FAILPOINT", "after-schema-change:1");
    BackgroundRun run(task_, work);
    ASSERT_TRUE(WaitForCapture(run)) << run.Output();
    ExecOrDie(source_, "UPDATE accounts SET balance = 11 WHERE id = 5");
    ExecOrDie(source_, "ALTER TABLE accounts ADD COLUMN extra VARCHAR(20) DEFAULT 'dflt'");
    ExecOrDie(source_,
              "INSERT INTO accounts (id, balance, note, extra) VALUES (900001, 1.50, 'n', 'x1')");
    EXPECT_EQ(run.Wait(std::chrono::seconds(60)), 128 + SIGKILL) << run.Output();
  }
  ExecOrDie(source_, "UPDATE accounts SET extra = 'x2' WHERE id = 7");
  ExecOrDie(source_, "ALTER TABLE accounts DROP COLUMN note");
  ExecOrDie(source_, "INSERT INTO accounts (id, balance, extra) VALUES (900002, 2.50, 'x3')");
  ExecOrDie(source_, "DELETE FROM accounts WHERE id = 9");
  BackgroundRun run(task_, work, "--start-type resume-processing");
  auto equal = [&] {
    return CompareSimple(source_, source_schema_, target_, target_schema_, "accounts",
                         {"id", "balance", "extra"}, {"id"});
  };
  EXPECT_TRUE(WaitUntil([&] { return equal().empty(); }, std::chrono::seconds(60)))
      << equal() << run.Output();
  EXPECT_EQ(
      QueryValue(target_, "SELECT count(*) FROM information_schema.columns WHERE table_schema = '" +
                              target_schema_ +
                              "' AND table_name = 'accounts' AND column_name = 'note'"),
      "0")
      << run.Output();
  EXPECT_EQ(QueryValue(target_,
                       "SELECT extra FROM " +
                           catalog::QuoteQualified(GetParam().target, target_schema_, "accounts") +
                           " WHERE id = 1"),
            "dflt");
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

// A reload while the stream is behind it, with a column added on the source in between: the
// reload plans the table with the column, and the stream then meets the table's older columns
// (PostgreSQL: a Relation message without it). That is history the reload already holds: the
// target keeps the column and its loaded values (before, the column was dropped and added
// again empty), and CDC goes on. The apply is held by a lock on the target meanwhile, and the
// engine reads at most one transaction ahead (failpoint), so the stream stays behind.
TEST_P(FullLoadAndCdc, AReloadAheadOfTheStreamKeepsTheColumnsItLoaded) {
  const std::string work = MakeTempDir("sy-" + id_ + "-reload-ahead");
  ScopedEnv small("SWITCHYARD_FAILPOINT", "read-ahead-one:1");
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  std::unique_ptr<endpoints::SqlSession> blocker;
  ASSERT_NO_FATAL_FAILURE(HoldApply(run, &blocker));
  ExecOrDie(source_, "UPDATE accounts SET note = 'old columns' WHERE id = 2");
  ExecOrDie(source_, "ALTER TABLE accounts ADD COLUMN extra VARCHAR(20)");
  ExecOrDie(source_, "UPDATE accounts SET extra = 'x3' WHERE id = 3");
  ASSERT_NO_FATAL_FAILURE(RequestReloadOfAccounts(run, work));
  ASSERT_NO_FATAL_FAILURE(ReleaseApply(*blocker));
  ASSERT_NO_FATAL_FAILURE(WaitForReloadOfAccounts(run));
  ExecOrDie(source_, "UPDATE accounts SET extra = 'x4', note = 'after' WHERE id = 4");
  EXPECT_TRUE(WaitEqual()) << Differences() << run.Output();
  auto equal = [&] {
    return CompareSimple(source_, source_schema_, target_, target_schema_, "accounts",
                         {"id", "balance", "note", "extra"}, {"id"});
  };
  EXPECT_TRUE(WaitUntil([&] { return equal().empty(); }, std::chrono::seconds(60)))
      << equal() << run.Output();
  EXPECT_EQ(ReadTables(run.state_dir())[source_schema_ + ".accounts"].table_state,
            state::TableState::kTableCompleted)
      << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

TEST_P(FullLoadAndCdc, ColumnsChangedWhileStoppedAreFollowedAndAReloadAfterARestartTakesTheSource) {
  const std::string work = MakeTempDir("sy-" + id_ + "-ddl-stopped");
  auto stop = [&](BackgroundRun& run) {
    run.Signal(SIGTERM);
    EXPECT_EQ(run.Wait(), 0) << run.Output();
  };
  {
    BackgroundRun run(task_, work);
    ASSERT_TRUE(WaitForCapture(run)) << run.Output();
    stop(run);
  }
  // While the engine is stopped: the resume meets these in the stream, with the columns the
  // table had at the checkpoint.
  ExecOrDie(source_, "UPDATE accounts SET note = 'before the drop' WHERE id = 2");
  ExecOrDie(source_, "ALTER TABLE accounts ADD COLUMN extra VARCHAR(20)");
  ExecOrDie(source_, "UPDATE accounts SET extra = 'x3' WHERE id = 3");
  ExecOrDie(source_, "ALTER TABLE accounts DROP COLUMN note");
  ExecOrDie(source_, "INSERT INTO accounts (id, balance, extra) VALUES (900003, 3.50, 'x4')");
  const std::string key = source_schema_ + ".accounts";
  auto equal = [&](const std::vector<std::string>& columns) {
    return CompareSimple(source_, source_schema_, target_, target_schema_, "accounts", columns,
                         {"id"});
  };
  auto target_has = [&](const std::string& column) {
    return QueryValue(target_,
                      "SELECT count(*) FROM information_schema.columns WHERE "
                      "table_schema = '" +
                          target_schema_ + "' AND table_name = 'accounts' AND " +
                          "column_name = '" + column + "'") == "1";
  };
  {
    BackgroundRun run(task_, work, "--start-type resume-processing");
    EXPECT_TRUE(WaitUntil(
        [&] {
          return equal({"id", "balance", "extra"}).empty();
        },
        std::chrono::seconds(60)))
        << equal({"id", "balance", "extra"}) << run.Output();
    EXPECT_FALSE(target_has("note")) << run.Output();
    // A rename suspends the table; it is still suspended after a restart, and its reload then
    // plans it from the source as it is, not from the columns the session resumed with.
    ExecOrDie(source_, GetParam().source == Engine::kPostgres
                           ? "ALTER TABLE accounts RENAME COLUMN extra TO remark"
                           : "ALTER TABLE accounts CHANGE extra remark VARCHAR(20)");
    ExecOrDie(source_, "UPDATE accounts SET remark = 'renamed' WHERE id = 4");
    ASSERT_TRUE(WaitUntil(
        [&] {
          return ReadTables(run.state_dir())[key].table_state == state::TableState::kTableError;
        },
        std::chrono::seconds(60)))
        << run.Output();
    stop(run);
  }
  BackgroundRun run(task_, work, "--start-type resume-processing");
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  ASSERT_NO_FATAL_FAILURE(ReloadAccounts(run, work));
  ExecOrDie(source_, "UPDATE accounts SET remark = 'after reload' WHERE id = 5");
  EXPECT_TRUE(WaitUntil(
      [&] {
        return equal({"id", "balance", "remark"}).empty();
      },
      std::chrono::seconds(60)))
      << equal({"id", "balance", "remark"}) << run.Output();
  EXPECT_FALSE(target_has("extra")) << run.Output();
  EXPECT_EQ(ReadTables(run.state_dir())[key].table_state, state::TableState::kTableCompleted);
  stop(run);
}

TEST_P(FullLoadAndCdc, ATruncateIsAppliedUnlessHandleSourceTableTruncatedIsFalse) {
  for (const bool handle : {true, false}) {
    SCOPED_TRACE(handle ? "HandleSourceTableTruncated true" : "HandleSourceTableTruncated false");
    task_["ReplicationTaskSettings"]["ChangeProcessingDdlHandlingPolicy"] = {
        {"HandleSourceTableTruncated", handle}};
    const std::string work = MakeTempDir("sy-" + id_ + "-truncate");
    BackgroundRun run(task_, work);
    ASSERT_TRUE(WaitForCapture(run)) << run.Output();
    const std::string target_events =
        catalog::QuoteQualified(GetParam().target, target_schema_, "events");
    const std::string before = QueryValue(target_, "SELECT count(*) FROM " + target_events);
    ExecOrDie(source_, "TRUNCATE TABLE events");
    const std::string k = handle ? "41" : "42";  // the first round's row is still there
    ExecOrDie(source_, "INSERT INTO events VALUES (" + k + ", 'after the truncate')");
    auto arrived = [&] {
      return QueryValue(target_, "SELECT count(*) FROM " + target_events + " WHERE k = " + k) ==
             "1";
    };
    ASSERT_TRUE(WaitUntil(arrived, std::chrono::seconds(60))) << run.Output();
    if (handle) {
      EXPECT_EQ(CompareSimple(source_, source_schema_, target_, target_schema_, "events",
                              {"k", "payload"}, {"k", "payload"}),
                "");
    } else {
      // The rows the source had before the truncate are all still there, and the new one.
      EXPECT_NE(before, "0");
      EXPECT_EQ(QueryValue(target_, "SELECT count(*) FROM " + target_events),
                std::to_string(std::stoll(before) + 1));
      EXPECT_NE(
          run.Output().find("not applied to the target (HandleSourceTableTruncated is false)"),
          std::string::npos)
          << run.Output();
    }
    run.Signal(SIGTERM);
    EXPECT_EQ(run.Wait(), 0) << run.Output();
  }
}

TEST_P(FullLoadAndCdc, MinTransactionSizeGathersSourceTransactionsIntoOneTargetTransaction) {
  // DMS MinTransactionSize/CommitTimeout: three source transactions, the first well before the
  // others, reach the target in one transaction, which a trigger there records.
  task_["ReplicationTaskSettings"]["ChangeProcessingTuning"] = {{"MinTransactionSize", 3},
                                                                {"CommitTimeout", 600}};
  const std::string work = MakeTempDir("sy-" + id_ + "-min-txn");
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  const Engine t = GetParam().target;
  const std::string events = catalog::QuoteQualified(t, target_schema_, "events");
  const std::string txlog = catalog::QuoteQualified(t, target_schema_, "txlog");
  if (t == Engine::kPostgres) {
    ExecOrDie(target_, "CREATE TABLE " + txlog +
                           " (k INT, xid BIGINT);\n"
                           "CREATE FUNCTION " +
                           catalog::QuoteQualified(t, target_schema_, "log_xid") +
                           "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO " + txlog +
                           " VALUES (NEW.k, txid_current()); RETURN NEW; END $$;\n"
                           "CREATE TRIGGER log_xid AFTER INSERT ON " +
                           events + " FOR EACH ROW EXECUTE FUNCTION " +
                           catalog::QuoteQualified(t, target_schema_, "log_xid") + "()");
  } else {
    ExecOrDie(target_, "CREATE TABLE " + txlog + " (k INT, xid BIGINT)");
    ExecOrDie(target_, "CREATE TRIGGER " + catalog::QuoteQualified(t, target_schema_, "log_xid") +
                           " AFTER INSERT ON " + events + " FOR EACH ROW INSERT INTO " + txlog +
                           " SELECT NEW.k, trx_id FROM information_schema.innodb_trx WHERE "
                           "trx_mysql_thread_id = CONNECTION_ID()");
  }
  ExecOrDie(source_, "INSERT INTO events VALUES (51, 'first')");
  std::this_thread::sleep_for(std::chrono::seconds(2));  // alone, it would be applied by now
  ExecOrDie(source_, "INSERT INTO events VALUES (52, 'second')");
  ExecOrDie(source_, "INSERT INTO events VALUES (53, 'third')");
  auto logged = [&] { return QueryValue(target_, "SELECT count(*) FROM " + txlog); };
  ASSERT_TRUE(WaitUntil([&] { return logged() == "3"; }, std::chrono::seconds(60)))
      << logged() << run.Output();
  EXPECT_EQ(QueryValue(target_, "SELECT count(DISTINCT xid) FROM " + txlog), "1");
  EXPECT_EQ(CompareSimple(source_, source_schema_, target_, target_schema_, "events",
                          {"k", "payload"}, {"k", "payload"}),
            "");
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

TEST_P(FullLoadAndCdc, ARenamedColumnSuspendsTheTableUntilAReload) {
  const std::string work = MakeTempDir("sy-" + id_ + "-rename");
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  // A rename cannot be told from a drop and an add: the values would be lost, so the table
  // waits for a reload (the others go on), which rebuilds it from the new shape.
  ExecOrDie(source_, GetParam().source == Engine::kPostgres
                         ? "ALTER TABLE accounts RENAME COLUMN note TO remark"
                         : "ALTER TABLE accounts CHANGE note remark VARCHAR(100)");
  ExecOrDie(source_, "UPDATE accounts SET remark = 'renamed' WHERE id = 3");
  ExecOrDie(source_, "INSERT INTO events VALUES (7, 'still applied')");
  const std::string key = source_schema_ + ".accounts";
  ASSERT_TRUE(WaitUntil(
      [&] {
        return ReadTables(run.state_dir())[key].table_state == state::TableState::kTableError;
      },
      std::chrono::seconds(60)))
      << run.Output();
  EXPECT_TRUE(WaitUntil(
      [&] {
        return CompareSimple(source_, source_schema_, target_, target_schema_, "events",
                             {"k", "payload"}, {"k", "payload"})
            .empty();
      },
      std::chrono::seconds(60)));
  ASSERT_NO_FATAL_FAILURE(ReloadAccounts(run, work));
  ExecOrDie(source_, "UPDATE accounts SET remark = 'after reload' WHERE id = 4");
  auto equal = [&] {
    return CompareSimple(source_, source_schema_, target_, target_schema_, "accounts",
                         {"id", "balance", "remark"}, {"id"});
  };
  EXPECT_TRUE(WaitUntil([&] { return equal().empty(); }, std::chrono::seconds(60)))
      << equal() << run.Output();
  EXPECT_EQ(ReadTables(run.state_dir())[key].table_state, state::TableState::kTableCompleted);
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

// PostgreSQL sources only: a transaction larger than logical_decoding_work_mem is streamed
// before it commits, so its column change comes with no commit position; whether a table's load
// holds it is told by the load's snapshot (SchemaChangePoint).
class FullLoadAndCdcStreamed : public FullLoadAndCdc {};

TEST_P(FullLoadAndCdcStreamed, AReloadAheadOfAStreamedColumnChangeKeepsTheColumnsItLoaded) {
  const std::string work = MakeTempDir("sy-" + id_ + "-reload-streamed");
  ScopedEnv small("SWITCHYARD_FAILPOINT", "read-ahead-one:1");
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitForCapture(run)) << run.Output();
  std::unique_ptr<endpoints::SqlSession> blocker;
  ASSERT_NO_FATAL_FAILURE(HoldApply(run, &blocker));
  // Streamed: its change of accounts comes (after the drop, with the Relation without note)
  // ahead of ~80 MB of changes to a table outside the publication, past the 64 MB default.
  ExecOrDie(source_, "CREATE TABLE scratch (id INT, pad TEXT)");
  ExecOrDie(source_,
            "BEGIN;\n"
            "ALTER TABLE accounts DROP COLUMN note;\n"
            "UPDATE accounts SET balance = balance + 1 WHERE id = 2;\n"
            "INSERT INTO scratch SELECT g, repeat('x', 1000) FROM generate_series(1, 80000) g;\n"
            "COMMIT");
  // Then the column is back, with values; the reload loads them.
  ExecOrDie(source_, "ALTER TABLE accounts ADD COLUMN note VARCHAR(100)");
  ExecOrDie(source_, "UPDATE accounts SET note = 'back ' || id WHERE id <= 10");
  // The reload is taken once the apply goes on: before the stream reads the large transaction.
  ASSERT_NO_FATAL_FAILURE(RequestReloadOfAccounts(run, work));
  ASSERT_NO_FATAL_FAILURE(ReleaseApply(*blocker));
  ASSERT_NO_FATAL_FAILURE(WaitForReloadOfAccounts(run));
  ExecOrDie(source_, "UPDATE accounts SET note = 'after', balance = 4.00 WHERE id = 4");
  EXPECT_TRUE(WaitEqual()) << Differences() << run.Output();
  // The case was met: the slot streamed a transaction.
  EXPECT_NE(QueryValue(source_,
                       "SELECT stream_txns FROM pg_stat_replication_slots WHERE "
                       "slot_name = '" +
                           pipeline::cdc::ReplicationObjectName(id_) + "'"),
            "0");
  EXPECT_EQ(ReadTables(run.state_dir())[source_schema_ + ".accounts"].table_state,
            state::TableState::kTableCompleted)
      << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

INSTANTIATE_TEST_SUITE_P(Directions, FullLoadAndCdcStreamed,
                         ::testing::Values(Case{Engine::kPostgres, Engine::kPostgres, "pgs_pg"},
                                           Case{Engine::kPostgres, Engine::kMySql, "pgs_my"}),
                         [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(Directions, FullLoadAndCdc,
                         ::testing::Values(Case{Engine::kPostgres, Engine::kPostgres, "pg_pg"},
                                           Case{Engine::kMySql, Engine::kPostgres, "my_pg"},
                                           Case{Engine::kPostgres, Engine::kMySql, "pg_my"},
                                           Case{Engine::kMySql, Engine::kMySql, "my_my"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace switchyard::testing
