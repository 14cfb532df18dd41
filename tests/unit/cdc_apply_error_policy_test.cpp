// Which failed changes are apply exceptions and what ErrorBehavior does with each: DMS defaults,
// INSERT_RECORD / UPDATE_RECORD only for their own conflict, escalation per table counted as DMS
// counts it, and counts of a rolled-back transaction forgotten.
#include <gtest/gtest.h>

#include "engine/pipeline/cdc/apply_error_policy.h"

namespace switchyard::pipeline::cdc {
namespace {

using config::ApplyErrorPolicy;
using config::DataErrorPolicy;
using config::TableErrorPolicy;
using A = ApplyErrorAction;
using K = ApplyErrorKind;

TEST(CdcApplyErrorClassify, PostgresSqlStatesDecideTheKind) {
  EXPECT_EQ(ClassifyStatementError(Status::DatabaseError(
                "statement failed: duplicate key value violates unique constraint \"t_pkey\" "
                "(SQLSTATE 23505); DETAIL: Key (id)=(1) already exists. [pg 127.0.0.1:5432]")),
            K::kDuplicateKey);
  EXPECT_EQ(ClassifyStatementError(Status::DatabaseError(
                "statement failed: insert or update on table \"c\" violates foreign key "
                "constraint \"c_p_fkey\" (SQLSTATE 23503)")),
            K::kDataError);
  EXPECT_EQ(ClassifyStatementError(Status::DataError(
                "statement failed: invalid input syntax for type integer: \"x\" (SQLSTATE 22P02)")),
            K::kDataError);
  EXPECT_EQ(ClassifyStatementError(Status::DatabaseError(
                "statement failed: relation \"app.t\" does not exist (SQLSTATE 42P01)")),
            K::kNotApplyError);
  EXPECT_EQ(ClassifyStatementError(
                Status::DatabaseError("statement failed: deadlock detected (SQLSTATE 40P01)")),
            K::kNotApplyError);
}

TEST(CdcApplyErrorClassify, MySqlErrnosDecideTheKind) {
  EXPECT_EQ(ClassifyStatementError(Status::DataError(
                "statement failed: MySQL error 1062: Duplicate entry '1' for key 'PRIMARY' (db)")),
            K::kDuplicateKey);
  EXPECT_EQ(ClassifyStatementError(Status::DatabaseError(
                "statement failed: MySQL error 1451: Cannot delete or update a parent row (db)")),
            K::kDataError);
  EXPECT_EQ(ClassifyStatementError(Status::DataError(
                "statement failed: MySQL error 1406: Data too long for column 'c' (db)")),
            K::kDataError);
  EXPECT_EQ(ClassifyStatementError(Status::DatabaseError(
                "statement failed: MySQL error 1146: Table 'db.t' doesn't exist (db)")),
            K::kNotApplyError);
}

TEST(CdcApplyErrorClassify, ConnectionErrorsAreNeverApplyErrors) {
  EXPECT_EQ(ClassifyStatementError(Status::ConnectionError(
                "statement failed: MySQL error 1062: Duplicate entry (SQLSTATE 23505)")),
            K::kNotApplyError);
  EXPECT_EQ(ClassifyStatementError(Status::Ok()), K::kNotApplyError);
  // A value a column transform refused carries no server code, only kDataError.
  EXPECT_EQ(ClassifyStatementError(Status::DataError("bytea value has a non-hex digit")),
            K::kDataError);
}

TEST(CdcApplyErrorPolicy, DmsDefaultsLogConflictsAndIgnoreMissingDeletes) {
  ApplyErrorPolicyTracker t{config::ErrorBehavior()};
  EXPECT_EQ(t.Decide(0, ChangeOp::kInsert, K::kDuplicateKey), A::kLogError);
  EXPECT_EQ(t.Decide(0, ChangeOp::kUpdate, K::kRowNotFound), A::kLogError);
  EXPECT_EQ(t.Decide(0, ChangeOp::kDelete, K::kRowNotFound), A::kIgnoreRecord);
  EXPECT_EQ(t.Decide(0, ChangeOp::kInsert, K::kDataError), A::kLogError);
  EXPECT_EQ(t.apply_conflicts(0), 3);
  EXPECT_EQ(t.data_errors(0), 1);
}

TEST(CdcApplyErrorPolicy, EachConflictHasItsOwnPolicyAndOtherErrorsTheDataPolicy) {
  config::ErrorBehavior b;
  b.apply_error_insert_policy = ApplyErrorPolicy::kInsertRecord;
  b.apply_error_update_policy = ApplyErrorPolicy::kUpdateRecord;
  b.apply_error_delete_policy = ApplyErrorPolicy::kStopTask;
  b.data_error_policy = DataErrorPolicy::kSuspendTable;
  ApplyErrorPolicyTracker t(b);
  EXPECT_EQ(t.Decide(0, ChangeOp::kInsert, K::kDuplicateKey), A::kInsertRecord);
  EXPECT_EQ(t.Decide(0, ChangeOp::kUpdate, K::kRowNotFound), A::kUpdateRecord);
  EXPECT_EQ(t.Decide(0, ChangeOp::kDelete, K::kRowNotFound), A::kStopTask);
  // An update that would duplicate a key is no insert conflict: DataErrorPolicy.
  EXPECT_EQ(t.Decide(0, ChangeOp::kUpdate, K::kDuplicateKey), A::kSuspendTable);
  EXPECT_EQ(t.Decide(0, ChangeOp::kInsert, K::kDataError), A::kSuspendTable);
}

TEST(CdcApplyErrorPolicy, RecordFixesOutOfPlaceAreLoggedNotGuessed) {
  config::ErrorBehavior b;
  b.apply_error_delete_policy = ApplyErrorPolicy::kInsertRecord;  // the parser never allows it
  ApplyErrorPolicyTracker t(b);
  EXPECT_EQ(t.Decide(0, ChangeOp::kDelete, K::kRowNotFound), A::kLogError);
}

TEST(CdcApplyErrorPolicy, EscalationCountsConflictsPerTableIgnoredOnesIncluded) {
  config::ErrorBehavior b;
  b.apply_error_escalation_count = 3;
  b.apply_error_escalation_policy = DataErrorPolicy::kSuspendTable;
  ApplyErrorPolicyTracker t(b);
  EXPECT_EQ(t.Decide(1, ChangeOp::kDelete, K::kRowNotFound), A::kIgnoreRecord);
  EXPECT_EQ(t.Decide(1, ChangeOp::kUpdate, K::kRowNotFound), A::kLogError);
  EXPECT_EQ(t.Decide(2, ChangeOp::kDelete, K::kRowNotFound), A::kIgnoreRecord);  // other table
  EXPECT_EQ(t.Decide(1, ChangeOp::kDelete, K::kRowNotFound), A::kSuspendTable);  // third
  EXPECT_EQ(t.Decide(1, ChangeOp::kDelete, K::kRowNotFound), A::kSuspendTable);  // and later
  // Data errors have their own count.
  EXPECT_EQ(t.Decide(1, ChangeOp::kInsert, K::kDataError), A::kLogError);
}

TEST(CdcApplyErrorPolicy, EscalationToLogErrorLogsIgnoredRecordsButKeepsRecordFixes) {
  config::ErrorBehavior b;
  b.apply_error_escalation_count = 1;
  b.apply_error_escalation_policy = DataErrorPolicy::kLogError;
  b.apply_error_insert_policy = ApplyErrorPolicy::kInsertRecord;
  ApplyErrorPolicyTracker t(b);
  EXPECT_EQ(t.Decide(0, ChangeOp::kDelete, K::kRowNotFound), A::kLogError);
  EXPECT_EQ(t.Decide(0, ChangeOp::kInsert, K::kDuplicateKey), A::kInsertRecord);
}

TEST(CdcApplyErrorPolicy, DataErrorEscalationStopsTheTask) {
  config::ErrorBehavior b;
  b.data_error_escalation_count = 2;
  b.data_error_escalation_policy = TableErrorPolicy::kStopTask;
  ApplyErrorPolicyTracker t(b);
  EXPECT_EQ(t.Decide(0, ChangeOp::kInsert, K::kDataError), A::kLogError);
  EXPECT_EQ(t.Decide(0, ChangeOp::kInsert, K::kDataError), A::kStopTask);
}

TEST(CdcApplyErrorPolicy, ZeroCountNeverEscalates) {
  config::ErrorBehavior b;
  b.apply_error_escalation_count = 0;
  b.apply_error_escalation_policy = DataErrorPolicy::kStopTask;
  ApplyErrorPolicyTracker t(b);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(t.Decide(0, ChangeOp::kDelete, K::kRowNotFound), A::kIgnoreRecord);
  }
}

TEST(CdcApplyErrorPolicy, RolledBackDecisionsAreNotCountedTwice) {
  config::ErrorBehavior b;
  b.apply_error_escalation_count = 2;
  b.apply_error_escalation_policy = DataErrorPolicy::kStopTask;
  ApplyErrorPolicyTracker t(b);
  EXPECT_EQ(t.Decide(0, ChangeOp::kUpdate, K::kRowNotFound), A::kLogError);
  t.Commit();
  EXPECT_EQ(t.Decide(0, ChangeOp::kUpdate, K::kRowNotFound), A::kStopTask);
  t.Discard();  // the transaction rolled back: the same change comes again on resume
  EXPECT_EQ(t.apply_conflicts(0), 1);
  EXPECT_EQ(t.Decide(0, ChangeOp::kUpdate, K::kRowNotFound), A::kStopTask);
}

TEST(CdcApplyErrorPolicy, ActionsAreSpelledAsDmsPolicies) {
  EXPECT_EQ(ApplyErrorActionName(A::kIgnoreRecord), "IGNORE_RECORD");
  EXPECT_EQ(ApplyErrorActionName(A::kLogError), "LOG_ERROR");
  EXPECT_EQ(ApplyErrorActionName(A::kInsertRecord), "INSERT_RECORD");
  EXPECT_EQ(ApplyErrorActionName(A::kUpdateRecord), "UPDATE_RECORD");
  EXPECT_EQ(ApplyErrorActionName(A::kSuspendTable), "SUSPEND_TABLE");
  EXPECT_EQ(ApplyErrorActionName(A::kStopTask), "STOP_TASK");
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
