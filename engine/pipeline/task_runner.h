// TaskRunner: runs one task from its task file to the end: validates the task against the
// source catalog (nothing is written anywhere until every table has a plan), prepares the
// target, runs the full load, and keeps the state store's task status current.
//
// Used by `switchyard run` (headless) and, later, by the console in-process. Run() blocks; stop
// it from another thread with RequestStop() (signal handlers only set a flag that a watcher
// thread turns into RequestStop()).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "engine/config/task_config.h"
#include "engine/control/command.h"
#include "engine/pipeline/full_load.h"
#include "engine/pipeline/table_plan.h"
#include "engine/pipeline/task_metrics.h"
#include "engine/state/state_store.h"

namespace switchyard::pipeline {

enum class StartType { kStartReplication, kResumeProcessing, kReloadTarget };

// DMS spelling: "start-replication", "resume-processing", "reload-target".
Result<StartType> ParseStartType(const std::string& text);

struct RunOutcome {
  // 0 every table completed; 1 the task failed or stopped before completing; 2 bad input
  // (task file, mappings, a type we refuse): nothing was written to either database.
  int exit_code = 1;
  Status status;  // why, when exit_code != 0
};

class TaskRunner {
 public:
  TaskRunner(config::TaskConfig task, std::string state_dir, StartType start_type);
  ~TaskRunner();

  // Called every `interval` seconds from a helper thread with the task's DMS-style status JSON
  // (one line); for `switchyard run`'s status lines.
  void SetStatusListener(std::function<void(const std::string& json_line)> listener,
                         int interval_seconds);

  RunOutcome Run();
  void RequestStop() { stop_.request_stop(); }
  // Commands for the running engine (console, control socket); taken at safe points.
  control::CommandQueue& commands() { return commands_; }

 private:
  RunOutcome Execute(state::StateStore& store);
  RunOutcome Fail(state::StateStore* store, int exit_code, const Status& status);
  // MigrationType cdc, and the CDC phase of full-load-and-cdc: apply source changes until
  // stopped (exit 0 on a requested stop). With `after_load`, each table's changes start after
  // the snapshot position its load recorded, and tables whose load failed are left out.
  RunOutcome RunChangeCapture(state::StateStore& store, const std::vector<TablePlan>& plans,
                              bool after_load);
  // Captured tables the source no longer has under their names: plans from their recorded
  // columns, so their changes up to the drop or rename are replayed (returned, to be added to
  // `plans`); without a recorded shape, "Table error" with why.
  std::vector<TablePlan> PlanTablesGoneFromTheSource(state::StateStore& store,
                                                     const std::vector<TablePlan>& plans);
  // MigrationType full-load-and-cdc: the full load under a snapshot whose source position is
  // known (a new slot's exported snapshot, or aligned MariaDB snapshots), then CDC from there.
  RunOutcome RunFullLoadAndCdc(state::StateStore& store, std::vector<TablePlan> plans,
                               const std::vector<config::MappedTable>& mapped);
  // The full-load step shared by full-load and full-load-and-cdc.
  FullLoadResult LoadTables(state::StateStore& store, std::vector<TablePlan> plans,
                            std::optional<FullLoad::Handoff> handoff);
  // Standalone source sequences the selection rules match, copied with their current value.
  Status CopySourceSequences(const std::vector<config::MappedTable>& mapped);

  config::TaskConfig task_;
  const std::string state_dir_;
  const StartType start_type_;
  std::stop_source stop_;
  control::CommandQueue commands_;
  std::unique_ptr<TaskMetrics> metrics_;  // while Run() runs
  std::function<void(const std::string&)> status_listener_;
  int status_interval_seconds_ = 5;
};

// "$XDG_STATE_HOME/switchyard/<task>" or "~/.local/state/switchyard/<task>".
std::string DefaultStateDir(const std::string& task_identifier);

}  // namespace switchyard::pipeline
