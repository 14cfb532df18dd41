#include "engine/pipeline/full_load.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "engine/catalog/identifier.h"
#include "engine/logging/log.h"
#include "engine/pipeline/crash_points.h"
#include "engine/pipeline/retry_policy.h"
#include "engine/pipeline/segment_loader.h"

namespace switchyard::pipeline {
namespace {

using catalog::Engine;
using logging::Component;
using logging::Severity;
using state::SegmentState;
using state::TableState;

Result<bool> TableExists(endpoints::SqlSession& s, const std::string& schema,
                         const std::string& table) {
  SY_ASSIGN_OR_RETURN(
      auto rows, s.Query("SELECT 1 FROM information_schema.tables WHERE table_schema = " +
                         s.QuoteLiteral(schema) + " AND table_name = " + s.QuoteLiteral(table)));
  return !rows.empty();
}

Result<bool> PrimaryKeyExists(endpoints::SqlSession& s, const std::string& schema,
                              const std::string& table) {
  SY_ASSIGN_OR_RETURN(
      auto rows,
      s.Query("SELECT 1 FROM information_schema.table_constraints WHERE table_schema = " +
              s.QuoteLiteral(schema) + " AND table_name = " + s.QuoteLiteral(table) +
              " AND constraint_type = 'PRIMARY KEY'"));
  return !rows.empty();
}

Status ExecuteAll(endpoints::SqlSession& s, const std::vector<std::string>& statements) {
  for (const auto& sql : statements) {
    if (sql.empty()) continue;
    SY_RETURN_IF_ERROR(s.Execute(sql));
  }
  return Status::Ok();
}

// The server ends this session, as a network cut or a server restart would.
void DropOwnConnection(endpoints::SqlSession& session) {
  if (session.engine() == Engine::kPostgres) {
    (void)session.Execute("SELECT pg_terminate_backend(pg_backend_pid())");
    return;
  }
  auto id = session.Query("SELECT CONNECTION_ID()");
  if (id.ok() && !id->empty() && (*id)[0][0]) (void)session.Execute("KILL " + *(*id)[0][0]);
}

// Waits `delay` unless a stop is requested first; false when stopped.
bool SleepUnlessStopped(std::chrono::seconds delay, std::stop_token stop) {
  const auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    if (stop.stop_requested()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return !stop.stop_requested();
}

// Records the table as "Before load" with zeroed statistics and no segments.
Status RegisterTable(state::StateStore& store, const TablePlan& plan, bool reload) {
  state::TableRecord rec;
  rec.schema_name = plan.source.schema;
  rec.table_name = plan.source.name;
  rec.target_schema = plan.target.schema;
  rec.target_table = plan.target.name;
  rec.table_state = TableState::kBeforeLoad;
  rec.estimated_rows = plan.source.estimated_rows;
  SY_RETURN_IF_ERROR(store.UpsertTable(rec));
  SY_RETURN_IF_ERROR(
      store.SetColumnMapping(rec.schema_name, rec.table_name, ColumnMappingOf(plan)));
  return store.ResetTable(rec.schema_name, rec.table_name, reload);
}

// CREATE INDEX is made idempotent so a resumed load can run it again.
std::vector<std::string> IdempotentIndexes(const catalog::TargetTable& t) {
  auto stmts = catalog::CreateIndexesSql(t);
  for (auto& s : stmts) {
    auto pos = s.find("INDEX ");
    if (pos != std::string::npos) s.insert(pos + 6, "IF NOT EXISTS ");
  }
  return stmts;
}

}  // namespace

FullLoad::FullLoad(const config::TaskConfig& task, std::vector<TablePlan> plans,
                   state::StateStore& store, std::string state_dir, Mode mode)
    : task_(task),
      plans_(std::move(plans)),
      store_(store),
      state_dir_(std::move(state_dir)),
      resume_(mode == Mode::kResume),
      reload_(mode == Mode::kReload) {}

Status FullLoad::PrepareTable(endpoints::SqlSession& target, size_t index,
                              std::vector<Unit>* units) {
  TablePlan& plan = plans_[index];
  const auto& t = plan.target;
  const auto& fl = task_.settings.full_load;
  const bool pk_inline = !fl.create_pk_after_full_load;

  std::vector<std::string> wheres;
  for (const auto& s : plan.segments) wheres.push_back(s.Describe());

  std::optional<state::TableRecord> previous;
  if (resume_) {
    auto rec = store_.GetTable(plan.source.schema, plan.source.name);
    if (rec.ok()) previous = *rec;
  }
  if (previous && previous->table_state == TableState::kBeforeLoad &&
      previous->segments_total == 0) {
    previous.reset();  // registered but never prepared: prepare it as a fresh start would
  }
  if (previous && previous->table_state == TableState::kTableCompleted) {
    SY_LOG(kInfo, Component::kTaskManager,
           "resume: " << plan.SourceName() << " was completed before, skipping");
    return Status::Ok();
  }

  SY_ASSIGN_OR_RETURN(bool exists, TableExists(target, t.schema, t.name));
  std::vector<size_t> todo;
  if (previous) {
    // Resume: keep committed key ranges, clean up and redo the others.
    SY_RETURN_IF_ERROR(store_.ReplaceSegments(plan.source.schema, plan.source.name, wheres));
    SY_ASSIGN_OR_RETURN(auto segments, store_.ListSegments(plan.source.schema, plan.source.name));
    // Rows of the ranges that stay; FullLoadRows also counted commits of unfinished ranges.
    int64_t kept_rows = 0;
    for (const auto& seg : segments) {
      if (seg.state == SegmentState::kCompleted) kept_rows += seg.rows;
    }
    const size_t n = plan.segments.size();
    // With a CDC handoff, ranges finished by an earlier run were read at another snapshot
    // position than this run's: the table must come from one snapshot, so all of it is redone.
    bool redo_all = !exists || handoff_.has_value();
    for (size_t i = 0; i < n; ++i) {
      bool done = i < segments.size() && segments[i].state == SegmentState::kCompleted;
      if (done) continue;
      todo.push_back(i);
      // Partition segments cannot be cleaned up one by one on the target.
      if (!plan.segments[i].SeparableOnTarget(n)) redo_all = true;
    }
    if (redo_all) {
      todo.clear();
      for (size_t i = 0; i < n; ++i) {
        todo.push_back(i);
        SY_RETURN_IF_ERROR(store_.SetSegmentState(plan.source.schema, plan.source.name,
                                                  static_cast<int>(i), SegmentState::kPending, 0));
      }
      kept_rows = 0;
    }
    if (!exists) {
      SY_RETURN_IF_ERROR(ExecuteAll(target, catalog::CreateTableSql(t, pk_inline)));
    } else {
      if (fl.target_table_prep_mode == config::TargetTablePrepMode::kDoNothing) {
        // DO_NOTHING loads into a table that may have held rows of its own: cleaning up a
        // half-loaded range would delete them too. Only go on when nothing needs cleaning.
        if (previous->full_load_rows > kept_rows) {
          return Status::DatabaseError(
              "resume cannot clean up the partly loaded rows of " + plan.TargetName() +
              " with TargetTablePrepMode DO_NOTHING without also deleting rows that were there "
              "before the load; remove the rows loaded so far yourself and resume, or reload "
              "with TRUNCATE_BEFORE_LOAD");
        }
      } else if (todo.size() == plan.segments.size()) {
        SY_RETURN_IF_ERROR(target.Execute(catalog::TruncateTableSql(t)));
      } else {
        for (size_t i : todo) {
          SY_RETURN_IF_ERROR(target.Execute("DELETE FROM " +
                                            catalog::QuoteQualified(t.engine, t.schema, t.name) +
                                            " WHERE " + plan.segments[i].target_where));
        }
      }
    }
    // Keep only the rows of the ranges that stay, or the reload counts them twice.
    SY_RETURN_IF_ERROR(store_.AddFullLoadRows(plan.source.schema, plan.source.name,
                                              kept_rows - previous->full_load_rows));
    SY_LOG(kInfo, Component::kTaskManager,
           "resume: " << plan.SourceName() << " reloads " << todo.size() << " of "
                      << plan.segments.size() << " segment(s)");
  } else {
    // A fresh start registered every table up front; a resume registers a table it never saw.
    if (resume_) SY_RETURN_IF_ERROR(RegisterTable(store_, plan, reload_));
    switch (fl.target_table_prep_mode) {
      case config::TargetTablePrepMode::kDropAndCreate:
        SY_RETURN_IF_ERROR(target.Execute(catalog::DropTableSql(t)));
        SY_RETURN_IF_ERROR(ExecuteAll(target, catalog::CreateTableSql(t, pk_inline)));
        break;
      case config::TargetTablePrepMode::kTruncateBeforeLoad:
        if (exists) {
          SY_RETURN_IF_ERROR(target.Execute(catalog::TruncateTableSql(t)));
        } else {
          SY_RETURN_IF_ERROR(ExecuteAll(target, catalog::CreateTableSql(t, pk_inline)));
        }
        break;
      case config::TargetTablePrepMode::kDoNothing:
        if (!exists) SY_RETURN_IF_ERROR(ExecuteAll(target, catalog::CreateTableSql(t, pk_inline)));
        break;
    }
    SY_RETURN_IF_ERROR(store_.ReplaceSegments(plan.source.schema, plan.source.name, wheres));
    for (size_t i = 0; i < plan.segments.size(); ++i) todo.push_back(i);
  }
  for (const auto& note : plan.notes) {
    SY_LOG(kInfo, Component::kTransformation, plan.SourceName() << ": " << note);
  }
  {
    std::lock_guard lock(mu_);
    progress_[index].segments_left = todo.size();
  }
  for (size_t i : todo) units->push_back(Unit{index, i});
  if (handoff_ && !todo.empty()) {
    SY_RETURN_IF_ERROR(
        store_.SetSnapshotPosition(plan.source.schema, plan.source.name, handoff_->position));
    SY_RETURN_IF_ERROR(
        store_.SetSnapshotXids(plan.source.schema, plan.source.name, handoff_->pg_snapshot_xids));
  }
  if (todo.empty()) {
    // Every segment was committed before the crash; only the finishing steps are left.
    SY_RETURN_IF_ERROR(FinishTable(index, target));
  }
  return Status::Ok();
}

Status FullLoad::PrepareTargets(endpoints::SqlSession& target) {
  std::set<std::string> schemas;
  for (const auto& p : plans_) schemas.insert(p.target.schema);
  for (const auto& s : schemas) {
    SY_RETURN_IF_ERROR(target.Execute(catalog::CreateSchemaSql(task_.target.engine, s)));
  }
  progress_.assign(plans_.size(), TableProgress{});
  if (!resume_) {
    // A fresh start forgets every table's progress before any target table is touched: a crash
    // while preparing must not leave a table "Table completed" from an older run for a resume
    // to skip. It also makes every table visible in `switchyard status` from the start, so a
    // table whose preparation fails shows its error.
    for (const auto& plan : plans_) SY_RETURN_IF_ERROR(RegisterTable(store_, plan, reload_));
  }
  std::vector<Unit> units;
  for (size_t i = 0; i < plans_.size(); ++i) {
    Status st = PrepareTable(target, i, &units);
    MaybeCrash("after-prepare-table");
    if (!st.ok()) {
      FailTable(i, st.WithContext("preparing target table " + plans_[i].TargetName()));
      std::lock_guard lock(mu_);
      if (!fatal_.ok()) return fatal_;
    }
  }
  std::lock_guard lock(mu_);
  queue_ = std::move(units);
  return Status::Ok();
}

FullLoadResult FullLoad::Run(std::stop_token stop) {
  FullLoadResult result;
  std::stop_callback forward(stop, [this] { stop_all_.request_stop(); });

  if (handoff_ && task_.source.engine != Engine::kPostgres) {
    // The snapshots come first: the tables record their position while being prepared.
    size_t units = 0;
    for (const auto& p : plans_) units += p.segments.size();
    const size_t count = std::min<size_t>(
        std::max(1, task_.settings.full_load.max_full_load_sub_tasks), std::max<size_t>(1, units));
    Status aligned = OpenAlignedSnapshots(count, stop);
    if (!aligned.ok()) {
      result.fatal = aligned;
      return result;
    }
  }
  auto target = endpoints::Connect(task_.target.ToConnectionParams());
  if (!target.ok()) {
    result.fatal = target.status().WithContext("connecting to the target");
    return result;
  }
  Status st = PrepareTargets(**target);
  if (!st.ok()) {
    result.fatal = st;
    return result;
  }

  // One snapshot for every worker where the source can export it (PostgreSQL).
  std::unique_ptr<endpoints::SqlSession> exporter;
  std::string snapshot_id;
  if (handoff_) {
    snapshot_id = handoff_->pg_snapshot_id;
  } else if (task_.source.engine == Engine::kPostgres) {
    auto s = endpoints::Connect(task_.source.ToConnectionParams());
    if (!s.ok()) {
      result.fatal = s.status().WithContext("connecting to the source");
      return result;
    }
    exporter = std::move(*s);
    st = exporter->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    auto rows = st.ok() ? exporter->Query("SELECT pg_export_snapshot()")
                        : Result<std::vector<endpoints::SqlRow>>(st);
    if (!rows.ok() || rows->empty() || !(*rows)[0][0]) {
      result.fatal = rows.status().WithContext("exporting the source snapshot");
      return result;
    }
    snapshot_id = *(*rows)[0][0];
  }

  size_t workers = 0;
  {
    std::lock_guard lock(mu_);
    workers = std::min<size_t>(std::max(1, task_.settings.full_load.max_full_load_sub_tasks),
                               queue_.size());
  }
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < workers; ++i) {
      threads.emplace_back([this, snapshot_id] { Worker(stop_all_.get_token(), snapshot_id); });
    }
  }
  if (exporter) (void)exporter->Execute("COMMIT");

  {
    std::lock_guard lock(mu_);
    result.fatal = fatal_;
  }
  if (result.fatal.ok() && !stop.stop_requested()) {
    st = CreateForeignKeys(**target);
    if (!st.ok()) SY_LOG(kError, Component::kTargetLoad, st.ToString());
  }
  // Count this task's planned tables only: the store may still hold tables an earlier run of
  // the task mapped, whose states say nothing about this run.
  for (const auto& plan : plans_) {
    auto t = store_.GetTable(plan.source.schema, plan.source.name);
    if (!t.ok()) continue;
    if (t->table_state == TableState::kTableCompleted) {
      ++result.tables_completed;
    } else if (t->table_state == TableState::kTableError) {
      ++result.tables_errored;
    } else {
      // Stopped by the operator, or by a STOP_TASK policy: the rest of the load was cancelled.
      if (stop.stop_requested() || !result.fatal.ok()) {
        (void)store_.SetTableState(t->schema_name, t->table_name, TableState::kTableCancelled, "");
      }
      ++result.tables_cancelled;
    }
  }
  if (task_.switchyard.secondary_objects ==
      config::SwitchyardSettings::SecondaryObjects::kDeferred) {
    st = WriteDeferredSecondaryObjects();
    if (!st.ok()) SY_LOG(kError, Component::kTargetLoad, st.ToString());
  }
  return result;
}

Result<FullLoad::WorkerConnections> FullLoad::OpenConnections(const std::string& snapshot_id) {
  WorkerConnections c;
  SY_ASSIGN_OR_RETURN(c.reader, endpoints::OpenSnapshotReader(task_.source.ToConnectionParams()));
  SY_ASSIGN_OR_RETURN(c.loader, endpoints::OpenBulkLoader(task_.target.ToConnectionParams()));
  Status st = c.reader->BeginSnapshot(snapshot_id);
  if (handoff_) {
    // CDC starts at the handoff position: a snapshot at any other position would leave a gap
    // or apply changes twice. The table fails; a resume reloads it under a new snapshot.
    if (!st.ok()) return st.WithContext("importing the source snapshot CDC starts from");
    if (task_.source.engine != Engine::kPostgres &&
        c.reader->SnapshotPosition() != handoff_->position) {
      return Status::DatabaseError(
          "the source snapshot moved from " + handoff_->position + " to " +
          c.reader->SnapshotPosition() +
          " after a reconnect; resume with --start-type resume-processing reloads the table");
    }
    return c;
  }
  if (!st.ok() && !snapshot_id.empty() && st.code() != StatusCode::kConnectionError) {
    // The exported snapshot is gone (its exporting session ended, e.g. the source restarted):
    // this worker reads from a fresh snapshot, still consistent within each table.
    SY_LOG(kWarning, Component::kSourceUnload,
           "the shared source snapshot is gone ("
               << st.message() << "); this worker continues on its own snapshot");
    st = c.reader->BeginSnapshot("");
  }
  if (!st.ok()) return st.WithContext("opening the source snapshot");
  return c;
}

Status FullLoad::OpenAlignedSnapshots(size_t count, std::stop_token stop) {
  // MySQL cannot share one snapshot between sessions, but MariaDB reports the binlog position
  // of each (binlog_snapshot_file/position, exact under group commit). Snapshots opened back to
  // back agree unless a commit lands in between: retry until they do. One worker always agrees.
  // A source that commits all the time may never leave such a gap: then a short global read
  // lock holds commits while the snapshots open (needs RELOAD; waits at most 10 s for it).
  std::vector<WorkerConnections> opened(count);
  for (auto& c : opened) {
    SY_ASSIGN_OR_RETURN(c.reader, endpoints::OpenSnapshotReader(task_.source.ToConnectionParams()));
    SY_ASSIGN_OR_RETURN(c.loader, endpoints::OpenBulkLoader(task_.target.ToConnectionParams()));
  }
  auto open_all = [&]() -> Result<bool> {
    std::string position;
    for (size_t i = 0; i < count; ++i) {
      SY_RETURN_IF_ERROR(
          opened[i].reader->BeginSnapshot("").WithContext("opening the source snapshot"));
    }
    for (size_t i = 0; i < count; ++i) {
      const std::string p = opened[i].reader->SnapshotPosition();
      if (p.empty()) {
        return Status::Unsupported(
            "the source does not report the binlog position of a consistent snapshot "
            "(binlog_snapshot_file/_position: MariaDB with log_bin on); full-load-and-cdc "
            "needs it. Run a full-load task and then a cdc task while the source is quiet");
      }
      if (i == 0) position = p;
      if (p != position) {
        for (auto& c : opened) (void)c.reader->EndSnapshot();
        return false;
      }
    }
    handoff_->position = position;
    return true;
  };
  constexpr int kAttempts = 50;
  bool aligned = false;
  int attempt = 0;
  // Tests take the lock path on purpose with SWITCHYARD_FAILPOINT=force-global-read-lock.
  const bool force_lock = FailpointHit("force-global-read-lock");
  while (!force_lock && !aligned && attempt < kAttempts && !stop.stop_requested()) {
    ++attempt;
    SY_ASSIGN_OR_RETURN(aligned, open_all());
  }
  if (!aligned && !stop.stop_requested()) {
    SY_LOG(kInfo, Component::kSourceUnload,
           "the source committed between every attempt to open "
               << count
               << " snapshots at one binlog position; holding commits with a global read lock "
                  "while they open");
    SY_ASSIGN_OR_RETURN(auto locker, endpoints::Connect(task_.source.ToConnectionParams()));
    SY_RETURN_IF_ERROR(locker->Execute("SET SESSION lock_wait_timeout = 10"));
    Status locked = locker->Execute("FLUSH TABLES WITH READ LOCK");
    if (!locked.ok()) {
      return locked.WithContext(
          "taking the global read lock for aligned snapshots (lower "
          "FullLoadSettings.MaxFullLoadSubTasks to 1 for a single snapshot that needs no lock)");
    }
    auto result = open_all();
    (void)locker->Execute("UNLOCK TABLES");
    SY_RETURN_IF_ERROR(result.status());
    aligned = *result;
    if (!aligned) {
      return Status::Internal(
          "the snapshots disagree on the binlog position under the global read lock");
    }
  }
  if (stop.stop_requested()) return Status::Cancelled("stopped while opening the source snapshots");
  SY_LOG(kInfo, Component::kSourceUnload,
         count << " snapshot(s) at binlog position " << handoff_->position << " (attempt "
               << attempt << ")");
  std::lock_guard lock(mu_);
  preopened_ = std::move(opened);
  return Status::Ok();
}

void FullLoad::Worker(std::stop_token stop, const std::string& snapshot_id) {
  auto fail_all = [&](const Status& st) {
    std::lock_guard lock(mu_);
    if (fatal_.ok()) fatal_ = st;
    stop_all_.request_stop();
  };
  std::optional<WorkerConnections> preopened;
  {
    std::lock_guard lock(mu_);
    if (!preopened_.empty()) {
      preopened = std::move(preopened_.back());
      preopened_.pop_back();
    }
  }
  auto opened =
      preopened ? Result<WorkerConnections>(std::move(*preopened)) : OpenConnections(snapshot_id);
  if (!opened.ok()) return fail_all(opened.status().WithContext("opening worker connections"));
  WorkerConnections c = std::move(*opened);
  const RetryPolicy policy(task_.settings.error_behavior);

  while (!stop.stop_requested()) {
    Unit unit;
    {
      std::lock_guard lock(mu_);
      // Skip units of tables that failed meanwhile.
      while (next_unit_ < queue_.size() && progress_[queue_[next_unit_].table].failed) ++next_unit_;
      if (next_unit_ >= queue_.size()) break;
      unit = queue_[next_unit_++];
    }
    const TablePlan& plan = plans_[unit.table];
    int attempt = 0;
    while (true) {
      int64_t committed = 0;
      Status st = LoadUnit(unit, *c.reader, *c.loader, stop, &committed);
      if (st.ok()) {
        FinishUnit(unit, committed, c.loader->session());
        break;
      }
      // A lost connection is retried with backoff: reconnect, remove what this segment
      // committed so far, load it again. Anything else is the table's error.
      bool ready = false;
      while (st.code() == StatusCode::kConnectionError && !stop.stop_requested()) {
        auto delay = policy.DelayBefore(++attempt);
        if (!delay) break;
        SY_LOG(kWarning, Component::kCommunication,
               "loading " << plan.SourceName() << ": " << st.message() << "; retry " << attempt
                          << " in " << delay->count() << " s");
        if (!SleepUnlessStopped(*delay, stop)) break;
        auto reopened = OpenConnections(snapshot_id);
        if (!reopened.ok()) {
          st = reopened.status();
          continue;
        }
        c = std::move(*reopened);
        st = CleanUpSegment(unit, committed, c.loader->session());
        if (!st.ok()) continue;
        committed = 0;
        ready = true;
        break;
      }
      if (ready) continue;
      UnitFailed(unit, st, committed);
      break;
    }
  }
  (void)c.reader->EndSnapshot();
}

Status FullLoad::CleanUpSegment(const Unit& unit, int64_t committed,
                                endpoints::SqlSession& target) {
  if (committed == 0) return Status::Ok();
  const TablePlan& plan = plans_[unit.table];
  const auto& t = plan.target;
  if (task_.settings.full_load.target_table_prep_mode == config::TargetTablePrepMode::kDoNothing) {
    return Status::DatabaseError(
        "cannot retry " + plan.TargetName() +
        ": rows were committed before the connection was "
        "lost and TargetTablePrepMode DO_NOTHING does not allow deleting them; remove them and "
        "resume, or reload with TRUNCATE_BEFORE_LOAD");
  }
  const Segment& segment = plan.segments[unit.segment];
  if (!segment.SeparableOnTarget(plan.segments.size())) {
    return Status::DatabaseError("cannot retry " + plan.TargetName() +
                                 " after a lost connection: its rows from " + segment.Describe() +
                                 " cannot be told apart on the target; resume with "
                                 "--start-type resume-processing reloads the whole table");
  }
  SY_RETURN_IF_ERROR(target.Execute(segment.target_where.empty()
                                        ? catalog::TruncateTableSql(t)
                                        : "DELETE FROM " +
                                              catalog::QuoteQualified(t.engine, t.schema, t.name) +
                                              " WHERE " + segment.target_where));
  return store_.AddFullLoadRows(plan.source.schema, plan.source.name, -committed);
}

Status FullLoad::LoadUnit(const Unit& unit, endpoints::SnapshotReader& reader,
                          endpoints::BulkLoader& loader, std::stop_token stop, int64_t* committed) {
  const TablePlan& plan = plans_[unit.table];
  const std::string& schema = plan.source.schema;
  const std::string& table = plan.source.name;
  bool first = false;
  {
    std::lock_guard lock(mu_);
    first = !progress_[unit.table].started;
    progress_[unit.table].started = true;
  }
  if (first) {
    // A reload keeps showing "Table is being reloaded" until the table completes (DMS).
    if (!reload_) (void)store_.SetTableState(schema, table, TableState::kFullLoad);
    (void)store_.SetFullLoadTimes(schema, table, std::chrono::system_clock::now(), std::nullopt);
  }
  (void)store_.SetSegmentState(schema, table, static_cast<int>(unit.segment),
                               SegmentState::kLoading, 0);

  SegmentCallbacks callbacks;
  callbacks.on_committed = [&](int64_t n) {
    *committed += n;
    (void)store_.AddFullLoadRows(schema, table, n);
    MaybeCrash("after-commit");
    if (FailpointHit("drop-target-connection")) DropOwnConnection(loader.session());
  };
  callbacks.on_data_error = [&](const Status& error, nlohmann::json row) {
    return HandleDataError(plan, error, std::move(row));
  };
  SegmentLoader segment_loader(reader, loader, task_.settings.full_load.commit_rate);
  return segment_loader.Load(plan, plan.segments[unit.segment], callbacks, stop);
}

void FullLoad::UnitFailed(const Unit& unit, const Status& st, int64_t committed) {
  const TablePlan& plan = plans_[unit.table];
  const bool cancelled = st.code() == StatusCode::kCancelled;
  (void)store_.SetSegmentState(plan.source.schema, plan.source.name, static_cast<int>(unit.segment),
                               cancelled ? SegmentState::kPending : SegmentState::kError,
                               committed);
  if (!cancelled) FailTable(unit.table, st.WithContext("loading " + plan.SourceName()));
}

void FullLoad::FinishUnit(const Unit& unit, int64_t committed, endpoints::SqlSession& target) {
  const TablePlan& plan = plans_[unit.table];
  (void)store_.SetSegmentState(plan.source.schema, plan.source.name, static_cast<int>(unit.segment),
                               SegmentState::kCompleted, committed);
  bool last = false;
  {
    std::lock_guard lock(mu_);
    auto& p = progress_[unit.table];
    last = --p.segments_left == 0 && !p.failed;
  }
  if (last) {
    Status st = FinishTable(unit.table, target);
    if (!st.ok()) FailTable(unit.table, st.WithContext("finishing " + plan.TargetName()));
  }
  MaybeCrash("after-segment-commit");
}

Status FullLoad::FinishTable(size_t index, endpoints::SqlSession& target) {
  const TablePlan& plan = plans_[index];
  const auto& t = plan.target;
  const bool defer =
      task_.switchyard.secondary_objects == config::SwitchyardSettings::SecondaryObjects::kDeferred;
  if (!t.primary_key.empty()) {
    SY_ASSIGN_OR_RETURN(bool has_pk, PrimaryKeyExists(target, t.schema, t.name));
    if (!has_pk) SY_RETURN_IF_ERROR(target.Execute(catalog::AddPrimaryKeySql(t)));
  }
  // Deferred indexes go to deferred-secondary-objects.sql, written at the end of the run.
  if (!defer) SY_RETURN_IF_ERROR(ExecuteAll(target, IdempotentIndexes(t)));
  SY_RETURN_IF_ERROR(ExecuteAll(target, catalog::SyncIdentitySql(t)));
  SY_RETURN_IF_ERROR(store_.SetFullLoadTimes(plan.source.schema, plan.source.name, std::nullopt,
                                             std::chrono::system_clock::now()));
  SY_RETURN_IF_ERROR(
      store_.SetTableState(plan.source.schema, plan.source.name, TableState::kTableCompleted, ""));
  SY_LOG(kInfo, Component::kTargetLoad, "table " << plan.SourceName() << " completed");
  return Status::Ok();
}

void FullLoad::FailTable(size_t index, const Status& error) {
  const TablePlan& plan = plans_[index];
  SY_LOG(kError, Component::kTargetLoad, error.ToString());
  (void)store_.SetTableState(plan.source.schema, plan.source.name, TableState::kTableError,
                             error.message());
  std::lock_guard lock(mu_);
  progress_[index].failed = true;
  if (task_.settings.error_behavior.table_error_policy == config::TableErrorPolicy::kStopTask ||
      error.code() == StatusCode::kInternal) {
    if (fatal_.ok()) fatal_ = error;
    stop_all_.request_stop();
  }
}

Status FullLoad::HandleDataError(const TablePlan& plan, const Status& error,
                                 nlohmann::json row_json) {
  const auto policy = task_.settings.error_behavior.data_error_policy;
  const std::string where = plan.SourceName() + ": " + error.message();
  (void)store_.AddFullLoadErrorRows(plan.source.schema, plan.source.name, 1);
  switch (policy) {
    case config::DataErrorPolicy::kIgnoreRecord:
      return Status::Ok();
    case config::DataErrorPolicy::kLogError:
      SY_LOG(kWarning, Component::kTargetLoad, "row skipped: " << where);
      return store_.RecordDataError(plan.source.schema, plan.source.name, error.message(),
                                    row_json);
    case config::DataErrorPolicy::kSuspendTable:
      (void)store_.RecordDataError(plan.source.schema, plan.source.name, error.message(), row_json);
      return Status::DataError(where + " (DataErrorPolicy SUSPEND_TABLE)");
    case config::DataErrorPolicy::kStopTask: {
      (void)store_.RecordDataError(plan.source.schema, plan.source.name, error.message(), row_json);
      std::lock_guard lock(mu_);
      if (fatal_.ok()) fatal_ = Status::DataError(where + " (DataErrorPolicy STOP_TASK)");
      stop_all_.request_stop();
      return fatal_;
    }
  }
  return Status::Ok();
}

Status FullLoad::WriteDeferredSecondaryObjects() {
  // Rewritten whole at the end of every run, from the tables completed so far: appending per
  // run repeated statements after a resume or a second start, and ADD CONSTRAINT is not
  // idempotent, so the file stopped being runnable as a whole.
  std::vector<std::string> indexes, foreign_keys;
  for (const auto& plan : plans_) {
    auto t = store_.GetTable(plan.source.schema, plan.source.name);
    if (!t.ok() || t->table_state != TableState::kTableCompleted) continue;
    for (auto& sql : IdempotentIndexes(plan.target)) indexes.push_back(std::move(sql));
    for (auto& sql : catalog::CreateForeignKeysSql(plan.target))
      foreign_keys.push_back(std::move(sql));
  }
  const std::string path = state_dir_ + "/deferred-secondary-objects.sql";
  std::ofstream out(path, std::ios::trunc);
  out << "-- Secondary indexes and foreign keys of the completed tables, deferred by\n"
         "-- SwitchyardSettings.CreateSecondaryObjects = \"deferred\". Run on the target.\n";
  for (const auto& sql : indexes) out << sql << ";\n";
  for (const auto& sql : foreign_keys) out << sql << ";\n";
  out.close();
  if (!out) return Status::IoError("cannot write " + path);
  return Status::Ok();
}

Status FullLoad::CreateForeignKeys(endpoints::SqlSession& target) {
  const bool defer =
      task_.switchyard.secondary_objects == config::SwitchyardSettings::SecondaryObjects::kDeferred;
  if (defer) return Status::Ok();  // WriteDeferredSecondaryObjects lists them
  std::set<std::pair<std::string, std::string>> completed;
  SY_ASSIGN_OR_RETURN(auto tables, store_.ListTables());
  for (const auto& t : tables) {
    if (t.table_state == TableState::kTableCompleted)
      completed.insert({t.target_schema, t.target_table});
  }
  for (const auto& plan : plans_) {
    for (const auto& sql : catalog::CreateForeignKeysSql(plan.target)) {
      if (!completed.count({plan.target.schema, plan.target.name})) continue;
      Status st = target.Execute(sql);
      // A foreign key that already exists (resumed load) is not an error.
      if (!st.ok() && st.message().find("already exists") == std::string::npos &&
          st.message().find("Duplicate") == std::string::npos) {
        SY_LOG(kError, Component::kTargetLoad,
               "foreign key on " << plan.TargetName() << ": " << st.ToString());
      }
    }
  }
  return Status::Ok();
}

}  // namespace switchyard::pipeline
