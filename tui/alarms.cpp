#include "tui/alarms.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "engine/control/source_log_metrics.h"
#include "tui/format.h"
#include "tui/graph.h"
#include "tui/list_model.h"

namespace switchyard::tui {
namespace {

namespace metric = control::metric;

std::optional<double> Latest(const control::EngineSnapshot& snapshot, const char* name) {
  if (auto it = snapshot.metrics.find(name); it != snapshot.metrics.end()) return it->second;
  if (auto it = snapshot.history.find(name); it != snapshot.history.end() && !it->second.empty()) {
    return it->second.back().value;
  }
  return std::nullopt;
}

void AddLag(const control::EngineSnapshot& snapshot, const char* name, double limit,
            std::vector<Alarm>& alarms) {
  const auto seconds = Latest(snapshot, name);
  if (!seconds || *seconds <= limit) return;
  alarms.push_back({AlarmLevel::kWarning, "LAG",
                    std::string(name) + " " + FormatGraphValue(*seconds) + " s (over " +
                        FormatGraphValue(limit) + " s)"});
}

// Growth of the retained source log over the history the snapshot carries: now minus the
// lowest sample, and how long ago that lowest sample was.
void AddRetainedGrowth(const control::EngineSnapshot& snapshot, double limit,
                       std::vector<Alarm>& alarms) {
  auto it = snapshot.history.find(metric::kRetainedSourceLogBytes);
  const auto now = Latest(snapshot, metric::kRetainedSourceLogBytes);
  if (it == snapshot.history.end() || it->second.empty() || !now) return;
  const auto lowest =
      std::min_element(it->second.begin(), it->second.end(),
                       [](const control::MetricSample& a, const control::MetricSample& b) {
                         return a.value < b.value;
                       });
  const double growth = *now - lowest->value;
  if (growth <= limit) return;
  const int64_t span =
      std::chrono::duration_cast<std::chrono::seconds>(snapshot.taken_at - lowest->time).count();
  alarms.push_back({AlarmLevel::kWarning, "GROW",
                    "WAL/binlog retained +" + FormatBytes(growth) + " in " +
                        FormatDuration(std::max<int64_t>(0, span)) + " (now " + FormatBytes(*now) +
                        ")"});
}

// SlotWalStatus of the snapshot as PostgreSQL's word, "" when not published.
std::string WalStatus(const control::EngineSnapshot& snapshot) {
  auto it = snapshot.metrics.find(metric::kSlotWalStatus);
  return it == snapshot.metrics.end() ? "" : std::string(control::WalStatusName(it->second));
}

// The slot past the point of no return, or about to be (wal_status, then the projection; a
// lost slot has no projection worth showing).
void AddSlot(const control::EngineSnapshot& snapshot, const AlarmThresholds& thresholds,
             AlarmLevel level, std::vector<Alarm>& alarms) {
  const std::string status = WalStatus(snapshot);
  if (level == AlarmLevel::kError) {
    if (status == "lost") {
      alarms.push_back({AlarmLevel::kError, "SLOT",
                        "replication slot lost (wal_status lost): the source removed WAL the "
                        "task needs; reload the task"});
    }
    return;
  }
  if (status == "lost") return;
  if (status == "unreserved") {
    alarms.push_back({AlarmLevel::kWarning, "SLOT",
                      "wal_status unreserved: the slot is invalidated at the next checkpoint "
                      "unless the task catches up"});
  }
  if (auto it = snapshot.metrics.find(metric::kSlotInvalidationProjectedSeconds);
      it != snapshot.metrics.end() && it->second < thresholds.projection_seconds) {
    std::string text = "slot invalidated in " +
                       FormatDurationCoarse(static_cast<int64_t>(it->second)) + " at this growth";
    if (auto safe = snapshot.metrics.find(metric::kSlotSafeWalSizeBytes);
        safe != snapshot.metrics.end()) {
      text += " (safe_wal_size " + FormatBytes(safe->second) + ")";
    }
    alarms.push_back({AlarmLevel::kWarning, "SLOT", std::move(text)});
  }
}

void AddDiskFull(const control::EngineSnapshot& snapshot, const AlarmThresholds& thresholds,
                 std::vector<Alarm>& alarms) {
  auto it = snapshot.metrics.find(metric::kSourceDiskFullProjectedSeconds);
  if (it == snapshot.metrics.end() || it->second >= thresholds.projection_seconds) return;
  std::string text = "source disk full in " +
                     FormatDurationCoarse(static_cast<int64_t>(it->second)) +
                     " at this WAL/binlog growth";
  if (auto free = snapshot.metrics.find(metric::kSourceDiskFreeBytes);
      free != snapshot.metrics.end()) {
    text += " (" + FormatBytes(free->second) + " free)";
  }
  alarms.push_back({AlarmLevel::kWarning, "FULL", std::move(text)});
}

}  // namespace

std::vector<Alarm> CollectAlarms(const control::EngineSnapshot& snapshot,
                                 const AlarmThresholds& thresholds) {
  std::vector<Alarm> alarms;
  if (snapshot.task.status == state::TaskStatus::kFailed) {
    const std::string& why = snapshot.task.last_failure_message;
    alarms.push_back(
        {AlarmLevel::kError, "ERR", "task failed" + (why.empty() ? std::string() : ": " + why)});
  }
  for (const auto& table : snapshot.tables) {
    if (table.table_state != state::TableState::kTableError) continue;
    std::string text = QualifiedName(table) + " " + state::TableStateName(table.table_state);
    if (!table.last_error.empty()) text += ": " + table.last_error;
    alarms.push_back({AlarmLevel::kError, "ERR", std::move(text)});
  }
  if (const int64_t open = snapshot.apply_exceptions_unresolved; open > 0) {
    alarms.push_back(
        {AlarmLevel::kError, "ERR",
         FormatCount(open) + (open == 1 ? " apply exception" : " apply exceptions") + " open"});
  }
  AddSlot(snapshot, thresholds, AlarmLevel::kError, alarms);
  if (!snapshot.ok && !snapshot.error.empty()) {
    alarms.push_back(
        {AlarmLevel::kWarning, "STALE", "state store not readable: " + snapshot.error});
  }
  AddLag(snapshot, metric::kCdcLatencySource, thresholds.lag_seconds, alarms);
  AddLag(snapshot, metric::kCdcLatencyTarget, thresholds.lag_seconds, alarms);
  if (const auto free = Latest(snapshot, metric::kStateDirFreeBytes);
      free && *free < thresholds.low_free_bytes) {
    alarms.push_back({AlarmLevel::kWarning, "LOW",
                      "state dir free space " + FormatBytes(*free) + " (under " +
                          FormatBytes(thresholds.low_free_bytes) + ")"});
  }
  AddRetainedGrowth(snapshot, thresholds.retained_growth_bytes, alarms);
  AddSlot(snapshot, thresholds, AlarmLevel::kWarning, alarms);
  AddDiskFull(snapshot, thresholds, alarms);
  return alarms;
}

}  // namespace switchyard::tui
