// The state vocabulary of a task and its tables, spelled as DMS spells it so the state store,
// `switchyard status --json`, the console and the docs all say the same word.
//
// Free functions over enums: safe from any thread. Parse* accept exactly the DMS spelling
// (case-insensitive) and return InvalidArgument naming the unknown value otherwise.
#pragma once

#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::state {

// DMS task Status (API lower-case spelling). Only the states a self-hosted engine goes through;
// creating/modifying/deleting/moving are console-of-AWS states with no meaning here.
enum class TaskStatus {
  kReady,     // "ready": created (InitTask), never started or reset
  kStarting,  // "starting": connecting, reading metadata, applying mappings
  kRunning,   // "running": full load, cached-change apply or CDC
  kStopping,  // "stopping": a stop was requested; work in flight is finishing
  kStopped,   // "stopped": see StopReason
  kFailed,    // "failed": see LastFailureMessage
};
const char* TaskStatusName(TaskStatus status);
Result<TaskStatus> ParseTaskStatus(std::string_view name);

// DMS TableState.
enum class TableState {
  kTableDoesNotExist,   // "Table does not exist"
  kBeforeLoad,          // "Before load"
  kFullLoad,            // "Full load"
  kTableCompleted,      // "Table completed" (stays so during CDC)
  kTableCancelled,      // "Table cancelled"
  kTableError,          // "Table error": suspended
  kTableBeingReloaded,  // "Table is being reloaded"
};
const char* TableStateName(TableState state);
Result<TableState> ParseTableState(std::string_view name);

// DMS StopReason. The DMS API returns these as "Stop Reason <NAME>"; the store keeps the bare
// NAME and ToDmsJson adds the prefix.
enum class StopReason {
  kNone,  // not stopped (or never): stored as NULL, no StopReason in JSON
  kNormal,
  kRecoverableError,
  kFatalError,
  kFullLoadOnlyFinished,
  kStoppedAfterFullLoad,
  kStoppedAfterCachedEvents,
  kStoppedAfterDdlApply,
  kStoppedDueToLowMemory,
  kStoppedDueToLowDisk,
  kStoppedAtServerTime,
  kStoppedAtCommitTime,
  kExpressLicenseLimitsReached,
  kReconfigurationRestart,
  kRecycleTask,
};
// "NORMAL", "FULL_LOAD_ONLY_FINISHED", ...; "" for kNone.
const char* StopReasonName(StopReason reason);
// "Stop Reason NORMAL" (as DescribeReplicationTasks returns it); "" for kNone.
std::string StopReasonDmsString(StopReason reason);
// Accepts "NORMAL" and "Stop Reason NORMAL"; "" gives kNone.
Result<StopReason> ParseStopReason(std::string_view name);

// State of one key range (segment) of a table's full load.
enum class SegmentState {
  kPending,    // "pending": not started, or restarted after a crash
  kLoading,    // "loading"
  kCompleted,  // "completed": committed on the target; a resumed load skips it
  kError,      // "error"
};
const char* SegmentStateName(SegmentState state);
Result<SegmentState> ParseSegmentState(std::string_view name);

}  // namespace switchyard::state
