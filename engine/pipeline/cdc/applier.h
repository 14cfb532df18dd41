// Applier: writes source transactions to the target with exactly-once effect.
//
// Each Apply/ApplyBatch is one target transaction: BEGIN, the row changes (INSERT / UPDATE of
// the changed columns / DELETE by key / TRUNCATE), the checkpoint upsert (control_table.h),
// COMMIT. A source transaction whose commit position is not newer than the stored checkpoint
// was already applied and is skipped, so replay after a crash changes nothing.
//
// Keys: the target primary key, taken from `before` when present, else from `after`. Tables
// without a primary key match on every column of `before` (which must be the full old row)
// with IS NULL for NULLs, and change exactly one row (PostgreSQL: ctid subquery; MySQL:
// LIMIT 1). An UPDATE or DELETE that matches no row is a DataError "row not found"; a value the
// column's transform rejects is a DataError; a statement the target refuses keeps its code.
// Each of these rolls back the whole target transaction (checkpoint included) and the message
// carries the statement text with its values. Routing to apply-exception handling and
// ErrorBehavior is the caller's job.
//
// Limits: on MySQL, TRUNCATE would commit implicitly, so it is applied as DELETE FROM. Keyless
// matching uses `=`, so keyless tables with columns that have no equality (PostgreSQL json,
// point) or inexact floats cannot be matched reliably.
//
// Ownership and threads: the session and plans are borrowed and must outlive the Applier; one
// thread at a time; the session must not be in a transaction when Apply is called. One Applier
// per task at a time (the checkpoint row is read FOR UPDATE, so a second one would serialize).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config/settings.h"
#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/cdc/change_event.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline::cdc {

struct ApplyStats {
  int64_t transactions_applied = 0;
  int64_t transactions_skipped = 0;  // position not newer than the checkpoint
  int64_t inserts = 0;
  int64_t updates = 0;
  int64_t deletes = 0;
  int64_t truncates = 0;
  int64_t unchanged_toast_updates = 0;  // updates that left at least one column untouched
};

class Applier {
 public:
  Applier(endpoints::SqlSession* target, std::string task_name,
          config::ControlTablesSettings control, const std::vector<TablePlan>* plans);
  Applier(const Applier&) = delete;
  Applier& operator=(const Applier&) = delete;

  // Creates the control table if missing. Call once before the first Apply (MySQL DDL commits).
  Status Prepare();

  // Applies one source transaction in one target transaction. OK with last_skipped() true when
  // it was already applied.
  Status Apply(const SourceTransaction& txn);
  // Several source transactions (in commit order) in one target transaction, checkpoint = the
  // last one; those not newer than the checkpoint are skipped. All or nothing.
  Status ApplyBatch(const std::vector<SourceTransaction>& txns);

  bool last_skipped() const { return last_skipped_; }
  const ApplyStats& stats() const { return stats_; }

 private:
  Status ApplyPointers(const std::vector<const SourceTransaction*>& txns);
  Status ApplyInTransaction(const std::vector<const SourceTransaction*>& txns, ApplyStats* delta);
  Status ApplyChange(const RowChange& change, ApplyStats* delta);
  Status Rollback(Status cause);

  endpoints::SqlSession* target_;
  std::string task_name_;
  config::ControlTablesSettings control_;
  const std::vector<TablePlan>* plans_;
  bool last_skipped_ = false;
  ApplyStats stats_;
};

}  // namespace switchyard::pipeline::cdc
