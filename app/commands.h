// The `switchyard` subcommands. Each returns the process exit code:
// 0 ok, 1 task failed or incomplete, 2 bad input (nothing was touched).
#pragma once

#include <string>
#include <vector>

namespace switchyard::app {

int RunCommand(const std::vector<std::string>& args);
int StatusCommand(const std::vector<std::string>& args);
int StopCommand(const std::vector<std::string>& args);
int ReloadCommand(const std::vector<std::string>& args);
int ConsoleCommand(const std::vector<std::string>& args);
void PrintMainHelp();

// The task identifier from a task file without validating the rest (status must work even
// when the endpoint passwords are not in this shell's environment). Empty on failure, with
// the reason in *error.
std::string ReadTaskIdentifier(const std::string& task_file, std::string* error);

}  // namespace switchyard::app
