// `switchyard stop`: asks the engine running a task to stop gracefully (SIGTERM: in-flight
// transactions finish or roll back, the checkpoint is kept) and waits until it has exited.
#include <signal.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "app/cli_args.h"
#include "app/commands.h"
#include "app/engine_lock.h"
#include "engine/pipeline/task_runner.h"

namespace switchyard::app {

int StopCommand(const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args, {"--state-dir", "--timeout"}, {});
  if (!parsed.ok()) {
    std::cerr << "switchyard stop: " << parsed.status().message() << "\n";
    return 2;
  }
  if (parsed->help) {
    std::cout << "Usage: switchyard stop TASK.json [--state-dir DIR] [--timeout SECONDS]\n\n"
                 "Stops the engine running the task gracefully and waits for it to exit\n"
                 "(default 120 s). Exit code 0 when it stopped or was not running.\n";
    return 0;
  }
  if (parsed->positional.size() != 1) {
    std::cerr << "switchyard stop: expected one task file (see switchyard stop --help)\n";
    return 2;
  }
  std::string error;
  const std::string id = ReadTaskIdentifier(parsed->positional[0], &error);
  if (id.empty()) {
    std::cerr << "switchyard stop: " << error << "\n";
    return 2;
  }
  int timeout = 120;
  try {
    timeout = std::stoi(parsed->Get("--timeout", "120"));
  } catch (...) {
    std::cerr << "switchyard stop: --timeout: expected a number of seconds\n";
    return 2;
  }
  const std::string dir = parsed->Get("--state-dir", pipeline::DefaultStateDir(id));
  const int pid = RunningEnginePid(dir);
  if (pid <= 0) {
    std::cout << "task " << id << " is not running\n";
    return 0;
  }
  if (kill(pid, SIGTERM) != 0) {
    std::cerr << "switchyard stop: cannot signal engine pid " << pid << "\n";
    return 1;
  }
  std::cout << "stopping task " << id << " (engine pid " << pid << ")..." << std::endl;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  while (std::chrono::steady_clock::now() < until) {
    if (RunningEnginePid(dir) == 0) {
      std::cout << "task " << id << " stopped\n";
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::cerr << "switchyard stop: the engine did not stop within " << timeout << " s\n";
  return 1;
}

}  // namespace switchyard::app
