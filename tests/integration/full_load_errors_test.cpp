// How the full load fails: a table the target rejects is suspended ("Table error", with the
// server's message in `switchyard status --json`) while the others complete, unless
// TableErrorPolicy is STOP_TASK; a row the target cannot hold (NUL in a MySQL varchar bound for
// PostgreSQL) follows DataErrorPolicy; an endpoint that cannot be reached fails the task with a
// message that names it and never the password.
#include <gtest/gtest.h>

#include "tests/integration/full_load_test_util.h"

namespace switchyard::testing {
namespace {

const char kSourceDb[] = "sy_fl_err_src";

class FullLoadErrors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_ = new endpoints::ConnectionParams(FreshMySqlDatabase(kSourceDb));
    ExecOrDie(*source_,
              "CREATE TABLE good (id INT PRIMARY KEY, v VARCHAR(20));\n"
              "INSERT INTO good VALUES (1, 'one'), (2, 'two'), (3, NULL), (4, 'four');\n"
              "CREATE TABLE bad (id INT PRIMARY KEY, v VARCHAR(20));\n"
              "INSERT INTO bad VALUES (1, '12'), (2, 'abc');\n"
              "CREATE TABLE nul (id INT PRIMARY KEY, v VARCHAR(20));\n"
              "INSERT INTO nul VALUES (1, 'a'), (2, CONCAT('a', CHAR(0), 'b')), (3, 'c')");
  }
  static void TearDownTestSuite() { delete source_; }

  static nlohmann::json Tables(const std::vector<std::string>& names) {
    nlohmann::json rules = nlohmann::json::array();
    int id = 1;
    for (const auto& n : names) {
      rules.push_back({{"rule-type", "selection"},
                       {"rule-id", std::to_string(id)},
                       {"rule-name", "table-" + n},
                       {"object-locator", {{"schema-name", kSourceDb}, {"table-name", n}}},
                       {"rule-action", "include"}});
      ++id;
    }
    return rules;
  }

  // `bad` pre-created on the target with an integer column: 'abc' is rejected by the server.
  static endpoints::ConnectionParams TargetRejectingBad(const std::string& name) {
    auto target = FreshPostgresDatabase(name);
    ExecOrDie(target, std::string("CREATE SCHEMA \"") + kSourceDb + "\";\nCREATE TABLE \"" +
                          kSourceDb + "\".bad (id int PRIMARY KEY, v integer)");
    return target;
  }

  static nlohmann::json Settings(const nlohmann::json& error_behavior,
                                 const std::string& prep_mode = "DROP_AND_CREATE") {
    return {{"FullLoadSettings",
             {{"TargetTablePrepMode", prep_mode}, {"MaxFullLoadSubTasks", 1}, {"CommitRate", 1}}},
            {"ErrorBehavior", error_behavior}};
  }

  static nlohmann::json StatusJson(const RunResult& run) {
    RunResult status = RunSwitchyardCommand("status '" + run.task_file + "' --json --state-dir '" +
                                            run.state_dir + "'");
    EXPECT_EQ(status.exit_code, 0) << status.output;
    auto j = nlohmann::json::parse(status.output, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << status.output;
    return j;
  }

  static nlohmann::json TableStats(const nlohmann::json& status, const std::string& table) {
    for (const auto& t : status["TableStatistics"]) {
      if (t["TableName"] == table) return t;
    }
    ADD_FAILURE() << "no TableStatistics for " << table << " in " << status.dump();
    return nlohmann::json::object();
  }

  static endpoints::ConnectionParams* source_;
};

endpoints::ConnectionParams* FullLoadErrors::source_ = nullptr;

TEST_F(FullLoadErrors, ATableTheTargetRejectsIsSuspendedAndTheOthersComplete) {
  const auto target = TargetRejectingBad("sy_fl_err_tbl_dst");
  const auto task = FullLoadTask("fl-err-table", *source_, target, Tables({"good", "bad"}),
                                 Settings(nlohmann::json::object(), "DO_NOTHING"));
  RunResult run = RunSwitchyard(task, MakeTempDir("sy-fl-err-table"));
  EXPECT_EQ(run.exit_code, 1) << run.output;

  const auto status = StatusJson(run);
  const auto bad = TableStats(status, "bad");
  EXPECT_EQ(bad.value("TableState", ""), "Table error");
  EXPECT_NE(bad.value("LastFailureMessage", "").find("invalid input syntax for type integer"),
            std::string::npos)
      << bad.dump();
  EXPECT_EQ(TableStats(status, "good").value("TableState", ""), "Table completed");
  EXPECT_EQ(status["ReplicationTask"].value("Status", ""), "stopped");
  EXPECT_EQ(CompareSimple(*source_, kSourceDb, target, kSourceDb, "good", {"id", "v"}, {"id"}), "");
}

TEST_F(FullLoadErrors, TablesOfAnEarlierRunDoNotHideAFailedTable) {
  const auto target = TargetRejectingBad("sy_fl_err_earlier_dst");
  const std::string work = MakeTempDir("sy-fl-err-earlier");
  // The first run completes `good` and `nul`; the second maps `good` and `bad`, and `bad` fails.
  // Two completed tables in the store must not pass for "both tables of this run completed".
  auto task = FullLoadTask("fl-err-earlier", *source_, target, Tables({"good", "nul"}),
                           Settings({{"DataErrorPolicy", "IGNORE_RECORD"}}, "DO_NOTHING"));
  RunResult first = RunSwitchyard(task, work);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  task["TableMappings"]["rules"] = Tables({"good", "bad"});
  task["ReplicationTaskSettings"]["FullLoadSettings"]["TargetTablePrepMode"] =
      "TRUNCATE_BEFORE_LOAD";  // `good` loads again cleanly; `bad` keeps its integer column
  RunResult second = RunSwitchyard(task, work);
  EXPECT_EQ(second.exit_code, 1) << second.output;
  const auto status = StatusJson(second);
  EXPECT_EQ(TableStats(status, "bad").value("TableState", ""), "Table error");
  EXPECT_EQ(TableStats(status, "good").value("TableState", ""), "Table completed");
}

TEST_F(FullLoadErrors, TableErrorPolicyStopTaskFailsTheTask) {
  const auto target = TargetRejectingBad("sy_fl_err_stop_dst");
  const auto task = FullLoadTask("fl-err-table-stop", *source_, target, Tables({"bad", "good"}),
                                 Settings({{"TableErrorPolicy", "STOP_TASK"}}, "DO_NOTHING"));
  RunResult run = RunSwitchyard(task, MakeTempDir("sy-fl-err-table-stop"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const auto status = StatusJson(run);
  EXPECT_EQ(status["ReplicationTask"].value("Status", ""), "failed") << status.dump();
  EXPECT_EQ(status["ReplicationTask"].value("StopReason", ""), "Stop Reason FATAL_ERROR");
  EXPECT_NE(status["ReplicationTask"]
                .value("LastFailureMessage", "")
                .find("invalid input syntax for type integer"),
            std::string::npos)
      << status.dump();
  EXPECT_EQ(TableStats(status, "bad").value("TableState", ""), "Table error");
  // `good` either finished before the stop or was cancelled by it; never left "in progress".
  const std::string good = TableStats(status, "good").value("TableState", "");
  EXPECT_TRUE(good == "Table completed" || good == "Table cancelled") << good;
}

TEST_F(FullLoadErrors, ReloadTargetMarksTablesAsReloaded) {
  const auto target = FreshPostgresDatabase("sy_fl_err_reload_dst");
  const auto task = FullLoadTask("fl-err-reload", *source_, target, Tables({"good"}),
                                 Settings(nlohmann::json::object(), "DROP_AND_CREATE"));
  const std::string work = MakeTempDir("sy-fl-err-reload");
  ASSERT_EQ(RunSwitchyard(task, work).exit_code, 0);
  RunResult reload = RunSwitchyard(task, work, "--start-type reload-target");
  ASSERT_EQ(reload.exit_code, 0) << reload.output;
  const auto status = StatusJson(reload);
  EXPECT_EQ(TableStats(status, "good").value("TableState", ""), "Table completed");
  EXPECT_EQ(TableStats(status, "good").value("FullLoadReloaded", false), true) << status.dump();
  EXPECT_EQ(TableStats(status, "good").value("FullLoadRows", 0), 4);
}

// NUL cannot be stored in PostgreSQL text: row 2 of `nul` is a data error.
class FullLoadDataErrorPolicy : public FullLoadErrors {
 protected:
  RunResult Run(const std::string& policy, const std::string& db) {
    target_ = FreshPostgresDatabase(db);
    std::string id = "fl-err-data-" + policy;
    for (char& c : id) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
    const auto task = FullLoadTask(id, *source_, target_, Tables({"nul", "good"}),
                                   Settings({{"DataErrorPolicy", policy}}));
    return RunSwitchyard(task, MakeTempDir("sy-" + id));
  }
  std::string TargetNul() {
    return QueryValue(target_, std::string("SELECT string_agg(id || ':' || v, ',' ORDER BY id) "
                                           "FROM \"") +
                                   kSourceDb + "\".nul");
  }
  std::vector<state::DataErrorRecord> DataErrors(const RunResult& run) {
    auto store = state::StateStore::OpenReadOnly(run.state_dir);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return {};
    auto errors = (*store)->ListDataErrors(100);
    EXPECT_TRUE(errors.ok());
    return errors.ok() ? *errors : std::vector<state::DataErrorRecord>{};
  }
  endpoints::ConnectionParams target_;
};

TEST_F(FullLoadDataErrorPolicy, LogErrorSkipsTheRowAndRecordsIt) {
  RunResult run = Run("LOG_ERROR", "sy_fl_err_log_dst");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(TargetNul(), "1:a,3:c");
  auto errors = DataErrors(run);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].table_name, "nul");
  auto row = nlohmann::json::parse(errors[0].row_json, nullptr, false);
  EXPECT_EQ(row.value("id", ""), "2") << errors[0].row_json;
  EXPECT_EQ(TableStats(StatusJson(run), "nul").value("FullLoadErrorRows", -1), 1);
  EXPECT_EQ(CompareSimple(*source_, kSourceDb, target_, kSourceDb, "good", {"id", "v"}, {"id"}),
            "");
  // The operator sees the skipped row, its reason and values, with `status --errors`.
  RunResult shown = RunSwitchyardCommand("status '" + run.task_file + "' --state-dir '" +
                                         run.state_dir + "' --errors 10");
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("Rows skipped by the full load"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("NUL (0x00)"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("\"id\":\"2\""), std::string::npos) << shown.output;
  RunResult as_json = RunSwitchyardCommand("status '" + run.task_file + "' --state-dir '" +
                                           run.state_dir + "' --errors 10 --json");
  auto doc = nlohmann::json::parse(as_json.output, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << as_json.output;
  ASSERT_EQ(doc["DataErrors"].size(), 1u);
  EXPECT_EQ(doc["DataErrors"][0]["TableName"], "nul");
  EXPECT_EQ(doc["DataErrors"][0]["Row"]["id"], "2");
}

TEST_F(FullLoadDataErrorPolicy, IgnoreRecordSkipsTheRowWithoutRecordingIt) {
  RunResult run = Run("IGNORE_RECORD", "sy_fl_err_ignore_dst");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(TargetNul(), "1:a,3:c");
  EXPECT_TRUE(DataErrors(run).empty());
}

TEST_F(FullLoadDataErrorPolicy, StopTaskFailsTheTask) {
  RunResult run = Run("STOP_TASK", "sy_fl_err_stoptask_dst");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const auto status = StatusJson(run);
  EXPECT_EQ(status["ReplicationTask"].value("Status", ""), "failed") << status.dump();
  EXPECT_NE(status["ReplicationTask"].value("LastFailureMessage", "").find("STOP_TASK"),
            std::string::npos)
      << status.dump();
  EXPECT_EQ(DataErrors(run).size(), 1u);
}

TEST_F(FullLoadDataErrorPolicy, SuspendTableErrorsOnlyThatTable) {
  RunResult run = Run("SUSPEND_TABLE", "sy_fl_err_suspend_dst");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const auto status = StatusJson(run);
  EXPECT_EQ(TableStats(status, "nul").value("TableState", ""), "Table error");
  EXPECT_NE(TableStats(status, "nul").value("LastFailureMessage", "").find("SUSPEND_TABLE"),
            std::string::npos);
  EXPECT_EQ(TableStats(status, "good").value("TableState", ""), "Table completed");
  EXPECT_EQ(CompareSimple(*source_, kSourceDb, target_, kSourceDb, "good", {"id", "v"}, {"id"}),
            "");
}

TEST_F(FullLoadErrors, AnUnreachableEndpointFailsWithAMessageNamingItAndNoPassword) {
  for (const bool target_down : {true, false}) {
    auto target = FreshPostgresDatabase("sy_fl_err_down_dst");
    auto source = *source_;
    auto& down = target_down ? target : source;
    down.port = 1;  // nothing listens there: connection refused
    const auto task = FullLoadTask(target_down ? "fl-err-target-down" : "fl-err-source-down",
                                   source, target, Tables({"good"}), Settings({}));
    RunResult run = RunSwitchyard(task, MakeTempDir("sy-fl-err-down"));
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find(target_down ? "target" : "source"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(down.host + ":1"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find(Servers().pg_password), std::string::npos) << "password leaked";
    EXPECT_EQ(run.output.find(Servers().my_password), std::string::npos) << "password leaked";
    const auto status = StatusJson(run);
    EXPECT_EQ(status["ReplicationTask"].value("Status", ""), "failed") << status.dump();
  }
}

}  // namespace
}  // namespace switchyard::testing
