// The `switchyard` command line as an operator meets it: exit codes, help text, bad task files
// refused before either database is touched, `status` in DMS JSON and human form, and
// passwords that never reach any output or any file in the state directory.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/integration/full_load_test_util.h"

namespace switchyard::testing {
namespace {

const char kSourceDb[] = "sy_cli_src";

class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_ = new endpoints::ConnectionParams(FreshMySqlDatabase(kSourceDb));
    ExecOrDie(*source_,
              "CREATE TABLE t1 (id INT PRIMARY KEY, v VARCHAR(20));\n"
              "INSERT INTO t1 VALUES (1, 'a'), (2, 'b'), (3, NULL);\n"
              "CREATE TABLE t2 (id INT PRIMARY KEY, w INT);\n"
              "INSERT INTO t2 VALUES (1, 10), (2, 20)");
  }
  static void TearDownTestSuite() { delete source_; }

  static nlohmann::json Task(const std::string& id, const endpoints::ConnectionParams& target) {
    return FullLoadTask(id, *source_, target, nlohmann::json::array({IncludeSchemaRule(kSourceDb)}),
                        {{"FullLoadSettings", {{"CommitRate", 1}}}});
  }

  // Tables and schemas that are not the server's own, on the target.
  static std::string TargetObjects(const endpoints::ConnectionParams& target) {
    return QueryValue(target,
                      "SELECT coalesce(string_agg(nspname, ','), '') FROM pg_namespace WHERE "
                      "nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('public', "
                      "'information_schema')") +
           "|" +
           QueryValue(target,
                      "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN "
                      "('pg_catalog', 'information_schema')");
  }

  static endpoints::ConnectionParams* source_;
};

endpoints::ConnectionParams* Cli::source_ = nullptr;

TEST_F(Cli, BadTaskFilesExitTwoNamingTheJsonPathAndTouchNeitherDatabase) {
  const auto target = FreshPostgresDatabase("sy_cli_dst");
  struct Case {
    std::string name;
    std::function<void(nlohmann::json&)> spoil;
    std::string expected_in_message;
  };
  const std::vector<Case> cases = {
      {"bad-commit-rate",
       [](nlohmann::json& t) {
         t["ReplicationTaskSettings"]["FullLoadSettings"]["CommitRate"] = "fast";
       },
       "FullLoadSettings.CommitRate"},
      {"bad-prep-mode",
       [](nlohmann::json& t) {
         t["ReplicationTaskSettings"]["FullLoadSettings"]["TargetTablePrepMode"] = "WIPE";
       },
       "TargetTablePrepMode"},
      {"rule-without-action",
       [](nlohmann::json& t) { t["TableMappings"]["rules"][0].erase("rule-action"); },
       "TableMappings.rules[0]"},
      {"no-target", [](nlohmann::json& t) { t.erase("TargetEndpoint"); }, "TargetEndpoint"},
      // Found only against the source catalog, still before anything is written.
      {"range-on-missing-column",
       [](nlohmann::json& t) {
         t["TableMappings"]["rules"].push_back(
             {{"rule-type", "table-settings"},
              {"rule-id", "9"},
              {"rule-name", "ranges"},
              {"object-locator", {{"schema-name", kSourceDb}, {"table-name", "t1"}}},
              {"parallel-load",
               {{"type", "ranges"}, {"columns", {"nope"}}, {"boundaries", {{"5"}}}}}});
       },
       "nope"},
  };
  for (const auto& c : cases) {
    nlohmann::json task = Task("cli-bad", target);
    c.spoil(task);
    RunResult run = RunSwitchyard(task, MakeTempDir("sy-cli-bad"));
    EXPECT_EQ(run.exit_code, 2) << c.name << ": " << run.output;
    EXPECT_NE(run.output.find(c.expected_in_message), std::string::npos)
        << c.name << ": " << run.output;
    EXPECT_EQ(TargetObjects(target), "|0") << c.name;
  }
  // Not JSON at all.
  const std::string dir = MakeTempDir("sy-cli-notjson");
  std::ofstream(dir + "/task.json") << "{\"ReplicationTaskIdentifier\": \"x\",";
  RunResult run = RunSwitchyardCommand("run '" + dir + "/task.json' --state-dir '" + dir + "/s'");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(QueryValue(*source_,
                       "SELECT COUNT(*) FROM information_schema.tables WHERE "
                       "table_schema = 'sy_cli_src'"),
            "2");
}

TEST_F(Cli, UnknownOptionsAndCommandsExitTwo) {
  const std::string dir = MakeTempDir("sy-cli-opts");
  std::ofstream(dir + "/task.json") << Task("cli-opts", Servers().postgres).dump();
  for (const std::string& args : std::vector<std::string>{
           "run '" + dir + "/task.json' --bogus", "status '" + dir + "/task.json' --bogus",
           "run '" + dir + "/task.json' --start-type sideways", "run", "frobnicate", ""}) {
    RunResult r = RunSwitchyardCommand(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
  }
  RunResult r = RunSwitchyardCommand("run '" + dir + "/task.json' --bogus");
  EXPECT_NE(r.output.find("--bogus"), std::string::npos) << r.output;
}

TEST_F(Cli, HelpExitsZeroAndMentionsEveryOption) {
  RunResult main_help = RunSwitchyardCommand("--help");
  EXPECT_EQ(main_help.exit_code, 0);
  for (const char* word : {"run", "status", "--start-type", "--state-dir", "--status-interval",
                           "--json", "--version", "--help"}) {
    EXPECT_NE(main_help.output.find(word), std::string::npos) << word;
  }
  RunResult run_help = RunSwitchyardCommand("run --help");
  EXPECT_EQ(run_help.exit_code, 0);
  for (const char* word : {"--start-type", "start-replication", "resume-processing",
                           "reload-target", "--state-dir", "--status-interval"}) {
    EXPECT_NE(run_help.output.find(word), std::string::npos) << word;
  }
  RunResult status_help = RunSwitchyardCommand("status --help");
  EXPECT_EQ(status_help.exit_code, 0);
  for (const char* word : {"--json", "--state-dir"}) {
    EXPECT_NE(status_help.output.find(word), std::string::npos) << word;
  }
}

TEST_F(Cli, StatusReportsDmsFieldsAndEveryTableAndNoPasswordIsWrittenAnywhere) {
  const auto target = FreshPostgresDatabase("sy_cli_status_dst");
  RunResult run = RunSwitchyard(Task("cli-status", target), MakeTempDir("sy-cli-status"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* table : {"t1", "t2"}) {
    const std::vector<std::string> cols = std::string(table) == "t1"
                                              ? std::vector<std::string>{"id", "v"}
                                              : std::vector<std::string>{"id", "w"};
    EXPECT_EQ(CompareSimple(*source_, kSourceDb, target, kSourceDb, table, cols, {"id"}), "");
  }

  const std::string status_args =
      "status '" + run.task_file + "' --state-dir '" + run.state_dir + "'";
  RunResult json_run = RunSwitchyardCommand(status_args + " --json");
  ASSERT_EQ(json_run.exit_code, 0) << json_run.output;
  auto j = nlohmann::json::parse(json_run.output, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << json_run.output;
  const auto& task = j["ReplicationTask"];
  EXPECT_EQ(task.value("ReplicationTaskIdentifier", ""), "cli-status");
  EXPECT_EQ(task.value("Status", ""), "stopped");
  EXPECT_EQ(task.value("StopReason", ""), "Stop Reason FULL_LOAD_ONLY_FINISHED");
  EXPECT_EQ(task["ReplicationTaskStats"].value("TablesLoaded", -1), 2);
  EXPECT_EQ(task["ReplicationTaskStats"].value("FullLoadProgressPercent", -1), 100);
  ASSERT_EQ(j["TableStatistics"].size(), 2u);
  std::map<std::string, int64_t> rows;
  for (const auto& t : j["TableStatistics"]) {
    EXPECT_EQ(t.value("SchemaName", ""), kSourceDb);
    EXPECT_EQ(t.value("TableState", ""), "Table completed");
    rows[t.value("TableName", "")] = t.value("FullLoadRows", int64_t{-1});
  }
  EXPECT_EQ(rows, (std::map<std::string, int64_t>{{"t1", 3}, {"t2", 2}}));

  RunResult human = RunSwitchyardCommand(status_args);
  ASSERT_EQ(human.exit_code, 0) << human.output;
  for (const char* word :
       {"cli-status", "stopped", "sy_cli_src.t1", "sy_cli_src.t2", "Table completed"}) {
    EXPECT_NE(human.output.find(word), std::string::npos) << word << " in\n" << human.output;
  }

  // Passwords: not on any output, not in any file of the state directory (state.db, its WAL,
  // logs, deferred SQL).
  const std::vector<std::string> passwords = {Servers().pg_password, Servers().my_password};
  for (const auto& pw : passwords) {
    ASSERT_FALSE(pw.empty());
    EXPECT_EQ(run.output.find(pw), std::string::npos) << "password on run output";
    EXPECT_EQ(json_run.output.find(pw), std::string::npos) << "password on status --json";
    EXPECT_EQ(human.output.find(pw), std::string::npos) << "password on status";
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(run.state_dir)) {
      if (!entry.is_regular_file()) continue;
      ++files;
      EXPECT_EQ(ReadWholeFile(entry.path()).find(pw), std::string::npos)
          << "password in " << entry.path();
    }
    EXPECT_GE(files, 2) << "expected at least state.db and a log file";
  }
}

}  // namespace
}  // namespace switchyard::testing
