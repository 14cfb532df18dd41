#include "engine/pipeline/cdc/applier.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "engine/catalog/identifier.h"
#include "engine/pipeline/cdc/control_table.h"
#include "engine/pipeline/cdc/position.h"

namespace switchyard::pipeline::cdc {
namespace {

using catalog::Engine;

// Error messages carry the statement with its values; a 10 MB value is cut, not logged whole.
constexpr size_t kMaxStatementInMessage = 64 * 1024;

const char* OpName(ChangeOp op) {
  switch (op) {
    case ChangeOp::kInsert:
      return "insert";
    case ChangeOp::kUpdate:
      return "update";
    case ChangeOp::kDelete:
      return "delete";
    case ChangeOp::kTruncate:
      return "truncate";
  }
  return "change";
}

std::string Clip(const std::string& s) {
  if (s.size() <= kMaxStatementInMessage) return s;
  return s.substr(0, kMaxStatementInMessage) + "... (" + std::to_string(s.size()) + " bytes)";
}

bool IsMySqlBinaryType(std::string type) {
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type.rfind("binary", 0) == 0 || type.rfind("varbinary", 0) == 0 ||
         type.find("blob") != std::string::npos;
}

std::string HexLiteral(std::string_view bytes) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "X'";
  out.reserve(bytes.size() * 2 + 3);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  out.push_back('\'');
  return out;
}

std::string ReplaceFieldVariable(const std::string& expr, const std::string& value) {
  std::string out;
  for (size_t i = 0; i < expr.size();) {
    if (expr.compare(i, 2, "@v") == 0) {
      out += value;
      i += 2;
    } else {
      out.push_back(expr[i++]);
    }
  }
  return out;
}

// Builds the SQL for one change of one table.
class StatementBuilder {
 public:
  StatementBuilder(const endpoints::SqlSession& session, const TablePlan& plan)
      : session_(session), t_(plan.target), e_(session.engine()) {}

  std::string Table() const { return catalog::QuoteQualified(e_, t_.schema, t_.name); }
  std::string Column(size_t i) const {
    return catalog::QuoteIdentifier(e_, t_.columns[i].target_name);
  }

  // The SQL expression for value `v` of column `i` after its transform; *is_null when NULL.
  Status Render(size_t i, const ChangeValue& v, std::string* sql, bool* is_null) const {
    const catalog::ColumnPlan& c = t_.columns[i];
    *is_null = v.kind == ChangeValue::kNull;
    if (v.kind == ChangeValue::kUnchanged) {
      return Status::InvalidArgument("column " + c.target_name +
                                     " is an unchanged (TOAST) value where a value is required");
    }
    if (*is_null) {
      *sql = "NULL";
      return Status::Ok();
    }
    std::string value = v.bytes;
    if (c.transform != catalog::ValueTransform::kNone) {
      std::string out;
      bool to_null = false;
      Status st = catalog::ApplyValueTransform(c.transform, v.bytes, &out, &to_null);
      if (!st.ok()) {
        return Status(st.code(), "column " + c.target_name + " value " +
                                     Clip(session_.QuoteLiteral(v.bytes)) + ": " + st.message());
      }
      if (to_null) {
        *is_null = true;
        *sql = "NULL";
        return Status::Ok();
      }
      value = std::move(out);
    }
    std::string literal = e_ == Engine::kMySql && IsMySqlBinaryType(c.target_type)
                              ? HexLiteral(value)
                              : session_.QuoteLiteral(value);
    *sql = e_ == Engine::kMySql && !c.load_expr.empty() ? ReplaceFieldVariable(c.load_expr, literal)
                                                        : std::move(literal);
    return Status::Ok();
  }

  // The WHERE condition that identifies the changed row.
  Status Where(const RowChange& ch, std::string* where) const {
    const size_t n = t_.columns.size();
    std::vector<size_t> cols;
    const std::vector<ChangeValue>* image = &ch.before;
    if (!t_.primary_key.empty()) {
      for (const std::string& k : t_.primary_key) {
        size_t i = 0;
        while (i < n && t_.columns[i].target_name != k) ++i;
        if (i == n) return Status::Internal("primary key column " + k + " is not in the plan");
        cols.push_back(i);
      }
      if (ch.before.empty()) image = &ch.after;
    } else {
      if (ch.before.size() != n) {
        return Status::InvalidArgument(
            "table without a primary key needs the full old row (REPLICA IDENTITY FULL / "
            "binlog_row_image=FULL) for update and delete");
      }
      for (size_t i = 0; i < n; ++i) cols.push_back(i);
    }
    if (image->size() != n) {
      return Status::InvalidArgument("row image has " + std::to_string(image->size()) +
                                     " values for " + std::to_string(n) + " columns");
    }
    where->clear();
    for (size_t i : cols) {
      if (!where->empty()) *where += " AND ";
      std::string v;
      bool is_null = false;
      Status st = Render(i, (*image)[i], &v, &is_null);
      if (!st.ok()) return st.WithContext("key");
      *where += Column(i) + (is_null ? " IS NULL" : " = " + v);
    }
    return Status::Ok();
  }

  bool keyless() const { return t_.primary_key.empty(); }

 private:
  const endpoints::SqlSession& session_;
  const catalog::TargetTable& t_;
  Engine e_;
};

}  // namespace

Applier::Applier(endpoints::SqlSession* target, std::string task_name,
                 config::ControlTablesSettings control, const std::vector<TablePlan>* plans)
    : target_(target),
      task_name_(std::move(task_name)),
      control_(std::move(control)),
      plans_(plans) {}

Status Applier::Prepare() { return EnsureControlTable(*target_, control_); }

Status Applier::Apply(const SourceTransaction& txn) { return ApplyPointers({&txn}); }

Status Applier::ApplyBatch(const std::vector<SourceTransaction>& txns) {
  std::vector<const SourceTransaction*> ptrs;
  ptrs.reserve(txns.size());
  for (const auto& t : txns) ptrs.push_back(&t);
  return ApplyPointers(ptrs);
}

Status Applier::ApplyPointers(const std::vector<const SourceTransaction*>& txns) {
  last_skipped_ = false;
  ApplyStats delta;
  SY_RETURN_IF_ERROR(ApplyInTransaction(txns, &delta));
  // Counted only once the target transaction committed.
  stats_.transactions_applied += delta.transactions_applied;
  stats_.transactions_skipped += delta.transactions_skipped;
  stats_.inserts += delta.inserts;
  stats_.updates += delta.updates;
  stats_.deletes += delta.deletes;
  stats_.truncates += delta.truncates;
  stats_.unchanged_toast_updates += delta.unchanged_toast_updates;
  return Status::Ok();
}

Status Applier::Rollback(Status cause) {
  // A failed ROLLBACK (connection gone) changes nothing about what to report: the server
  // discards the open transaction when the connection closes.
  (void)target_->Execute("ROLLBACK");
  return cause;
}

Status Applier::ApplyInTransaction(const std::vector<const SourceTransaction*>& txns,
                                   ApplyStats* delta) {
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
    for (const RowChange& ch : t->changes) {
      Status st = ApplyChange(ch, delta);
      if (!st.ok()) {
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
    // Whether the commit happened is unknown; the caller resumes from ReadCheckpoint.
    return st.WithContext("committing up to source position " + tail.commit_position.text);
  }
  delta->transactions_applied += static_cast<int64_t>(todo.size());
  return Status::Ok();
}

Status Applier::ApplyChange(const RowChange& ch, ApplyStats* delta) {
  if (ch.table >= plans_->size()) {
    return Status::Internal("change for table #" + std::to_string(ch.table) + " of " +
                            std::to_string(plans_->size()));
  }
  const TablePlan& plan = (*plans_)[ch.table];
  const size_t n = plan.target.columns.size();
  const Engine e = target_->engine();
  StatementBuilder b(*target_, plan);
  const std::string context = std::string("apply ") + OpName(ch.op) + " on " + plan.TargetName();
  auto fail = [&](const Status& st, const std::string& sql) {
    return Status(st.code(),
                  context + ": " + st.message() + (sql.empty() ? "" : "; statement: " + Clip(sql)));
  };

  std::string sql;
  if (ch.op == ChangeOp::kTruncate) {
    // MySQL TRUNCATE is DDL and would commit the open transaction (and the checkpoint with it).
    sql = (e == Engine::kPostgres ? "TRUNCATE TABLE " : "DELETE FROM ") + b.Table();
    Status st = target_->Execute(sql);
    if (!st.ok()) return fail(st, sql);
    ++delta->truncates;
    return Status::Ok();
  }

  if (ch.op == ChangeOp::kInsert) {
    if (ch.after.size() != n) {
      return fail(Status::InvalidArgument("row image has " + std::to_string(ch.after.size()) +
                                          " values for " + std::to_string(n) + " columns"),
                  "");
    }
    std::string cols, vals;
    for (size_t i = 0; i < n; ++i) {
      std::string v;
      bool is_null = false;
      Status st = b.Render(i, ch.after[i], &v, &is_null);
      if (!st.ok()) return fail(st, "");
      if (i > 0) {
        cols += ", ";
        vals += ", ";
      }
      cols += b.Column(i);
      vals += v;
    }
    sql = "INSERT INTO " + b.Table() + " (" + cols + ") VALUES (" + vals + ")";
    Status st = target_->Execute(sql);
    if (!st.ok()) return fail(st, sql);
    ++delta->inserts;
    return Status::Ok();
  }

  std::string where;
  Status st = b.Where(ch, &where);
  if (!st.ok()) return fail(st, "");
  std::string head;
  bool any_unchanged = false;
  if (ch.op == ChangeOp::kUpdate) {
    if (ch.after.size() != n) {
      return fail(Status::InvalidArgument("row image has " + std::to_string(ch.after.size()) +
                                          " values for " + std::to_string(n) + " columns"),
                  "");
    }
    std::string set;
    for (size_t i = 0; i < n; ++i) {
      if (ch.after[i].kind == ChangeValue::kUnchanged) {
        any_unchanged = true;
        continue;
      }
      std::string v;
      bool is_null = false;
      st = b.Render(i, ch.after[i], &v, &is_null);
      if (!st.ok()) return fail(st, "");
      if (!set.empty()) set += ", ";
      set += b.Column(i) + " = " + v;
    }
    head = set.empty() ? std::string() : "UPDATE " + b.Table() + " SET " + set;
  } else {
    head = "DELETE FROM " + b.Table();
  }
  const std::string exists_sql = "SELECT 1 FROM " + b.Table() + " WHERE " + where + " LIMIT 1";

  int64_t affected = 0;
  if (head.empty()) {
    // Every column unchanged: nothing to write, but the row must exist.
    sql = exists_sql;
    auto rows = target_->Query(sql);
    if (!rows.ok()) return fail(rows.status(), sql);
    affected = rows->empty() ? 0 : 1;
  } else if (e == Engine::kPostgres) {
    const std::string cond =
        b.keyless() ? "ctid = (SELECT ctid FROM " + b.Table() + " WHERE " + where + " LIMIT 1)"
                    : where;
    sql = head + " WHERE " + cond;
    const std::string counted =
        "WITH sy_applied AS (" + sql + " RETURNING 1) SELECT count(*) FROM sy_applied";
    auto rows = target_->Query(counted);
    if (!rows.ok()) return fail(rows.status(), sql);
    affected = std::stoll(rows->at(0).at(0).value_or("0"));
  } else {
    sql = head + " WHERE " + where + (b.keyless() ? " LIMIT 1" : "");
    st = target_->Execute(sql);
    if (!st.ok()) return fail(st, sql);
    auto rows = target_->Query("SELECT ROW_COUNT()");
    if (!rows.ok()) return fail(rows.status(), sql);
    affected = std::stoll(rows->at(0).at(0).value_or("0"));
    if (affected == 0 && ch.op == ChangeOp::kUpdate) {
      // MySQL counts changed rows, not matched ones: an update to identical values reports 0.
      // Nothing changed then, so the row still matches the condition if it exists.
      auto found = target_->Query(exists_sql);
      if (!found.ok()) return fail(found.status(), exists_sql);
      affected = found->empty() ? 0 : 1;
    }
  }
  if (affected == 0) return fail(Status::DataError("row not found"), sql);
  if (ch.op == ChangeOp::kUpdate) {
    ++delta->updates;
    if (any_unchanged) ++delta->unchanged_toast_updates;
  } else {
    ++delta->deletes;
  }
  return Status::Ok();
}

}  // namespace switchyard::pipeline::cdc
