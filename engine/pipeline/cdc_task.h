// CdcTask: ongoing change data capture into tables that already hold the source's data, for
// MigrationType "cdc" (loaded earlier, by a full-load task or otherwise) and for the CDC phase
// of "full-load-and-cdc" (loaded by this task under a snapshot whose position is known).
//
// Start: the position comes from the target's switchyard_status checkpoint when the task has
// one (resume after a stop or crash, exactly-once); else from the oldest table snapshot
// position (full-load-and-cdc); else from "now" on the source: a new publication + logical
// slot (PostgreSQL, both named switchyard_<task>) or the current binlog position (MySQL/
// MariaDB). A PostgreSQL slot that cannot serve that position (dropped, recreated, invalidated)
// stops the task with the recovery in the message. Then: read a source transaction, drop the
// changes its tables' snapshots already hold, apply the rest together with the checkpoint in
// one target transaction, confirm it to the source (PostgreSQL slot flush), until a stop is
// requested.
//
// A lost source or target connection restarts the session from the checkpoint after the
// RecoverableError* backoff; apply errors go through ErrorBehavior (applier.h); an idle
// PostgreSQL source gets a heartbeat message every 10 s so the slot keeps advancing.
// A reload command (console, `switchyard reload`) loads one table again under a snapshot of
// known position while the apply loop waits (the other tables' changes queue up on the source
// meanwhile), then applies that table's changes after the snapshot: no gap, nothing twice.
// Column changes on the source are followed or suspend the table until a reload
// (schema_change.h). Changes beyond MemoryLimitTotal wait in spill files (change_list.h).
#pragma once

#include <stop_token>
#include <string>
#include <vector>

#include "engine/config/task_config.h"
#include "engine/control/command.h"
#include "engine/pipeline/cdc/spill_space.h"
#include "engine/pipeline/table_plan.h"
#include "engine/pipeline/task_metrics.h"
#include "engine/state/state_store.h"

namespace switchyard::pipeline {

struct CdcOptions {
  // Per plan: changes committed at or before this source position are already in the table's
  // loaded rows and are skipped ("" = none).
  std::vector<std::string> loaded_at;
  // Per plan: PostgreSQL, which transactions that load's snapshot saw (pg_snapshot_xids.h); ""
  // when not known. Missing entries count as "".
  std::vector<std::string> loaded_snapshot;
  // Per plan: false when the table's changes are not applied (its full load failed).
  std::vector<bool> active;
  // Per plan: the target table must be created anew when reloaded (its source columns changed
  // in a way the target could not follow).
  std::vector<bool> recreate;
  // Where a table reloaded during CDC writes its deferred objects (FullLoad's state_dir).
  std::string state_dir;
  TaskMetrics* metrics = nullptr;  // optional
  // Where changes beyond the memory budget go; optional: without it they stay in memory.
  cdc::SpillSpace* spill = nullptr;
  control::CommandQueue* commands = nullptr;  // optional
};

// Runs until `stop` (or a stop command); OK when it stopped on request, else why it could not
// go on.
Status RunCdc(const config::TaskConfig& task, const std::vector<TablePlan>& plans,
              CdcOptions options, state::StateStore& store, std::stop_token stop);

}  // namespace switchyard::pipeline
