// Applier: writes source transactions to the target with exactly-once effect, and handles the
// changes the target rejects the way DMS ErrorBehavior says (apply exceptions).
//
// Each Apply/ApplyBatch is one target transaction: BEGIN, the row changes (INSERT / UPDATE of
// the changed columns / DELETE by key / TRUNCATE), the checkpoint upsert (control_table.h),
// COMMIT. A source transaction whose commit position is not newer than the stored checkpoint
// was already applied and is skipped, so replay after a crash changes nothing.
//
// Paths, fastest first; each falls back to the next when a change fails, after rolling back:
//   net: the changes of all the transactions are netted per table and key (net_changes.h) and
//     applied as one DELETE per up to 500 keys, multi-row INSERTs, then the updates
//     (PostgreSQL: one UPDATE ... FROM (VALUES) per up to 500 keys that write the same
//     columns; MySQL: one UPDATE per key; keyless tables: every change in order). Taken
//       - in ApplyMode::kBatchOptimized (DMS BatchApplyEnabled) always. Foreign keys between
//         the tables are not ordered for: a violation falls back;
//       - in ApplyMode::kTransactional (the default) when every table the target transaction
//         touches is order-free on the target (order_free_tables.h: no triggers, foreign keys,
//         other unique keys), so the committed result is the one source order gives, and the
//         transactions hold at most kNetChangesMax changes, none spilled (netting copies them).
//     Changes that cannot be netted (net_changes.h) go to the pipelined path instead.
//   pipelined: one statement per change in source order, consecutive inserts
//     into one table as one multi-row INSERT (up to 500 rows / 4 MB), sent up to 1,000
//     statements or about 1 MB per round trip, each statement's row count checked. A failure
//     or a wrong count is redone on the direct path, which finds and reports the change at
//     fault exactly. PostgreSQL targets get prepared statements with text parameters
//     (SqlSession::ExecutePipeline: parsed and planned once per statement shape and session,
//     not per change; the inserts as blocks of a power of two rows, up to 64); TRUNCATE, an
//     update that writes no column and a value with a NUL byte go as literal statements in the
//     same pipeline. MySQL targets get literal statements (SqlSession::ExecuteBatch).
//   direct: statement by statement; a multi-row INSERT runs under a savepoint and, when it
//     fails, its rows are applied one by one so the row at fault reports as it would alone.
//   per change: the slow path for apply exceptions (below).
// stats().slower_path_redos counts the target transactions redone on a slower path.
//
// Keys: the target primary key, taken from `before` when present, else from `after`. Tables
// without a primary key match on every column of `before` (which must be the full old row)
// with IS NULL for NULLs, and change exactly one row (PostgreSQL: ctid subquery; MySQL:
// LIMIT 1). An UPDATE or DELETE that matches no row is a "row not found" DataError.
//
// Apply exceptions (constructed with ApplyErrorHandling; apply_error_policy.h says which
// failures are one change's fault and which policy applies). The fast path has no savepoints.
// When a change fails through its own fault, the target transaction rolls back and is redone
// on a slow path with a SAVEPOINT around each change: the good changes apply, and each bad one
// gets its policy:
//   IGNORE_RECORD  skipped, not recorded;
//   LOG_ERROR      skipped and recorded;
//   INSERT_RECORD  (duplicate insert) the existing row is updated to the inserted values;
//   UPDATE_RECORD  (update of a missing row) the after-image is inserted — impossible when
//                  some column is an unchanged TOAST value, which is then LOG_ERROR;
//                  a fix that fails is LOG_ERROR with both messages;
//   SUSPEND_TABLE  recorded; the table's later changes (in this transaction too) are skipped
//                  until Resume();
//   STOP_TASK      the whole target transaction rolls back (checkpoint included, so a resume
//                  meets the change again) and Apply returns a DataError naming the table,
//                  operation and server message.
// "Recorded" means a row in switchyard_apply_exceptions (apply_exceptions.h), written in the
// same target transaction as the surviving changes and the checkpoint, and the on_exception
// callback once that transaction committed. Not apply errors, returned unchanged with nothing
// committed: connection errors (the caller retries), and anything else not tied to one change
// (missing table, permission, deadlock, a keyless update without the full old row).
// Statements and messages never carry values of secret-looking columns (change_sql.h).
//
// Constructed without ApplyErrorHandling the applier is strict: any failed change rolls back
// the whole target transaction and Apply returns the error (tools and tests that must see it).
//
// Limits: on MySQL, TRUNCATE would commit implicitly, so it is applied as DELETE FROM. Keyless
// matching uses `=`, so keyless tables with columns that have no equality (PostgreSQL json,
// point) or inexact floats cannot be matched reliably. Escalation counts and suspended tables
// live in the Applier: the caller restores suspensions on restart (Suspend) from its table
// states.
//
// Ownership and threads: the session and plans are borrowed and must outlive the Applier; one
// thread at a time (Suspend/Resume/IsSuspended included); the session must not be in a
// transaction when Apply is called. One Applier per task at a time (the checkpoint row is read
// FOR UPDATE, so a second one would serialize).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/config/settings.h"
#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/cdc/apply_error_policy.h"
#include "engine/pipeline/cdc/apply_exceptions.h"
#include "engine/pipeline/cdc/change_event.h"
#include "engine/pipeline/cdc/change_sql.h"
#include "engine/pipeline/cdc/net_changes.h"
#include "engine/pipeline/cdc/order_free_tables.h"
#include "engine/pipeline/table_plan.h"
#include "engine/state/records.h"

namespace switchyard::pipeline::cdc {

struct ApplyStats {
  int64_t transactions_applied = 0;
  int64_t transactions_skipped = 0;  // position not newer than the checkpoint
  int64_t inserts = 0;
  int64_t updates = 0;
  int64_t deletes = 0;
  int64_t truncates = 0;
  int64_t unchanged_toast_updates = 0;  // updates that left at least one column untouched
  int64_t apply_errors = 0;             // failed changes handled by policy (IGNORE_RECORD too)
  int64_t suspended_skips = 0;          // changes of suspended tables not applied
  int64_t slower_path_redos = 0;        // target transactions rolled back and redone slower
  int64_t netted_transactions = 0;      // target transactions committed by the net path
};

// Called for every recorded apply exception (every action but IGNORE_RECORD), on the applying
// thread: after the target transaction that holds it committed, or — STOP_TASK — just before
// Apply returns with nothing committed. `record` has the source table names, operation,
// statement and values (secret-looking columns left out), error, source position and
// ApplyErrorActionName(action); id and time are left to the state store. What the caller does:
//   every action: StateStore::RecordApplyException(record) (INSERT_RECORD / UPDATE_RECORD are
//                 already fixed on the target; the caller may resolve them at once);
//   kSuspendTable: set the table to "Table error" with record.error (the applier already skips
//                 it; call Suspend again after a restart);
//   kStopTask:    nothing more here: Apply returns the error, the caller stops the task.
// Must not throw; must not call Apply.
using ApplyExceptionCallback =
    std::function<void(const state::ApplyExceptionRecord& record, ApplyErrorAction action)>;

struct ApplyErrorHandling {
  config::ErrorBehavior behavior;       // TaskSettings::error_behavior
  ApplyExceptionCallback on_exception;  // may be empty
};

class Applier {
 public:
  // Strict: every failed change stops the apply (see the file comment).
  Applier(endpoints::SqlSession* target, std::string task_name,
          config::ControlTablesSettings control, const std::vector<TablePlan>* plans);
  // Apply exceptions handled per `handling.behavior`.
  Applier(endpoints::SqlSession* target, std::string task_name,
          config::ControlTablesSettings control, const std::vector<TablePlan>* plans,
          ApplyErrorHandling handling);
  Applier(const Applier&) = delete;
  Applier& operator=(const Applier&) = delete;

  // Creates the control tables (switchyard_status, switchyard_apply_exceptions) if missing.
  // Call once before the first Apply (MySQL DDL commits).
  Status Prepare();

  // Applies one source transaction in one target transaction. OK with last_skipped() true when
  // it was already applied.
  Status Apply(const SourceTransaction& txn);
  // Several source transactions (in commit order) in one target transaction, checkpoint = the
  // last one; those not newer than the checkpoint are skipped. All or nothing.
  Status ApplyBatch(const std::vector<SourceTransaction>& txns);

  // Tables (indexes into the plans) whose changes are skipped: SUSPEND_TABLE, or the caller's
  // own decision (a table in "Table error" after a restart). Resume does not bring back the
  // changes skipped meanwhile: the table needs a reload.
  bool IsSuspended(size_t table) const { return suspended_.count(table) > 0; }
  void Suspend(size_t table) { suspended_.insert(table); }
  void Resume(size_t table) { suspended_.erase(table); }

  // How the changes of one target transaction are written (see the file comment).
  enum class ApplyMode {
    kTransactional,   // the committed state of source order; netted where no one can tell
    kBatchOptimized,  // DMS BatchApplyEnabled: netted per key across the transactions
    kChangeByChange,  // every change in source order (tests of that path, comparisons)
  };
  void SetApplyMode(ApplyMode mode) { mode_ = mode; }

  bool last_skipped() const { return last_skipped_; }
  const ApplyStats& stats() const { return stats_; }

 private:
  struct ChangeFailure;
  struct Attempt;
  class Pipe;
  enum class Path { kNet, kPipelined, kDirect, kPerChange };

  Status ApplyPointers(const std::vector<const SourceTransaction*>& txns);
  // The path to try first for `txns` (see the file comment): reads the target catalog now and
  // then in ApplyMode::kTransactional.
  Result<Path> FirstPath(const std::vector<const SourceTransaction*>& txns);
  Status ApplyInTransaction(const std::vector<const SourceTransaction*>& txns, Path path,
                            ApplyStats* delta, Attempt* attempt);
  // The direct and per-change paths' statements for `todo`, run one at a time.
  Status ApplyOneByOne(const std::vector<const SourceTransaction*>& todo, bool per_change,
                       ApplyStats* delta, Attempt* attempt);
  // The pipelined and net paths' statements for `todo`, queued on `pipe`.
  Status QueueInOrder(const std::vector<const SourceTransaction*>& todo, ApplyStats* delta,
                      Pipe* pipe);
  // One run of inserts into one table: one multi-row INSERT with literals; or, on PostgreSQL,
  // prepared INSERTs of a power of two rows each (up to kPreparedInsertRows).
  Status QueueInserts(const std::vector<const std::vector<ChangeValue>*>& rows,
                      const ChangeSqlBuilder& b, Pipe* pipe) const;
  Status QueuePreparedInserts(const std::vector<const std::vector<ChangeValue>*>& rows,
                              const ChangeSqlBuilder& b, Pipe* pipe) const;
  // ChangeStatement with parameters, to run as a prepared statement (PostgreSQL).
  // Unsupported: take ChangeStatement's (TRUNCATE, an update that writes no column, a value a
  // parameter cannot carry).
  Status PreparedChangeStatement(const RowChange& change, const ChangeSqlBuilder& b,
                                 endpoints::PipelinedStatement* statement, int64_t* expect,
                                 bool* any_unchanged) const;
  Status QueueNet(const std::vector<const SourceTransaction*>& todo, ApplyStats* delta, Pipe* pipe);
  // The net updates of one table (NetRow::Op::kUpdate rows), bulk where the target allows.
  Status QueueNetUpdates(const NetTable& table, const ChangeSqlBuilder& b, ApplyStats* delta,
                         Pipe* pipe);
  // The statement for one change and the row count it must report (-1: any).
  Status ChangeStatement(const RowChange& change, const ChangeSqlBuilder& b, SqlText* sql,
                         int64_t* expect, bool* any_unchanged) const;
  Status ApplyWithSavepoint(const SourceTransaction& txn, const RowChange& change,
                            ApplyStats* delta, Attempt* attempt);
  Status HandleFailedChange(const SourceTransaction& txn, const RowChange& change,
                            const ChangeFailure& failure, ApplyStats* delta, Attempt* attempt);
  Status ApplyChange(const RowChange& change, ApplyStats* delta, ChangeFailure* failure);
  // changes[begin, end): inserts into one table, as one multi-row INSERT (fast path only).
  Status ApplyInserts(const ChangeList& changes, size_t begin, size_t end, ApplyStats* delta,
                      Attempt* attempt);
  Status Rollback(Status cause);

  static constexpr size_t kInsertBatchRows = 500;
  static constexpr size_t kInsertBatchBytes = 4 << 20;
  static constexpr size_t kDeleteBatchKeys = 500;
  static constexpr size_t kPreparedInsertRows = 64;
  // Transactional apply nets at most this many changes per target transaction: a large
  // transaction is inserts mostly, which the pipelined path already sends as multi-row INSERTs.
  static constexpr size_t kNetChangesMax = 50000;
  void Notify(const state::ApplyExceptionRecord& record, ApplyErrorAction action) const;

  endpoints::SqlSession* target_;
  std::string task_name_;
  config::ControlTablesSettings control_;
  const std::vector<TablePlan>* plans_;
  std::optional<ApplyErrorHandling> handling_;  // nullopt: strict
  std::optional<ApplyErrorPolicyTracker> tracker_;
  std::set<size_t> suspended_;
  ApplyMode mode_ = ApplyMode::kTransactional;
  OrderFreeTables order_free_;
  bool last_skipped_ = false;
  // The checkpoint on the target as of this applier's last transaction; unset when unknown
  // (before the first one, after a failure). See ApplyInTransaction.
  std::optional<std::string> known_checkpoint_;
  ApplyStats stats_;
};

}  // namespace switchyard::pipeline::cdc
