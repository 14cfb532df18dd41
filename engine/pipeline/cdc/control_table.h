// The control table on the target that makes apply exactly-once: `switchyard_status` holds, per
// task, the source position of the last source transaction whose changes are committed on the
// target. The applier upserts it inside the same target transaction as the changes it covers
// (replication-protocols.md §3), so target data and position can never disagree.
//
// Where it lives: ControlTablesSettings.control_schema, default "switchyard" — a schema on a
// PostgreSQL target, a database (InnoDB table) on a MySQL target, so the upsert and the data
// share one transactional engine.
//
// Columns: task_name (primary key), source_position (text, change_event.h form),
// source_commit_time (UTC, timestamp(6) / datetime(6)), applied_at (UTC), transactions_applied
// (source transactions applied by all runs of the task).
//
// Functions take a borrowed session and run on the caller's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/config/settings.h"
#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/cdc/change_event.h"

namespace switchyard::pipeline::cdc {

inline constexpr char kDefaultControlSchema[] = "switchyard";
inline constexpr char kStatusTable[] = "switchyard_status";

struct Checkpoint {
  std::string task_name;
  SourcePosition position;
  std::string source_commit_time;  // UTC, "YYYY-MM-DD HH:MM:SS.ffffff"
  std::string applied_at;          // UTC, same form
  int64_t transactions_applied = 0;
};

// The schema/database name from the settings, "switchyard" when empty.
std::string ControlSchema(const config::ControlTablesSettings& settings);

// Creates the control schema/database and switchyard_status if missing. On MySQL this is DDL
// and commits implicitly: never call it inside an open apply transaction.
Status EnsureControlTable(endpoints::SqlSession& session,
                          const config::ControlTablesSettings& settings);

// The task's checkpoint; nullopt when the task never committed one (or the table does not
// exist yet).
Result<std::optional<Checkpoint>> ReadCheckpoint(endpoints::SqlSession& session,
                                                 const config::ControlTablesSettings& settings,
                                                 const std::string& task);
// The same, read with FOR UPDATE inside the caller's open transaction, from a switchyard_status
// known to exist (EnsureControlTable ran): the apply's own read, without the probe for the table.
Result<std::optional<Checkpoint>> LockCheckpoint(endpoints::SqlSession& session,
                                                 const config::ControlTablesSettings& settings,
                                                 const std::string& task);
// A SELECT, inside the caller's open transaction, that reports one row, locked FOR UPDATE, if
// the task's checkpoint is `position`, and none otherwise.
std::string CheckpointIsSql(const endpoints::SqlSession& session,
                            const config::ControlTablesSettings& settings, const std::string& task,
                            const std::string& position);

// The upsert statement run inside the apply transaction: sets the position and commit time,
// applied_at = now (UTC) and adds `transactions` to transactions_applied.
std::string CheckpointUpsertSql(const endpoints::SqlSession& session,
                                const config::ControlTablesSettings& settings,
                                const std::string& task, const SourcePosition& position,
                                std::chrono::system_clock::time_point commit_time,
                                int64_t transactions);

// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.
std::string FormatUtc(std::chrono::system_clock::time_point t);

}  // namespace switchyard::pipeline::cdc
