#include "engine/state/states.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace switchyard::state {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

template <typename Enum, size_t N>
Result<Enum> ParseName(const std::array<std::pair<Enum, const char*>, N>& names,
                       std::string_view name, const char* what) {
  for (const auto& [value, spelling] : names) {
    if (EqualsIgnoreCase(name, spelling)) return value;
  }
  std::string expected;
  for (const auto& [value, spelling] : names) {
    if (*spelling == '\0') continue;
    if (!expected.empty()) expected += ", ";
    expected += spelling;
  }
  return Status::InvalidArgument("unknown " + std::string(what) + " \"" + std::string(name) +
                                 "\" (expected one of: " + expected + ")");
}

template <typename Enum, size_t N>
const char* NameOf(const std::array<std::pair<Enum, const char*>, N>& names, Enum value) {
  for (const auto& [candidate, spelling] : names) {
    if (candidate == value) return spelling;
  }
  return "unknown";
}

constexpr std::array<std::pair<TaskStatus, const char*>, 6> kTaskStatusNames = {{
    {TaskStatus::kReady, "ready"},
    {TaskStatus::kStarting, "starting"},
    {TaskStatus::kRunning, "running"},
    {TaskStatus::kStopping, "stopping"},
    {TaskStatus::kStopped, "stopped"},
    {TaskStatus::kFailed, "failed"},
}};

constexpr std::array<std::pair<TableState, const char*>, 7> kTableStateNames = {{
    {TableState::kTableDoesNotExist, "Table does not exist"},
    {TableState::kBeforeLoad, "Before load"},
    {TableState::kFullLoad, "Full load"},
    {TableState::kTableCompleted, "Table completed"},
    {TableState::kTableCancelled, "Table cancelled"},
    {TableState::kTableError, "Table error"},
    {TableState::kTableBeingReloaded, "Table is being reloaded"},
}};

constexpr std::array<std::pair<StopReason, const char*>, 15> kStopReasonNames = {{
    {StopReason::kNone, ""},
    {StopReason::kNormal, "NORMAL"},
    {StopReason::kRecoverableError, "RECOVERABLE_ERROR"},
    {StopReason::kFatalError, "FATAL_ERROR"},
    {StopReason::kFullLoadOnlyFinished, "FULL_LOAD_ONLY_FINISHED"},
    {StopReason::kStoppedAfterFullLoad, "STOPPED_AFTER_FULL_LOAD"},
    {StopReason::kStoppedAfterCachedEvents, "STOPPED_AFTER_CACHED_EVENTS"},
    {StopReason::kStoppedAfterDdlApply, "STOPPED_AFTER_DDL_APPLY"},
    {StopReason::kStoppedDueToLowMemory, "STOPPED_DUE_TO_LOW_MEMORY"},
    {StopReason::kStoppedDueToLowDisk, "STOPPED_DUE_TO_LOW_DISK"},
    {StopReason::kStoppedAtServerTime, "STOPPED_AT_SERVER_TIME"},
    {StopReason::kStoppedAtCommitTime, "STOPPED_AT_COMMIT_TIME"},
    {StopReason::kExpressLicenseLimitsReached, "EXPRESS_LICENSE_LIMITS_REACHED"},
    {StopReason::kReconfigurationRestart, "RECONFIGURATION_RESTART"},
    {StopReason::kRecycleTask, "RECYCLE_TASK"},
}};

constexpr std::array<std::pair<SegmentState, const char*>, 4> kSegmentStateNames = {{
    {SegmentState::kPending, "pending"},
    {SegmentState::kLoading, "loading"},
    {SegmentState::kCompleted, "completed"},
    {SegmentState::kError, "error"},
}};

constexpr std::string_view kStopReasonPrefix = "Stop Reason ";

}  // namespace

const char* TaskStatusName(TaskStatus status) { return NameOf(kTaskStatusNames, status); }
Result<TaskStatus> ParseTaskStatus(std::string_view name) {
  return ParseName(kTaskStatusNames, name, "task status");
}

const char* TableStateName(TableState state) { return NameOf(kTableStateNames, state); }
Result<TableState> ParseTableState(std::string_view name) {
  return ParseName(kTableStateNames, name, "table state");
}

const char* StopReasonName(StopReason reason) { return NameOf(kStopReasonNames, reason); }

std::string StopReasonDmsString(StopReason reason) {
  if (reason == StopReason::kNone) return {};
  return std::string(kStopReasonPrefix) + StopReasonName(reason);
}

Result<StopReason> ParseStopReason(std::string_view name) {
  if (name.size() >= kStopReasonPrefix.size() &&
      EqualsIgnoreCase(name.substr(0, kStopReasonPrefix.size()), kStopReasonPrefix)) {
    name.remove_prefix(kStopReasonPrefix.size());
  }
  return ParseName(kStopReasonNames, name, "stop reason");
}

const char* SegmentStateName(SegmentState state) { return NameOf(kSegmentStateNames, state); }
Result<SegmentState> ParseSegmentState(std::string_view name) {
  return ParseName(kSegmentStateNames, name, "segment state");
}

}  // namespace switchyard::state
