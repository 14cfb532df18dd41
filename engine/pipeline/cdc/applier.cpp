#include "engine/pipeline/cdc/applier.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <utility>

#include "engine/logging/iso_time.h"
#include "engine/pipeline/cdc/change_sql.h"
#include "engine/pipeline/cdc/control_table.h"
#include "engine/pipeline/cdc/net_changes.h"
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

// One applied change in the counters; `any_unchanged`: an update that left a column untouched.
void CountChange(ChangeOp op, bool any_unchanged, ApplyStats* delta) {
  switch (op) {
    case ChangeOp::kInsert:
      ++delta->inserts;
      break;
    case ChangeOp::kUpdate:
      ++delta->updates;
      if (any_unchanged) ++delta->unchanged_toast_updates;
      break;
    case ChangeOp::kDelete:
      ++delta->deletes;
      break;
    case ChangeOp::kTruncate:
      ++delta->truncates;
      break;
  }
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
  bool redo_in_order = false;    // the net path found changes it cannot net: redo pipelined
  bool redo_direct = false;      // the pipelined or net path failed: redo statement by statement
  bool redo_per_change = false;  // the direct path failed through one change's fault
  std::vector<std::pair<state::ApplyExceptionRecord, ApplyErrorAction>> recorded;
  std::set<size_t> suspended;
  std::optional<state::ApplyExceptionRecord> stopped_by;  // STOP_TASK
};

Applier::Applier(endpoints::SqlSession* target, std::string task_name,
                 config::ControlTablesSettings control, const std::vector<TablePlan>* plans)
    : target_(target),
      task_name_(std::move(task_name)),
      control_(std::move(control)),
      plans_(plans),
      order_free_(target) {}

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

// Statements of the pipelined and net paths waiting to be sent, with the row count each one
// must report. Full batches go at once; Flush() sends the rest: as one ExecuteBatch of text
// statements, or, when some statement has parameters (PostgreSQL), as one ExecutePipeline.
class Applier::Pipe {
 public:
  explicit Pipe(endpoints::SqlSession* target) : target_(target) {}

  Status Add(std::string sql, int64_t expect) {
    endpoints::PipelinedStatement statement;
    statement.sql = std::move(sql);
    return Add(std::move(statement), expect);
  }

  Status Add(endpoints::PipelinedStatement statement, int64_t expect) {
    // A prepared statement's text goes to the server once per session; its values every time.
    bytes_ += statement.prepare ? kPerStatementBytes : statement.sql.size();
    for (const auto& p : statement.params) bytes_ += p ? p->size() : 0;
    pipeline_ = pipeline_ || statement.prepare || !statement.params.empty();
    statements_.push_back(std::move(statement));
    expect_.push_back(expect);
    if (statements_.size() >= kStatements || bytes_ >= kBytes) return Flush();
    return Status::Ok();
  }

  // Any failure or unexpected count: the caller rolls back and redoes the transaction on the
  // direct path, which names the change at fault; this message is not shown to anyone.
  Status Flush() {
    if (statements_.empty()) return Status::Ok();
    std::vector<int64_t> counts;
    Status st;
    if (pipeline_) {
      st = target_->ExecutePipeline(statements_, &counts);
    } else {
      std::vector<std::string> sql;
      sql.reserve(statements_.size());
      for (auto& s : statements_) sql.push_back(std::move(s.sql));
      st = target_->ExecuteBatch(sql, &counts);
    }
    if (st.ok()) {
      for (size_t i = 0; i < counts.size(); ++i) {
        if (expect_[i] >= 0 && counts[i] != expect_[i]) {
          st = Status::DataError("statement " + std::to_string(i) + " of a batch reported " +
                                 std::to_string(counts[i]) + " row(s), expected " +
                                 std::to_string(expect_[i]));
          break;
        }
      }
    }
    statements_.clear();
    expect_.clear();
    bytes_ = 0;
    pipeline_ = false;
    return st;
  }

 private:
  // A batch is at most about 1 MB plus one statement: well under max_allowed_packet (MariaDB's
  // default 16 MB, MySQL 5.7's 4 MB), and round trips are already few at this size.
  static constexpr size_t kStatements = 1000;
  static constexpr size_t kBytes = 1 << 20;
  static constexpr size_t kPerStatementBytes = 32;  // Bind/Execute of a prepared statement
  endpoints::SqlSession* target_;
  std::vector<endpoints::PipelinedStatement> statements_;
  std::vector<int64_t> expect_;
  size_t bytes_ = 0;
  bool pipeline_ = false;
};

Status Applier::ApplyPointers(const std::vector<const SourceTransaction*>& txns) {
  last_skipped_ = false;
  ApplyStats delta;
  Attempt attempt;
  auto first = FirstPath(txns);
  if (!first.ok()) return first.status();
  Path path = *first;
  Status st = ApplyInTransaction(txns, path, &delta, &attempt);
  while (!st.ok()) {
    // Each redo takes a strictly slower path, so this ends.
    Path slower = path;
    if (attempt.redo_in_order) {
      slower = Path::kPipelined;
    } else if (attempt.redo_direct) {
      slower = Path::kDirect;
    } else if (attempt.redo_per_change) {
      slower = Path::kPerChange;
    }
    if (slower <= path) break;
    path = slower;
    ++stats_.slower_path_redos;
    delta = ApplyStats();
    attempt = Attempt();
    st = ApplyInTransaction(txns, path, &delta, &attempt);
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
  if (path == Path::kNet && !last_skipped_) ++stats_.netted_transactions;
  for (const auto& [record, action] : attempt.recorded) Notify(record, action);
  return Status::Ok();
}

Result<Applier::Path> Applier::FirstPath(const std::vector<const SourceTransaction*>& txns) {
  if (mode_ == ApplyMode::kChangeByChange) return Path::kPipelined;
  size_t changes = 0;
  std::set<size_t> tables;
  for (const SourceTransaction* t : txns) {
    // Netting copies every row image: a transaction that spilled to disk stays there.
    if (t->changes.spilled_changes() > 0) return Path::kPipelined;
    changes += t->changes.size();
    if (mode_ == ApplyMode::kTransactional) {
      for (const RowChange& ch : t->changes) tables.insert(ch.table);
    }
  }
  if (mode_ == ApplyMode::kBatchOptimized) return Path::kNet;
  if (changes > kNetChangesMax) return Path::kPipelined;
  SY_ASSIGN_OR_RETURN(const bool order_free, order_free_.AllOrderFree(*plans_, tables));
  return order_free ? Path::kNet : Path::kPipelined;
}

Status Applier::Rollback(Status cause) {
  // A failed ROLLBACK (connection gone) changes nothing about what to report: the server
  // discards the open transaction when the connection closes.
  (void)target_->Execute("ROLLBACK");
  return cause;
}

Status Applier::ApplyInTransaction(const std::vector<const SourceTransaction*>& txns, Path path,
                                   ApplyStats* delta, Attempt* attempt) {
  if (txns.empty()) return Status::Ok();
  const Engine e = target_->engine();
  const bool piped = path == Path::kNet || path == Path::kPipelined;
  // The checkpoint this applier committed (or read) last, if it is to be trusted: set again
  // below once this transaction's outcome is known. On PostgreSQL's piped paths, BEGIN and a
  // check that the checkpoint is still that one (which locks it, as LockCheckpoint does) go
  // ahead of the changes in the pipe: two round trips fewer per target transaction. Should the
  // check fail (something else moved the checkpoint), the pipe fails and the transaction is
  // redone on the direct path, which reads the checkpoint.
  const std::optional<std::string> expected =
      piped && e == Engine::kPostgres ? known_checkpoint_ : std::nullopt;
  known_checkpoint_.reset();
  std::string last;
  if (expected) {
    last = *expected;
  } else {
    SY_RETURN_IF_ERROR(target_->Execute(e == Engine::kPostgres ? "BEGIN" : "START TRANSACTION"));
    auto stored = LockCheckpoint(*target_, control_, task_name_);
    if (!stored.ok()) return Rollback(stored.status().WithContext("reading the checkpoint"));
    if (stored->has_value()) last = (*stored)->position.text;
  }

  // Keep the transactions newer than the checkpoint; they must be in commit order.
  std::vector<const SourceTransaction*> todo;
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
    if (!last.empty()) known_checkpoint_ = last;
    return expected ? Status::Ok() : Rollback(Status::Ok());  // with `expected`, nothing began
  }
  const SourceTransaction& tail = *todo.back();
  const std::string upsert =
      CheckpointUpsertSql(*target_, control_, task_name_, tail.commit_position, tail.commit_time,
                          static_cast<int64_t>(todo.size()));
  if (path == Path::kNet || path == Path::kPipelined) {
    Pipe pipe(target_);
    Status st;
    if (expected) {
      st = pipe.Add("BEGIN", -1);
      if (st.ok()) st = pipe.Add(CheckpointIsSql(*target_, control_, task_name_, *expected), 1);
    }
    if (st.ok()) {
      st = path == Path::kNet ? QueueNet(todo, delta, &pipe) : QueueInOrder(todo, delta, &pipe);
    }
    if (st.ok()) st = pipe.Add(upsert, -1);
    if (st.ok()) st = pipe.Flush();
    if (!st.ok()) {
      attempt->redo_in_order = path == Path::kNet && st.code() == StatusCode::kUnsupported;
      attempt->redo_direct = st.code() != StatusCode::kConnectionError;
      return Rollback(
          st.WithContext("applying up to source position " + tail.commit_position.text));
    }
  } else {
    Status st = ApplyOneByOne(todo, path == Path::kPerChange, delta, attempt);
    if (!st.ok()) return Rollback(st);
    st = target_->Execute(upsert);
    if (!st.ok()) return Rollback(st.WithContext("saving the checkpoint"));
  }
  Status st = target_->Execute("COMMIT");
  if (!st.ok()) {
    // Whether the commit happened is unknown; the caller resumes from ReadCheckpoint. The
    // exceptions of this attempt are not reported: if it did commit, they are on the target.
    attempt->recorded.clear();
    return st.WithContext("committing up to source position " + tail.commit_position.text);
  }
  delta->transactions_applied += static_cast<int64_t>(todo.size());
  known_checkpoint_ = tail.commit_position.text;
  return Status::Ok();
}

Status Applier::ApplyOneByOne(const std::vector<const SourceTransaction*>& todo, bool per_change,
                              ApplyStats* delta, Attempt* attempt) {
  for (const SourceTransaction* t : todo) {
    const std::string where = "source transaction " + t->commit_position.text;
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
          SY_RETURN_IF_ERROR(ApplyInserts(t->changes, i, end, delta, attempt).WithContext(where));
          i = end - 1;
          continue;
        }
      }
      if (per_change) {
        SY_RETURN_IF_ERROR(ApplyWithSavepoint(*t, ch, delta, attempt).WithContext(where));
        continue;
      }
      ChangeFailure failure;
      Status st = ApplyChange(ch, delta, &failure);
      if (!st.ok()) {
        attempt->redo_per_change =
            handling_.has_value() && failure.kind != ApplyErrorKind::kNotApplyError;
        return st.WithContext(where);
      }
    }
  }
  return Status::Ok();
}

Status Applier::QueueInOrder(const std::vector<const SourceTransaction*>& todo, ApplyStats* delta,
                             Pipe* pipe) {
  // PostgreSQL: prepared statements, so that the target parses and plans each statement shape
  // once per session rather than every change; MySQL: statements with literals.
  const bool prepared = target_->supports_pipeline();
  // One builder per table for the whole batch: building one looks at every column name for
  // secrets, which is not work to repeat per change.
  std::vector<std::optional<ChangeSqlBuilder>> builders(plans_->size());
  for (const SourceTransaction* t : todo) {
    for (size_t i = 0; i < t->changes.size(); ++i) {
      const RowChange& ch = t->changes[i];
      if (IsSuspended(ch.table)) {
        ++delta->suspended_skips;
        continue;
      }
      if (ch.table >= plans_->size()) return Status::Internal("change for an unknown table");
      if (!builders[ch.table]) builders[ch.table].emplace(*target_, (*plans_)[ch.table]);
      const ChangeSqlBuilder& b = *builders[ch.table];
      if (ch.op == ChangeOp::kInsert) {
        std::vector<const std::vector<ChangeValue>*> rows{&ch.after};
        size_t bytes = 0;
        while (i + 1 < t->changes.size() && rows.size() < kInsertBatchRows &&
               bytes < kInsertBatchBytes && t->changes[i + 1].op == ChangeOp::kInsert &&
               t->changes[i + 1].table == ch.table) {
          rows.push_back(&t->changes[++i].after);
          for (const auto& v : *rows.back()) bytes += v.bytes.size();
        }
        delta->inserts += static_cast<int64_t>(rows.size());
        SY_RETURN_IF_ERROR(prepared ? QueuePreparedInserts(rows, b, pipe)
                                    : QueueInserts(rows, b, pipe));
        continue;
      }
      int64_t expect = -1;
      bool any_unchanged = false;
      if (prepared) {
        endpoints::PipelinedStatement statement;
        Status st = PreparedChangeStatement(ch, b, &statement, &expect, &any_unchanged);
        if (st.ok()) {
          CountChange(ch.op, any_unchanged, delta);
          SY_RETURN_IF_ERROR(pipe->Add(std::move(statement), expect));
          continue;
        }
        if (st.code() != StatusCode::kUnsupported) return st;
      }
      SqlText sql = b.NewText();
      SY_RETURN_IF_ERROR(ChangeStatement(ch, b, &sql, &expect, &any_unchanged));
      CountChange(ch.op, any_unchanged, delta);
      SY_RETURN_IF_ERROR(pipe->Add(sql.run(), expect));
    }
  }
  return Status::Ok();
}

Status Applier::QueueInserts(const std::vector<const std::vector<ChangeValue>*>& rows,
                             const ChangeSqlBuilder& b, Pipe* pipe) const {
  SqlText sql = b.NewText();
  SY_RETURN_IF_ERROR(b.InsertRows(rows, &sql));
  return pipe->Add(sql.run(), static_cast<int64_t>(rows.size()));
}

Status Applier::QueuePreparedInserts(const std::vector<const std::vector<ChangeValue>*>& rows,
                                     const ChangeSqlBuilder& b, Pipe* pipe) const {
  // Blocks of a power of two rows, largest first: a run of any length takes a handful of
  // statements, and a table has at most a handful of INSERT shapes to prepare. A block stays
  // within the protocol's 65,535 parameters.
  const size_t columns = std::max<size_t>(1, rows.front()->size());
  size_t most = 1;
  while (most * 2 <= kPreparedInsertRows && most * 2 * columns <= 65535) most *= 2;
  for (size_t at = 0; at < rows.size();) {
    size_t n = most;
    while (n > rows.size() - at) n /= 2;
    const std::vector<const std::vector<ChangeValue>*> block(rows.begin() + at,
                                                             rows.begin() + at + n);
    at += n;
    endpoints::PipelinedStatement statement;
    statement.prepare = true;
    statement.sql = b.TypesComment();
    Status st = b.InsertRowsParams(block, &statement);
    if (st.code() == StatusCode::kUnsupported) {
      SY_RETURN_IF_ERROR(QueueInserts(block, b, pipe));
      continue;
    }
    SY_RETURN_IF_ERROR(st);
    SY_RETURN_IF_ERROR(pipe->Add(std::move(statement), static_cast<int64_t>(n)));
  }
  return Status::Ok();
}

Status Applier::PreparedChangeStatement(const RowChange& ch, const ChangeSqlBuilder& b,
                                        endpoints::PipelinedStatement* statement, int64_t* expect,
                                        bool* any_unchanged) const {
  *expect = 1;
  *any_unchanged = false;
  statement->prepare = true;
  statement->sql = b.TypesComment();
  switch (ch.op) {
    case ChangeOp::kTruncate:
      return Status::Unsupported("TRUNCATE has no values");
    case ChangeOp::kInsert:
      return b.InsertRowsParams({&ch.after}, statement);
    case ChangeOp::kUpdate:
      if (std::all_of(ch.after.begin(), ch.after.end(),
                      [](const ChangeValue& v) { return v.kind == ChangeValue::kUnchanged; })) {
        return Status::Unsupported("an update that writes no column");  // ChangeStatement's SELECT
      }
      statement->sql += "UPDATE " + b.Table() + " SET ";
      SY_RETURN_IF_ERROR(b.SetListParams(ch.after, statement, any_unchanged));
      break;
    case ChangeOp::kDelete:
      statement->sql += "DELETE FROM " + b.Table();
      break;
  }
  statement->sql += " WHERE ";
  // A keyless table changes exactly one of possibly several identical rows.
  if (b.keyless()) statement->sql += "ctid = (SELECT ctid FROM " + b.Table() + " WHERE ";
  SY_RETURN_IF_ERROR(b.WhereParams(ch, statement));
  if (b.keyless()) statement->sql += " LIMIT 1)";
  return Status::Ok();
}

Status Applier::QueueNet(const std::vector<const SourceTransaction*>& todo, ApplyStats* delta,
                         Pipe* pipe) {
  NetChanges net(plans_);
  for (const SourceTransaction* t : todo) {
    for (const RowChange& ch : t->changes) {
      if (IsSuspended(ch.table)) {
        ++delta->suspended_skips;
        continue;
      }
      SY_RETURN_IF_ERROR(net.Add(ch));
    }
  }
  delta->inserts += net.inserts();
  delta->updates += net.updates();
  delta->deletes += net.deletes();
  delta->truncates += net.truncates();
  for (const NetTable& table : net.Take()) {
    const ChangeSqlBuilder b(*target_, (*plans_)[table.table]);
    int64_t expect = -1;
    bool any_unchanged = false;
    if (table.truncate_first) {
      SqlText sql = b.NewText();
      SY_RETURN_IF_ERROR(ChangeStatement({ChangeOp::kTruncate, table.table, {}, {}}, b, &sql,
                                         &expect, &any_unchanged));
      SY_RETURN_IF_ERROR(pipe->Add(sql.run(), expect));
    }
    // Deletes first (a replace deletes too), then inserts, then updates: keys are distinct, so
    // no statement meets a row another one of the batch is about to remove or add.
    std::vector<const std::vector<ChangeValue>*> keys;
    std::vector<const std::vector<ChangeValue>*> rows;
    auto flush_keys = [&]() -> Status {
      if (keys.empty()) return Status::Ok();
      SqlText sql = b.NewText();
      sql.Add("DELETE FROM " + b.Table() + " WHERE ");
      SY_RETURN_IF_ERROR(b.KeysIn(keys, &sql));
      const auto n = static_cast<int64_t>(keys.size());
      keys.clear();
      return pipe->Add(sql.run(), n);
    };
    size_t row_bytes = 0;
    auto flush_rows = [&]() -> Status {
      if (rows.empty()) return Status::Ok();
      SqlText sql = b.NewText();
      SY_RETURN_IF_ERROR(b.InsertRows(rows, &sql));
      const auto n = static_cast<int64_t>(rows.size());
      rows.clear();
      row_bytes = 0;
      return pipe->Add(sql.run(), n);
    };
    for (const NetRow& r : table.rows) {
      if (r.op != NetRow::Op::kDelete && r.op != NetRow::Op::kReplace) continue;
      keys.push_back(&r.key_image);
      if (keys.size() >= kDeleteBatchKeys) SY_RETURN_IF_ERROR(flush_keys());
    }
    SY_RETURN_IF_ERROR(flush_keys());
    for (const NetRow& r : table.rows) {
      if (r.op != NetRow::Op::kInsert && r.op != NetRow::Op::kReplace) continue;
      rows.push_back(&r.row);
      for (const auto& v : r.row) row_bytes += v.bytes.size();
      if (rows.size() >= kInsertBatchRows || row_bytes >= kInsertBatchBytes)
        SY_RETURN_IF_ERROR(flush_rows());
    }
    SY_RETURN_IF_ERROR(flush_rows());
    SY_RETURN_IF_ERROR(QueueNetUpdates(table, b, delta, pipe));
    // A keyless table's changes, in source order; consecutive inserts as one multi-row INSERT.
    for (const RowChange& ch : table.ordered) {
      if (ch.op == ChangeOp::kInsert) {
        rows.push_back(&ch.after);
        for (const auto& v : ch.after) row_bytes += v.bytes.size();
        if (rows.size() >= kInsertBatchRows || row_bytes >= kInsertBatchBytes)
          SY_RETURN_IF_ERROR(flush_rows());
        continue;
      }
      SY_RETURN_IF_ERROR(flush_rows());
      SqlText sql = b.NewText();
      SY_RETURN_IF_ERROR(ChangeStatement(ch, b, &sql, &expect, &any_unchanged));
      SY_RETURN_IF_ERROR(pipe->Add(sql.run(), expect));
    }
    SY_RETURN_IF_ERROR(flush_rows());
  }
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

Status Applier::QueueNetUpdates(const NetTable& table, const ChangeSqlBuilder& b, ApplyStats* delta,
                                Pipe* pipe) {
  // PostgreSQL: the updates that write the same columns go as one UPDATE ... FROM (VALUES)
  // per up to 500 keys. MySQL keeps one statement per key: its join of a derived table on a
  // key compared with text literals need not use the index.
  const catalog::TargetTable& target = (*plans_)[table.table].target;
  std::vector<bool> is_key(target.columns.size(), false);
  for (const std::string& k : target.primary_key) {
    for (size_t i = 0; i < is_key.size(); ++i) {
      if (target.columns[i].target_name == k) is_key[i] = true;
    }
  }
  std::map<std::vector<size_t>, std::vector<const std::vector<ChangeValue>*>> by_columns;
  for (const NetRow& r : table.rows) {
    if (r.op != NetRow::Op::kUpdate) continue;
    std::vector<size_t> set;
    bool any_unchanged = false;
    for (size_t i = 0; i < r.row.size() && i < is_key.size(); ++i) {
      if (r.row[i].kind == ChangeValue::kUnchanged) {
        any_unchanged = true;
      } else if (!is_key[i]) {
        set.push_back(i);
      }
    }
    if (any_unchanged) ++delta->unchanged_toast_updates;
    const bool bulk = target_->engine() == Engine::kPostgres && !set.empty() && !b.keyless();
    if (bulk) {
      auto& rows = by_columns[set];
      rows.push_back(&r.row);
      if (rows.size() < kDeleteBatchKeys) continue;
      SqlText sql = b.NewText();
      SY_RETURN_IF_ERROR(b.UpdateRows(set, rows, &sql));
      SY_RETURN_IF_ERROR(pipe->Add(sql.run(), static_cast<int64_t>(rows.size())));
      rows.clear();
      continue;
    }
    SqlText sql = b.NewText();
    int64_t expect = -1;
    SY_RETURN_IF_ERROR(ChangeStatement({ChangeOp::kUpdate, table.table, {}, r.row}, b, &sql,
                                       &expect, &any_unchanged));
    SY_RETURN_IF_ERROR(pipe->Add(sql.run(), expect));
  }
  for (const auto& [set, rows] : by_columns) {
    if (rows.empty()) continue;
    SqlText sql = b.NewText();
    SY_RETURN_IF_ERROR(b.UpdateRows(set, rows, &sql));
    SY_RETURN_IF_ERROR(pipe->Add(sql.run(), static_cast<int64_t>(rows.size())));
  }
  return Status::Ok();
}

Status Applier::ChangeStatement(const RowChange& ch, const ChangeSqlBuilder& b, SqlText* sql,
                                int64_t* expect, bool* any_unchanged) const {
  const Engine e = target_->engine();
  *any_unchanged = false;
  *expect = 1;
  if (ch.op == ChangeOp::kTruncate) {
    // MySQL TRUNCATE is DDL and would commit the open transaction (and the checkpoint with it).
    sql->Add((e == Engine::kPostgres ? "TRUNCATE TABLE " : "DELETE FROM ") + b.Table());
    *expect = -1;
    return Status::Ok();
  }
  if (ch.op == ChangeOp::kInsert) return b.Insert(ch.after, sql);

  SqlText where = b.NewText();
  SY_RETURN_IF_ERROR(b.Where(ch, &where));
  if (ch.op == ChangeOp::kUpdate) {
    SqlText set = b.NewText();
    SY_RETURN_IF_ERROR(b.SetList(ch.after, &set, any_unchanged));
    if (set.empty()) {
      // Every column unchanged: nothing to write, but the row must exist.
      sql->Add("SELECT 1 FROM " + b.Table() + " WHERE ");
      sql->Add(where);
      sql->Add(" LIMIT 1");
      return Status::Ok();
    }
    sql->Add("UPDATE " + b.Table() + " SET ");
    sql->Add(set);
  } else {
    sql->Add("DELETE FROM " + b.Table());
  }
  sql->Add(" WHERE ");
  // A keyless table changes exactly one of possibly several identical rows.
  if (b.keyless() && e == Engine::kPostgres) {
    sql->Add("ctid = (SELECT ctid FROM " + b.Table() + " WHERE ");
    sql->Add(where);
    sql->Add(" LIMIT 1)");
  } else {
    sql->Add(where);
    if (b.keyless()) sql->Add(" LIMIT 1");
  }
  return Status::Ok();
}

Status Applier::ApplyChange(const RowChange& ch, ApplyStats* delta, ChangeFailure* failure) {
  if (ch.table >= plans_->size()) {
    return Status::Internal("change for table #" + std::to_string(ch.table) + " of " +
                            std::to_string(plans_->size()));
  }
  const TablePlan& plan = (*plans_)[ch.table];
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

  SqlText sql = b.NewText();
  int64_t expect = -1;
  bool any_unchanged = false;
  Status st = ChangeStatement(ch, b, &sql, &expect, &any_unchanged);
  if (!st.ok()) {
    // A value the column's transform rejects is the change's fault; a bad row image or a
    // keyless update without the old row is not.
    return fail(st,
                st.code() == StatusCode::kDataError ? ApplyErrorKind::kDataError
                                                    : ApplyErrorKind::kNotApplyError,
                nullptr);
  }
  std::vector<int64_t> counts;
  st = target_->ExecuteBatch({sql.run()}, &counts);
  if (!st.ok()) {
    return fail(
        st,
        ch.op == ChangeOp::kTruncate ? ApplyErrorKind::kNotApplyError : ClassifyStatementError(st),
        &sql);
  }
  if (expect >= 0 && (counts.empty() || counts[0] == 0))
    return fail(Status::DataError("row not found"), ApplyErrorKind::kRowNotFound, &sql);
  CountChange(ch.op, any_unchanged, delta);
  return Status::Ok();
}

}  // namespace switchyard::pipeline::cdc
