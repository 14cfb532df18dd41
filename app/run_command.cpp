// `switchyard run`: the engine headless, with status lines on stdout and logs on stderr.
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/cli_args.h"
#include "app/commands.h"
#include "app/engine_lock.h"
#include "engine/config/task_config.h"
#include "engine/control/control_socket.h"
#include "engine/logging/log.h"
#include "engine/logging/logger.h"
#include "engine/pipeline/task_runner.h"

namespace switchyard::app {
namespace {

void PrintRunHelp() {
  std::cout << R"(Usage: switchyard run TASK.json [options]

Runs the task headless until it finishes (full-load) or is stopped.

Options:
  --start-type TYPE        start-replication (default): a fresh start;
                           resume-processing: continue a stopped or crashed run, skipping
                           completed tables and key ranges;
                           reload-target: reload every table from scratch.
  --state-dir DIR          where the state store and logs live
                           (default $XDG_STATE_HOME/switchyard/<task>)
  --status-interval SECS   seconds between status lines on stdout (default 5)

Exit codes: 0 every table completed, 1 failed or stopped early, 2 bad input.
)";
}

// Turns SIGINT/SIGTERM into a graceful stop on a dedicated thread: the handler context does
// nothing but deliver the signal to sigwait. A second signal exits at once.
void BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

class SignalWatcher {
 public:
  explicit SignalWatcher(pipeline::TaskRunner& runner) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // inherited by every thread created after this
    thread_ = std::jthread([&runner, set](std::stop_token stop) {
      int count = 0;
      while (!stop.stop_requested()) {
        timespec timeout{0, 200 * 1000 * 1000};
        int sig = sigtimedwait(&set, nullptr, &timeout);
        if (sig < 0) continue;
        if (++count == 1) {
          std::cerr << "switchyard: stopping gracefully (signal " << sig
                    << "); again to exit now\n";
          runner.RequestStop();
        } else {
          _exit(130);
        }
      }
    });
  }

 private:
  std::jthread thread_;
};

}  // namespace

int RunCommand(const std::vector<std::string>& args) {
  // Before any thread starts (logger, control socket, engine): every thread inherits the mask,
  // so SIGINT/SIGTERM reach only SignalWatcher's sigtimedwait, never a default handler.
  BlockStopSignals();
  auto parsed = ParseArgs(args, {"--start-type", "--state-dir", "--status-interval"}, {});
  if (!parsed.ok()) {
    std::cerr << "switchyard run: " << parsed.status().message() << "\n";
    return 2;
  }
  if (parsed->help) {
    PrintRunHelp();
    return 0;
  }
  if (parsed->positional.size() != 1) {
    std::cerr << "switchyard run: expected one task file (see switchyard run --help)\n";
    return 2;
  }
  auto start_type = pipeline::ParseStartType(parsed->Get("--start-type", "start-replication"));
  if (!start_type.ok()) {
    std::cerr << "switchyard run: " << start_type.status().message() << "\n";
    return 2;
  }
  int interval = 5;
  try {
    interval = std::stoi(parsed->Get("--status-interval", "5"));
  } catch (...) {
    std::cerr << "switchyard run: --status-interval: expected a number of seconds\n";
    return 2;
  }

  auto task = config::LoadTaskFile(parsed->positional[0]);
  if (!task.ok()) {
    std::cerr << "switchyard: " << task.status().message() << "\n";
    return 2;
  }
  for (const auto& w : task->warnings) std::cerr << "switchyard: warning: " << w << "\n";

  const std::string state_dir =
      parsed->Get("--state-dir", pipeline::DefaultStateDir(task->identifier));
  logging::LoggerOptions log_options;
  log_options.state_dir = state_dir;
  log_options.task_id = task->identifier;
  log_options.mirror_to_stderr = true;
  auto logger = logging::Logger::Open(log_options);
  if (!logger.ok()) {
    std::cerr << "switchyard: " << logger.status().message() << "\n";
    return 1;
  }
  // One engine per task: a second run would fight the first over the state store and target.
  auto lock = EngineLock::Acquire(state_dir);
  if (!lock.ok()) {
    std::cerr << "switchyard: " << lock.status().message() << "\n";
    return 1;
  }
  // Ids were validated (unknown ones warned about) when the task file was parsed.
  for (const auto& [id, severity] : task->settings.logging.component_severity) {
    auto component = logging::ParseComponent(id);
    auto level = logging::ParseSeverity(severity);
    if (component.ok() && level.ok()) (*logger)->SetComponentSeverity(*component, *level);
  }
  logging::InstallLogger(std::shared_ptr<logging::Logger>(std::move(*logger)));

  pipeline::TaskRunner runner(std::move(*task), state_dir, *start_type);
  std::mutex out_mu;
  runner.SetStatusListener(
      [&](const std::string& line) {
        std::lock_guard lock(out_mu);
        std::cout << line << std::endl;
      },
      interval);
  // `switchyard console --attach` sends its commands through <state-dir>/control.sock. Without
  // the socket the engine still runs; only remote commands are unavailable.
  auto control_socket =
      control::ControlSocketServer::Start(state_dir, [&runner](const control::Command& command) {
        // A stop must work even where the engine does not poll its queue (the full load).
        if (command.kind == control::Command::Kind::kStopTask) runner.RequestStop();
        runner.commands().Push(command);
        return Status::Ok();
      });
  if (!control_socket.ok()) {
    SY_LOG(kWarning, Component::kTaskManager,
           "no control socket, console --attach cannot send commands: "
               << control_socket.status().message());
  }
  pipeline::RunOutcome outcome;
  {
    SignalWatcher watcher(runner);
    outcome = runner.Run();
  }
  if (control_socket.ok()) control_socket->reset();
  logging::InstallLogger(nullptr);
  if (!outcome.status.ok()) std::cerr << "switchyard: " << outcome.status.message() << "\n";
  return outcome.exit_code;
}

}  // namespace switchyard::app
