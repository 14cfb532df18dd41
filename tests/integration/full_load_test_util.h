// Helpers shared by the full-load behaviour tests (resume, ranges, prep modes, errors, CLI):
// task JSON builders, a background `switchyard run` that a test can signal, bounded waits on
// the state store, and value comparison of simple tables.
//
// Header-only so the test binary's glob (tests/integration/*.cpp) needs no change.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/catalog/identifier.h"
#include "engine/state/state_store.h"
#include "tests/support/servers.h"
#include "tests/support/table_compare.h"
#include "tests/support/task_run.h"

namespace switchyard::testing {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A selection rule including every table of `schema`.
inline nlohmann::json IncludeSchemaRule(const std::string& schema, int rule_id = 1) {
  return {{"rule-type", "selection"},
          {"rule-id", std::to_string(rule_id)},
          {"rule-name", "include-" + std::to_string(rule_id)},
          {"object-locator", {{"schema-name", schema}, {"table-name", "%"}}},
          {"rule-action", "include"}};
}

// A full-load task from `source` to `target` with the given rules and settings objects.
inline nlohmann::json FullLoadTask(const std::string& id, const endpoints::ConnectionParams& source,
                                   const endpoints::ConnectionParams& target,
                                   const nlohmann::json& rules,
                                   const nlohmann::json& settings = nlohmann::json::object(),
                                   const nlohmann::json& switchyard = nullptr) {
  nlohmann::json task = {{"ReplicationTaskIdentifier", id},
                         {"MigrationType", "full-load"},
                         {"SourceEndpoint", EndpointJson(source, "SY_TEST_SOURCE_PW")},
                         {"TargetEndpoint", EndpointJson(target, "SY_TEST_TARGET_PW")},
                         {"TableMappings", {{"rules", rules}}},
                         {"ReplicationTaskSettings", settings}};
  if (!switchyard.is_null()) task["SwitchyardSettings"] = switchyard;
  return task;
}

// Polls `done` every 20 ms until it returns true or `timeout` passes; true when it did.
inline bool WaitUntil(const std::function<bool()>& done,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// The tables of a state store by "schema.table", read-only (safe while the engine runs);
// empty when the store does not exist yet.
inline std::map<std::string, state::TableRecord> ReadTables(const std::string& state_dir) {
  std::map<std::string, state::TableRecord> out;
  auto store = state::StateStore::OpenReadOnly(state_dir);
  if (!store.ok()) return out;
  auto tables = (*store)->ListTables();
  if (!tables.ok()) return out;
  for (auto& t : *tables) out[t.schema_name + "." + t.table_name] = t;
  return out;
}

inline std::optional<state::TaskRecord> ReadTask(const std::string& state_dir) {
  auto store = state::StateStore::OpenReadOnly(state_dir);
  if (!store.ok()) return std::nullopt;
  auto task = (*store)->GetTask();
  if (!task.ok()) return std::nullopt;
  return *task;
}

// `switchyard run` in the background, so a test can watch the state store and signal it.
class BackgroundRun {
 public:
  // Writes the task to <work_dir>/task.json and starts `switchyard run` with state in
  // <work_dir>/state; output goes to <work_dir>/output.txt.
  BackgroundRun(const nlohmann::json& task, const std::string& work_dir,
                const std::string& extra_args = "")
      : state_dir_(work_dir + "/state"), output_file_(work_dir + "/output.txt") {
    const std::string task_file = work_dir + "/task.json";
    std::ofstream(task_file) << task.dump(2);
    // Emptied here, not only by the shell's redirect: until the child gets that far, a test
    // reading Output() would see an earlier run's lines in the same work directory.
    std::ofstream(output_file_, std::ios::trunc);
    const std::string cmd = std::string("exec ") + SWITCHYARD_BINARY + " run '" + task_file +
                            "' --status-interval 60 --state-dir '" + state_dir_ + "' " +
                            extra_args + " >'" + output_file_ + "' 2>&1";
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~BackgroundRun() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      (void)Wait(std::chrono::seconds(10));
    }
  }
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;

  void Signal(int sig) { kill(pid_, sig); }
  pid_t pid() const { return pid_; }
  // Exit code, 128 + signal when killed by one, or -1 when still running after `timeout`.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    if (exited_) return exit_code_;
    WaitUntil(
        [&] {
          int status = 0;
          pid_t r = waitpid(pid_, &status, WNOHANG);
          if (r != pid_) return false;
          exited_ = true;
          exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
          return true;
        },
        timeout);
    return exited_ ? exit_code_ : -1;
  }
  std::string Output() const { return ReadWholeFile(output_file_); }
  const std::string& state_dir() const { return state_dir_; }

 private:
  std::string state_dir_, output_file_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
};

// Sets an environment variable for the switchyard processes this scope starts.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

// One value of a query's first row ("NULL" for SQL NULL, "<error ...>" on failure).
inline std::string QueryValue(const endpoints::ConnectionParams& params, const std::string& sql) {
  auto s = endpoints::Connect(params);
  if (!s.ok()) return "<error " + s.status().ToString() + ">";
  auto rows = (*s)->Query(sql);
  if (!rows.ok()) return "<error " + rows.status().ToString() + ">";
  if (rows->empty() || (*rows)[0].empty()) return "<no row>";
  return (*rows)[0][0].value_or("NULL");
}

// Compares `columns` (integers and text) of source and target table value by value, rows in
// the order of `order_by` (a column list valid on both sides). "" when equal.
inline std::string CompareSimple(const endpoints::ConnectionParams& source,
                                 const std::string& source_schema,
                                 const endpoints::ConnectionParams& target,
                                 const std::string& target_schema, const std::string& table,
                                 const std::vector<std::string>& columns,
                                 const std::vector<std::string>& order_by) {
  using catalog::Engine;
  TableCompare spec;
  spec.source_from = catalog::QuoteQualified(source.engine, source_schema, table);
  spec.target_from = catalog::QuoteQualified(target.engine, target_schema, table);
  // Aliased, so that ORDER BY "id" sorts by the column, not by its text form (PostgreSQL
  // resolves a bare ORDER BY name to an output column first).
  auto expr = [](Engine e, const std::string& c, size_t i) {
    const std::string q = catalog::QuoteIdentifier(e, c);
    return (e == Engine::kPostgres ? q + "::text" : "CAST(" + q + " AS CHAR)") + " AS sy_c" +
           std::to_string(i);
  };
  for (size_t i = 0; i < columns.size(); ++i) {
    spec.columns.push_back({columns[i], expr(source.engine, columns[i], i),
                            expr(target.engine, columns[i], i), CompareKind::kText});
  }
  for (const auto& c : order_by) {
    for (auto [e, out] : {std::pair{source.engine, &spec.source_order_by},
                          std::pair{target.engine, &spec.target_order_by}}) {
      if (!out->empty()) *out += ", ";
      const std::string q = catalog::QuoteIdentifier(e, c);
      *out += q + " IS NULL, " + q;
    }
  }
  return CompareTables(source, target, spec);
}

}  // namespace switchyard::testing
