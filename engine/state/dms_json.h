// DMS-shaped JSON for `switchyard status --json`: the field names of DescribeReplicationTasks
// (ReplicationTask) and DescribeTableStatistics (TableStatistics), so scripts written against
// DMS read our output unchanged. Times are ISO-8601 UTC text; unset times are omitted, as DMS
// omits them.
//
// Pure functions: safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "engine/logging/iso_time.h"
#include "engine/state/records.h"

namespace switchyard::state {

// {"ReplicationTaskIdentifier", "MigrationType", "Status", "StopReason" ("Stop Reason NORMAL"),
//  "LastFailureMessage", "ReplicationTaskStats": {FullLoadProgressPercent, ElapsedTimeMillis,
//  TablesLoaded, TablesLoading, TablesQueued, TablesErrored, FreshStartDate, StartDate,
//  StopDate, FullLoadStartDate, FullLoadFinishDate}}. ElapsedTimeMillis runs from StartDate to
// StopDate, or to `now` while the task has no StopDate.
nlohmann::json ToDmsJson(const TaskRecord& task, logging::TimePoint now);
nlohmann::json ToDmsJson(const TaskRecord& task);  // now = system clock

// {SchemaName, TableName, TableState, FullLoadRows, FullLoadErrorRows, FullLoadStartTime,
//  FullLoadEndTime, FullLoadReloaded, Inserts, Updates, Deletes, Ddls, AppliedInserts,
//  AppliedUpdates, AppliedDeletes, AppliedDdls, ValidationState, LastUpdateTime}.
nlohmann::json ToDmsJson(const TableRecord& table);

// {"ReplicationTask": ToDmsJson(task), "TableStatistics": [ToDmsJson(table)...]}.
nlohmann::json ToDmsStatusJson(const TaskRecord& task, const std::vector<TableRecord>& tables);

}  // namespace switchyard::state
