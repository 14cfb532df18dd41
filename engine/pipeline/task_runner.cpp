#include "engine/pipeline/task_runner.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/catalog/identifier.h"
#include "engine/endpoints/endpoint.h"
#include "engine/logging/log.h"
#include "engine/pipeline/cdc/control_table.h"
#include "engine/pipeline/cdc/pg_slot.h"
#include "engine/pipeline/cdc/retained_log.h"
#include "engine/pipeline/cdc/table_shapes.h"
#include "engine/pipeline/cdc_task.h"
#include "engine/pipeline/full_load.h"
#include "engine/pipeline/sequences.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline {
namespace {

using state::StopReason;
using state::TaskStatus;

// One status line: task status plus totals over the tables.
std::string StatusLine(state::StateStore& store) {
  nlohmann::json j;
  j["time"] = logging::NowIsoUtc();
  auto task = store.GetTask();
  if (task.ok()) {
    j["task"] = task->identifier;
    j["status"] = state::TaskStatusName(task->status);
    j["tables_loaded"] = task->tables_loaded;
    j["tables_loading"] = task->tables_loading;
    j["tables_queued"] = task->tables_queued;
    j["tables_errored"] = task->tables_errored;
    if (task->full_load_progress_percent)
      j["full_load_progress_percent"] = *task->full_load_progress_percent;
  }
  auto tables = store.ListTables();
  if (tables.ok()) {
    int64_t rows = 0, error_rows = 0;
    for (const auto& t : *tables) {
      rows += t.full_load_rows;
      error_rows += t.full_load_error_rows;
    }
    j["full_load_rows"] = rows;
    j["full_load_error_rows"] = error_rows;
  }
  return j.dump();
}

// A fresh start forgets where an earlier run's CDC got to: otherwise the applier would skip
// every new change up to that old position.
Status ForgetCheckpoint(const config::TaskConfig& task) {
  SY_ASSIGN_OR_RETURN(auto target, endpoints::Connect(task.target.ToConnectionParams()));
  SY_RETURN_IF_ERROR(cdc::EnsureControlTable(*target, task.settings.control_tables));
  const auto engine = target->engine();
  return target->Execute("DELETE FROM " +
                         catalog::QuoteQualified(engine,
                                                 cdc::ControlSchema(task.settings.control_tables),
                                                 cdc::kStatusTable) +
                         " WHERE task_name = " + target->QuoteLiteral(task.identifier));
}

Result<bool> HasCheckpoint(const config::TaskConfig& task) {
  SY_ASSIGN_OR_RETURN(auto target, endpoints::Connect(task.target.ToConnectionParams()));
  SY_ASSIGN_OR_RETURN(auto checkpoint,
                      cdc::ReadCheckpoint(*target, task.settings.control_tables, task.identifier));
  return checkpoint.has_value();
}

}  // namespace

Result<StartType> ParseStartType(const std::string& text) {
  if (text == "start-replication") return StartType::kStartReplication;
  if (text == "resume-processing") return StartType::kResumeProcessing;
  if (text == "reload-target") return StartType::kReloadTarget;
  return Status::InvalidArgument(
      "--start-type: \"" + text +
      "\" is not one of start-replication, resume-processing, reload-target");
}

std::string DefaultStateDir(const std::string& task_identifier) {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  std::string base;
  if (xdg != nullptr && *xdg != '\0') {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    base = std::string(home != nullptr ? home : ".") + "/.local/state";
  }
  return base + "/switchyard/" + task_identifier;
}

TaskRunner::TaskRunner(config::TaskConfig task, std::string state_dir, StartType start_type)
    : task_(std::move(task)), state_dir_(std::move(state_dir)), start_type_(start_type) {}

TaskRunner::~TaskRunner() = default;

void TaskRunner::SetStatusListener(std::function<void(const std::string&)> listener,
                                   int interval_seconds) {
  status_listener_ = std::move(listener);
  status_interval_seconds_ = interval_seconds < 1 ? 1 : interval_seconds;
}

RunOutcome TaskRunner::Fail(state::StateStore* store, int exit_code, const Status& status) {
  SY_LOG(kError, Component::kTaskManager, status.ToString());
  if (store != nullptr) {
    (void)store->SetTaskStatus(TaskStatus::kFailed, StopReason::kFatalError, status.message());
  }
  return RunOutcome{exit_code, status};
}

RunOutcome TaskRunner::Run() {
  auto store = state::StateStore::Open(state_dir_);
  if (!store.ok()) return Fail(nullptr, 1, store.status().WithContext("opening the state store"));

  // Status lines come from the state store, like `switchyard status`, on their own thread.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::jthread status_thread;
  if (status_listener_) {
    status_thread = std::jthread([&] {
      std::unique_lock lock(mu);
      while (!cv.wait_for(lock, std::chrono::seconds(status_interval_seconds_),
                          [&] { return done; })) {
        lock.unlock();
        status_listener_(StatusLine(**store));
        lock.lock();
      }
    });
  }
  metrics_ = std::make_unique<TaskMetrics>(**store, state_dir_);
  if (task_.migration_type != config::MigrationType::kFullLoad) {
    metrics_->SetSourceLogProbe(cdc::MakeSourceLogProbe(task_));
  }
  metrics_->Start();
  RunOutcome outcome = Execute(**store);
  metrics_->Stop();
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
  if (status_thread.joinable()) status_thread.join();
  if (status_listener_) status_listener_(StatusLine(**store));
  return outcome;
}

Status TaskRunner::CopySourceSequences(const std::vector<config::MappedTable>& mapped) {
  auto reader = endpoints::OpenCatalogReader(task_.source.ToConnectionParams());
  if (!reader.ok()) return reader.status().WithContext("connecting to the source");
  const auto& mappings = task_.table_mappings;
  auto sequences =
      (*reader)->ReadSequences([&](const std::string& schema, const std::string& name) {
        return mappings.SelectsTable(schema, name);
      });
  if (!sequences.ok()) return sequences.status().WithContext("reading source sequences");
  if (sequences->empty()) return Status::Ok();
  auto target = endpoints::Connect(task_.target.ToConnectionParams());
  if (!target.ok()) return target.status().WithContext("connecting to the target");
  return CopySequences(*sequences, mapped, **target);
}

// A table this task captured (its state says so) that the source no longer has under its name
// when capture starts again was dropped or renamed while the engine was not running (or just
// before a crash recorded it). Its changes before that are still in the stream after the
// checkpoint, so it is planned from the columns CDC last followed (table_shapes.h): they are
// applied, and the stream's DROP/RENAME (MySQL) or the catalog watch (PostgreSQL: by the
// relation OID an earlier session stored, pg_table_watch.h) ends its capture. Without a recorded
// shape (a state directory of an older version) it is marked "Table error" and its target table not
// touched.
std::vector<TablePlan> TaskRunner::PlanTablesGoneFromTheSource(
    state::StateStore& store, const std::vector<TablePlan>& plans) {
  std::vector<TablePlan> gone;
  auto tables = store.ListTables();
  if (!tables.ok()) return gone;
  for (const auto& t : *tables) {
    if (t.table_state != state::TableState::kTableCompleted) continue;
    if (!task_.table_mappings.SelectsTable(t.schema_name, t.table_name)) continue;
    const bool planned = std::any_of(plans.begin(), plans.end(), [&](const TablePlan& p) {
      return p.source.schema == t.schema_name && p.source.name == t.table_name;
    });
    if (planned) continue;
    auto plan = cdc::PlanFromLastShape(store, t, task_.target.engine);
    if (plan.ok() && *plan) {
      SY_LOG(kWarning, Component::kTaskManager,
             t.schema_name << "." << t.table_name
                           << ": not on the source any more (dropped or renamed while the task "
                              "was not running); its changes up to then are applied with the "
                              "columns it had, then its capture ends");
      gone.push_back(std::move(**plan));
      continue;
    }
    if (!plan.ok()) {
      SY_LOG(kWarning, Component::kTaskManager,
             t.schema_name << "." << t.table_name << ": " << plan.status().message());
    }
    const std::string why =
        "not on the source when change capture started again (dropped or renamed while the "
        "task was not running); its changes are not captured and the target table was not "
        "touched";
    SY_LOG(kWarning, Component::kTaskManager, t.schema_name << "." << t.table_name << ": " << why);
    (void)store.SetTableState(t.schema_name, t.table_name, state::TableState::kTableError, why);
  }
  return gone;
}

RunOutcome TaskRunner::RunChangeCapture(state::StateStore& store,
                                        const std::vector<TablePlan>& catalog_plans,
                                        bool after_load) {
  CdcOptions options;
  options.state_dir = state_dir_;
  options.metrics = metrics_.get();
  options.commands = &commands_;
  std::vector<TablePlan> plans = catalog_plans;
  for (auto& p : PlanTablesGoneFromTheSource(store, catalog_plans)) plans.push_back(std::move(p));
  for (const auto& p : plans) {
    auto rec = store.GetTable(p.source.schema, p.source.name);
    // Changes up to the position the table was (re)loaded at are in its rows already.
    auto at = store.GetSnapshotPosition(p.source.schema, p.source.name);
    options.loaded_at.push_back(at.ok() ? *at : "");
    auto snapshot = store.GetSnapshotXids(p.source.schema, p.source.name);
    options.loaded_snapshot.push_back(snapshot.ok() ? *snapshot : "");
    // Applied: loaded tables; for a cdc task also tables it never loaded itself ("Before
    // load": loaded by someone else). Not: failed, suspended or half-reloaded ones.
    const auto state = rec.ok() ? rec->table_state : state::TableState::kBeforeLoad;
    const bool applied = state == state::TableState::kTableCompleted ||
                         (!after_load && state == state::TableState::kBeforeLoad);
    options.active.push_back(applied);
    if (!applied) {
      SY_LOG(kWarning, Component::kTaskManager,
             p.SourceName() << " is \"" << state::TableStateName(state)
                            << "\": its changes are not applied until it is reloaded");
    }
    if (rec.ok() || after_load) {
      // The plan of this run (a schema change since the last one, a new mapping rule).
      (void)store.SetColumnMapping(p.source.schema, p.source.name, ColumnMappingOf(p));
      continue;
    }
    state::TableRecord r;
    r.schema_name = p.source.schema;
    r.table_name = p.source.name;
    r.target_schema = p.target.schema;
    r.target_table = p.target.name;
    r.estimated_rows = p.source.estimated_rows;
    (void)store.UpsertTable(r);
    (void)store.SetColumnMapping(p.source.schema, p.source.name, ColumnMappingOf(p));
  }
  // Changes beyond MemoryLimitTotal (MB) wait in files under the state directory.
  auto spill = cdc::SpillSpace::Open(
      state_dir_ + "/spill", task_.settings.change_processing_tuning.memory_limit_total << 20);
  if (!spill.ok()) return Fail(&store, 1, spill.status());
  options.spill = spill->get();
  metrics_->SetSpillSpace(options.spill);
  (void)store.SetTaskStatus(TaskStatus::kRunning);
  Status st = RunCdc(task_, plans, std::move(options), store, stop_.get_token());
  metrics_->SetSpillSpace(nullptr);
  if (!st.ok()) return Fail(&store, 1, st);
  (void)store.SetTaskStatus(TaskStatus::kStopped, StopReason::kNormal, "stopped by request");
  SY_LOG(kInfo, Component::kTaskManager,
         "change capture stopped; resume continues after the last checkpoint");
  return RunOutcome{0, Status::Ok()};
}

FullLoadResult TaskRunner::LoadTables(state::StateStore& store, std::vector<TablePlan> plans,
                                      std::optional<FullLoad::Handoff> handoff) {
  const FullLoad::Mode mode = start_type_ == StartType::kResumeProcessing ? FullLoad::Mode::kResume
                              : start_type_ == StartType::kReloadTarget   ? FullLoad::Mode::kReload
                                                                          : FullLoad::Mode::kFresh;
  (void)store.SetFullLoadStart();
  FullLoad load(task_, std::move(plans), store, state_dir_, mode);
  if (handoff) load.SetHandoff(std::move(*handoff));
  return load.Run(stop_.get_token());
}

RunOutcome TaskRunner::RunFullLoadAndCdc(state::StateStore& store, std::vector<TablePlan> plans,
                                         const std::vector<config::MappedTable>& mapped) {
  const bool resume = start_type_ == StartType::kResumeProcessing;
  (void)store.SetTaskStatus(TaskStatus::kRunning);
  if (resume) {
    // CDC had begun (a checkpoint exists): every load was over by then.
    auto has = HasCheckpoint(task_);
    if (!has.ok()) return Fail(&store, 1, has.status().WithContext("reading the checkpoint"));
    if (*has) return RunChangeCapture(store, plans, /*after_load=*/true);
  } else {
    Status st = ForgetCheckpoint(task_);
    if (!st.ok()) return Fail(&store, 1, st.WithContext("resetting the target checkpoint"));
  }
  bool need_load = !resume;
  for (const auto& p : plans) {
    auto rec = store.GetTable(p.source.schema, p.source.name);
    if (!rec.ok() || rec->table_state != state::TableState::kTableCompleted) need_load = true;
  }
  if (need_load) {
    FullLoad::Handoff handoff;
    std::optional<cdc::SnapshotSlot> slot;
    if (task_.source.engine == catalog::Engine::kPostgres) {
      // The slot's exported snapshot is what the load reads; CDC streams from its consistent
      // point. When resuming, the task's slot already holds the position of the tables
      // loaded before, so the rest load under a temporary slot's snapshot, which the handoff
      // filter then knows per table.
      const std::string name = cdc::ReplicationObjectName(task_.identifier);
      Status st = cdc::EnsurePublication(task_, plans);
      if (st.ok() && !resume) st = cdc::DropSlotIfExists(task_);
      bool main_exists = false;
      if (st.ok() && resume) {
        auto exists = cdc::TaskSlotExists(task_);
        st = exists.status();
        main_exists = exists.ok() && *exists;
      }
      if (!st.ok()) return Fail(&store, 1, st.WithContext("preparing the replication slot"));
      auto created = cdc::CreateSnapshotSlot(task_, main_exists ? name + "_load" : name,
                                             /*temporary=*/main_exists);
      if (!created.ok()) return Fail(&store, 1, created.status());
      handoff.pg_snapshot_id = created->slot.snapshot_name;
      handoff.pg_snapshot_xids = created->snapshot_xids;
      handoff.position = created->slot.consistent_point.ToString();
      slot = std::move(*created);
    }
    FullLoadResult result = LoadTables(store, plans, handoff);
    slot.reset();  // ends the exported snapshot; a temporary slot goes with its connection
    if (!result.fatal.ok()) return Fail(&store, 1, result.fatal);
    if (stop_.stop_requested()) {
      (void)store.SetTaskStatus(TaskStatus::kStopped, StopReason::kNormal, "stopped by request");
      return RunOutcome{1, Status::Cancelled("stopped before the full load completed; resume "
                                             "with --start-type resume-processing")};
    }
    (void)store.SetFullLoadFinish();
    Status sequences = CopySourceSequences(mapped);
    if (!sequences.ok()) return Fail(&store, 1, sequences);
    SY_LOG(kInfo, Component::kTaskManager,
           "full load finished: " << result.tables_completed << " table(s) completed, "
                                  << result.tables_errored
                                  << " errored; change capture continues from the snapshot");
  }
  return RunChangeCapture(store, plans, /*after_load=*/true);
}

RunOutcome TaskRunner::Execute(state::StateStore& store) {
  const bool resume = start_type_ == StartType::kResumeProcessing;
  Status st = store.InitTask(task_.identifier, config::MigrationTypeName(task_.migration_type));
  if (!st.ok()) return Fail(&store, 1, st);
  if (!resume) (void)store.MarkFreshStart();
  (void)store.SetTaskStatus(TaskStatus::kStarting);
  SY_LOG(kInfo, Component::kTaskManager,
         "task " << task_.identifier
                 << " starting: " << task_.source.ToConnectionParams().Describe() << " -> "
                 << task_.target.ToConnectionParams().Describe() << (resume ? " (resume)" : ""));

  // Everything up to the plans only reads: a bad mapping or an unsupported type stops here,
  // before either database is changed.
  auto catalog_reader = endpoints::OpenCatalogReader(task_.source.ToConnectionParams());
  if (!catalog_reader.ok())
    return Fail(&store, 1, catalog_reader.status().WithContext("connecting to the source"));
  const auto& mappings = task_.table_mappings;
  auto tables =
      (*catalog_reader)->ReadTables([&](const std::string& schema, const std::string& table) {
        return mappings.SelectsTable(schema, table);
      });
  if (!tables.ok())
    return Fail(&store, 1, tables.status().WithContext("reading the source catalog"));
  std::vector<std::string> warnings;
  auto mapped = task_.MapTables(*tables, &warnings);
  for (const auto& w : warnings) SY_LOG(kWarning, Component::kTransformation, w);
  if (!mapped.ok()) return Fail(&store, 2, mapped.status());
  if (mapped->empty()) {
    return Fail(&store, 2,
                Status::InvalidArgument("the table mappings select no table on the source"));
  }
  auto source_session = endpoints::Connect(task_.source.ToConnectionParams());
  if (!source_session.ok())
    return Fail(&store, 1, source_session.status().WithContext("connecting to the source"));
  auto plans = BuildTablePlans(task_, *mapped, *tables, **source_session);
  if (!plans.ok()) {
    const auto code = plans.status().code();
    const bool bad_input = code == StatusCode::kInvalidArgument ||
                           code == StatusCode::kUnsupported || code == StatusCode::kNotFound;
    return Fail(&store, bad_input ? 2 : 1, plans.status());
  }
  source_session->reset();

  if (task_.migration_type == config::MigrationType::kCdc) {
    return RunChangeCapture(store, *plans, /*after_load=*/false);
  }
  if (task_.migration_type == config::MigrationType::kFullLoadAndCdc) {
    return RunFullLoadAndCdc(store, std::move(*plans), *mapped);
  }

  (void)store.SetTaskStatus(TaskStatus::kRunning);
  const size_t table_count = plans->size();
  FullLoadResult result = LoadTables(store, std::move(*plans), std::nullopt);
  if (!result.fatal.ok()) return Fail(&store, 1, result.fatal);
  if (stop_.stop_requested()) {
    (void)store.SetTaskStatus(TaskStatus::kStopped, StopReason::kNormal, "stopped by request");
    return RunOutcome{1, Status::Cancelled("stopped before the full load completed; resume with "
                                           "--start-type resume-processing")};
  }
  (void)store.SetFullLoadFinish();
  // Sequence values are read now, after the tables, so they are at least as new as the rows.
  Status sequences = CopySourceSequences(*mapped);
  if (!sequences.ok()) return Fail(&store, 1, sequences);
  if (result.tables_completed == static_cast<int>(table_count)) {
    (void)store.SetTaskStatus(TaskStatus::kStopped, StopReason::kFullLoadOnlyFinished);
    SY_LOG(kInfo, Component::kTaskManager,
           "full load finished: " << table_count << " table(s) completed");
    return RunOutcome{0, Status::Ok()};
  }
  Status incomplete = Status::DatabaseError(
      std::to_string(result.tables_errored) + " of " + std::to_string(table_count) +
      " table(s) failed; see `switchyard status` for each error");
  (void)store.SetTaskStatus(TaskStatus::kStopped, StopReason::kFullLoadOnlyFinished,
                            incomplete.message());
  return RunOutcome{1, incomplete};
}

}  // namespace switchyard::pipeline
