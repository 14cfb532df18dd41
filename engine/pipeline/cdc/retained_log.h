// How much source log (PostgreSQL WAL, MySQL/MariaDB binlog) the source keeps because this
// task has not confirmed it yet, and what bounds it: the numbers behind "will the source's disk
// fill up, or the slot be invalidated?".
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "engine/config/task_config.h"

namespace switchyard::pipeline::cdc {

// One probe's answer. Every field is nullopt/empty when unknown; nothing is estimated here.
struct SourceLogSample {
  // PostgreSQL: WAL from the task slot's restart_lsn to the current WAL position. MySQL: binlog
  // bytes after the task's checkpoint.
  std::optional<double> retained_bytes;
  // PostgreSQL only, pg_replication_slots of the task's slot: reserved / extended / unreserved
  // / lost, and the WAL that may still be written before the slot is in danger of being lost
  // (NULL, so nullopt, unless max_slot_wal_keep_size is set).
  std::string wal_status;
  std::optional<double> safe_wal_size;
  // Free space of the source's log disk, and where the figure comes from.
  enum class DiskFreeFrom { kUnknown, kMeasured, kStated };
  std::optional<double> disk_free_bytes;
  DiskFreeFrom disk_free_from = DiskFreeFrom::kUnknown;
};

using SourceLogProbe = std::function<SourceLogSample()>;

// A probe for TaskMetrics: each call queries the source (and, for MySQL, the target's
// checkpoint) on connections of its own, opened on first use and reopened after an error.
// Free space is measured with statvfs when the source is local and names its directory
// (source_disk.h), else taken from SwitchyardSettings.SourceDiskFreeBytes when stated. How it
// is learned is logged once per connection (never a password: only the directory or reason).
SourceLogProbe MakeSourceLogProbe(const config::TaskConfig& task);

}  // namespace switchyard::pipeline::cdc
