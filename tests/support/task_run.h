// Runs the real `switchyard` binary on a task file, as an operator would, for the integration
// tests: writes the task JSON into a private temporary directory, passes the endpoint
// passwords through environment variables (PasswordEnv), and captures exit code and output.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/endpoints/endpoint.h"

namespace switchyard::testing {

struct RunResult {
  int exit_code = -1;
  std::string output;     // stdout + stderr
  std::string state_dir;  // the run's --state-dir
  std::string task_file;
};

// {"EngineName", "ServerName", "Port", "DatabaseName", "Username", "PasswordEnv"} for `p`;
// `password_env` is set in this process's environment to the password.
nlohmann::json EndpointJson(const endpoints::ConnectionParams& p, const std::string& password_env);

// Writes `task` to <work_dir>/task.json and runs `switchyard run` with `extra_args`.
// work_dir is created if missing; state goes to <work_dir>/state unless extra_args set it.
RunResult RunSwitchyard(const nlohmann::json& task, const std::string& work_dir,
                        const std::string& extra_args = "");

// Runs `switchyard <args>` (any command) and captures exit code and output.
RunResult RunSwitchyardCommand(const std::string& args);

// A new private temporary directory under /tmp.
std::string MakeTempDir(const std::string& prefix);

}  // namespace switchyard::testing
