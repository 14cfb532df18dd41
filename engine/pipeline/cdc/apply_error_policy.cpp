#include "engine/pipeline/cdc/apply_error_policy.h"

#include <cstdlib>
#include <string>
#include <utility>

namespace switchyard::pipeline::cdc {
namespace {

// Severity order used to combine a policy with its escalation: the stronger one wins, so an
// escalation to LOG_ERROR turns IGNORE_RECORD into LOG_ERROR but keeps INSERT_RECORD.
int Rank(ApplyErrorAction a) {
  switch (a) {
    case ApplyErrorAction::kIgnoreRecord:
      return 0;
    case ApplyErrorAction::kLogError:
      return 1;
    case ApplyErrorAction::kInsertRecord:
    case ApplyErrorAction::kUpdateRecord:
      return 2;
    case ApplyErrorAction::kSuspendTable:
      return 3;
    case ApplyErrorAction::kStopTask:
      return 4;
  }
  return 4;
}

ApplyErrorAction Stronger(ApplyErrorAction a, ApplyErrorAction b) {
  return Rank(a) >= Rank(b) ? a : b;
}

ApplyErrorAction FromApplyPolicy(config::ApplyErrorPolicy p) {
  switch (p) {
    case config::ApplyErrorPolicy::kIgnoreRecord:
      return ApplyErrorAction::kIgnoreRecord;
    case config::ApplyErrorPolicy::kLogError:
      return ApplyErrorAction::kLogError;
    case config::ApplyErrorPolicy::kSuspendTable:
      return ApplyErrorAction::kSuspendTable;
    case config::ApplyErrorPolicy::kStopTask:
      return ApplyErrorAction::kStopTask;
    case config::ApplyErrorPolicy::kInsertRecord:
      return ApplyErrorAction::kInsertRecord;
    case config::ApplyErrorPolicy::kUpdateRecord:
      return ApplyErrorAction::kUpdateRecord;
  }
  return ApplyErrorAction::kStopTask;
}

ApplyErrorAction FromDataPolicy(config::DataErrorPolicy p) {
  switch (p) {
    case config::DataErrorPolicy::kIgnoreRecord:
      return ApplyErrorAction::kIgnoreRecord;
    case config::DataErrorPolicy::kLogError:
      return ApplyErrorAction::kLogError;
    case config::DataErrorPolicy::kSuspendTable:
      return ApplyErrorAction::kSuspendTable;
    case config::DataErrorPolicy::kStopTask:
      return ApplyErrorAction::kStopTask;
  }
  return ApplyErrorAction::kStopTask;
}

ApplyErrorAction FromTablePolicy(config::TableErrorPolicy p) {
  return p == config::TableErrorPolicy::kSuspendTable ? ApplyErrorAction::kSuspendTable
                                                      : ApplyErrorAction::kStopTask;
}

// The five digits after "(SQLSTATE " in a PostgreSQL error (pg_error.cpp puts it right after
// the primary message, before DETAIL, so a value quoted in DETAIL cannot come first).
std::string SqlState(const std::string& message) {
  const std::string tag = "(SQLSTATE ";
  const size_t at = message.find(tag);
  if (at == std::string::npos || message.size() < at + tag.size() + 5) return "";
  return message.substr(at + tag.size(), 5);
}

// The number after "MySQL error " (mysql_error.cpp), 0 when absent.
unsigned MySqlErrno(const std::string& message) {
  const std::string tag = "MySQL error ";
  const size_t at = message.find(tag);
  if (at == std::string::npos) return 0;
  return static_cast<unsigned>(std::strtoul(message.c_str() + at + tag.size(), nullptr, 10));
}

}  // namespace

std::string_view ApplyErrorActionName(ApplyErrorAction action) {
  switch (action) {
    case ApplyErrorAction::kIgnoreRecord:
      return "IGNORE_RECORD";
    case ApplyErrorAction::kLogError:
      return "LOG_ERROR";
    case ApplyErrorAction::kInsertRecord:
      return "INSERT_RECORD";
    case ApplyErrorAction::kUpdateRecord:
      return "UPDATE_RECORD";
    case ApplyErrorAction::kSuspendTable:
      return "SUSPEND_TABLE";
    case ApplyErrorAction::kStopTask:
      return "STOP_TASK";
  }
  return "?";
}

ApplyErrorKind ClassifyStatementError(const Status& error) {
  if (error.ok() || error.code() == StatusCode::kConnectionError ||
      error.code() == StatusCode::kCancelled) {
    return ApplyErrorKind::kNotApplyError;
  }
  const std::string state = SqlState(error.message());
  if (state == "23505") return ApplyErrorKind::kDuplicateKey;
  // 22: data exception (bad value, out of range); 23: integrity constraint violation.
  if (state.rfind("22", 0) == 0 || state.rfind("23", 0) == 0) return ApplyErrorKind::kDataError;
  switch (MySqlErrno(error.message())) {
    case 1022:  // ER_DUP_KEY
    case 1062:  // ER_DUP_ENTRY
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
      return ApplyErrorKind::kDuplicateKey;
    case 1216:  // ER_NO_REFERENCED_ROW
    case 1217:  // ER_ROW_IS_REFERENCED
    case 1451:  // ER_ROW_IS_REFERENCED_2: a delete or key update the foreign key refuses
    case 1452:  // ER_NO_REFERENCED_ROW_2
    case 3819:  // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
    case 4025:  // ER_CONSTRAINT_FAILED (MariaDB)
      return ApplyErrorKind::kDataError;
    default:
      break;
  }
  // Value errors the endpoint already classified (mysql_error.cpp IsDataErrno, PostgreSQL
  // class 22) and values a column transform rejected.
  if (error.code() == StatusCode::kDataError) return ApplyErrorKind::kDataError;
  return ApplyErrorKind::kNotApplyError;
}

ApplyErrorPolicyTracker::ApplyErrorPolicyTracker(config::ErrorBehavior behavior)
    : behavior_(std::move(behavior)) {}

const ApplyErrorPolicyTracker::Counts& ApplyErrorPolicyTracker::Current(size_t table) const {
  static const Counts kZero;
  if (auto it = pending_.find(table); it != pending_.end()) return it->second;
  if (auto it = committed_.find(table); it != committed_.end()) return it->second;
  return kZero;
}

int64_t ApplyErrorPolicyTracker::apply_conflicts(size_t table) const {
  return Current(table).apply_conflicts;
}

int64_t ApplyErrorPolicyTracker::data_errors(size_t table) const {
  return Current(table).data_errors;
}

ApplyErrorAction ApplyErrorPolicyTracker::Decide(size_t table, ChangeOp op, ApplyErrorKind kind) {
  Counts counts = Current(table);
  const config::ErrorBehavior& b = behavior_;
  const bool insert_conflict = kind == ApplyErrorKind::kDuplicateKey && op == ChangeOp::kInsert;
  const bool update_conflict = kind == ApplyErrorKind::kRowNotFound && op == ChangeOp::kUpdate;
  const bool delete_conflict = kind == ApplyErrorKind::kRowNotFound && op == ChangeOp::kDelete;
  ApplyErrorAction action;
  if (insert_conflict || update_conflict || delete_conflict) {
    config::ApplyErrorPolicy policy = insert_conflict   ? b.apply_error_insert_policy
                                      : update_conflict ? b.apply_error_update_policy
                                                        : b.apply_error_delete_policy;
    // The parser allows INSERT_RECORD for inserts and UPDATE_RECORD for updates only; a
    // programmatic setting out of place is treated as LOG_ERROR rather than guessed at.
    if ((policy == config::ApplyErrorPolicy::kInsertRecord && !insert_conflict) ||
        (policy == config::ApplyErrorPolicy::kUpdateRecord && !update_conflict)) {
      policy = config::ApplyErrorPolicy::kLogError;
    }
    action = FromApplyPolicy(policy);
    ++counts.apply_conflicts;
    if (b.apply_error_escalation_count > 0 &&
        counts.apply_conflicts >= b.apply_error_escalation_count) {
      ApplyErrorAction escalated = FromDataPolicy(b.apply_error_escalation_policy);
      // IGNORE_RECORD is not a valid escalation (settings.h); at least log.
      if (escalated == ApplyErrorAction::kIgnoreRecord) escalated = ApplyErrorAction::kLogError;
      action = Stronger(action, escalated);
    }
  } else {
    action = FromDataPolicy(b.data_error_policy);
    ++counts.data_errors;
    if (b.data_error_escalation_count > 0 && counts.data_errors >= b.data_error_escalation_count) {
      action = Stronger(action, FromTablePolicy(b.data_error_escalation_policy));
    }
  }
  pending_[table] = counts;
  return action;
}

void ApplyErrorPolicyTracker::Commit() {
  for (const auto& [table, counts] : pending_) committed_[table] = counts;
  pending_.clear();
}

void ApplyErrorPolicyTracker::Discard() { pending_.clear(); }

}  // namespace switchyard::pipeline::cdc
