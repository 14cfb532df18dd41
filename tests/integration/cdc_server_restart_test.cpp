// A real restart of the source or the target server in the middle of change capture, for each
// direction: the server shuts down cleanly, stays down for a few seconds (connection attempts
// are refused, a PostgreSQL walsender is gone, MariaDB starts a new binlog file when it comes
// back), and starts again on the same port with the same data. A full-load-and-cdc task must
// ride through it by itself (ErrorBehavior's recoverable-error backoff) while a writer changes
// the source before, during and after the restart; once the writer stops, the target must equal
// the source value for value, with nothing lost and nothing applied twice, and the task must
// still be running and stop cleanly.
//
// Lost connections without a restart are in full_load_and_cdc_test.cpp
// (ReconnectsByItselfAfterLostConnectionsAndEndsEqual).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
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
  Engine restarted;  // the server restarted mid-CDC (both roles when source and target share it)
  std::string name;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// Seed rows 1..500 of `accounts` (the writer updates them) and a few of the keyless `events`.
std::string CreateTables(Engine e) {
  std::string sql =
      "CREATE TABLE accounts (id INT PRIMARY KEY, balance DECIMAL(14,2), note VARCHAR(100));\n"
      "CREATE TABLE events (k INT, payload VARCHAR(50));\n"
      "INSERT INTO events VALUES (1, 'seed a'), (1, 'seed a'), (2, NULL);\n";
  sql += e == Engine::kPostgres
             ? "INSERT INTO accounts SELECT g, g * 1.25, 'seed ' || g FROM generate_series(1, "
               "500) g;\n"
               "ALTER TABLE events REPLICA IDENTITY FULL;\n"
             : "INSERT INTO accounts WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 "
               "FROM s WHERE g < 500) SELECT g, g * 1.25, CONCAT('seed ', g) FROM s;\n";
  return sql;
}

// Small transactions on the source in a loop until stopped, through a restart of its server: a
// statement or connection that fails is retried on a new session after a short pause. It knows
// exactly which transactions committed: when a COMMIT's reply is lost, the transaction's own
// `accounts` row (id = its number) settles whether it happened before anything else runs.
// Transaction i inserts accounts row i, deletes row i - 5, updates seed row i % 500 + 1, inserts
// event "e<i>", deletes event "e<i-2>" when i % 4 == 0 and renames "e<i-1>" to "x<i>" when
// i % 6 == 3. Only errors saying the connection or server is gone are tolerated; any other
// ends the writer with error().
class RetryingWriter {
 public:
  RetryingWriter(endpoints::ConnectionParams source, int first_id)
      : source_(std::move(source)), first_id_(first_id) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~RetryingWriter() { Stop(); }
  RetryingWriter(const RetryingWriter&) = delete;
  RetryingWriter& operator=(const RetryingWriter&) = delete;

  // Returns once the outcome of the last transaction is settled (or after a minute, an error).
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int committed() const { return committed_; }
  int last_committed_id() const { return last_committed_id_; }
  int failures() const { return failures_; }
  std::string error() const {
    std::lock_guard lock(mu_);
    return error_;
  }
  std::string last_failure() const {
    std::lock_guard lock(mu_);
    return last_failure_;
  }

  // After Stop: "" when the source holds exactly the writer's committed transactions (its
  // `accounts` rows and its events), else what differs.
  std::string SourceDifferences() const {
    std::string out;
    auto s = endpoints::Connect(source_);
    if (!s.ok()) return s.status().ToString();
    auto ids = (*s)->Query("SELECT id FROM accounts WHERE id >= " + std::to_string(first_id_) +
                           " ORDER BY id");
    if (!ids.ok()) return ids.status().ToString();
    std::set<int> have;
    for (const auto& r : *ids) have.insert(std::stoi(*r[0]));
    if (have != accounts_) {
      out += "accounts: the source has " + std::to_string(have.size()) + " writer rows, " +
             std::to_string(accounts_.size()) + " expected\n";
    }
    auto events =
        (*s)->Query("SELECT payload, k FROM events WHERE payload LIKE 'e%' OR payload LIKE 'x%'");
    if (!events.ok()) return events.status().ToString();
    std::map<std::string, int> have_events;
    for (const auto& r : *events) {
      if (!have_events.emplace(*r[0], std::stoi(*r[1])).second) out += "event twice: " + *r[0];
    }
    if (have_events != events_) {
      out += "events: the source has " + std::to_string(have_events.size()) + " writer rows, " +
             std::to_string(events_.size()) + " expected\n";
    }
    return out;
  }

 private:
  static std::string Sql(int i) {
    const std::string id = std::to_string(i);
    std::string sql =
        "INSERT INTO accounts VALUES (" + id + ", " + std::to_string(i % 997) + ".5, 'w" + id +
        "');\nDELETE FROM accounts WHERE id = " + std::to_string(i - 5) +
        ";\nUPDATE accounts SET balance = balance + 1, note = 'u" + id +
        "' WHERE id = " + std::to_string(i % 500 + 1) + ";\nINSERT INTO events VALUES (" +
        std::to_string(i % 3) + ", 'e" + id + "');\n";
    if (i % 4 == 0) sql += "DELETE FROM events WHERE payload = 'e" + std::to_string(i - 2) + "';\n";
    if (i % 6 == 3) {
      sql += "UPDATE events SET payload = 'x" + id + "' WHERE payload = 'e" +
             std::to_string(i - 1) + "';\n";
    }
    return sql;
  }

  // Transaction i committed: the model of the source follows it (one writer: commit order).
  void Committed(int i) {
    accounts_.insert(i);
    accounts_.erase(i - 5);
    events_["e" + std::to_string(i)] = i % 3;
    if (i % 4 == 0) events_.erase("e" + std::to_string(i - 2));
    if (i % 6 == 3) {
      auto it = events_.find("e" + std::to_string(i - 1));
      if (it != events_.end()) {
        events_["x" + std::to_string(i)] = it->second;
        events_.erase(it);
      }
    }
    last_committed_id_ = i;
    ++committed_;
  }

  // A failure the writer rides through (the server is going or gone), or the end of it.
  bool Tolerate(const Status& st) {
    {
      std::lock_guard lock(mu_);
      last_failure_ = st.ToString();
      if (st.code() != StatusCode::kConnectionError) {
        error_ = "not a lost connection: " + st.ToString();
        return false;
      }
    }
    ++failures_;
    if (stop_ && std::chrono::steady_clock::now() > stop_deadline_) {
      std::lock_guard lock(mu_);
      error_ = "could not settle the last transaction within a minute of Stop: " + st.ToString();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a retry's pause
    return true;
  }

  void Loop() {
    std::unique_ptr<endpoints::SqlSession> db;
    int unsettled = 0;  // a transaction whose COMMIT reply was lost (ids start above 0)
    int next = first_id_;
    bool stopping = false;
    while (true) {
      if (stop_ && !stopping) {
        stopping = true;
        stop_deadline_ = std::chrono::steady_clock::now() + std::chrono::minutes(1);
      }
      if (stopping && unsettled == 0) return;
      if (!db) {
        auto s = endpoints::Connect(source_);
        if (!s.ok()) {
          if (!Tolerate(s.status())) return;
          continue;
        }
        db = std::move(*s);
      }
      if (unsettled != 0) {
        auto rows =
            db->Query("SELECT count(*) FROM accounts WHERE id = " + std::to_string(unsettled));
        if (!rows.ok()) {
          db.reset();
          if (!Tolerate(rows.status())) return;
          continue;
        }
        if ((*rows)[0][0] == "1") Committed(unsettled);
        unsettled = 0;
        continue;
      }
      const int i = next++;
      const std::string sql = Sql(i);
      // One statement per call: MySQL sessions take no multi-statement text.
      Status st = db->Execute("BEGIN");
      for (size_t at = 0; st.ok() && at < sql.size();) {
        const size_t end = sql.find(";\n", at);
        st = db->Execute(sql.substr(at, end - at));
        at = end + 2;
      }
      bool commit_sent = false;
      if (st.ok()) {
        commit_sent = true;
        st = db->Execute("COMMIT");
      }
      if (st.ok()) {
        Committed(i);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      db.reset();  // a failed statement before COMMIT: closing the session rolls it back
      if (commit_sent) unsettled = i;
      if (!Tolerate(st)) return;
    }
  }

  const endpoints::ConnectionParams source_;
  const int first_id_;
  std::atomic<bool> stop_{false};
  std::chrono::steady_clock::time_point stop_deadline_;  // the writer thread's
  std::atomic<int> committed_{0};
  std::atomic<int> last_committed_id_{0};
  std::atomic<int> failures_{0};
  // The writer thread's until Stop returns; read by SourceDifferences after that.
  std::set<int> accounts_;
  std::map<std::string, int> events_;
  mutable std::mutex mu_;
  std::string error_, last_failure_;  // guarded by mu_
  std::thread thread_;
};

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class CdcServerRestart : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    const Case c = GetParam();
    const std::string db = "sy_restart_" + c.name;
    id_ = "restart-" + c.name;
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
    ASSERT_NO_FATAL_FAILURE(ExecOrDie(source_, CreateTables(c.source)));
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
    // Reconnect attempts every second, without growing waits: the server is down for seconds.
    task_ =
        FullLoadTask(id_, source_, target_, rules,
                     {{"ErrorBehavior",
                       {{"RecoverableErrorInterval", 1}, {"RecoverableErrorThrottling", false}}}});
    task_["MigrationType"] = "full-load-and-cdc";
  }

  // "" when both tables are equal on both sides, every column.
  std::string Differences() {
    return CompareSimple(source_, source_schema_, target_, target_schema_, "accounts",
                         {"id", "balance", "note"}, {"id"}) +
           CompareSimple(source_, source_schema_, target_, target_schema_, "events",
                         {"k", "payload"}, {"k", "payload"});
  }
  // The highest `accounts` id on the target (0 when it cannot tell).
  int TargetMaxId() {
    const std::string v = QueryValue(
        target_, "SELECT max(id) FROM " +
                     catalog::QuoteQualified(GetParam().target, target_schema_, "accounts"));
    return v.empty() || v[0] == '<' || v == "NULL" ? 0 : std::stoi(v);
  }

  std::string id_, source_schema_, target_schema_;
  endpoints::ConnectionParams source_, target_;
  std::optional<SlotGuard> slot_;
  nlohmann::json task_;
};

TEST_P(CdcServerRestart, RecoversByItselfAndEndsEqual) {
  const Case c = GetParam();
  const std::string work = MakeTempDir("sy-" + id_);
  RetryingWriter writer(source_, 1000000);  // already writing while the task loads the tables
  BackgroundRun run(task_, work);
  ASSERT_TRUE(WaitUntil([&] { return Count(run.Output(), "change capture running") >= 1; },
                        std::chrono::seconds(60)))
      << run.Output();
  // Changes during CDC reach the target before the restart: the target holds a checkpoint, so
  // the task must resume from it, not from the snapshot.
  const int before = writer.committed();
  ASSERT_TRUE(
      WaitUntil([&] { return writer.committed() >= before + 20; }, std::chrono::seconds(30)))
      << writer.error() << writer.last_failure();
  const int applied_before = writer.last_committed_id();
  ASSERT_TRUE(WaitUntil([&] { return TargetMaxId() >= applied_before; }, std::chrono::seconds(30)))
      << run.Output();

  // Down for 3 s: several of the task's reconnect attempts (every second) are refused.
  const size_t sessions_before = Count(run.Output(), "change capture running");
  const size_t reconnects_before = Count(run.Output(), "reconnecting in");
  ASSERT_NO_FATAL_FAILURE(RestartServer(c.restarted, std::chrono::seconds(3)));

  // Changes after the restart, then the engine must have reconnected by itself.
  const int at_restart = writer.committed();
  EXPECT_TRUE(
      WaitUntil([&] { return writer.committed() >= at_restart + 20; }, std::chrono::seconds(30)))
      << "the writer did not get going again: " << writer.error() << writer.last_failure();
  EXPECT_TRUE(
      WaitUntil([&] { return Count(run.Output(), "change capture running") > sessions_before; },
                std::chrono::seconds(30)))
      << run.Output();
  writer.Stop();
  ASSERT_EQ(writer.error(), "");
  if (c.restarted == c.source) {
    // The restart really was one for the writer too: its attempts failed while it was down.
    EXPECT_GT(writer.failures(), 0);
  }
  EXPECT_EQ(writer.SourceDifferences(), "");
  EXPECT_TRUE(WaitUntil([&] { return Differences().empty(); }, std::chrono::seconds(60)))
      << Differences() << run.Output();

  const std::string output = run.Output();
  EXPECT_EQ(run.Wait(std::chrono::milliseconds(0)), -1) << "the task ended:\n" << output;
  EXPECT_GT(Count(output, "reconnecting in"), reconnects_before) << output;
  // Exactly once: a change applied twice would show as a conflict on the keyed table.
  EXPECT_EQ(output.find("apply exception"), std::string::npos) << output;
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

INSTANTIATE_TEST_SUITE_P(
    Directions, CdcServerRestart,
    ::testing::Values(
        Case{Engine::kPostgres, Engine::kPostgres, Engine::kPostgres, "pg_pg"},
        Case{Engine::kMySql, Engine::kPostgres, Engine::kMySql, "my_pg_restart_source"},
        Case{Engine::kMySql, Engine::kPostgres, Engine::kPostgres, "my_pg_restart_target"},
        Case{Engine::kPostgres, Engine::kMySql, Engine::kPostgres, "pg_my_restart_source"},
        Case{Engine::kPostgres, Engine::kMySql, Engine::kMySql, "pg_my_restart_target"},
        Case{Engine::kMySql, Engine::kMySql, Engine::kMySql, "my_my"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace switchyard::testing
