// EngineSnapshot: everything the console shows, as one immutable value.
//
// The engine never talks to the console directly (DESIGN.md, "Data flow"): a SnapshotSource
// builds a snapshot from the task's state store (read-only connection, WAL) and the logger's
// ring, a few times a second on its own thread, and publishes it as shared_ptr<const ...>. The
// console thread only ever copies the pointer, so a stalled database can never freeze a
// keystroke. The same builder serves the in-process console and `console --attach` (another
// process's engine: the store is the shared medium).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/logging/logger.h"
#include "engine/state/records.h"

namespace switchyard::control {

// One point of a metric's history.
struct MetricSample {
  logging::TimePoint time;
  double value = 0;
};

// DMS metric names the engine publishes (at least once a second while it runs).
namespace metric {
inline constexpr const char* kCdcLatencySource = "CDCLatencySource";  // seconds
inline constexpr const char* kCdcLatencyTarget = "CDCLatencyTarget";  // seconds
inline constexpr const char* kCdcIncomingChanges = "CDCIncomingChanges";
inline constexpr const char* kCdcChangesMemorySource = "CDCChangesMemorySource";
inline constexpr const char* kCdcChangesMemoryTarget = "CDCChangesMemoryTarget";
inline constexpr const char* kCdcChangesDiskSource = "CDCChangesDiskSource";
inline constexpr const char* kCdcChangesDiskTarget = "CDCChangesDiskTarget";
inline constexpr const char* kCdcThroughputRowsSource = "CDCThroughputRowsSource";  // rows/s
inline constexpr const char* kCdcThroughputRowsTarget = "CDCThroughputRowsTarget";  // rows/s
inline constexpr const char* kCdcThroughputBandwidthSource =
    "CDCThroughputBandwidthSource";  // KB/s
inline constexpr const char* kCdcThroughputBandwidthTarget =
    "CDCThroughputBandwidthTarget";  // KB/s
inline constexpr const char* kFullLoadThroughputRowsTarget =
    "FullLoadThroughputRowsTarget";  // rows/s
inline constexpr const char* kRetainedSourceLogBytes =
    "RetainedSourceLogBytes";  // WAL/binlog behind checkpoint
// Source log projections (published about every 10 s, only while known: see
// source_log_metrics.h). Growth: slope of RetainedSourceLogBytes over the last 5 minutes.
inline constexpr const char* kSourceLogGrowthBytesPerSecond = "SourceLogGrowthBytesPerSecond";
inline constexpr const char* kSourceDiskFreeBytes = "SourceDiskFreeBytes";
inline constexpr const char* kSourceDiskFreeFrom = "SourceDiskFreeFrom";  // code, see there
inline constexpr const char* kSourceDiskFullProjectedSeconds = "SourceDiskFullProjectedSeconds";
// PostgreSQL sources: the task slot's wal_status (as a code) and safe_wal_size.
inline constexpr const char* kSlotWalStatus = "SlotWalStatus";
inline constexpr const char* kSlotSafeWalSizeBytes = "SlotSafeWalSizeBytes";
inline constexpr const char* kSlotInvalidationProjectedSeconds = "SlotInvalidationProjectedSeconds";
inline constexpr const char* kStateDirFreeBytes = "StateDirFreeBytes";
inline constexpr const char* kEngineCpuPercent = "EngineCpuPercent";
inline constexpr const char* kEngineRssBytes = "EngineRssBytes";
inline constexpr const char* kApplyExceptions = "ApplyExceptions";  // total recorded
// Every name above, for readers that collect the latest value of each.
inline constexpr const char* kAll[] = {
    kCdcLatencySource,
    kCdcLatencyTarget,
    kCdcIncomingChanges,
    kCdcChangesMemorySource,
    kCdcChangesMemoryTarget,
    kCdcChangesDiskSource,
    kCdcChangesDiskTarget,
    kCdcThroughputRowsSource,
    kCdcThroughputRowsTarget,
    kCdcThroughputBandwidthSource,
    kCdcThroughputBandwidthTarget,
    kFullLoadThroughputRowsTarget,
    kRetainedSourceLogBytes,
    kSourceLogGrowthBytesPerSecond,
    kSourceDiskFreeBytes,
    kSourceDiskFreeFrom,
    kSourceDiskFullProjectedSeconds,
    kSlotWalStatus,
    kSlotSafeWalSizeBytes,
    kSlotInvalidationProjectedSeconds,
    kStateDirFreeBytes,
    kEngineCpuPercent,
    kEngineRssBytes,
    kApplyExceptions,
};
// The metrics whose recent history a snapshot carries (the overview graphs them; the console's
// alarms read the trend of the retained WAL/binlog).
inline constexpr const char* kGraphed[] = {
    kCdcLatencySource,
    kCdcLatencyTarget,
    kCdcIncomingChanges,
    kCdcThroughputRowsTarget,
    kFullLoadThroughputRowsTarget,
    kRetainedSourceLogBytes,
};
}  // namespace metric

struct EngineSnapshot {
  logging::TimePoint taken_at;
  // False when the state store could not be read (yet): `error` says why; the rest is empty.
  bool ok = false;
  std::string error;

  state::TaskRecord task;
  // Redacted endpoint descriptions ("postgresql://app@127.0.0.1:5432/shop"), never passwords.
  std::string source;
  std::string target;
  // Does an engine hold the task's lock right now (in this process or another)?
  bool engine_running = false;

  std::vector<state::TableRecord> tables;  // ordered by schema, table
  // Latest value of every metric the engine published, by DMS name. Source-log figures the
  // engine no longer knows are absent (source_log_metrics.h); SlotWalStatus and
  // SourceDiskFreeFrom are codes, WalStatusName/DiskFreeFromName spell them.
  std::map<std::string, double> metrics;
  // The last minutes of the metrics in metric::kGraphed (latency, throughput, retained log),
  // oldest first.
  std::map<std::string, std::vector<MetricSample>> history;
  // Newest first; at most a few hundred.
  std::vector<state::ApplyExceptionRecord> apply_exceptions;
  int64_t apply_exceptions_unresolved = 0;
  // Newest last; the logger's recent entries (in-process) or the log file's tail (--attach).
  std::vector<logging::LogEntry> logs;
};

}  // namespace switchyard::control
