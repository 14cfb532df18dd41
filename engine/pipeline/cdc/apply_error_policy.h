// What the applier does with a change the target rejects (DMS "apply exceptions"): which
// failures are one change's fault, and which ErrorBehavior policy answers each of them.
//
// Kinds of failure and the setting that decides (DMS ErrorBehavior):
//   insert that hits a duplicate key       -> ApplyErrorInsertPolicy
//   update whose row is missing            -> ApplyErrorUpdatePolicy
//   delete whose row is missing            -> ApplyErrorDeletePolicy
//   any other row-level rejection (a value the target or the column's transform refuses, a
//   foreign key / check / not-null violation, an update that would duplicate a key)
//                                          -> DataErrorPolicy
// Everything else (connection lost, table missing, permission, deadlock) is not one change's
// fault and is returned to the caller unchanged.
//
// Escalation, as DMS counts it, per table: the table's ApplyErrorEscalationCount-th apply
// conflict (the first three kinds, IGNORE_RECORD ones included) and every later one get
// ApplyErrorEscalationPolicy; the DataErrorEscalationCount-th data error and later ones get
// DataErrorEscalationPolicy. A count of 0 never escalates. Counts live in memory: they restart
// with the task.
//
// ApplyErrorPolicyTracker is plain state owned by one Applier (one thread). Decisions taken
// during a target transaction are tentative until Commit(); Discard() forgets them when the
// transaction rolls back, so a retried transaction is not counted twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

#include "engine/common/status.h"
#include "engine/config/settings.h"
#include "engine/pipeline/cdc/change_event.h"

namespace switchyard::pipeline::cdc {

enum class ApplyErrorKind {
  kNotApplyError,  // not one change's fault: the caller's problem (retry, table/task error)
  kDuplicateKey,   // the target already has a row with this key
  kRowNotFound,    // an update or delete matched no row
  kDataError,      // a value or constraint the target (or the column's transform) refuses
};

// What was done with a failed change. Spelled as DMS spells the policy (ApplyErrorActionName).
enum class ApplyErrorAction {
  kIgnoreRecord,  // skipped, not recorded
  kLogError,      // skipped and recorded
  kInsertRecord,  // duplicate insert: the existing row was updated to the inserted values
  kUpdateRecord,  // update of a missing row: the new row was inserted
  kSuspendTable,  // skipped and recorded; the table's later changes are skipped too
  kStopTask,      // the whole target transaction rolled back; the task must stop
};

std::string_view ApplyErrorActionName(ApplyErrorAction action);

// Classifies a failed statement by the server's error: PostgreSQL SQLSTATE class 22/23
// (23505 is a duplicate key), MySQL/MariaDB duplicate-key, foreign-key, check and value errnos,
// and any kDataError (a rejected value). Connection errors are never apply errors.
ApplyErrorKind ClassifyStatementError(const Status& error);

class ApplyErrorPolicyTracker {
 public:
  explicit ApplyErrorPolicyTracker(config::ErrorBehavior behavior);

  // The action for one failed change of table `table` (counted tentatively). `kind` must not be
  // kNotApplyError. INSERT_RECORD / UPDATE_RECORD are returned only for their own conflict.
  ApplyErrorAction Decide(size_t table, ChangeOp op, ApplyErrorKind kind);
  // Keeps / forgets the counts of decisions since the last Commit or Discard.
  void Commit();
  void Discard();

  int64_t apply_conflicts(size_t table) const;
  int64_t data_errors(size_t table) const;

 private:
  struct Counts {
    int64_t apply_conflicts = 0;
    int64_t data_errors = 0;
  };
  const Counts& Current(size_t table) const;

  const config::ErrorBehavior behavior_;
  std::map<size_t, Counts> committed_;
  std::map<size_t, Counts> pending_;  // counts including the open transaction's decisions
};

}  // namespace switchyard::pipeline::cdc
