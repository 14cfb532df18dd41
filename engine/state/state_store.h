// StateStore: everything a task knows about itself, in one SQLite database `state.db` in the
// task's state directory (DESIGN.md, "State"): the task row and its history, per-table state and
// DMS statistics, full-load segments (so a resumed load skips completed key ranges), rejected
// rows and metric samples.
//
// Ownership: the engine owns one read-write StateStore per task; `switchyard status` opens its
// own read-only one, in another process, while the engine runs (WAL mode lets it read committed
// data without blocking the writer).
//
// Thread-safety: every method may be called from any thread. One internal mutex serialises use
// of the connection; each write is one short IMMEDIATE transaction, so loader threads calling
// AddFullLoadRows once per committed batch do not contend noticeably. Across processes,
// busy_timeout makes a second writer wait instead of failing.
//
// Secrets: the store must never hold a password. Callers pass redacted text only (messages are
// built from redacted inputs, see common/status.h); as a second line of defence every stored
// message goes through logging::RedactSecrets and RecordDataError drops JSON members whose key
// looks like a secret (password, passwd, pwd, secret, token, api_key).
//
// Failure: methods return Status/Result; nothing throws. A read-only store refuses writes with
// kInvalidArgument.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/logging/iso_time.h"
#include "engine/state/records.h"
#include "engine/state/sqlite_db.h"
#include "engine/state/states.h"

namespace switchyard::state {

class StateStore {
 public:
  static constexpr const char* kFileName = "state.db";

  // Opens <dir>/state.db read-write, creating the directory (mode 0700) and the database (mode
  // 0600) if missing, and migrates an older schema. Fails with kUnsupported if the database was
  // written by a newer switchyard.
  static Result<std::unique_ptr<StateStore>> Open(const std::string& dir);
  // Opens an existing <dir>/state.db read-only (for `switchyard status`). kNotFound if the task
  // has no state yet; kUnsupported if the schema is older or newer than this binary's (run the
  // engine once to migrate an older one).
  static Result<std::unique_ptr<StateStore>> OpenReadOnly(const std::string& dir);

  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  int schema_version() const { return schema_version_; }

  // --- Task ---------------------------------------------------------------------------------
  // Creates the task row (status ready) if missing, or updates migration_type. Fails with
  // kInvalidArgument if the directory holds the state of a task with another identifier.
  Status InitTask(std::string_view identifier, std::string_view migration_type);
  // Sets status and stop reason and appends a task_history row (event "status"). Also:
  // starting (or running straight from a non-running status) sets StartDate and clears
  // StopDate; stopped/failed set StopDate; failed, FATAL_ERROR and RECOVERABLE_ERROR set
  // LastFailureMessage to `message`.
  Status SetTaskStatus(TaskStatus status, StopReason stop_reason = StopReason::kNone,
                       std::string_view message = {});
  // Appends a task_history row with the current status (events that are not status changes).
  Status AppendTaskEvent(std::string_view event, std::string_view message);
  // A fresh start or reload-target: sets FreshStartDate and clears the full-load dates.
  Status MarkFreshStart();
  Status SetFullLoadStart();
  Status SetFullLoadFinish();
  // kNotFound before InitTask.
  Result<TaskRecord> GetTask();
  // Newest first.
  Result<std::vector<TaskHistoryRecord>> ListTaskHistory(int limit);

  // --- Tables -------------------------------------------------------------------------------
  // Inserts the table or overwrites every column with the record's values (LastUpdateTime is
  // always now).
  Status UpsertTable(const TableRecord& record);
  // Back to the start of a load: counters zeroed, times and error cleared, segments deleted.
  // State is "Before load", or "Table is being reloaded" with FullLoadReloaded when `reload`.
  // kNotFound for an unknown table.
  Status ResetTable(std::string_view schema, std::string_view table, bool reload);
  // kNotFound for an unknown table. last_error is stored redacted ("" clears it).
  Status SetTableState(std::string_view schema, std::string_view table, TableState state,
                       std::string_view last_error = {});
  // Once per committed batch. kNotFound for an unknown table.
  Status AddFullLoadRows(std::string_view schema, std::string_view table, int64_t delta);
  Status AddFullLoadErrorRows(std::string_view schema, std::string_view table, int64_t delta);
  Status AddChangeCounts(std::string_view schema, std::string_view table,
                         const ChangeCounts& delta);
  // Several tables' counts in one state-store transaction (once per applied CDC batch). The
  // known tables are counted; the first unknown one is returned as kNotFound.
  Status AddChangeCounts(const std::vector<TableChangeCounts>& deltas);
  // nullopt leaves that time unchanged.
  Status SetFullLoadTimes(std::string_view schema, std::string_view table,
                          std::optional<logging::TimePoint> start,
                          std::optional<logging::TimePoint> end);
  // Ordered by schema, table.
  Result<std::vector<TableRecord>> ListTables();
  // kNotFound for an unknown table.
  Result<TableRecord> GetTable(std::string_view schema, std::string_view table);

  // --- Full-load segments -------------------------------------------------------------------
  // Sets the table's key ranges. If `where_sqls` equals the stored list, completed segments are
  // kept (a resumed load skips them) and the others go back to pending with rows 0: the loader
  // must clear a pending range on the target before loading it. Otherwise all segments are
  // replaced by new pending ones. Updates segments_total/segments_completed.
  Status ReplaceSegments(std::string_view schema, std::string_view table,
                         const std::vector<std::string>& where_sqls);
  // kNotFound for an unknown segment. Updates the table's segments_completed.
  Status SetSegmentState(std::string_view schema, std::string_view table, int segment_index,
                         SegmentState state, int64_t rows);
  // Ordered by segment_index.
  Result<std::vector<SegmentRecord>> ListSegments(std::string_view schema, std::string_view table);

  // --- Data errors and metrics ---------------------------------------------------------------
  // Stores a rejected row. Object members whose key looks like a secret are dropped from `row`
  // (recursively) and the message is redacted before anything is written. `row` may be null.
  Status RecordDataError(std::string_view schema, std::string_view table, std::string_view message,
                         nlohmann::json row);
  // Newest first.
  Result<std::vector<DataErrorRecord>> ListDataErrors(int limit);
  Status RecordMetric(std::string_view name, double value);
  // Several samples with one time, in one transaction (the engine's once-a-second publish).
  Status RecordMetrics(const std::vector<std::pair<std::string, double>>& samples);
  // Samples of `name` newer than `since` (ISO text), oldest first, at most `limit`.
  Result<std::vector<MetricRecord>> ListMetricsSince(std::string_view name, std::string_view since,
                                                     int limit);
  // Deletes samples older than `before` (ISO text): the store keeps a bounded history.
  Status PruneMetrics(std::string_view before);

  // --- Apply exceptions ------------------------------------------------------------------------
  // Stores the record (id, time and resolved_at are set by the store); returns its id. The
  // error and statement are redacted and secret-looking members of values_json dropped.
  Result<int64_t> RecordApplyException(const ApplyExceptionRecord& record);
  // Newest first.
  Result<std::vector<ApplyExceptionRecord>> ListApplyExceptions(int limit);
  Result<ApplyExceptionRecord> GetApplyException(int64_t id);
  // Sets resolved_at (and action, when not empty). kNotFound for an unknown id.
  Status ResolveApplyException(int64_t id, std::string_view action = {});
  Result<int64_t> CountUnresolvedApplyExceptions();

  // --- CDC handoff ---------------------------------------------------------------------------
  // The source position the table's full load was read at; "" clears it. Changes to the table
  // at or before it are in the loaded rows and must not be applied again.
  Status SetSnapshotPosition(std::string_view schema, std::string_view table,
                             std::string_view position);
  // "" when not set. kNotFound for an unknown table.
  Result<std::string> GetSnapshotPosition(std::string_view schema, std::string_view table);
  // PostgreSQL: which transactions that load's snapshot saw ("xmin:xmax:xip,...",
  // pg_snapshot_xids.h); "" clears it / when not set (MySQL sources, loads before version 6).
  Status SetSnapshotXids(std::string_view schema, std::string_view table, std::string_view xids);
  Result<std::string> GetSnapshotXids(std::string_view schema, std::string_view table);
  // The PostgreSQL source's relation OID of the table, as text; "" clears it / when not set.
  // ResetTable clears it: a load may read a table created anew under the name.
  Status SetSourceOid(std::string_view schema, std::string_view table, std::string_view oid);
  Result<std::string> GetSourceOid(std::string_view schema, std::string_view table);

  // --- CDC column shapes (pipeline/cdc/table_shapes.h) -----------------------------------
  // Cleared by MarkFreshStart (every table) and ResetTable (that table): a load plans anew.
  Status AddTableShape(std::string_view schema, std::string_view table,
                       std::string_view after_position, std::string_view shape_json);
  // In the order they were added.
  Result<std::vector<TableShapeRecord>> ListTableShapes(std::string_view schema,
                                                        std::string_view table);
  Status DeleteTableShape(int64_t id);

  // --- Column mapping ------------------------------------------------------------------------
  // The table's current plan, column by column (ListTables/GetTable return it in `columns`).
  // kNotFound for an unknown table.
  Status SetColumnMapping(std::string_view schema, std::string_view table,
                          const std::vector<ColumnMappingRecord>& columns);
  // Newest first.
  Result<std::vector<MetricRecord>> ListMetrics(std::string_view name, int limit);

 private:
  StateStore(std::unique_ptr<SqliteDb> db, std::string path, bool read_only, int version);
  Status CheckWritable() const;
  // Requires mu_. kNotFound unless the last statement changed a row.
  Status ExpectChangedLocked(std::string_view what);
  // One text column of a table_stats row (`column` is one of ours, never user input).
  Status SetTableText(std::string_view schema, std::string_view table, std::string_view column,
                      std::string_view value);
  Result<std::string> GetTableText(std::string_view schema, std::string_view table,
                                   std::string_view column);
  Result<TaskStatus> CurrentStatusLocked();
  Status RefreshSegmentCountsLocked(std::string_view schema, std::string_view table);
  Status AddChangeCountsLocked(std::string_view schema, std::string_view table,
                               const ChangeCounts& delta);
  Status AddTableCounterLocked(const char* sql, std::string_view schema, std::string_view table,
                               int64_t delta);

  const std::string path_;
  const bool read_only_;
  const int schema_version_;
  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;  // guarded by mu_
};

}  // namespace switchyard::state
