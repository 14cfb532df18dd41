// The PostgreSQL side of a task's change capture: its publication and logical slot, both named
// switchyard_<task> (ReplicationObjectName), and the checks that keep CDC from continuing at a
// wrong position when the slot was dropped, recreated or invalidated behind the engine's back.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/task_config.h"
#include "engine/endpoints/postgres/replication/replication_connection.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline::cdc {

// "switchyard_<task id>" lower-cased, hyphens as underscores: a valid slot/publication name.
std::string ReplicationObjectName(const std::string& task_identifier);

// Creates the publication for the planned source tables, or adds the planned tables it lacks.
Status EnsurePublication(const config::TaskConfig& task, const std::vector<TablePlan>& plans);

Result<bool> TaskSlotExists(const config::TaskConfig& task);

// Drops the task's slot if it exists (a fresh start of full-load-and-cdc).
Status DropSlotIfExists(const config::TaskConfig& task);

// A slot created with an exported snapshot, for a full load that CDC continues exactly after.
// The snapshot stays importable while this object lives and its connection runs nothing else.
struct SnapshotSlot {
  std::unique_ptr<endpoints::postgres::replication::ReplicationConnection> connection;
  endpoints::postgres::replication::CreatedSlot slot;
  // The exported snapshot as pg_current_snapshot() gives it ("xmin:xmax:xip,..."): which
  // transactions the load holds, asked of streamed ones that have no commit position yet
  // (pg_snapshot_xids.h).
  std::string snapshot_xids;
};
// `temporary`: a throwaway slot used only for its snapshot and consistent point (tables loaded
// again while the task's own slot already exists); dropped when the connection closes.
Result<SnapshotSlot> CreateSnapshotSlot(const config::TaskConfig& task, const std::string& name,
                                        bool temporary);

// The task's slot, checked against where CDC must continue. `expected_at_or_after`: the
// position the target has everything up to (checkpoint, or the oldest table's snapshot
// position); nullopt when the task has no such position yet (a cdc task's first start), in
// which case a missing slot is created "now" and its consistent point returned.
// Errors (kFailedPrecondition-like DatabaseError with the recovery): the slot is missing
// although the task needs its history, it was invalidated (wal_status lost), or it confirmed
// a position beyond `expected_at_or_after` (recreated or advanced by someone else: changes in
// between are gone).
Result<endpoints::postgres::replication::Lsn> CheckTaskSlot(
    const config::TaskConfig& task, const std::optional<std::string>& expected_at_or_after);

}  // namespace switchyard::pipeline::cdc
