// `switchyard console`: the operations console. By default the engine runs in this process on
// its own thread (TaskRunner) and the console on the main thread; with --attach the console
// shows a task whose engine runs in another `switchyard run` process, reading its state store
// and log file and sending commands through its control socket.
//
// The console thread never touches the engine directly: a SnapshotSource publishes snapshots
// and commands go through a CommandSink. Logs never reach the terminal while curses owns it
// (the logger's stderr mirror stays off); a fatal engine error is printed after the terminal
// is restored.
#include <unistd.h>

#include <atomic>
#include <clocale>
#include <iostream>
#include <thread>

#include "app/cli_args.h"
#include "app/commands.h"
#include "app/engine_lock.h"
#include "engine/config/task_config.h"
#include "engine/control/control_socket.h"
#include "engine/control/snapshot_source.h"
#include "engine/logging/log.h"
#include "engine/logging/logger.h"
#include "engine/pipeline/task_runner.h"
#include "tui/console_app.h"
#include "tui/console_loop.h"
#include "tui/terminal.h"
#include "tui/theme_curses.h"

namespace switchyard::app {
namespace {

void PrintConsoleHelp() {
  std::cout << R"(Usage: switchyard console TASK.json [options]

Runs the task with the operations console on top (the engine runs in this process).
With --attach, opens the console on the task's engine running in another
`switchyard run` process instead.

Options:
  --state-dir DIR     where the state store and logs live
                      (default $XDG_STATE_HOME/switchyard/<task>)
  --start-type TYPE   start-replication (default), resume-processing, reload-target
  --attach            do not run the engine; watch and command the running one
  --readonly          no key or command that changes anything (for people who watch)
  --theme NAME        dark (default), light, high-contrast, monochrome, or a file path
  --no-color          no colours (NO_COLOR=1 does the same)
  --ascii             ASCII lines and graphs, for terminals without UTF-8
  --mouse             clicks select tabs and rows (off by default: it stops the terminal's
                      own text selection)

Keys: ? shows them all. q quits (asks while the task runs).
)";
}

// Commands to the engine in this process.
class InProcessSink : public tui::CommandSink {
 public:
  InProcessSink(pipeline::TaskRunner& runner, control::SnapshotSource& source)
      : runner_(runner), source_(source) {}
  Status Submit(const control::Command& command) override {
    // A stop must work even where the engine does not poll its queue (the full load).
    if (command.kind == control::Command::Kind::kStopTask) runner_.RequestStop();
    runner_.commands().Push(command);
    source_.RequestRefresh();
    return Status::Ok();
  }

 private:
  pipeline::TaskRunner& runner_;
  control::SnapshotSource& source_;
};

// Commands to an engine in another process, through its control socket.
class SocketSink : public tui::CommandSink {
 public:
  SocketSink(std::string state_dir, control::SnapshotSource& source)
      : state_dir_(std::move(state_dir)), source_(source) {}
  Status Submit(const control::Command& command) override {
    Status sent = control::SendControlCommand(state_dir_, command, std::chrono::seconds(2));
    source_.RequestRefresh();
    return sent;
  }

 private:
  const std::string state_dir_;
  control::SnapshotSource& source_;
};

struct Endpoints {
  std::string source;
  std::string target;
};

Endpoints Describe(const config::TaskConfig& task) {
  return {task.source.ToConnectionParams().Describe(), task.target.ToConnectionParams().Describe()};
}

Result<tui::ConsoleOptions> ConsoleOptionsFrom(const ParsedArgs& parsed, const std::string& task_id,
                                               const std::string& state_dir) {
  tui::ConsoleOptions options;
  options.readonly = parsed.Has("--readonly");
  options.attach = parsed.Has("--attach");
  options.task_id = task_id;
  options.export_dir = state_dir;
  options.theme_name = parsed.Get("--theme", "dark");
  std::setlocale(LC_ALL, "");  // before asking whether the terminal speaks UTF-8
  auto theme = tui::LoadNamedTheme(options.theme_name);
  if (!theme.ok()) return theme.status();
  options.theme = theme->theme;
  const bool utf8 = tui::Terminal::Utf8() && !parsed.Has("--ascii");
  options.glyphs = utf8 ? tui::Glyphs::kUnicode : tui::Glyphs::kAscii;
  options.graph_glyphs = utf8 ? tui::GraphGlyphs::kBraille : tui::GraphGlyphs::kAscii;
  return options;
}

int Attach(const ParsedArgs& parsed) {
  std::string error;
  const std::string task_id = ReadTaskIdentifier(parsed.positional[0], &error);
  if (task_id.empty()) {
    std::cerr << "switchyard console: " << error << "\n";
    return 2;
  }
  const std::string state_dir = parsed.Get("--state-dir", pipeline::DefaultStateDir(task_id));
  control::SnapshotSourceOptions source_options;
  source_options.state_dir = state_dir;
  // The endpoint descriptions need the whole task file; without its passwords in this shell
  // the overview just shows "-".
  if (auto task = config::LoadTaskFile(parsed.positional[0]); task.ok()) {
    const Endpoints endpoints = Describe(*task);
    source_options.source_description = endpoints.source;
    source_options.target_description = endpoints.target;
  }
  source_options.engine_running = [state_dir] { return RunningEnginePid(state_dir) > 0; };
  auto options = ConsoleOptionsFrom(parsed, task_id, state_dir);
  if (!options.ok()) {
    std::cerr << "switchyard console: " << options.status().message() << "\n";
    return 2;
  }
  auto terminal = tui::Terminal::Open(parsed.Has("--mouse"));
  if (!terminal.ok()) {
    std::cerr << "switchyard console: " << terminal.status().message() << "\n";
    return 2;
  }
  options->depth = tui::DetectColorDepth(parsed.Has("--no-color"));
  control::SnapshotSource source(std::move(source_options));
  source.Start();
  SocketSink sink(state_dir, source);
  tui::ConsoleApp app(std::move(*options), &sink);
  tui::RunConsoleLoop(**terminal, app, source, nullptr);
  source.Stop();
  terminal->reset();
  return 0;
}

int InProcess(const ParsedArgs& parsed) {
  auto start_type = pipeline::ParseStartType(parsed.Get("--start-type", "start-replication"));
  if (!start_type.ok()) {
    std::cerr << "switchyard console: " << start_type.status().message() << "\n";
    return 2;
  }
  auto task = config::LoadTaskFile(parsed.positional[0]);
  if (!task.ok()) {
    std::cerr << "switchyard: " << task.status().message() << "\n";
    return 2;
  }
  for (const auto& w : task->warnings) std::cerr << "switchyard: warning: " << w << "\n";
  const std::string state_dir =
      parsed.Get("--state-dir", pipeline::DefaultStateDir(task->identifier));
  auto options = ConsoleOptionsFrom(parsed, task->identifier, state_dir);
  if (!options.ok()) {
    std::cerr << "switchyard console: " << options.status().message() << "\n";
    return 2;
  }
  logging::LoggerOptions log_options;
  log_options.state_dir = state_dir;
  log_options.task_id = task->identifier;
  log_options.mirror_to_stderr = false;  // the terminal belongs to curses
  auto opened_logger = logging::Logger::Open(log_options);
  if (!opened_logger.ok()) {
    std::cerr << "switchyard: " << opened_logger.status().message() << "\n";
    return 1;
  }
  std::shared_ptr<logging::Logger> logger(std::move(*opened_logger));
  auto lock = EngineLock::Acquire(state_dir);
  if (!lock.ok()) {
    std::cerr << "switchyard: " << lock.status().message()
              << " (watch it with: switchyard console --attach " << parsed.positional[0] << ")\n";
    return 1;
  }
  for (const auto& [id, severity] : task->settings.logging.component_severity) {
    auto component = logging::ParseComponent(id);
    auto level = logging::ParseSeverity(severity);
    if (component.ok() && level.ok()) logger->SetComponentSeverity(*component, *level);
  }
  for (const auto& w : task->warnings) {
    logger->Log(logging::Severity::kWarning, logging::Component::kCommon, w);
  }
  // The terminal first: if it cannot be had, the engine never starts.
  auto terminal = tui::Terminal::Open(parsed.Has("--mouse"));
  if (!terminal.ok()) {
    std::cerr << "switchyard console: " << terminal.status().message()
              << " (use switchyard run for a headless engine)\n";
    return 2;
  }
  options->depth = tui::DetectColorDepth(parsed.Has("--no-color"));
  logging::InstallLogger(logger);

  const Endpoints endpoints = Describe(*task);
  pipeline::TaskRunner runner(std::move(*task), state_dir, *start_type);
  std::atomic<bool> engine_done{false};
  pipeline::RunOutcome outcome;
  std::string fatal;
  // Errors of the engine thread are handed to the UI thread (btop's runner), never thrown across.
  std::jthread engine([&] {
    try {
      outcome = runner.Run();
    } catch (const std::exception& e) {
      fatal = std::string("engine failed: ") + e.what();
    } catch (...) {
      fatal = "engine failed with an unknown exception";
    }
    engine_done = true;
  });

  control::SnapshotSourceOptions source_options;
  source_options.state_dir = state_dir;
  source_options.source_description = endpoints.source;
  source_options.target_description = endpoints.target;
  source_options.logger = logger;
  source_options.engine_running = [&engine_done] { return !engine_done.load(); };
  control::SnapshotSource source(std::move(source_options));
  source.Start();
  InProcessSink sink(runner, source);
  tui::ConsoleApp app(std::move(*options), &sink);
  tui::RunConsoleLoop(**terminal, app, source, [&engine_done] { return !engine_done.load(); });
  // Leaving the console ends the in-process engine (gracefully) if it still runs.
  runner.RequestStop();
  engine.join();
  source.Stop();
  terminal->reset();  // the terminal is the user's again: now errors may be printed
  logging::InstallLogger(nullptr);
  if (!fatal.empty()) {
    std::cerr << "switchyard: " << fatal << "\n";
    return 1;
  }
  if (!outcome.status.ok()) std::cerr << "switchyard: " << outcome.status.message() << "\n";
  return outcome.exit_code;
}

}  // namespace

int ConsoleCommand(const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args, {"--start-type", "--state-dir", "--theme"},
                          {"--attach", "--readonly", "--no-color", "--ascii", "--mouse"});
  if (!parsed.ok()) {
    std::cerr << "switchyard console: " << parsed.status().message() << "\n";
    return 2;
  }
  if (parsed->help) {
    PrintConsoleHelp();
    return 0;
  }
  if (parsed->positional.size() != 1) {
    std::cerr << "switchyard console: expected one task file (see switchyard console --help)\n";
    return 2;
  }
  if (parsed->Has("--attach")) {
    if (parsed->Has("--start-type")) {
      std::cerr << "switchyard console: --start-type has no meaning with --attach\n";
      return 2;
    }
    return Attach(*parsed);
  }
  return InProcess(*parsed);
}

}  // namespace switchyard::app
