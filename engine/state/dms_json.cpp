#include "engine/state/dms_json.h"

#include <chrono>

namespace switchyard::state {
namespace {

void PutTime(nlohmann::json& out, const char* key, const std::string& iso_time) {
  if (!iso_time.empty()) out[key] = iso_time;
}

int64_t ElapsedMillis(const TaskRecord& task, logging::TimePoint now) {
  const auto start = logging::ParseIsoUtc(task.start_date);
  if (!start) return 0;
  logging::TimePoint end = now;
  if (const auto stop = logging::ParseIsoUtc(task.stop_date)) end = *stop;
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(end - *start).count();
  return millis > 0 ? millis : 0;
}

}  // namespace

nlohmann::json ToDmsJson(const TaskRecord& task, logging::TimePoint now) {
  nlohmann::json stats = nlohmann::json::object();
  if (task.full_load_progress_percent) {
    stats["FullLoadProgressPercent"] = *task.full_load_progress_percent;
  }
  stats["ElapsedTimeMillis"] = ElapsedMillis(task, now);
  stats["TablesLoaded"] = task.tables_loaded;
  stats["TablesLoading"] = task.tables_loading;
  stats["TablesQueued"] = task.tables_queued;
  stats["TablesErrored"] = task.tables_errored;
  PutTime(stats, "FreshStartDate", task.fresh_start_date);
  PutTime(stats, "StartDate", task.start_date);
  PutTime(stats, "StopDate", task.stop_date);
  PutTime(stats, "FullLoadStartDate", task.full_load_start_date);
  PutTime(stats, "FullLoadFinishDate", task.full_load_finish_date);

  nlohmann::json out = nlohmann::json::object();
  out["ReplicationTaskIdentifier"] = task.identifier;
  out["MigrationType"] = task.migration_type;
  out["Status"] = TaskStatusName(task.status);
  if (task.stop_reason != StopReason::kNone) {
    out["StopReason"] = StopReasonDmsString(task.stop_reason);
  }
  if (!task.last_failure_message.empty()) out["LastFailureMessage"] = task.last_failure_message;
  out["ReplicationTaskStats"] = std::move(stats);
  return out;
}

nlohmann::json ToDmsJson(const TaskRecord& task) {
  return ToDmsJson(task, std::chrono::system_clock::now());
}

nlohmann::json ToDmsJson(const TableRecord& table) {
  nlohmann::json out = nlohmann::json::object();
  out["SchemaName"] = table.schema_name;
  out["TableName"] = table.table_name;
  out["TableState"] = TableStateName(table.table_state);
  out["FullLoadRows"] = table.full_load_rows;
  out["FullLoadErrorRows"] = table.full_load_error_rows;
  PutTime(out, "FullLoadStartTime", table.full_load_start_time);
  PutTime(out, "FullLoadEndTime", table.full_load_end_time);
  out["FullLoadReloaded"] = table.full_load_reloaded;
  out["Inserts"] = table.inserts;
  out["Updates"] = table.updates;
  out["Deletes"] = table.deletes;
  out["Ddls"] = table.ddls;
  out["AppliedInserts"] = table.applied_inserts;
  out["AppliedUpdates"] = table.applied_updates;
  out["AppliedDeletes"] = table.applied_deletes;
  out["AppliedDdls"] = table.applied_ddls;
  out["ValidationState"] = table.validation_state;
  PutTime(out, "LastUpdateTime", table.last_update_time);
  return out;
}

nlohmann::json ToDmsStatusJson(const TaskRecord& task, const std::vector<TableRecord>& tables) {
  nlohmann::json table_stats = nlohmann::json::array();
  for (const auto& table : tables) table_stats.push_back(ToDmsJson(table));
  return {{"ReplicationTask", ToDmsJson(task)}, {"TableStatistics", std::move(table_stats)}};
}

}  // namespace switchyard::state
