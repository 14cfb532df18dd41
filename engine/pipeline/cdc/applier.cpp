#include "engine/pipeline/cdc/applier.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "engine/logging/iso_time.h"
#include "engine/pipeline/cdc/change_sql.h"
#include "engine/pipeline/cdc/control_table.h"
#include "engine/pipeline/cdc/position.h"

namespace switchyard::pipeline::cdc {
namespace {

using catalog::Engine;

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// Target columns whose value in `image` is an unchanged TOAST value, comma-separated.
std::string UnchangedColumns(const TablePlan& plan, const std::vector<ChangeValue>& image) {
  std::string out;
  for (size_t i = 0; i < image.size() && i < plan.target.columns.size(); ++i) {
    if (image[i].kind != ChangeValue::kUnchanged) continue;
    if (!out.empty()) out += ", ";
    out += plan.target.columns[i].target_name;
  }
  return out;
}

}  // namespace

// Why one change failed, for the policy: what kind of failure, the statement as it may be
// shown, and the server's (or transform's) message without our context, scrubbed of secrets.
struct Applier::ChangeFailure {
  ApplyErrorKind kind = ApplyErrorKind::kNotApplyError;
  std::string statement;
  std::string error;
};

// What one attempt at a target transaction decided; it takes effect only if it commits.
struct Applier::Attempt {
  bool redo_per_change = false;  // the fast path failed through one change's fault
  std::vector<std::pair<state::ApplyExceptionRecord, ApplyErrorAction>> recorded;
  std::set<size_t> suspended;
  std::optional<state::ApplyExceptionRecord> stopped_by;  // STOP_TASK
};

Applier::Applier(endpoints::SqlSession* target, std::string task_name,
                 config::ControlTablesSettings control, const std::vector<TablePlan>* plans)
    : target_(target),
      task_name_(std::move(task_name)),
      control_(std::move(control)),
      plans_(plans) {}

Applier::Applier(endpoints::SqlSession* target, std::string task_name,
                 config::ControlTablesSettings control, const std::vector<TablePlan>* plans,
                 ApplyErrorHandling handling)
    : Applier(target, std::move(task_name), std::move(control), plans) {
  tracker_.emplace(handling.behavior);
  handling_ = std::move(handling);
}

Status Applier::Prepare() {
  SY_RETURN_IF_ERROR(EnsureControlTable(*target_, control_));
  return EnsureApplyExceptionsTable(*target_, control_);
}

Status Applier::Apply(const SourceTransaction& txn) { return ApplyPointers({&txn}); }

Status Applier::ApplyBatch(const std::vector<SourceTransaction>& txns) {
  std::vector<const SourceTransaction*> ptrs;
  ptrs.reserve(txns.size());
  for (const auto& t : txns) ptrs.push_back(&t);
  return ApplyPointers(ptrs);
}

void Applier::Notify(const state::ApplyExceptionRecord& record, ApplyErrorAction action) const {
  if (handling_ && handling_->on_exception) handling_->on_exception(record, action);
}

Status Applier::ApplyPointers(const std::vector<const SourceTransaction*>& txns) {
  last_skipped_ = false;
  ApplyStats delta;
  Attempt attempt;
  Status st = ApplyInTransaction(txns, /*per_change=*/false, &delta, &attempt);
  if (!st.ok() && attempt.redo_per_change) {
    delta = ApplyStats();
    attempt = Attempt();
    st = ApplyInTransaction(txns, /*per_change=*/true, &delta, &attempt);
  }
  if (!st.ok()) {
    if (tracker_) tracker_->Discard();
    if (attempt.stopped_by) Notify(*attempt.stopped_by, ApplyErrorAction::kStopTask);
    return st;
  }
  // Counted only once the target transaction committed.
  if (tracker_) tracker_->Commit();
  suspended_.insert(attempt.suspended.begin(), attempt.suspended.end());
  stats_.transactions_applied += delta.transactions_applied;
  stats_.transactions_skipped += delta.transactions_skipped;
  stats_.inserts += delta.inserts;
  stats_.updates += delta.updates;
  stats_.deletes += delta.deletes;
  stats_.truncates += delta.truncates;
  stats_.unchanged_toast_updates += delta.unchanged_toast_updates;
  stats_.apply_errors += delta.apply_errors;
  stats_.suspended_skips += delta.suspended_skips;
  for (const auto& [record, action] : attempt.recorded) Notify(record, action);
  return Status::Ok();
}

Status Applier::Rollback(Status cause) {
  // A failed ROLLBACK (connection gone) changes nothing about what to report: the server
  // discards the open transaction when the connection closes.
  (void)target_->Execute("ROLLBACK");
  return cause;
}

Status Applier::ApplyInTransaction(const std::vector<const SourceTransaction*>& txns,
                                   bool per_change, ApplyStats* delta, Attempt* attempt) {
  if (txns.empty()) return Status::Ok();
  const Engine e = target_->engine();
  SY_RETURN_IF_ERROR(target_->Execute(e == Engine::kPostgres ? "BEGIN" : "START TRANSACTION"));
  auto stored = ReadCheckpoint(*target_, control_, task_name_, /*lock=*/true);
  if (!stored.ok()) return Rollback(stored.status().WithContext("reading the checkpoint"));

  // Keep the transactions newer than the checkpoint; they must be in commit order.
  std::vector<const SourceTransaction*> todo;
  std::string last = stored->has_value() ? (*stored)->position.text : std::string();
  for (const SourceTransaction* t : txns) {
    if (!last.empty()) {
      auto cmp = ComparePositions(t->commit_position.text, last);
      if (!cmp.ok()) return Rollback(cmp.status());
      if (*cmp <= 0) {
        if (!todo.empty()) {
          return Rollback(Status::InvalidArgument(
              "source transactions out of order: " + t->commit_position.text + " after " + last));
        }
        ++delta->transactions_skipped;
        continue;
      }
    } else {
      auto parsed = ParsePosition(t->commit_position.text);
      if (!parsed.ok()) return Rollback(parsed.status());
    }
    todo.push_back(t);
    last = t->commit_position.text;
  }
  if (todo.empty()) {
    last_skipped_ = true;
    return Rollback(Status::Ok());
  }
  for (const SourceTransaction* t : todo) {
    for (size_t i = 0; i < t->changes.size(); ++i) {
      const RowChange& ch = t->changes[i];
      if (IsSuspended(ch.table) || attempt->suspended.count(ch.table) > 0) {
        ++delta->suspended_skips;
        continue;
      }
      if (!per_change && ch.op == ChangeOp::kInsert) {
        // Consecutive inserts into one table go as one multi-row INSERT: a large transaction
        // costs a few round trips per batch, not one per row.
        size_t end = i + 1;
        size_t bytes = 0;
        while (end < t->changes.size() && end - i < kInsertBatchRows && bytes < kInsertBatchBytes &&
               t->changes[end].op == ChangeOp::kInsert && t->changes[end].table == ch.table) {
          for (const auto& v : t->changes[end].after) bytes += v.bytes.size();
          ++end;
        }
        if (end - i > 1) {
          Status st = ApplyInserts(t->changes, i, end, delta, attempt);
          if (!st.ok())
            return Rollback(st.WithContext("source transaction " + t->commit_position.text));
          i = end - 1;
          continue;
        }
      }
      if (per_change) {
        Status st = ApplyWithSavepoint(*t, ch, delta, attempt);
        if (!st.ok()) {
          return Rollback(st.WithContext("source transaction " + t->commit_position.text));
        }
        continue;
      }
      ChangeFailure failure;
      Status st = ApplyChange(ch, delta, &failure);
      if (!st.ok()) {
        attempt->redo_per_change =
            handling_.has_value() && failure.kind != ApplyErrorKind::kNotApplyError;
        return Rollback(st.WithContext("source transaction " + t->commit_position.text));
      }
    }
  }
  const SourceTransaction& tail = *todo.back();
  const std::string upsert =
      CheckpointUpsertSql(*target_, control_, task_name_, tail.commit_position, tail.commit_time,
                          static_cast<int64_t>(todo.size()));
  Status st = target_->Execute(upsert);
  if (!st.ok()) return Rollback(st.WithContext("saving the checkpoint"));
  st = target_->Execute("COMMIT");
  if (!st.ok()) {
    // Whether the commit happened is unknown; the caller resumes from ReadCheckpoint. The
    // exceptions of this attempt are not reported: if it did commit, they are on the target.
    attempt->recorded.clear();
    return st.WithContext("committing up to source position " + tail.commit_position.text);
  }
  delta->transactions_applied += static_cast<int64_t>(todo.size());
  return Status::Ok();
}

// One change of the slow path: a failure rolls back to the savepoint and goes to the policy.
// A non-OK return ends the whole target transaction.
Status Applier::ApplyWithSavepoint(const SourceTransaction& txn, const RowChange& ch,
                                   ApplyStats* delta, Attempt* attempt) {
  SY_RETURN_IF_ERROR(target_->Execute("SAVEPOINT sy_change"));
  ChangeFailure failure;
  Status st = ApplyChange(ch, delta, &failure);
  if (!st.ok()) {
    if (failure.kind == ApplyErrorKind::kNotApplyError) return st;
    SY_RETURN_IF_ERROR(target_->Execute("ROLLBACK TO SAVEPOINT sy_change"));
    SY_RETURN_IF_ERROR(HandleFailedChange(txn, ch, failure, delta, attempt));
  }
  return target_->Execute("RELEASE SAVEPOINT sy_change");
}

Status Applier::HandleFailedChange(const SourceTransaction& txn, const RowChange& ch,
                                   const ChangeFailure& failure, ApplyStats* delta,
                                   Attempt* attempt) {
  const TablePlan& plan = (*plans_)[ch.table];
  ApplyErrorAction action = tracker_->Decide(ch.table, ch.op, failure.kind);
  ++delta->apply_errors;
  std::string error = failure.error;

  if (action == ApplyErrorAction::kInsertRecord || action == ApplyErrorAction::kUpdateRecord) {
    // DMS: a duplicate insert updates the existing row; an update of a missing row inserts it.
    RowChange fix;
    fix.table = ch.table;
    fix.after = ch.after;
    fix.op = action == ApplyErrorAction::kInsertRecord ? ChangeOp::kUpdate : ChangeOp::kInsert;
    std::string why;
    if (fix.op == ChangeOp::kInsert) {
      const std::string unchanged = UnchangedColumns(plan, ch.after);
      if (!unchanged.empty()) {
        why = "cannot insert the missing row: the source did not send column(s) " + unchanged +
              " (unchanged TOAST values)";
      }
    }
    if (why.empty()) {
      ChangeFailure fix_failure;
      Status st = ApplyChange(fix, delta, &fix_failure);
      if (st.code() == StatusCode::kConnectionError) return st;
      if (!st.ok()) {
        SY_RETURN_IF_ERROR(target_->Execute("ROLLBACK TO SAVEPOINT sy_change"));
        why = (fix.op == ChangeOp::kUpdate ? "updating the existing row failed: "
                                           : "inserting the missing row failed: ") +
              fix_failure.error;
      }
    }
    if (!why.empty()) {
      error += "; " + std::string(ApplyErrorActionName(action)) + " " + why;
      action = ApplyErrorAction::kLogError;
    }
  }
  if (action == ApplyErrorAction::kIgnoreRecord) return Status::Ok();

  state::ApplyExceptionRecord record;
  record.time = logging::NowIsoUtc();
  record.schema_name = plan.source.schema;
  record.table_name = plan.source.name;
  record.operation = Upper(ChangeOpName(ch.op));
  record.statement = failure.statement;
  record.values_json = ChangeValuesJson(plan, ch);
  record.error = error;
  record.source_position = txn.commit_position.text;
  record.action = std::string(ApplyErrorActionName(action));

  if (action == ApplyErrorAction::kStopTask) {
    attempt->stopped_by = record;
    return Status::DataError(
        "STOP_TASK (ErrorBehavior) on " + Upper(ChangeOpName(ch.op)) + " of " + plan.TargetName() +
        ": " + error +
        (failure.statement.empty() ? "" : "; statement: " + ClipForMessage(failure.statement)) +
        "; nothing of the transaction was committed");
  }
  SY_RETURN_IF_ERROR(
      target_->Execute(ApplyExceptionInsertSql(*target_, control_, task_name_, plan, record))
          .WithContext("recording an apply exception"));
  if (action == ApplyErrorAction::kSuspendTable) attempt->suspended.insert(ch.table);
  attempt->recorded.emplace_back(std::move(record), action);
  return Status::Ok();
}

Status Applier::ApplyInserts(const ChangeList& changes, size_t begin, size_t end, ApplyStats* delta,
                             Attempt* attempt) {
  const TablePlan& plan = (*plans_)[changes[begin].table];
  ChangeSqlBuilder b(*target_, plan);
  std::vector<const std::vector<ChangeValue>*> rows;
  for (size_t i = begin; i < end; ++i) rows.push_back(&changes[i].after);
  SqlText sql = b.NewText();
  if (b.InsertRows(rows, &sql).ok()) {
    // Under a savepoint, so that a failed batch leaves the transaction usable: the rows are
    // then applied one by one, and the one at fault reports (or is handled) as always.
    SY_RETURN_IF_ERROR(target_->Execute("SAVEPOINT sy_batch"));
    Status st = target_->Execute(sql.run());
    if (st.ok()) {
      SY_RETURN_IF_ERROR(target_->Execute("RELEASE SAVEPOINT sy_batch"));
      delta->inserts += static_cast<int64_t>(end - begin);
      return Status::Ok();
    }
    if (st.code() == StatusCode::kConnectionError) return st;
    SY_RETURN_IF_ERROR(target_->Execute("ROLLBACK TO SAVEPOINT sy_batch"));
  }
  for (size_t i = begin; i < end; ++i) {
    ChangeFailure failure;
    Status st = ApplyChange(changes[i], delta, &failure);
    if (!st.ok()) {
      attempt->redo_per_change =
          handling_.has_value() && failure.kind != ApplyErrorKind::kNotApplyError;
      return st;
    }
  }
  return Status::Ok();
}

Status Applier::ApplyChange(const RowChange& ch, ApplyStats* delta, ChangeFailure* failure) {
  if (ch.table >= plans_->size()) {
    return Status::Internal("change for table #" + std::to_string(ch.table) + " of " +
                            std::to_string(plans_->size()));
  }
  const TablePlan& plan = (*plans_)[ch.table];
  const Engine e = target_->engine();
  ChangeSqlBuilder b(*target_, plan);
  const std::string context =
      std::string("apply ") + ChangeOpName(ch.op) + " on " + plan.TargetName();
  // Every failure goes through here: the message names the table, carries the (shown)
  // statement, and never a value of a secret-looking column.
  auto fail = [&](const Status& st, ApplyErrorKind kind, const SqlText* sql) {
    failure->kind = kind;
    failure->statement = sql != nullptr ? sql->shown() : std::string();
    failure->error = ScrubErrorMessage(st.message(), b.SecretValues(ch), b.has_secret_columns());
    return Status(st.code(), context + ": " + failure->error +
                                 (failure->statement.empty()
                                      ? ""
                                      : "; statement: " + ClipForMessage(failure->statement)));
  };
  // Building failed: a value the column's transform rejects is the change's fault; a bad row
  // image or a keyless update without the old row is not.
  auto build_fail = [&](const Status& st) {
    return fail(st,
                st.code() == StatusCode::kDataError ? ApplyErrorKind::kDataError
                                                    : ApplyErrorKind::kNotApplyError,
                nullptr);
  };
  auto statement_fail = [&](const Status& st, const SqlText& sql) {
    return fail(st, ClassifyStatementError(st), &sql);
  };

  SqlText sql = b.NewText();
  if (ch.op == ChangeOp::kTruncate) {
    // MySQL TRUNCATE is DDL and would commit the open transaction (and the checkpoint with it).
    sql.Add((e == Engine::kPostgres ? "TRUNCATE TABLE " : "DELETE FROM ") + b.Table());
    Status st = target_->Execute(sql.run());
    if (!st.ok()) return fail(st, ApplyErrorKind::kNotApplyError, &sql);
    ++delta->truncates;
    return Status::Ok();
  }

  if (ch.op == ChangeOp::kInsert) {
    Status st = b.Insert(ch.after, &sql);
    if (!st.ok()) return build_fail(st);
    st = target_->Execute(sql.run());
    if (!st.ok()) return statement_fail(st, sql);
    ++delta->inserts;
    return Status::Ok();
  }

  SqlText where = b.NewText();
  Status st = b.Where(ch, &where);
  if (!st.ok()) return build_fail(st);
  SqlText head = b.NewText();
  bool any_unchanged = false;
  if (ch.op == ChangeOp::kUpdate) {
    SqlText set = b.NewText();
    st = b.SetList(ch.after, &set, &any_unchanged);
    if (!st.ok()) return build_fail(st);
    if (!set.empty()) {
      head.Add("UPDATE " + b.Table() + " SET ");
      head.Add(set);
    }
  } else {
    head.Add("DELETE FROM " + b.Table());
  }
  SqlText exists_sql = b.NewText();
  exists_sql.Add("SELECT 1 FROM " + b.Table() + " WHERE ");
  exists_sql.Add(where);
  exists_sql.Add(" LIMIT 1");

  int64_t affected = 0;
  if (head.empty()) {
    // Every column unchanged: nothing to write, but the row must exist.
    sql = exists_sql;
    auto rows = target_->Query(sql.run());
    if (!rows.ok()) return statement_fail(rows.status(), sql);
    affected = rows->empty() ? 0 : 1;
  } else if (e == Engine::kPostgres) {
    sql.Add(head);
    sql.Add(" WHERE ");
    if (b.keyless()) {
      sql.Add("ctid = (SELECT ctid FROM " + b.Table() + " WHERE ");
      sql.Add(where);
      sql.Add(" LIMIT 1)");
    } else {
      sql.Add(where);
    }
    const std::string counted =
        "WITH sy_applied AS (" + sql.run() + " RETURNING 1) SELECT count(*) FROM sy_applied";
    auto rows = target_->Query(counted);
    if (!rows.ok()) return statement_fail(rows.status(), sql);
    affected = std::stoll(rows->at(0).at(0).value_or("0"));
  } else {
    sql.Add(head);
    sql.Add(" WHERE ");
    sql.Add(where);
    if (b.keyless()) sql.Add(" LIMIT 1");
    st = target_->Execute(sql.run());
    if (!st.ok()) return statement_fail(st, sql);
    auto rows = target_->Query("SELECT ROW_COUNT()");
    if (!rows.ok()) return statement_fail(rows.status(), sql);
    affected = std::stoll(rows->at(0).at(0).value_or("0"));
    if (affected == 0 && ch.op == ChangeOp::kUpdate) {
      // MySQL counts changed rows, not matched ones: an update to identical values reports 0.
      // Nothing changed then, so the row still matches the condition if it exists.
      auto found = target_->Query(exists_sql.run());
      if (!found.ok()) return statement_fail(found.status(), exists_sql);
      affected = found->empty() ? 0 : 1;
    }
  }
  if (affected == 0)
    return fail(Status::DataError("row not found"), ApplyErrorKind::kRowNotFound, &sql);
  if (ch.op == ChangeOp::kUpdate) {
    ++delta->updates;
    if (any_unchanged) ++delta->unchanged_toast_updates;
  } else {
    ++delta->deletes;
  }
  return Status::Ok();
}

}  // namespace switchyard::pipeline::cdc
