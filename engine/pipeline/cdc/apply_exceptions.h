// Apply exceptions on the target and their retry: the records the applier keeps of the changes
// it could not apply as they came (apply_error_policy.h decides what happens to them).
//
// `switchyard_apply_exceptions` (DMS: awsdms_apply_exceptions) lives in the control schema next
// to switchyard_status (control_table.h). One row per recorded change, inserted in the same
// target transaction as the changes that did apply and the checkpoint, so it is there exactly
// when that transaction committed. Columns: id, task_name, table_schema and table_name (target
// names), error_time (UTC), source_position (commit position of the source transaction),
// action (LOG_ERROR, SUSPEND_TABLE, INSERT_RECORD, UPDATE_RECORD), statement, error. The
// statement and error never hold values of secret-looking columns (change_sql.h) and are made
// valid UTF-8 without NUL bytes so that the row itself cannot be refused.
//
// Functions take a borrowed session and run on the caller's thread.
#pragma once

#include <string>
#include <vector>

#include "engine/common/status.h"
#include "engine/config/settings.h"
#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/cdc/change_event.h"
#include "engine/pipeline/table_plan.h"
#include "engine/state/records.h"

namespace switchyard::pipeline::cdc {

inline constexpr char kApplyExceptionsTable[] = "switchyard_apply_exceptions";

// Creates switchyard_apply_exceptions if missing (the control schema must exist: call after
// EnsureControlTable). MySQL DDL commits: never inside an open apply transaction.
Status EnsureApplyExceptionsTable(endpoints::SqlSession& session,
                                  const config::ControlTablesSettings& settings);

// The INSERT of one record into switchyard_apply_exceptions (time = now, UTC).
std::string ApplyExceptionInsertSql(const endpoints::SqlSession& session,
                                    const config::ControlTablesSettings& settings,
                                    const std::string& task, const TablePlan& plan,
                                    const state::ApplyExceptionRecord& record);

// The change's values as a JSON object {target column: text | null}: the after-image of an
// insert or update, the old row (or key) of a delete. Columns whose name looks like a secret
// and unchanged TOAST values are left out; bytes that are not UTF-8 become U+FFFD.
std::string ChangeValuesJson(const TablePlan& plan, const RowChange& change);

// A server or transform message fit for a record: every occurrence of a secret value (at least
// 3 bytes; shorter ones would mask unrelated text) replaced by <redacted>, and when the table
// has secret columns, PostgreSQL's "Failing row contains (...)" detail (the whole row) dropped.
std::string ScrubErrorMessage(std::string message, const std::vector<std::string>& secret_values,
                              bool table_has_secret_columns);

// Runs a recorded statement again, in its own target transaction, for an operator who fixed the
// cause (the missing parent row, the conflicting key). The change is applied out of order —
// after everything the task applied since — so whether that is still right is the operator's
// call, not the engine's. Refuses (InvalidArgument, nothing run) a statement with values left
// out: <redacted> for a secret-looking column, or "***" where the state store masked text that
// looked like a credential. An UPDATE or DELETE that changes no row rolls back and is a
// DataError (on MySQL an UPDATE to identical values also counts as no row). The session must
// not be in a transaction. On OK the caller marks the record resolved
// (StateStore::ResolveApplyException(id, "RETRIED")).
Status RetryApplyException(endpoints::SqlSession& target,
                           const state::ApplyExceptionRecord& record);

}  // namespace switchyard::pipeline::cdc
