#include "engine/pipeline/cdc_task.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "engine/catalog/identifier.h"
#include "engine/logging/log.h"
#include "engine/pipeline/cdc/applier.h"
#include "engine/pipeline/cdc/apply_exceptions.h"
#include "engine/pipeline/cdc/change_source.h"
#include "engine/pipeline/cdc/control_table.h"
#include "engine/pipeline/cdc/pg_slot.h"
#include "engine/pipeline/cdc/pg_snapshot_xids.h"
#include "engine/pipeline/cdc/pg_table_watch.h"
#include "engine/pipeline/cdc/position.h"
#include "engine/pipeline/cdc/read_ahead_source.h"
#include "engine/pipeline/cdc/schema_change.h"
#include "engine/pipeline/cdc/source_table_end.h"
#include "engine/pipeline/cdc/table_shapes.h"
#include "engine/pipeline/crash_points.h"
#include "engine/pipeline/full_load.h"
#include "engine/pipeline/retry_policy.h"

namespace switchyard::pipeline {
namespace {

using catalog::Engine;
using endpoints::postgres::replication::Lsn;

// Where CDC starts when the target has no checkpoint: the oldest table snapshot position.
std::optional<std::string> OldestLoadedAt(const std::vector<std::string>& loaded_at) {
  std::optional<std::string> oldest;
  for (const auto& p : loaded_at) {
    if (p.empty()) continue;
    if (!oldest) {
      oldest = p;
      continue;
    }
    auto cmp = cdc::ComparePositions(p, *oldest);
    if (cmp.ok() && *cmp < 0) oldest = p;
  }
  return oldest;
}

Result<std::unique_ptr<cdc::ChangeSource>> OpenSource(
    const config::TaskConfig& task, const std::vector<TablePlan>& plans,
    const std::optional<cdc::Checkpoint>& checkpoint, const std::vector<std::string>& loaded_at) {
  const auto params = task.source.ToConnectionParams();
  std::optional<std::string> from =
      checkpoint ? std::optional(checkpoint->position.text) : OldestLoadedAt(loaded_at);
  if (task.source.engine == Engine::kPostgres) {
    const std::string name = cdc::ReplicationObjectName(task.identifier);
    SY_RETURN_IF_ERROR(cdc::EnsurePublication(task, plans));
    SY_ASSIGN_OR_RETURN(Lsn start, cdc::CheckTaskSlot(task, from));
    if (checkpoint) {
      SY_ASSIGN_OR_RETURN(start, Lsn::Parse(checkpoint->position.text));
    }
    SY_ASSIGN_OR_RETURN(auto stream, cdc::PgChangeStream::Start(params, name, name, start, plans));
    return std::unique_ptr<cdc::ChangeSource>(new cdc::PgSource(std::move(stream)));
  }
  std::string file;
  uint64_t position = 0;
  if (from) {
    SY_ASSIGN_OR_RETURN(auto parsed, cdc::ParsePosition(*from));
    file = from->substr(0, from->find(':'));
    position = parsed.offset;
  } else {
    SY_ASSIGN_OR_RETURN(auto session, endpoints::Connect(params));
    SY_ASSIGN_OR_RETURN(auto rows, session->Query("SHOW MASTER STATUS"));
    if (rows.empty() || !rows[0][0] || !rows[0][1]) {
      return Status::Unsupported(
          "the source has no binary log (log_bin is off): CDC from "
          "MySQL/MariaDB needs binlog_format=ROW and binlog_row_image=FULL");
    }
    file = *rows[0][0];
    position = std::stoull(*rows[0][1]);
  }
  // A replica server id of our own, stable per task so the server sees one replica.
  uint32_t server_id = 1000000;
  for (char c : task.identifier) server_id = server_id * 31 + static_cast<unsigned char>(c);
  server_id = 1000000 + server_id % 1000000000;
  auto stream = cdc::MySqlChangeStream::Start(params, server_id, file, position, plans);
  if (!stream.ok()) {
    // The recovery hint only where the server said the position is gone, not on every
    // refused connection while it restarts.
    const bool gone = stream.status().code() == StatusCode::kNotFound;
    return stream.status().WithContext(
        "reading the binlog from " + file + ":" + std::to_string(position) +
        (gone ? " (the binlog was purged: the changes since are gone; reload the tables with "
                "--start-type reload-target)"
              : ""));
  }
  return std::unique_ptr<cdc::ChangeSource>(new cdc::MySqlSource(std::move(*stream)));
}

// Whether a table loaded at `loaded_at`, under a PostgreSQL snapshot that saw `loaded_snapshot`
// (pg_snapshot_xids.h; "" when not known), holds the transaction a column change came in; false
// when that cannot be told.
bool LoadHolds(const cdc::SchemaChangePoint& at, const std::string& loaded_at,
               const std::string& loaded_snapshot) {
  if (loaded_at.empty()) return false;
  if (!at.commits_after.empty()) {
    auto before = cdc::ComparePositions(at.commits_after, loaded_at);
    return before.ok() && *before < 0;
  }
  if (at.streamed_xid && !loaded_snapshot.empty()) {
    // Committed before the load's consistent point exactly when its snapshot sees it; an xid
    // the snapshot sees that was rolled back streams no changes that count either.
    auto seen = cdc::PgSnapshotSees(loaded_snapshot, *at.streamed_xid);
    return seen.ok() && *seen;
  }
  return false;
}

// Leaves out of a source transaction the changes the target must not get: those of tables
// not applied, and those their table's snapshot already holds (committed at or before it).
class HandoffFilter {
 public:
  // `active` (which tables are applied) is the caller's and is read at each Filter call.
  HandoffFilter(std::vector<std::string> loaded_at, const std::vector<bool>* active)
      : loaded_at_(std::move(loaded_at)), active_(active) {}
  void SetLoadedAt(size_t table, std::string position) { loaded_at_[table] = std::move(position); }

  Status Filter(cdc::SourceTransaction* txn) {
    std::vector<bool> keep(*active_);
    bool all = true;
    for (size_t i = 0; i < loaded_at_.size(); ++i) {
      if (loaded_at_[i].empty()) continue;
      SY_ASSIGN_OR_RETURN(int cmp, cdc::ComparePositions(txn->commit_position.text, loaded_at_[i]));
      if (cmp <= 0) {
        keep[i] = false;
      } else {
        loaded_at_[i].clear();  // the stream is past this table's snapshot for good
      }
    }
    for (bool k : keep) all = all && k;
    if (all) return Status::Ok();
    return txn->changes.Filter([&](const cdc::RowChange& c) { return bool(keep[c.table]); });
  }

 private:
  std::vector<std::string> loaded_at_;
  const std::vector<bool>* active_;
};

// Apply exceptions go to the state store (the console and `status` read them there); a
// suspended table shows "Table error" with the server's message.
cdc::ApplyErrorHandling ErrorHandling(const config::TaskConfig& task, state::StateStore& store) {
  cdc::ApplyErrorHandling handling;
  handling.behavior = task.settings.error_behavior;
  handling.on_exception = [&store](const state::ApplyExceptionRecord& record,
                                   cdc::ApplyErrorAction action) {
    auto id = store.RecordApplyException(record);
    if (!id.ok()) {
      SY_LOG(kError, Component::kTargetApply,
             "recording an apply exception: " << id.status().message());
    }
    SY_LOG(kWarning, Component::kTargetApply,
           "apply exception on " << record.schema_name << "." << record.table_name << " ("
                                 << record.operation << ", " << record.action
                                 << "): " << record.error);
    switch (action) {
      case cdc::ApplyErrorAction::kInsertRecord:
      case cdc::ApplyErrorAction::kUpdateRecord:
        // The policy already put the row right on the target.
        if (id.ok()) (void)store.ResolveApplyException(*id);
        break;
      case cdc::ApplyErrorAction::kSuspendTable:
        (void)store.SetTableState(record.schema_name, record.table_name,
                                  state::TableState::kTableError,
                                  "suspended by ErrorBehavior: " + record.error);
        break;
      default:
        break;
    }
  };
  return handling;
}

std::optional<size_t> FindPlan(const std::vector<TablePlan>& plans, const control::Command& c) {
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].source.schema == c.schema && plans[i].source.name == c.table) return i;
  }
  return std::nullopt;
}

// Where a reload read its table: the table's changes up to `position` are in the reloaded rows;
// PostgreSQL: `snapshot_xids`, the transactions its snapshot saw (pg_snapshot_xids.h).
struct Reloaded {
  std::string position;
  std::string snapshot_xids;
};

// Loads one table again under a snapshot whose source position is known (PostgreSQL: a
// temporary slot's exported snapshot; MySQL: consistent snapshots at one binlog position).
Result<Reloaded> ReloadTable(const config::TaskConfig& task, const TablePlan& plan,
                             const std::string& state_dir, state::StateStore& store,
                             std::stop_token stop) {
  SY_LOG(kInfo, Component::kTaskManager,
         "reloading " << plan.SourceName() << "; change capture waits until it is loaded");
  FullLoad::Handoff handoff;
  std::optional<cdc::SnapshotSlot> slot;
  if (task.source.engine == Engine::kPostgres) {
    SY_ASSIGN_OR_RETURN(auto created,
                        cdc::CreateSnapshotSlot(
                            task, cdc::ReplicationObjectName(task.identifier) + "_reload", true));
    handoff.pg_snapshot_id = created.slot.snapshot_name;
    handoff.pg_snapshot_xids = created.snapshot_xids;
    handoff.position = created.slot.consistent_point.ToString();
    slot = std::move(created);
  }
  Reloaded reloaded;
  reloaded.snapshot_xids = handoff.pg_snapshot_xids;
  FullLoad load(task, {plan}, store, state_dir, FullLoad::Mode::kReload);
  load.SetHandoff(std::move(handoff));
  FullLoadResult result = load.Run(stop);
  SY_RETURN_IF_ERROR(result.fatal);
  if (result.tables_completed != 1) {
    return Status::DatabaseError("the reload of " + plan.SourceName() +
                                 " did not complete (see the table's last error); its changes "
                                 "are not applied until a reload succeeds");
  }
  SY_LOG(kInfo, Component::kTaskManager,
         plan.SourceName() << " reloaded at " << load.handoff_position()
                           << "; applying its changes from there");
  reloaded.position = load.handoff_position();
  return reloaded;
}

// Retry (apply the recorded statement again, out of order: the operator's call) or resolve.
void HandleExceptionCommand(const control::Command& command, endpoints::SqlSession& target,
                            state::StateStore& store) {
  const int64_t id = command.exception_id;
  if (command.kind == control::Command::Kind::kResolveApplyException) {
    Status st = store.ResolveApplyException(id);
    if (st.ok()) {
      SY_LOG(kInfo, Component::kTargetApply, "apply exception " << id << " marked resolved");
    } else {
      SY_LOG(kWarning, Component::kTargetApply, "apply exception " << id << ": " << st.message());
    }
    return;
  }
  auto record = store.GetApplyException(id);
  Status st = record.status();
  if (st.ok()) st = cdc::RetryApplyException(target, *record);
  if (st.ok()) st = store.ResolveApplyException(id, "RETRIED");
  if (st.ok()) {
    SY_LOG(kInfo, Component::kTargetApply, "retry of apply exception " << id << " applied");
  } else {
    SY_LOG(kWarning, Component::kTargetApply,
           "retry of apply exception " << id << " failed: " << st.message());
  }
}

// Per-table DMS counters (Inserts/Updates/Deletes/Ddls and their Applied* twins) of one
// transaction, added to `totals` by plan index, counting every change as applied. Written once per
// table and batch (WriteCounts): a state-store write per change cost a minute after a 2,000,000-row
// transaction.
void CountChanges(const cdc::SourceTransaction& txn,
                  std::map<size_t, state::ChangeCounts>* totals) {
  const int64_t applied = 1;  // a skipped batch (already applied) zeroes them afterwards
  for (const auto& change : txn.changes) {
    state::ChangeCounts& counts = (*totals)[change.table];
    switch (change.op) {
      case cdc::ChangeOp::kInsert:
        counts.inserts += 1;
        counts.applied_inserts += applied;
        break;
      case cdc::ChangeOp::kUpdate:
        counts.updates += 1;
        counts.applied_updates += applied;
        break;
      case cdc::ChangeOp::kDelete:
        counts.deletes += 1;
        counts.applied_deletes += applied;
        break;
      case cdc::ChangeOp::kTruncate:
        counts.ddls += 1;
        counts.applied_ddls += applied;
        break;
    }
  }
}

// ChangeProcessingDdlHandlingPolicy.HandleSourceTableTruncated false: a TRUNCATE on the source
// is not applied to the target (counted as a DDL, not as applied), and said so in the log.
Status LeaveOutTruncates(cdc::SourceTransaction* txn, const std::vector<TablePlan>& plans,
                         std::map<size_t, state::ChangeCounts>* totals) {
  bool any = false;
  for (const auto& change : txn->changes) any = any || change.op == cdc::ChangeOp::kTruncate;
  if (!any) return Status::Ok();
  return txn->changes.Filter([&](const cdc::RowChange& c) {
    if (c.op != cdc::ChangeOp::kTruncate) return true;
    (*totals)[c.table].ddls += 1;
    SY_LOG(kWarning, Component::kTargetApply,
           plans[c.table].SourceName()
               << " was truncated on the source (transaction committed at "
               << txn->commit_position.text
               << "); not applied to the target (HandleSourceTableTruncated is false)");
    return false;
  });
}

void WriteCounts(const std::map<size_t, state::ChangeCounts>& totals,
                 const std::vector<TablePlan>& plans, state::StateStore& store) {
  std::vector<state::TableChangeCounts> rows;
  rows.reserve(totals.size());
  for (const auto& [table, counts] : totals) {
    rows.push_back({plans[table].source.schema, plans[table].source.name, counts});
  }
  (void)store.AddChangeCounts(rows);
}

// On an idle PostgreSQL source (idle for the published tables, that is: other databases may
// write plenty) nothing reaches the slot, so its confirmed position and the WAL it holds would
// stay put. Every 10 s of idleness a transactional logical message is written on the source;
// it comes back through the stream as an empty transaction, whose checkpoint and confirm move
// the slot forward.
class Heartbeat {
 public:
  explicit Heartbeat(const config::TaskConfig& task) : task_(task) {}
  void MaybeBeat() {
    if (task_.source.engine != Engine::kPostgres) return;  // the binlog has its own heartbeat
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < kInterval) return;
    last_ = now;
    if (!session_) {
      auto s = endpoints::Connect(task_.source.ToConnectionParams());
      if (!s.ok()) return;
      session_ = std::move(*s);
    }
    Status st = session_->Execute("SELECT pg_logical_emit_message(true, 'switchyard_heartbeat', " +
                                  session_->QuoteLiteral(task_.identifier) + ")");
    if (!st.ok()) {
      SY_LOG(kDebug, Component::kSourceCapture, "heartbeat: " << st.message());
      session_.reset();
    }
  }

 private:
  static constexpr std::chrono::seconds kInterval{10};
  const config::TaskConfig& task_;
  std::unique_ptr<endpoints::SqlSession> session_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// How many source transactions (and changes) at most go into one target transaction.
constexpr size_t kBatchTransactions = 1000;
constexpr size_t kBatchChanges = 20000;
// How far the reader may get ahead of the apply: far enough to keep reading while a batch
// (up to BatchApplyTimeoutMin seconds of changes) is applied; what waits is charged to
// MemoryLimitTotal like any other change.
constexpr size_t kReadAheadTransactions = 20000;
constexpr int64_t kReadAheadBytes = 32 << 20;

// Why a session ended: OK on a requested stop; `opened` tells whether the session got as far
// as streaming (errors before that, on a reconnect, are retried like lost connections: a
// walsender that has not noticed the old connection's end still holds the slot).
struct SessionEnd {
  Status status;
  bool opened = false;
  bool applied = false;  // committed at least one transaction
};

SessionEnd RunSession(const config::TaskConfig& task, std::vector<TablePlan>& plans,
                      CdcOptions& options, state::StateStore& store, std::stop_token stop,
                      bool first);

}  // namespace

Status RunCdc(const config::TaskConfig& task, const std::vector<TablePlan>& plans,
              CdcOptions options, state::StateStore& store, std::stop_token stop) {
  options.loaded_at.resize(plans.size());
  options.loaded_snapshot.resize(plans.size());
  options.active.resize(plans.size(), true);
  options.recreate.resize(plans.size(), false);
  // Source schema changes replace a table's plan (schema_change.h); the copy lives across
  // reconnects. The stream and the applier see it through their pointer to this vector.
  std::vector<TablePlan> live_plans = plans;
  // A lost source or target connection (server restart, network cut) is not the task's end:
  // everything restarts from the target's checkpoint after DMS's RecoverableError* backoff,
  // which exactly-once apply makes safe.
  const RetryPolicy policy(task.settings.error_behavior);
  int attempt = 0;
  for (bool first = true;; first = false) {
    SessionEnd end = RunSession(task, live_plans, options, store, stop, first);
    if (end.status.ok() || stop.stop_requested()) return end.status;
    const bool retryable =
        end.status.code() == StatusCode::kConnectionError || (!first && !end.opened);
    if (!retryable) return end.status;
    if (end.applied) attempt = 0;  // progress since the last failure: a fresh series
    auto delay = policy.DelayBefore(++attempt);
    if (!delay) {
      return end.status.WithContext("change capture gave up after " + std::to_string(attempt - 1) +
                                    " reconnect attempt(s) (ErrorBehavior.RecoverableError*)");
    }
    SY_LOG(kWarning, Component::kCommunication,
           "change capture: " << end.status.message() << "; reconnecting in " << delay->count()
                              << " s (attempt " << attempt << ")");
    (void)store.SetTaskStatus(state::TaskStatus::kRunning, state::StopReason::kNone);
    const auto until = std::chrono::steady_clock::now() + *delay;
    while (!stop.stop_requested() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (stop.stop_requested()) return Status::Ok();
  }
}

namespace {

Status RunSessionBody(const config::TaskConfig& task, std::vector<TablePlan>& plans,
                      CdcOptions& options, state::StateStore& store, std::stop_token stop,
                      bool first, SessionEnd* end);

SessionEnd RunSession(const config::TaskConfig& task, std::vector<TablePlan>& plans,
                      CdcOptions& options, state::StateStore& store, std::stop_token stop,
                      bool first) {
  SessionEnd end;
  end.status = RunSessionBody(task, plans, options, store, stop, first, &end);
  return end;
}

Status RunSessionBody(const config::TaskConfig& task, std::vector<TablePlan>& plans,
                      CdcOptions& options, state::StateStore& store, std::stop_token stop,
                      bool first, SessionEnd* end) {
  SY_ASSIGN_OR_RETURN(auto target, endpoints::Connect(task.target.ToConnectionParams()));
  // Target tables must exist for CDC-only tasks; create the missing ones (as DO_NOTHING does).
  // Not for tables whose changes are not applied: one dropped on the source (and maybe on the
  // target) must not come back, and a suspended one is created by its reload.
  for (size_t i = 0; i < plans.size(); ++i) {
    const auto& p = plans[i];
    if (p.capture_ended || !options.active[i]) continue;
    SY_ASSIGN_OR_RETURN(
        auto rows, target->Query("SELECT 1 FROM information_schema.tables WHERE table_schema = " +
                                 target->QuoteLiteral(p.target.schema) +
                                 " AND table_name = " + target->QuoteLiteral(p.target.name)));
    if (!rows.empty()) continue;
    SY_RETURN_IF_ERROR(target->Execute(catalog::CreateSchemaSql(p.target.engine, p.target.schema)));
    for (const auto& sql : catalog::CreateTableSql(p.target, true))
      SY_RETURN_IF_ERROR(target->Execute(sql));
  }
  cdc::Applier applier(target.get(), task.identifier, task.settings.control_tables, &plans,
                       ErrorHandling(task, store));
  SY_RETURN_IF_ERROR(applier.Prepare());
  SY_ASSIGN_OR_RETURN(auto checkpoint,
                      cdc::ReadCheckpoint(*target, task.settings.control_tables, task.identifier));
  if (checkpoint) {
    SY_LOG(kInfo, Component::kSourceCapture,
           "resuming change capture after " << checkpoint->position.text);
  }
  std::string applied_position = checkpoint ? checkpoint->position.text : "";
  // Where the stream starts: a schema change met before anything is applied is recorded there.
  const std::string stream_start =
      checkpoint ? applied_position : OldestLoadedAt(options.loaded_at).value_or("");
  // The columns each table had at the checkpoint (table_shapes.h): the stream replays what
  // came after, schema changes included, and each is compared with the plan.
  for (auto& p : plans) {
    if (p.capture_ended) continue;
    bool changed = false;
    SY_RETURN_IF_ERROR(cdc::RestoreShapeAt(store, stream_start, &p, &changed));
    if (!changed) continue;
    (void)store.SetColumnMapping(p.source.schema, p.source.name, ColumnMappingOf(p));
    SY_LOG(kInfo, Component::kSourceCapture,
           p.SourceName() << ": resuming with the columns it had at "
                          << (stream_start.empty() ? "its load" : stream_start)
                          << "; the source has changed them since, and the stream replays the "
                             "changes");
  }
  SY_ASSIGN_OR_RETURN(auto opened, OpenSource(task, plans, checkpoint, options.loaded_at));
  // Read on a thread of its own, so that decoding overlaps the apply; the plans change only
  // in handler calls or under a SourceHold (read_ahead_source.h).
  auto source = std::make_unique<cdc::ReadAheadSource>(
      std::move(opened), FailpointHit("read-ahead-one") ? 1 : kReadAheadTransactions,
      kReadAheadBytes);
  source->SetSpillSpace(options.spill);
  if (options.metrics != nullptr) {
    source->SetReadObserver([metrics = options.metrics](const cdc::SourceTransaction& t) {
      metrics->OnReceived(t.commit_time, static_cast<int64_t>(t.changes.size()),
                          t.changes.value_bytes());
    });
  }
  size_t active_tables = 0;
  for (size_t i = 0; i < plans.size(); ++i) {
    const auto& p = plans[i];
    if (!first) {
      // Tables an ErrorBehavior policy suspended in an earlier session stay suspended.
      auto rec = store.GetTable(p.source.schema, p.source.name);
      if (rec.ok() && rec->table_state == state::TableState::kTableError) options.active[i] = false;
    }
    if (!options.active[i]) continue;
    ++active_tables;
    if (first) {
      (void)store.SetTableState(p.source.schema, p.source.name, state::TableState::kTableCompleted);
    }
  }
  HandoffFilter filter(options.loaded_at, &options.active);
  std::function<Status()> flush_batch;  // set below, once the loop's state exists
  source->SetSchemaChangeHandler([&](size_t t, const std::vector<std::string>& columns_now,
                                     const cdc::SchemaChangePoint& at) -> Result<bool> {
    // From a transaction the table's (re)load already holds: its plan, made from the catalog
    // at the load, has the columns from after this change, and following it would take the
    // target back (a column dropped, then added again empty). Met when the reload came while
    // the stream was behind it, and when a resume replays the stream from before it.
    if (LoadHolds(at, options.loaded_at[t], options.loaded_snapshot[t])) {
      SY_LOG(kDebug, Component::kSourceCapture,
             plans[t].SourceName()
                 << ": a column change in a transaction "
                 << (at.streamed_xid ? "(xid " + std::to_string(*at.streamed_xid) + ", streamed)"
                                     : "committed at " + at.commits_after)
                 << " that the table's load at " << options.loaded_at[t] << " already holds");
      return bool(options.active[t]);
    }
    SY_RETURN_IF_ERROR(flush_batch());  // what was read before the change, with the old plan
    SY_ASSIGN_OR_RETURN(auto change, cdc::HandleSchemaChange(task, plans, t, columns_now, *target));
    const TablePlan& p = plans[t];
    if (change.outcome == cdc::SchemaChangeOutcome::kUnchanged) return bool(options.active[t]);
    (void)store.SetColumnMapping(p.source.schema, p.source.name, ColumnMappingOf(p));
    state::ChangeCounts counts;
    counts.ddls = 1;
    counts.applied_ddls = change.outcome == cdc::SchemaChangeOutcome::kApplied ? 1 : 0;
    (void)store.AddChangeCounts(p.source.schema, p.source.name, counts);
    if (change.outcome == cdc::SchemaChangeOutcome::kApplied) {
      SY_LOG(kInfo, Component::kTargetApply,
             p.SourceName() << ": " << change.description << " on the source; followed on "
                            << p.TargetName());
      // Before any later checkpoint: a resume past this point must start from these columns.
      SY_RETURN_IF_ERROR(
          cdc::RecordShape(store, applied_position.empty() ? stream_start : applied_position, p));
      MaybeCrash("after-schema-change");
      return bool(options.active[t]);
    }
    const std::string why = change.description +
                            " on the source; reload the table "
                            "(switchyard reload, or the console) to go on with it";
    SY_LOG(kWarning, Component::kTargetApply, p.SourceName() << ": " << why);
    applier.Suspend(t);
    options.active[t] = false;
    options.recreate[t] = true;
    (void)store.SetTableState(p.source.schema, p.source.name, state::TableState::kTableError, why);
    return false;
  });
  // A captured table dropped or renamed on the source (source_table_end.h): its changes before
  // that are applied first; then its capture ends for good and the others go on. Replayed after
  // a crash (the end came after the last checkpoint), it finds the work done: the target DROP is
  // IF EXISTS, and a table already ended is not ended twice.
  auto end_table = [&](size_t t, const cdc::SourceTableEnd& gone) -> Status {
    SY_RETURN_IF_ERROR(flush_batch());
    TablePlan& p = plans[t];
    if (p.capture_ended) return Status::Ok();
    SY_ASSIGN_OR_RETURN(std::string why, cdc::EndTableCapture(task, p, gone, *target));
    SY_LOG(kWarning, Component::kTargetApply, p.SourceName() << ": " << why);
    applier.Suspend(t);
    options.active[t] = false;
    options.recreate[t] = true;  // a reload plans the name anew and creates its target table
    (void)store.SetTableState(p.source.schema, p.source.name, state::TableState::kTableError, why);
    state::ChangeCounts counts;
    counts.ddls = 1;
    counts.applied_ddls = gone.kind == cdc::SourceTableEnd::Kind::kDropped &&
                                  task.settings.ddl_handling.handle_source_table_dropped
                              ? 1
                              : 0;
    (void)store.AddChangeCounts(p.source.schema, p.source.name, counts);
    MaybeCrash("after-table-end");
    return Status::Ok();
  };
  source->SetTableEndedHandler(end_table);
  // PostgreSQL streams carry no DROP TABLE: a probe of the catalog finds it (pg_table_watch.h).
  std::optional<cdc::PgTableWatch> table_watch;
  if (task.source.engine == Engine::kPostgres) table_watch.emplace(task, &store);
  end->opened = true;
  SY_LOG(kInfo, Component::kSourceCapture,
         "change capture running for " << active_tables << " of " << plans.size() << " table(s)");

  TaskMetrics* metrics = options.metrics;
  Heartbeat heartbeat(task);
  // Read but not yet applied; applied by flush_batch (also before a schema change is handled,
  // so no transaction decoded with the old columns meets the new plan).
  std::vector<cdc::SourceTransaction> batch;
  std::vector<std::pair<int64_t, int64_t>> sizes;  // rows, bytes of each transaction in `batch`
  auto add_to_batch = [&](cdc::SourceTransaction txn) {
    sizes.emplace_back(static_cast<int64_t>(txn.changes.size()), txn.changes.value_bytes());
    if (metrics != nullptr) metrics->OnTaken(txn.commit_time);
    batch.push_back(std::move(txn));
  };
  flush_batch = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    std::map<size_t, state::ChangeCounts> counts;  // per table, as if all are applied
    for (size_t i = 0; i < batch.size(); ++i) {
      cdc::SourceTransaction& t = batch[i];
      if (const int64_t spilled = t.changes.spilled_changes(); spilled > 0) {
        SY_LOG(kInfo, Component::kSorter,
               "transaction committed at " << t.commit_position.text << ": " << t.changes.size()
                                           << " changes, " << spilled
                                           << " of them spilled to disk (MemoryLimitTotal)");
      }
      SY_RETURN_IF_ERROR(filter.Filter(&t));  // counted as captured before this, as always
      if (!task.settings.ddl_handling.handle_source_table_truncated) {
        SY_RETURN_IF_ERROR(LeaveOutTruncates(&t, plans, &counts));
      }
      // Counted here, in the same pass, so a spilled transaction is not read back once more.
      CountChanges(t, &counts);
    }
    Status applied;
    try {
      applied = batch.size() == 1 ? applier.Apply(batch.front()) : applier.ApplyBatch(batch);
    } catch (const cdc::SpillReadError& e) {
      // The target transaction was not committed: resuming reads these changes again.
      applied = Status::IoError(e.what());
    }
    if (!applied.ok()) {
      return applied.WithContext("applying the source transaction(s) committed up to " +
                                 batch.back().commit_position.text +
                                 " (nothing after the last checkpoint was lost; fix and resume)");
    }
    end->applied = true;
    applied_position = batch.back().commit_position.text;
    SY_RETURN_IF_ERROR(source->Confirm(batch.back().commit_position));
    for (size_t i = 0; i < batch.size(); ++i) {
      if (metrics != nullptr)
        metrics->OnApplied(batch[i].commit_time, sizes[i].first, sizes[i].second);
    }
    if (applier.last_skipped()) {
      for (auto& [table, c] : counts)
        c.applied_inserts = c.applied_updates = c.applied_deletes = c.applied_ddls = 0;
    }
    WriteCounts(counts, plans, store);
    batch.clear();
    sizes.clear();
    return Status::Ok();
  };
  const config::ChangeProcessingTuning& tuning = task.settings.change_processing_tuning;
  const bool batch_apply = task.settings.target_metadata.batch_apply_enabled;
  applier.SetApplyMode(batch_apply ? cdc::Applier::ApplyMode::kBatchOptimized
                                   : cdc::Applier::ApplyMode::kTransactional);
  std::optional<control::Command> deferred;       // a reload that must let a handler call go first
  std::vector<cdc::PgTableWatch::Finding> ended;  // found by the watch, to end under a hold
  while (!stop.stop_requested()) {
    while (options.commands != nullptr) {
      auto command = deferred ? std::exchange(deferred, std::nullopt) : options.commands->TryPop();
      if (!command) break;
      if (command->kind == control::Command::Kind::kStopTask) return Status::Ok();
      auto table = FindPlan(plans, *command);
      if (command->kind == control::Command::Kind::kRetryApplyException ||
          command->kind == control::Command::Kind::kResolveApplyException) {
        HandleExceptionCommand(*command, *target, store);
        continue;
      }
      if (command->kind == control::Command::Kind::kSuspendTable && table) {
        applier.Suspend(*table);
        options.active[*table] = false;
        (void)store.SetTableState(command->schema, command->table, state::TableState::kTableError,
                                  "suspended by the operator: changes are not applied; reload "
                                  "the table to bring it back");
        SY_LOG(kWarning, Component::kTargetApply,
               "table " << command->schema << "." << command->table << " suspended");
        continue;
      }
      if ((command->kind == control::Command::Kind::kReloadTable ||
           command->kind == control::Command::Kind::kResumeTable) &&
          table) {
        // The reader stays between two reads from before the reload's snapshot until the
        // stream maps the new plan: no change after the snapshot is decoded with the old one.
        cdc::SourceHold hold(*source);
        if (!hold.held()) {
          deferred = std::move(command);
          break;
        }
        // Resuming a suspended table needs its rows again: the changes it missed are gone.
        // The rows are read as the source has them now, so the table is planned anew from the
        // catalog: after a drop or rename, whatever has the name now; after a restart, the
        // session's plan has the columns of the checkpoint (table_shapes.h), which the source
        // may have changed since. With other columns (or after a schema change), the target
        // table is created anew.
        config::TaskConfig reload_task = task;
        auto fresh = cdc::PlanTableAgain(task, plans[*table]);
        if (!fresh.ok()) {
          SY_LOG(
              kError, Component::kTaskManager,
              "cannot reload " << plans[*table].SourceName() << ": " << fresh.status().message());
          continue;
        }
        if (cdc::ShapeJson(*fresh) != cdc::ShapeJson(plans[*table]))
          options.recreate[*table] = true;
        plans[*table] = std::move(*fresh);
        if (options.recreate[*table]) {
          reload_task.settings.full_load.target_table_prep_mode =
              config::TargetTablePrepMode::kDropAndCreate;
        }
        // Meanwhile the held reader keeps the source alive (a reload can take long).
        Result<Reloaded> reloaded =
            ReloadTable(reload_task, plans[*table], options.state_dir, store, stop);
        if (!reloaded.ok()) {
          if (reloaded.status().code() == StatusCode::kConnectionError) return reloaded.status();
          SY_LOG(kError, Component::kTaskManager, reloaded.status().ToString());
          applier.Suspend(*table);
          options.active[*table] = false;
          continue;
        }
        options.loaded_at[*table] = reloaded->position;
        options.loaded_snapshot[*table] = reloaded->snapshot_xids;
        options.active[*table] = true;
        options.recreate[*table] = false;
        // The load dropped the table's recorded shapes; its plan is the new base.
        SY_RETURN_IF_ERROR(cdc::RecordShape(store, "", plans[*table]));
        SY_RETURN_IF_ERROR(source->PlansChanged());
        filter.SetLoadedAt(*table, reloaded->position);
        applier.Resume(*table);
        continue;
      }
      SY_LOG(kWarning, Component::kTaskManager,
             "command \"" << control::CommandKindName(command->kind) << "\" for " << command->schema
                          << "." << command->table << ": no such table in this task");
    }
    if (table_watch) {
      for (auto& found : table_watch->Poll(plans, applied_position)) ended.push_back(found);
      if (!ended.empty()) {
        cdc::SourceHold hold(*source);  // end_table marks the plan capture_ended
        if (hold.held()) {
          for (const auto& found : std::exchange(ended, {})) {
            SY_RETURN_IF_ERROR(end_table(found.table, found.end));
          }
        }
      }
    }
    SY_ASSIGN_OR_RETURN(auto txn, source->Next());
    if (!txn) {
      if (metrics != nullptr) metrics->OnCaughtUp();
      heartbeat.MaybeBeat();
      continue;
    }
    const auto read_first = std::chrono::steady_clock::now();
    size_t batch_changes = txn->changes.size();
    add_to_batch(std::move(*txn));
    if (batch_apply && tuning.batch_apply_timeout_min > 0) {
      // DMS batch optimized apply: transactions collect for BatchApplyTimeoutMin seconds, or
      // until BatchApplyMemoryLimit MB of values or BatchSplitSize changes, and their net
      // changes go in one target transaction (with 0 s, those the stream already holds).
      const auto until =
          std::chrono::steady_clock::now() + std::chrono::seconds(tuning.batch_apply_timeout_min);
      int64_t bytes = sizes.back().second;
      while (!stop.stop_requested() && std::chrono::steady_clock::now() < until &&
             bytes < (tuning.batch_apply_memory_limit << 20) &&
             (tuning.batch_split_size <= 0 ||
              batch_changes < static_cast<size_t>(tuning.batch_split_size))) {
        SY_ASSIGN_OR_RETURN(auto more, source->Next());
        if (!more) continue;
        batch_changes += more->changes.size();
        add_to_batch(std::move(*more));
        bytes += sizes.back().second;
      }
    } else {
      // Transactions the stream already holds are applied together in one target transaction
      // (checkpoint = the last one): a source that commits small transactions fast costs one
      // target commit per batch, not per transaction. A quiet source gives batches of one.
      while (batch.size() < kBatchTransactions && batch_changes < kBatchChanges) {
        SY_ASSIGN_OR_RETURN(auto more, source->NextIfReady());
        if (!more) break;
        batch_changes += more->changes.size();
        add_to_batch(std::move(*more));
      }
      // DMS MinTransactionSize / CommitTimeout (0 by default here: settings.h): wait for more
      // transactions until the target transaction has that many changes or the time is up.
      const auto until = read_first + std::chrono::seconds(tuning.commit_timeout);
      while (!stop.stop_requested() &&
             batch_changes < static_cast<size_t>(tuning.min_transaction_size) &&
             std::chrono::steady_clock::now() < until) {
        SY_ASSIGN_OR_RETURN(auto more, source->Next());
        if (!more) continue;
        batch_changes += more->changes.size();
        add_to_batch(std::move(*more));
      }
    }
    SY_RETURN_IF_ERROR(flush_batch());
  }
  return Status::Ok();
}

}  // namespace
}  // namespace switchyard::pipeline
