// How much source log (PostgreSQL WAL, MySQL/MariaDB binlog) the source keeps because this
// task has not confirmed it yet: the number behind "will the source's disk fill up?".
#pragma once

#include <functional>
#include <optional>

#include "engine/config/task_config.h"

namespace switchyard::pipeline::cdc {

// A probe for TaskMetrics: each call queries the source (and, for MySQL, the target's
// checkpoint) on connections of its own, opened on first use and reopened after an error.
// PostgreSQL: WAL from the task slot's restart_lsn to the current WAL position. MySQL: binlog
// bytes after the task's checkpoint. nullopt when unknown (no slot or checkpoint yet, error).
std::function<std::optional<double>()> MakeRetainedLogProbe(const config::TaskConfig& task);

}  // namespace switchyard::pipeline::cdc
