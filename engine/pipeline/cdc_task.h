// CdcTask: MigrationType "cdc" — ongoing change data capture into tables that already hold
// the source's data (loaded earlier, by a full-load task or otherwise).
//
// Start: the position comes from the target's switchyard_status checkpoint when the task has
// one (resume after a stop or crash, exactly-once), else from "now" on the source: a new
// publication + logical slot (PostgreSQL, both named switchyard_<task>) or the current binlog
// position (MySQL/MariaDB). Then: read a source transaction, apply it together with its
// checkpoint in one target transaction, confirm it to the source (PostgreSQL slot flush),
// until a stop is requested.
//
// Not yet: full-load-and-cdc (the snapshot handoff), DDL, apply exceptions per ErrorBehavior
// (an apply error stops the task, nothing is lost: resume continues from the checkpoint),
// batching, spill, metrics.
#pragma once

#include <stop_token>
#include <vector>

#include "engine/config/task_config.h"
#include "engine/pipeline/table_plan.h"
#include "engine/state/state_store.h"

namespace switchyard::pipeline {

// Runs until `stop`; OK when it stopped on request, else why it could not go on.
Status RunCdc(const config::TaskConfig& task, const std::vector<TablePlan>& plans,
              state::StateStore& store, std::stop_token stop);

// "switchyard_<task id>" with hyphens as underscores: a valid slot and publication name.
std::string ReplicationObjectName(const std::string& task_identifier);

}  // namespace switchyard::pipeline
