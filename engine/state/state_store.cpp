#include "engine/state/state_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/logging/private_dir.h"
#include "engine/logging/redact.h"
#include "engine/state/schema_migrations.h"

namespace switchyard::state {
namespace {

using logging::NowIsoUtc;
using logging::RedactSecrets;

constexpr int kBusyTimeoutMs = 5000;

std::string TableKey(std::string_view schema, std::string_view table) {
  return std::string(schema) + "." + std::string(table);
}

Status ApplyPragmas(SqliteDb* db, bool read_only) {
  if (sqlite3_busy_timeout(db->raw(), kBusyTimeoutMs) != SQLITE_OK) {
    return Status::DatabaseError("state store: cannot set busy_timeout: " + db->ErrorMessage());
  }
  if (read_only) return db->Exec("PRAGMA query_only = ON");
  // WAL: `switchyard status` reads while the engine writes. synchronous=NORMAL in WAL mode can
  // lose the last commits on power loss, never corrupt: acceptable for statistics and
  // checkpoints that the engine re-derives on resume.
  SY_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode = WAL"));
  return db->Exec("PRAGMA synchronous = NORMAL");
}

// Column order shared by the SELECTs below and ReadTable.
constexpr const char* kTableColumns =
    "schema_name, table_name, target_schema, target_table, TableState, FullLoadRows, "
    "FullLoadErrorRows, FullLoadStartTime, FullLoadEndTime, FullLoadReloaded, Inserts, Updates, "
    "Deletes, Ddls, AppliedInserts, AppliedUpdates, AppliedDeletes, AppliedDdls, "
    "ValidationState, LastUpdateTime, estimated_rows, segments_total, segments_completed, "
    "last_error, column_mapping";

// column_mapping holds a JSON array of {"source", "source_type", "target", "target_type",
// "note"} objects; a value that does not parse reads as no mapping (it is only shown).
std::vector<ColumnMappingRecord> ParseColumnMapping(const std::string& text) {
  std::vector<ColumnMappingRecord> out;
  if (text.empty()) return out;
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return out;
  for (const auto& c : json) {
    if (!c.is_object()) continue;
    ColumnMappingRecord r;
    r.source_name = c.value("source", "");
    r.source_type = c.value("source_type", "");
    r.target_name = c.value("target", "");
    r.target_type = c.value("target_type", "");
    r.note = c.value("note", "");
    out.push_back(std::move(r));
  }
  return out;
}

Result<TableRecord> ReadTable(const Statement& s) {
  TableRecord r;
  r.schema_name = s.ColumnText(0);
  r.table_name = s.ColumnText(1);
  r.target_schema = s.ColumnText(2);
  r.target_table = s.ColumnText(3);
  SY_ASSIGN_OR_RETURN(r.table_state, ParseTableState(s.ColumnText(4)));
  r.full_load_rows = s.ColumnInt(5);
  r.full_load_error_rows = s.ColumnInt(6);
  r.full_load_start_time = s.ColumnText(7);
  r.full_load_end_time = s.ColumnText(8);
  r.full_load_reloaded = s.ColumnInt(9) != 0;
  r.inserts = s.ColumnInt(10);
  r.updates = s.ColumnInt(11);
  r.deletes = s.ColumnInt(12);
  r.ddls = s.ColumnInt(13);
  r.applied_inserts = s.ColumnInt(14);
  r.applied_updates = s.ColumnInt(15);
  r.applied_deletes = s.ColumnInt(16);
  r.applied_ddls = s.ColumnInt(17);
  r.validation_state = s.ColumnText(18);
  r.last_update_time = s.ColumnText(19);
  r.estimated_rows = s.ColumnInt(20);
  r.segments_total = s.ColumnInt(21);
  r.segments_completed = s.ColumnInt(22);
  r.last_error = s.ColumnText(23);
  r.columns = ParseColumnMapping(s.ColumnText(24));
  return r;
}

std::string Sql(const char* head, const char* tail) { return std::string(head) + tail; }

}  // namespace

StateStore::StateStore(std::unique_ptr<SqliteDb> db, std::string path, bool read_only, int version)
    : path_(std::move(path)), read_only_(read_only), schema_version_(version), db_(std::move(db)) {}

StateStore::~StateStore() = default;

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& dir) {
  SY_RETURN_IF_ERROR(logging::CreatePrivateDirectories(dir));
  std::string path = dir + "/" + kFileName;
  struct stat st {};
  const bool existed = ::stat(path.c_str(), &st) == 0;
  SY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db,
                      SqliteDb::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  // The -wal and -shm files SQLite creates later copy the database file's mode.
  if (!existed && ::chmod(path.c_str(), 0600) != 0) {
    return Status::IoError("cannot chmod " + path + ": " + std::strerror(errno));
  }
  SY_RETURN_IF_ERROR(ApplyPragmas(db.get(), /*read_only=*/false).WithContext(path));
  SY_ASSIGN_OR_RETURN(int version, MigrateSchema(db.get(), StateMigrations()));
  return std::unique_ptr<StateStore>(
      new StateStore(std::move(db), std::move(path), /*read_only=*/false, version));
}

Result<std::unique_ptr<StateStore>> StateStore::OpenReadOnly(const std::string& dir) {
  std::string path = dir + "/" + kFileName;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound("no task state in " + dir + " (" + kFileName +
                            " missing): the task has not been started yet");
  }
  SY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path, SQLITE_OPEN_READONLY));
  SY_RETURN_IF_ERROR(ApplyPragmas(db.get(), /*read_only=*/true).WithContext(path));
  SY_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(db.get()));
  const int latest = LatestStateSchemaVersion();
  if (version == 0) {
    return Status::NotFound("no task state in " + path + " yet (database not initialised)");
  }
  if (version > latest) {
    return Status::Unsupported("state database " + path + " is schema version " +
                               std::to_string(version) +
                               ", written by a newer switchyard; this "
                               "binary understands up to version " +
                               std::to_string(latest));
  }
  if (version < latest) {
    return Status::Unsupported("state database " + path + " is schema version " +
                               std::to_string(version) + "; this binary needs version " +
                               std::to_string(latest) + ". Run the task once to migrate it");
  }
  return std::unique_ptr<StateStore>(
      new StateStore(std::move(db), std::move(path), /*read_only=*/true, version));
}

Status StateStore::CheckWritable() const {
  if (read_only_) return Status::InvalidArgument("state store " + path_ + " is open read-only");
  return Status::Ok();
}

Status StateStore::ExpectChangedLocked(std::string_view what) {
  if (db_->Changes() == 0) return Status::NotFound(std::string(what) + " not in state store");
  return Status::Ok();
}

// --- Task --------------------------------------------------------------------------------------

Status StateStore::InitTask(std::string_view identifier, std::string_view migration_type) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  Transaction txn(db_.get());
  SY_RETURN_IF_ERROR(txn.Begin());
  SY_ASSIGN_OR_RETURN(Statement * select, db_->Prepare("SELECT identifier FROM task WHERE id = 1"));
  SY_ASSIGN_OR_RETURN(bool exists, select->Step());
  const std::string existing = exists ? select->ColumnText(0) : "";
  select->Reset();
  const std::string now = NowIsoUtc();
  if (exists) {
    if (existing != identifier) {
      return Status::InvalidArgument("state directory of " + path_ + " belongs to task \"" +
                                     existing + "\", not \"" + std::string(identifier) + "\"");
    }
    SY_ASSIGN_OR_RETURN(
        Statement * update,
        db_->Prepare("UPDATE task SET migration_type = ?1, updated_at = ?2 WHERE id = 1"));
    SY_RETURN_IF_ERROR(update->Bind(1, migration_type).Bind(2, now).Run());
  } else {
    SY_ASSIGN_OR_RETURN(Statement * insert,
                        db_->Prepare("INSERT INTO task (id, identifier, migration_type, status, "
                                     "updated_at) VALUES (1, ?1, ?2, ?3, ?4)"));
    SY_RETURN_IF_ERROR(insert->Bind(1, identifier)
                           .Bind(2, migration_type)
                           .Bind(3, TaskStatusName(TaskStatus::kReady))
                           .Bind(4, now)
                           .Run());
  }
  return txn.Commit();
}

Result<TaskStatus> StateStore::CurrentStatusLocked() {
  SY_ASSIGN_OR_RETURN(Statement * select, db_->Prepare("SELECT status FROM task WHERE id = 1"));
  SY_ASSIGN_OR_RETURN(bool exists, select->Step());
  if (!exists) return Status::NotFound("task not initialised in " + path_ + " (InitTask first)");
  std::string status = select->ColumnText(0);
  select->Reset();
  return ParseTaskStatus(status);
}

Status StateStore::SetTaskStatus(TaskStatus status, StopReason stop_reason,
                                 std::string_view message) {
  SY_RETURN_IF_ERROR(CheckWritable());
  const std::string redacted = RedactSecrets(message);
  std::lock_guard lock(mu_);
  Transaction txn(db_.get());
  SY_RETURN_IF_ERROR(txn.Begin());
  SY_ASSIGN_OR_RETURN(TaskStatus previous, CurrentStatusLocked());
  const bool starts = status == TaskStatus::kStarting ||
                      (status == TaskStatus::kRunning && previous != TaskStatus::kStarting &&
                       previous != TaskStatus::kRunning);
  const bool stops = status == TaskStatus::kStopped || status == TaskStatus::kFailed;
  const bool failure = status == TaskStatus::kFailed || stop_reason == StopReason::kFatalError ||
                       stop_reason == StopReason::kRecoverableError;
  const std::string now = NowIsoUtc();
  SY_ASSIGN_OR_RETURN(
      Statement * update,
      db_->Prepare("UPDATE task SET status = ?1, stop_reason = ?2, updated_at = ?3, "
                   "start_date = CASE WHEN ?4 THEN ?3 ELSE start_date END, "
                   "stop_date = CASE WHEN ?4 THEN NULL WHEN ?5 THEN ?3 ELSE stop_date END, "
                   "last_failure_message = CASE WHEN ?6 THEN ?7 ELSE last_failure_message END "
                   "WHERE id = 1"));
  SY_RETURN_IF_ERROR(update->Bind(1, TaskStatusName(status))
                         .BindOptionalText(2, StopReasonName(stop_reason))
                         .Bind(3, now)
                         .Bind(4, starts ? 1 : 0)
                         .Bind(5, stops ? 1 : 0)
                         .Bind(6, failure ? 1 : 0)
                         .BindOptionalText(7, redacted)
                         .Run());
  SY_ASSIGN_OR_RETURN(Statement * history,
                      db_->Prepare("INSERT INTO task_history (time, status, event, message) "
                                   "VALUES (?1, ?2, ?3, ?4)"));
  std::string event = "status";
  if (stop_reason != StopReason::kNone) event += std::string(" ") + StopReasonName(stop_reason);
  SY_RETURN_IF_ERROR(history->Bind(1, now)
                         .Bind(2, TaskStatusName(status))
                         .Bind(3, event)
                         .BindOptionalText(4, redacted)
                         .Run());
  return txn.Commit();
}

Status StateStore::AppendTaskEvent(std::string_view event, std::string_view message) {
  SY_RETURN_IF_ERROR(CheckWritable());
  const std::string redacted = RedactSecrets(message);
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * insert,
                      db_->Prepare("INSERT INTO task_history (time, status, event, message) "
                                   "SELECT ?1, status, ?2, ?3 FROM task WHERE id = 1"));
  SY_RETURN_IF_ERROR(
      insert->Bind(1, NowIsoUtc()).Bind(2, event).BindOptionalText(3, redacted).Run());
  return ExpectChangedLocked("task");
}

Status StateStore::MarkFreshStart() {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  Transaction txn(db_.get());
  SY_RETURN_IF_ERROR(txn.Begin());
  SY_ASSIGN_OR_RETURN(Statement * update,
                      db_->Prepare("UPDATE task SET fresh_start_date = ?1, updated_at = ?1, "
                                   "full_load_start_date = NULL, full_load_finish_date = NULL "
                                   "WHERE id = 1"));
  SY_RETURN_IF_ERROR(update->Bind(1, NowIsoUtc()).Run());
  SY_RETURN_IF_ERROR(ExpectChangedLocked("task"));
  SY_RETURN_IF_ERROR(db_->Exec("DELETE FROM cdc_table_shapes"));
  return txn.Commit();
}

Status StateStore::SetFullLoadStart() {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * update,
                      db_->Prepare("UPDATE task SET full_load_start_date = ?1, updated_at = ?1, "
                                   "full_load_finish_date = NULL WHERE id = 1"));
  SY_RETURN_IF_ERROR(update->Bind(1, NowIsoUtc()).Run());
  return ExpectChangedLocked("task");
}

Status StateStore::SetFullLoadFinish() {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(
      Statement * update,
      db_->Prepare("UPDATE task SET full_load_finish_date = ?1, updated_at = ?1 WHERE id = 1"));
  SY_RETURN_IF_ERROR(update->Bind(1, NowIsoUtc()).Run());
  return ExpectChangedLocked("task");
}

Result<TaskRecord> StateStore::GetTask() {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(
      Statement * select,
      db_->Prepare("SELECT identifier, migration_type, status, stop_reason, last_failure_message, "
                   "fresh_start_date, start_date, stop_date, full_load_start_date, "
                   "full_load_finish_date, updated_at FROM task WHERE id = 1"));
  SY_ASSIGN_OR_RETURN(bool exists, select->Step());
  if (!exists) return Status::NotFound("task not initialised in " + path_);
  TaskRecord task;
  task.identifier = select->ColumnText(0);
  task.migration_type = select->ColumnText(1);
  const std::string status = select->ColumnText(2);
  const std::string stop_reason = select->ColumnText(3);
  task.last_failure_message = select->ColumnText(4);
  task.fresh_start_date = select->ColumnText(5);
  task.start_date = select->ColumnText(6);
  task.stop_date = select->ColumnText(7);
  task.full_load_start_date = select->ColumnText(8);
  task.full_load_finish_date = select->ColumnText(9);
  task.updated_at = select->ColumnText(10);
  select->Reset();
  SY_ASSIGN_OR_RETURN(task.status, ParseTaskStatus(status));
  SY_ASSIGN_OR_RETURN(task.stop_reason, ParseStopReason(stop_reason));

  SY_ASSIGN_OR_RETURN(
      Statement * counts,
      db_->Prepare("SELECT "
                   "COUNT(*), "
                   "COALESCE(SUM(TableState = 'Table completed'), 0), "
                   "COALESCE(SUM(TableState IN ('Full load', 'Table is being reloaded')), 0), "
                   "COALESCE(SUM(TableState = 'Before load'), 0), "
                   "COALESCE(SUM(TableState = 'Table error'), 0), "
                   "COALESCE(SUM(CASE WHEN estimated_rows > 0 THEN estimated_rows END), 0), "
                   "COALESCE(SUM(CASE WHEN estimated_rows > 0 THEN "
                   "  CASE WHEN TableState = 'Table completed' THEN estimated_rows "
                   "  ELSE MIN(FullLoadRows, estimated_rows) END END), 0) "
                   "FROM table_stats"));
  SY_ASSIGN_OR_RETURN(bool has_row, counts->Step());
  if (has_row) {
    const int64_t tables = counts->ColumnInt(0);
    task.tables_loaded = counts->ColumnInt(1);
    task.tables_loading = counts->ColumnInt(2);
    task.tables_queued = counts->ColumnInt(3);
    task.tables_errored = counts->ColumnInt(4);
    const int64_t estimated = counts->ColumnInt(5);
    const int64_t loaded = counts->ColumnInt(6);
    if (estimated > 0) {
      task.full_load_progress_percent = static_cast<int>(loaded * 100 / estimated);
    } else if (tables > 0 && task.tables_loaded == tables) {
      task.full_load_progress_percent = 100;
    }
  }
  counts->Reset();
  return task;
}

Result<std::vector<TaskHistoryRecord>> StateStore::ListTaskHistory(int limit) {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select,
                      db_->Prepare("SELECT id, time, status, event, message FROM task_history "
                                   "ORDER BY id DESC LIMIT ?1"));
  select->Bind(1, limit);
  std::vector<TaskHistoryRecord> out;
  while (true) {
    SY_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    TaskHistoryRecord r;
    r.id = select->ColumnInt(0);
    r.time = select->ColumnText(1);
    auto status = ParseTaskStatus(select->ColumnText(2));
    if (!status.ok()) {
      select->Reset();
      return status.status();
    }
    r.status = *status;
    r.event = select->ColumnText(3);
    r.message = select->ColumnText(4);
    out.push_back(std::move(r));
  }
  select->Reset();
  return out;
}

// --- Tables ------------------------------------------------------------------------------------

Status StateStore::UpsertTable(const TableRecord& r) {
  SY_RETURN_IF_ERROR(CheckWritable());
  if (r.schema_name.empty() && r.table_name.empty()) {
    return Status::InvalidArgument("UpsertTable: schema and table name are empty");
  }
  const std::string last_error = RedactSecrets(r.last_error);
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(
      Statement * upsert,
      db_->Prepare(
          "INSERT INTO table_stats (schema_name, table_name, target_schema, target_table, "
          "TableState, FullLoadRows, FullLoadErrorRows, FullLoadStartTime, FullLoadEndTime, "
          "FullLoadReloaded, Inserts, Updates, Deletes, Ddls, AppliedInserts, AppliedUpdates, "
          "AppliedDeletes, AppliedDdls, ValidationState, LastUpdateTime, estimated_rows, "
          "segments_total, segments_completed, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
          "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24) "
          "ON CONFLICT (schema_name, table_name) DO UPDATE SET "
          "target_schema = excluded.target_schema, target_table = excluded.target_table, "
          "TableState = excluded.TableState, FullLoadRows = excluded.FullLoadRows, "
          "FullLoadErrorRows = excluded.FullLoadErrorRows, "
          "FullLoadStartTime = excluded.FullLoadStartTime, "
          "FullLoadEndTime = excluded.FullLoadEndTime, "
          "FullLoadReloaded = excluded.FullLoadReloaded, Inserts = excluded.Inserts, "
          "Updates = excluded.Updates, Deletes = excluded.Deletes, Ddls = excluded.Ddls, "
          "AppliedInserts = excluded.AppliedInserts, AppliedUpdates = excluded.AppliedUpdates, "
          "AppliedDeletes = excluded.AppliedDeletes, AppliedDdls = excluded.AppliedDdls, "
          "ValidationState = excluded.ValidationState, LastUpdateTime = excluded.LastUpdateTime, "
          "estimated_rows = excluded.estimated_rows, segments_total = excluded.segments_total, "
          "segments_completed = excluded.segments_completed, last_error = excluded.last_error"));
  upsert->Bind(1, r.schema_name)
      .Bind(2, r.table_name)
      .Bind(3, r.target_schema)
      .Bind(4, r.target_table)
      .Bind(5, TableStateName(r.table_state))
      .Bind(6, r.full_load_rows)
      .Bind(7, r.full_load_error_rows)
      .BindOptionalText(8, r.full_load_start_time)
      .BindOptionalText(9, r.full_load_end_time)
      .Bind(10, r.full_load_reloaded ? 1 : 0)
      .Bind(11, r.inserts)
      .Bind(12, r.updates)
      .Bind(13, r.deletes)
      .Bind(14, r.ddls)
      .Bind(15, r.applied_inserts)
      .Bind(16, r.applied_updates)
      .Bind(17, r.applied_deletes)
      .Bind(18, r.applied_ddls)
      .Bind(19, r.validation_state.empty() ? std::string_view("Not enabled")
                                           : std::string_view(r.validation_state))
      .Bind(20, NowIsoUtc())
      .Bind(21, r.estimated_rows)
      .Bind(22, r.segments_total)
      .Bind(23, r.segments_completed)
      .BindOptionalText(24, last_error);
  return upsert->Run();
}

Status StateStore::ResetTable(std::string_view schema, std::string_view table, bool reload) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  Transaction txn(db_.get());
  SY_RETURN_IF_ERROR(txn.Begin());
  SY_ASSIGN_OR_RETURN(
      Statement * update,
      db_->Prepare("UPDATE table_stats SET TableState = ?3, FullLoadRows = 0, "
                   "FullLoadErrorRows = 0, FullLoadStartTime = NULL, FullLoadEndTime = NULL, "
                   "FullLoadReloaded = ?4, Inserts = 0, Updates = 0, Deletes = 0, Ddls = 0, "
                   "AppliedInserts = 0, AppliedUpdates = 0, AppliedDeletes = 0, AppliedDdls = 0, "
                   "LastUpdateTime = ?5, segments_total = 0, segments_completed = 0, "
                   "last_error = NULL, source_oid = NULL "
                   "WHERE schema_name = ?1 AND table_name = ?2"));
  SY_RETURN_IF_ERROR(update->Bind(1, schema)
                         .Bind(2, table)
                         .Bind(3, TableStateName(reload ? TableState::kTableBeingReloaded
                                                        : TableState::kBeforeLoad))
                         .Bind(4, reload ? 1 : 0)
                         .Bind(5, NowIsoUtc())
                         .Run());
  SY_RETURN_IF_ERROR(ExpectChangedLocked("table " + TableKey(schema, table)));
  SY_ASSIGN_OR_RETURN(
      Statement * del,
      db_->Prepare("DELETE FROM load_segments WHERE schema_name = ?1 AND table_name = ?2"));
  SY_RETURN_IF_ERROR(del->Bind(1, schema).Bind(2, table).Run());
  SY_ASSIGN_OR_RETURN(
      Statement * shapes,
      db_->Prepare("DELETE FROM cdc_table_shapes WHERE schema_name = ?1 AND table_name = ?2"));
  SY_RETURN_IF_ERROR(shapes->Bind(1, schema).Bind(2, table).Run());
  return txn.Commit();
}

Status StateStore::SetTableState(std::string_view schema, std::string_view table, TableState state,
                                 std::string_view last_error) {
  SY_RETURN_IF_ERROR(CheckWritable());
  const std::string redacted = RedactSecrets(last_error);
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(
      Statement * update,
      db_->Prepare("UPDATE table_stats SET TableState = ?3, last_error = ?4, LastUpdateTime = ?5 "
                   "WHERE schema_name = ?1 AND table_name = ?2"));
  SY_RETURN_IF_ERROR(update->Bind(1, schema)
                         .Bind(2, table)
                         .Bind(3, TableStateName(state))
                         .BindOptionalText(4, redacted)
                         .Bind(5, NowIsoUtc())
                         .Run());
  return ExpectChangedLocked("table " + TableKey(schema, table));
}

Status StateStore::AddTableCounterLocked(const char* sql, std::string_view schema,
                                         std::string_view table, int64_t delta) {
  SY_ASSIGN_OR_RETURN(Statement * update, db_->Prepare(sql));
  SY_RETURN_IF_ERROR(
      update->Bind(1, schema).Bind(2, table).Bind(3, delta).Bind(4, NowIsoUtc()).Run());
  return ExpectChangedLocked("table " + TableKey(schema, table));
}

// A single UPDATE is its own (autocommit) transaction: the cheapest durable increment.
Status StateStore::AddFullLoadRows(std::string_view schema, std::string_view table, int64_t delta) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  return AddTableCounterLocked(
      "UPDATE table_stats SET FullLoadRows = FullLoadRows + ?3, LastUpdateTime = ?4 "
      "WHERE schema_name = ?1 AND table_name = ?2",
      schema, table, delta);
}

Status StateStore::AddFullLoadErrorRows(std::string_view schema, std::string_view table,
                                        int64_t delta) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  return AddTableCounterLocked(
      "UPDATE table_stats SET FullLoadErrorRows = FullLoadErrorRows + ?3, LastUpdateTime = ?4 "
      "WHERE schema_name = ?1 AND table_name = ?2",
      schema, table, delta);
}

Status StateStore::AddChangeCounts(std::string_view schema, std::string_view table,
                                   const ChangeCounts& d) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  return AddChangeCountsLocked(schema, table, d);
}

Status StateStore::AddChangeCounts(const std::vector<TableChangeCounts>& deltas) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  Transaction txn(db_.get());
  SY_RETURN_IF_ERROR(txn.Begin());
  Status first_missing;
  for (const TableChangeCounts& t : deltas) {
    Status st = AddChangeCountsLocked(t.schema_name, t.table_name, t.counts);
    if (st.code() != StatusCode::kNotFound) SY_RETURN_IF_ERROR(st);
    if (!st.ok() && first_missing.ok()) first_missing = st;
  }
  SY_RETURN_IF_ERROR(txn.Commit());
  return first_missing;
}

Status StateStore::AddChangeCountsLocked(std::string_view schema, std::string_view table,
                                         const ChangeCounts& d) {
  SY_ASSIGN_OR_RETURN(
      Statement * update,
      db_->Prepare("UPDATE table_stats SET Inserts = Inserts + ?3, Updates = Updates + ?4, "
                   "Deletes = Deletes + ?5, Ddls = Ddls + ?6, "
                   "AppliedInserts = AppliedInserts + ?7, AppliedUpdates = AppliedUpdates + ?8, "
                   "AppliedDeletes = AppliedDeletes + ?9, AppliedDdls = AppliedDdls + ?10, "
                   "LastUpdateTime = ?11 WHERE schema_name = ?1 AND table_name = ?2"));
  SY_RETURN_IF_ERROR(update->Bind(1, schema)
                         .Bind(2, table)
                         .Bind(3, d.inserts)
                         .Bind(4, d.updates)
                         .Bind(5, d.deletes)
                         .Bind(6, d.ddls)
                         .Bind(7, d.applied_inserts)
                         .Bind(8, d.applied_updates)
                         .Bind(9, d.applied_deletes)
                         .Bind(10, d.applied_ddls)
                         .Bind(11, NowIsoUtc())
                         .Run());
  return ExpectChangedLocked("table " + TableKey(schema, table));
}

Status StateStore::SetFullLoadTimes(std::string_view schema, std::string_view table,
                                    std::optional<logging::TimePoint> start,
                                    std::optional<logging::TimePoint> end) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(
      Statement * update,
      db_->Prepare("UPDATE table_stats SET FullLoadStartTime = COALESCE(?3, FullLoadStartTime), "
                   "FullLoadEndTime = COALESCE(?4, FullLoadEndTime), LastUpdateTime = ?5 "
                   "WHERE schema_name = ?1 AND table_name = ?2"));
  update->Bind(1, schema).Bind(2, table).Bind(5, NowIsoUtc());
  if (start) update->Bind(3, logging::FormatIsoUtc(*start));
  if (end) update->Bind(4, logging::FormatIsoUtc(*end));
  SY_RETURN_IF_ERROR(update->Run());
  return ExpectChangedLocked("table " + TableKey(schema, table));
}

Result<std::vector<TableRecord>> StateStore::ListTables() {
  static const std::string sql =
      Sql("SELECT ", kTableColumns) + " FROM table_stats ORDER BY schema_name, table_name";
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select, db_->Prepare(sql.c_str()));
  std::vector<TableRecord> out;
  while (true) {
    SY_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    auto record = ReadTable(*select);
    if (!record.ok()) {
      select->Reset();
      return record.status();
    }
    out.push_back(std::move(record).value());
  }
  select->Reset();
  return out;
}

Result<TableRecord> StateStore::GetTable(std::string_view schema, std::string_view table) {
  static const std::string sql = Sql("SELECT ", kTableColumns) +
                                 " FROM table_stats WHERE schema_name = ?1 AND table_name = ?2";
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select, db_->Prepare(sql.c_str()));
  select->Bind(1, schema).Bind(2, table);
  SY_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return Status::NotFound("table " + TableKey(schema, table) + " not in state store");
  auto record = ReadTable(*select);
  select->Reset();
  return record;
}

// --- Segments ----------------------------------------------------------------------------------

Status StateStore::RefreshSegmentCountsLocked(std::string_view schema, std::string_view table) {
  SY_ASSIGN_OR_RETURN(
      Statement * update,
      db_->Prepare("UPDATE table_stats SET "
                   "segments_total = (SELECT COUNT(*) FROM load_segments "
                   "  WHERE schema_name = ?1 AND table_name = ?2), "
                   "segments_completed = (SELECT COUNT(*) FROM load_segments "
                   "  WHERE schema_name = ?1 AND table_name = ?2 AND state = 'completed'), "
                   "LastUpdateTime = ?3 WHERE schema_name = ?1 AND table_name = ?2"));
  SY_RETURN_IF_ERROR(update->Bind(1, schema).Bind(2, table).Bind(3, NowIsoUtc()).Run());
  return ExpectChangedLocked("table " + TableKey(schema, table));
}

Status StateStore::ReplaceSegments(std::string_view schema, std::string_view table,
                                   const std::vector<std::string>& where_sqls) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  Transaction txn(db_.get());
  SY_RETURN_IF_ERROR(txn.Begin());
  SY_ASSIGN_OR_RETURN(Statement * select,
                      db_->Prepare("SELECT segment_index, where_sql FROM load_segments "
                                   "WHERE schema_name = ?1 AND table_name = ?2 "
                                   "ORDER BY segment_index"));
  select->Bind(1, schema).Bind(2, table);
  bool unchanged = true;
  size_t count = 0;
  while (true) {
    SY_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    if (count >= where_sqls.size() || select->ColumnInt(0) != static_cast<int64_t>(count) ||
        select->ColumnText(1) != where_sqls[count]) {
      unchanged = false;
    }
    ++count;
  }
  select->Reset();
  unchanged = unchanged && count == where_sqls.size();
  const std::string now = NowIsoUtc();
  if (unchanged) {
    SY_ASSIGN_OR_RETURN(
        Statement * requeue,
        db_->Prepare("UPDATE load_segments SET state = 'pending', rows = 0, updated_at = ?3 "
                     "WHERE schema_name = ?1 AND table_name = ?2 AND state != 'completed'"));
    SY_RETURN_IF_ERROR(requeue->Bind(1, schema).Bind(2, table).Bind(3, now).Run());
  } else {
    SY_ASSIGN_OR_RETURN(
        Statement * del,
        db_->Prepare("DELETE FROM load_segments WHERE schema_name = ?1 AND table_name = ?2"));
    SY_RETURN_IF_ERROR(del->Bind(1, schema).Bind(2, table).Run());
    SY_ASSIGN_OR_RETURN(Statement * insert,
                        db_->Prepare("INSERT INTO load_segments (schema_name, table_name, "
                                     "segment_index, where_sql, state, rows, updated_at) "
                                     "VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5)"));
    for (size_t i = 0; i < where_sqls.size(); ++i) {
      SY_RETURN_IF_ERROR(insert->Bind(1, schema)
                             .Bind(2, table)
                             .Bind(3, static_cast<int64_t>(i))
                             .Bind(4, where_sqls[i])
                             .Bind(5, now)
                             .Run());
    }
  }
  SY_RETURN_IF_ERROR(RefreshSegmentCountsLocked(schema, table));
  return txn.Commit();
}

Status StateStore::SetSegmentState(std::string_view schema, std::string_view table,
                                   int segment_index, SegmentState state, int64_t rows) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  Transaction txn(db_.get());
  SY_RETURN_IF_ERROR(txn.Begin());
  SY_ASSIGN_OR_RETURN(
      Statement * update,
      db_->Prepare("UPDATE load_segments SET state = ?4, rows = ?5, updated_at = ?6 "
                   "WHERE schema_name = ?1 AND table_name = ?2 AND segment_index = ?3"));
  SY_RETURN_IF_ERROR(update->Bind(1, schema)
                         .Bind(2, table)
                         .Bind(3, segment_index)
                         .Bind(4, SegmentStateName(state))
                         .Bind(5, rows)
                         .Bind(6, NowIsoUtc())
                         .Run());
  SY_RETURN_IF_ERROR(ExpectChangedLocked("segment " + std::to_string(segment_index) + " of " +
                                         TableKey(schema, table)));
  SY_RETURN_IF_ERROR(RefreshSegmentCountsLocked(schema, table));
  return txn.Commit();
}

Result<std::vector<SegmentRecord>> StateStore::ListSegments(std::string_view schema,
                                                            std::string_view table) {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select,
                      db_->Prepare("SELECT segment_index, where_sql, state, rows, updated_at "
                                   "FROM load_segments WHERE schema_name = ?1 AND table_name = ?2 "
                                   "ORDER BY segment_index"));
  select->Bind(1, schema).Bind(2, table);
  std::vector<SegmentRecord> out;
  while (true) {
    SY_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    SegmentRecord r;
    r.schema_name = std::string(schema);
    r.table_name = std::string(table);
    r.segment_index = static_cast<int>(select->ColumnInt(0));
    r.where_sql = select->ColumnText(1);
    auto state = ParseSegmentState(select->ColumnText(2));
    if (!state.ok()) {
      select->Reset();
      return state.status();
    }
    r.state = *state;
    r.rows = select->ColumnInt(3);
    r.updated_at = select->ColumnText(4);
    out.push_back(std::move(r));
  }
  select->Reset();
  return out;
}

// --- Data errors and metrics ---------------------------------------------------------------------

Status StateStore::RecordDataError(std::string_view schema, std::string_view table,
                                   std::string_view message, nlohmann::json row) {
  SY_RETURN_IF_ERROR(CheckWritable());
  logging::DropSecretKeys(row);
  const std::string row_json =
      row.is_null() ? std::string()
                    : row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string redacted = RedactSecrets(message);
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * insert,
                      db_->Prepare("INSERT INTO data_errors (time, schema_name, table_name, "
                                   "message, row_json) VALUES (?1, ?2, ?3, ?4, ?5)"));
  return insert->Bind(1, NowIsoUtc())
      .Bind(2, schema)
      .Bind(3, table)
      .Bind(4, redacted)
      .BindOptionalText(5, row_json)
      .Run();
}

Result<std::vector<DataErrorRecord>> StateStore::ListDataErrors(int limit) {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select,
                      db_->Prepare("SELECT id, time, schema_name, table_name, message, row_json "
                                   "FROM data_errors ORDER BY id DESC LIMIT ?1"));
  select->Bind(1, limit);
  std::vector<DataErrorRecord> out;
  while (true) {
    SY_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    DataErrorRecord r;
    r.id = select->ColumnInt(0);
    r.time = select->ColumnText(1);
    r.schema_name = select->ColumnText(2);
    r.table_name = select->ColumnText(3);
    r.message = select->ColumnText(4);
    r.row_json = select->ColumnText(5);
    out.push_back(std::move(r));
  }
  select->Reset();
  return out;
}

Status StateStore::RecordMetric(std::string_view name, double value) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * insert,
                      db_->Prepare("INSERT INTO metrics (time, name, value) VALUES (?1, ?2, ?3)"));
  return insert->Bind(1, NowIsoUtc()).Bind(2, name).Bind(3, value).Run();
}

Result<std::vector<MetricRecord>> StateStore::ListMetrics(std::string_view name, int limit) {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select,
                      db_->Prepare("SELECT time, name, value FROM metrics WHERE name = ?1 "
                                   "ORDER BY id DESC LIMIT ?2"));
  select->Bind(1, name).Bind(2, limit);
  std::vector<MetricRecord> out;
  while (true) {
    SY_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    out.push_back({select->ColumnText(0), select->ColumnText(1), select->ColumnDouble(2)});
  }
  select->Reset();
  return out;
}

Status StateStore::RecordMetrics(const std::vector<std::pair<std::string, double>>& samples) {
  SY_RETURN_IF_ERROR(CheckWritable());
  const std::string now = NowIsoUtc();
  std::lock_guard lock(mu_);
  Transaction txn(db_.get());
  SY_RETURN_IF_ERROR(txn.Begin());
  SY_ASSIGN_OR_RETURN(Statement * insert,
                      db_->Prepare("INSERT INTO metrics (time, name, value) VALUES (?1, ?2, ?3)"));
  for (const auto& [name, value] : samples) {
    SY_RETURN_IF_ERROR(insert->Bind(1, now).Bind(2, name).Bind(3, value).Run());
  }
  return txn.Commit();
}

Result<std::vector<MetricRecord>> StateStore::ListMetricsSince(std::string_view name,
                                                               std::string_view since, int limit) {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select,
                      db_->Prepare("SELECT time, name, value FROM (SELECT id, time, name, value "
                                   "FROM metrics WHERE name = ?1 AND time > ?2 ORDER BY id DESC "
                                   "LIMIT ?3) ORDER BY id"));
  select->Bind(1, name).Bind(2, since).Bind(3, limit);
  std::vector<MetricRecord> out;
  while (true) {
    SY_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    out.push_back({select->ColumnText(0), select->ColumnText(1), select->ColumnDouble(2)});
  }
  select->Reset();
  return out;
}

Status StateStore::PruneMetrics(std::string_view before) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * del, db_->Prepare("DELETE FROM metrics WHERE time < ?1"));
  return del->Bind(1, before).Run();
}

// --- Apply exceptions ----------------------------------------------------------------------------

namespace {

constexpr const char* kApplyExceptionColumns =
    "id, time, schema_name, table_name, operation, statement, values_json, error, "
    "source_position, action, resolved_at";

ApplyExceptionRecord ReadApplyException(Statement& s) {
  ApplyExceptionRecord r;
  r.id = s.ColumnInt(0);
  r.time = s.ColumnText(1);
  r.schema_name = s.ColumnText(2);
  r.table_name = s.ColumnText(3);
  r.operation = s.ColumnText(4);
  r.statement = s.ColumnText(5);
  r.values_json = s.ColumnText(6);
  r.error = s.ColumnText(7);
  r.source_position = s.ColumnText(8);
  r.action = s.ColumnText(9);
  r.resolved_at = s.ColumnText(10);
  return r;
}

}  // namespace

Result<int64_t> StateStore::RecordApplyException(const ApplyExceptionRecord& record) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::string values_json;
  if (!record.values_json.empty()) {
    auto values = nlohmann::json::parse(record.values_json, nullptr, false);
    if (!values.is_discarded()) {
      logging::DropSecretKeys(values);
      values_json = values.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(
      Statement * insert,
      db_->Prepare("INSERT INTO apply_exceptions (time, schema_name, table_name, operation, "
                   "statement, values_json, error, source_position, action) VALUES (?1, ?2, ?3, "
                   "?4, ?5, ?6, ?7, ?8, ?9)"));
  SY_RETURN_IF_ERROR(insert->Bind(1, NowIsoUtc())
                         .Bind(2, record.schema_name)
                         .Bind(3, record.table_name)
                         .Bind(4, record.operation)
                         .Bind(5, RedactSecrets(record.statement))
                         .BindOptionalText(6, values_json)
                         .Bind(7, RedactSecrets(record.error))
                         .Bind(8, record.source_position)
                         .Bind(9, record.action)
                         .Run());
  return db_->LastInsertRowId();
}

Result<std::vector<ApplyExceptionRecord>> StateStore::ListApplyExceptions(int limit) {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select,
                      db_->Prepare((std::string("SELECT ") + kApplyExceptionColumns +
                                    " FROM apply_exceptions ORDER BY id DESC LIMIT ?1")
                                       .c_str()));
  select->Bind(1, limit);
  std::vector<ApplyExceptionRecord> out;
  while (true) {
    SY_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    out.push_back(ReadApplyException(*select));
  }
  select->Reset();
  return out;
}

Result<ApplyExceptionRecord> StateStore::GetApplyException(int64_t id) {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select,
                      db_->Prepare((std::string("SELECT ") + kApplyExceptionColumns +
                                    " FROM apply_exceptions WHERE id = ?1")
                                       .c_str()));
  select->Bind(1, id);
  SY_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) {
    select->Reset();
    return Status::NotFound("no apply exception with id " + std::to_string(id));
  }
  ApplyExceptionRecord r = ReadApplyException(*select);
  select->Reset();
  return r;
}

Status StateStore::ResolveApplyException(int64_t id, std::string_view action) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(
      Statement * update,
      db_->Prepare("UPDATE apply_exceptions SET resolved_at = ?2, action = CASE WHEN ?3 = '' "
                   "THEN action ELSE ?3 END WHERE id = ?1"));
  SY_RETURN_IF_ERROR(update->Bind(1, id).Bind(2, NowIsoUtc()).Bind(3, action).Run());
  return ExpectChangedLocked("apply exception " + std::to_string(id));
}

Result<int64_t> StateStore::CountUnresolvedApplyExceptions() {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(
      Statement * select,
      db_->Prepare("SELECT COUNT(*) FROM apply_exceptions WHERE resolved_at IS NULL"));
  SY_ASSIGN_OR_RETURN(bool row, select->Step());
  const int64_t n = row ? select->ColumnInt(0) : 0;
  select->Reset();
  return n;
}

// --- CDC handoff ---------------------------------------------------------------------------------

Status StateStore::SetTableText(std::string_view schema, std::string_view table,
                                std::string_view column, std::string_view value) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  const std::string sql = "UPDATE table_stats SET " + std::string(column) +
                          " = ?3 WHERE schema_name = ?1 AND table_name = ?2";
  SY_ASSIGN_OR_RETURN(Statement * update, db_->Prepare(sql.c_str()));
  SY_RETURN_IF_ERROR(update->Bind(1, schema).Bind(2, table).BindOptionalText(3, value).Run());
  return ExpectChangedLocked("table " + std::string(schema) + "." + std::string(table));
}

Result<std::string> StateStore::GetTableText(std::string_view schema, std::string_view table,
                                             std::string_view column) {
  std::lock_guard lock(mu_);
  const std::string sql = "SELECT " + std::string(column) +
                          " FROM table_stats WHERE schema_name = ?1 AND table_name = ?2";
  SY_ASSIGN_OR_RETURN(Statement * select, db_->Prepare(sql.c_str()));
  select->Bind(1, schema).Bind(2, table);
  SY_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) {
    select->Reset();
    return Status::NotFound("table " + std::string(schema) + "." + std::string(table) +
                            " is not in the state store");
  }
  std::string value = select->ColumnText(0);
  select->Reset();
  return value;
}

Status StateStore::SetSnapshotPosition(std::string_view schema, std::string_view table,
                                       std::string_view position) {
  return SetTableText(schema, table, "snapshot_position", position);
}

Result<std::string> StateStore::GetSnapshotPosition(std::string_view schema,
                                                    std::string_view table) {
  return GetTableText(schema, table, "snapshot_position");
}

Status StateStore::SetSnapshotXids(std::string_view schema, std::string_view table,
                                   std::string_view xids) {
  return SetTableText(schema, table, "snapshot_xids", xids);
}

Result<std::string> StateStore::GetSnapshotXids(std::string_view schema, std::string_view table) {
  return GetTableText(schema, table, "snapshot_xids");
}

Status StateStore::SetSourceOid(std::string_view schema, std::string_view table,
                                std::string_view oid) {
  return SetTableText(schema, table, "source_oid", oid);
}

Result<std::string> StateStore::GetSourceOid(std::string_view schema, std::string_view table) {
  return GetTableText(schema, table, "source_oid");
}

Status StateStore::SetColumnMapping(std::string_view schema, std::string_view table,
                                    const std::vector<ColumnMappingRecord>& columns) {
  SY_RETURN_IF_ERROR(CheckWritable());
  nlohmann::json json = nlohmann::json::array();
  for (const auto& c : columns) {
    json.push_back({{"source", c.source_name},
                    {"source_type", c.source_type},
                    {"target", c.target_name},
                    {"target_type", c.target_type},
                    {"note", c.note}});
  }
  const std::string text = json.dump();
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * update,
                      db_->Prepare("UPDATE table_stats SET column_mapping = ?3 "
                                   "WHERE schema_name = ?1 AND table_name = ?2"));
  SY_RETURN_IF_ERROR(update->Bind(1, schema).Bind(2, table).Bind(3, text).Run());
  return ExpectChangedLocked("table " + std::string(schema) + "." + std::string(table));
}

Status StateStore::AddTableShape(std::string_view schema, std::string_view table,
                                 std::string_view after_position, std::string_view shape_json) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * insert,
                      db_->Prepare("INSERT INTO cdc_table_shapes (schema_name, table_name, "
                                   "after_position, shape) VALUES (?1, ?2, ?3, ?4)"));
  return insert->Bind(1, schema).Bind(2, table).Bind(3, after_position).Bind(4, shape_json).Run();
}

Result<std::vector<TableShapeRecord>> StateStore::ListTableShapes(std::string_view schema,
                                                                  std::string_view table) {
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * select,
                      db_->Prepare("SELECT id, after_position, shape FROM cdc_table_shapes "
                                   "WHERE schema_name = ?1 AND table_name = ?2 ORDER BY id"));
  select->Bind(1, schema).Bind(2, table);
  std::vector<TableShapeRecord> out;
  while (true) {
    SY_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    out.push_back({select->ColumnInt(0), select->ColumnText(1), select->ColumnText(2)});
  }
  select->Reset();
  return out;
}

Status StateStore::DeleteTableShape(int64_t id) {
  SY_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard lock(mu_);
  SY_ASSIGN_OR_RETURN(Statement * del, db_->Prepare("DELETE FROM cdc_table_shapes WHERE id = ?1"));
  return del->Bind(1, id).Run();
}

}  // namespace switchyard::state
