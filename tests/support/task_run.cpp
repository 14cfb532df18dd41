#include "tests/support/task_run.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace switchyard::testing {

nlohmann::json EndpointJson(const endpoints::ConnectionParams& p, const std::string& password_env) {
  setenv(password_env.c_str(), p.password.Reveal().c_str(), 1);
  nlohmann::json j = {
      {"EngineName", p.engine == catalog::Engine::kPostgres ? "postgres" : "mariadb"},
      {"ServerName", p.host},
      {"Port", p.port},
      {"Username", p.user},
      {"PasswordEnv", password_env}};
  if (!p.database.empty()) j["DatabaseName"] = p.database;
  return j;
}

namespace {

// Temporary directories are removed when the test binary exits (state stores, logs, task
// files), unless SY_KEEP_TEST_DIRS is set for a post-mortem.
std::vector<std::string>& CreatedDirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

void RemoveCreatedDirs() {
  if (std::getenv("SY_KEEP_TEST_DIRS") != nullptr) return;
  for (const auto& d : CreatedDirs()) {
    std::error_code ignored;
    std::filesystem::remove_all(d, ignored);
  }
}

}  // namespace

std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  if (CreatedDirs().empty()) std::atexit(RemoveCreatedDirs);
  CreatedDirs().push_back(tmpl);
  return tmpl;
}

RunResult RunSwitchyardCommand(const std::string& args) {
  RunResult r;
  // Bounded, so that an engine that hangs fails its test (exit code 124) instead of the run.
  const std::string cmd =
      std::string("timeout --kill-after=10 300 ") + SWITCHYARD_BINARY + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (r.exit_code == 124 || r.exit_code == 137)
    r.output += "\n[test: switchyard " + args.substr(0, args.find(' ')) + " killed after 300 s]\n";
  return r;
}

RunResult RunSwitchyard(const nlohmann::json& task, const std::string& work_dir,
                        const std::string& extra_args) {
  std::filesystem::create_directories(work_dir);
  const std::string task_file = work_dir + "/task.json";
  std::ofstream(task_file) << task.dump(2);
  std::string args = "run '" + task_file + "' --status-interval 60";
  std::string state_dir = work_dir + "/state";
  if (extra_args.find("--state-dir") == std::string::npos)
    args += " --state-dir '" + state_dir + "'";
  RunResult r = RunSwitchyardCommand(args + " " + extra_args);
  r.state_dir = state_dir;
  r.task_file = task_file;
  return r;
}

}  // namespace switchyard::testing
