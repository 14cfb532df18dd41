// Alarms: what needs an operator's attention now, derived from one engine snapshot and nothing
// else (no history kept by the console), so the Overview can show them as a pure function of
// the snapshot and tests can pin them down without a database. Each alarm carries a word
// ("ERR", "LAG", "LOW", "GROW", "STALE", "FULL", "SLOT") so it reads without colour. Validation
// results are not alarms yet: the engine has no validation (a later issue), and the Overview says
// so. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "engine/control/engine_snapshot.h"
#include "tui/state_badges.h"

namespace switchyard::tui {

enum class AlarmLevel { kError, kWarning };

struct Alarm {
  AlarmLevel level = AlarmLevel::kWarning;
  std::string word;  // "ERR", "LAG", "LOW", "GROW", "STALE", "FULL", "SLOT"
  std::string text;  // what and where: "inventory.stock Table error: duplicate key ..."
};

// When a number becomes an alarm. The defaults are what the Overview uses.
struct AlarmThresholds {
  // CDCLatencySource or CDCLatencyTarget above this (the LAG badge's limit).
  double lag_seconds = kLagSeconds;
  // Free space of the state directory's file system (state store and spill files) below this.
  double low_free_bytes = 1024.0 * 1024 * 1024;
  // RetainedSourceLogBytes now minus its lowest value in the snapshot's history above this:
  // the source keeps more and more WAL/binlog for us, so the checkpoint is not advancing.
  double retained_growth_bytes = 256.0 * 1024 * 1024;
  // SourceDiskFullProjectedSeconds or SlotInvalidationProjectedSeconds below this: at the
  // current growth the source's disk fills, or PostgreSQL invalidates the slot, within the
  // hour, which is about the time an operator needs to react (catch up, stop, add space).
  double projection_seconds = 3600;
};

// Errors first: task failed, tables in "Table error" (one alarm each, in snapshot order), open
// apply exceptions, the slot lost (SlotWalStatus "lost": only a reload helps). Then warnings:
// state store not readable (STALE), CDCLatencySource, CDCLatencyTarget, free space, retained
// WAL/binlog growth, the slot's wal_status "unreserved" (invalidated at the next checkpoint
// unless the task catches up), the source disk full (FULL) or the slot invalidated (SLOT)
// within `projection_seconds` at the current growth. A metric the snapshot lacks raises
// nothing: no number, no alarm.
std::vector<Alarm> CollectAlarms(const control::EngineSnapshot& snapshot,
                                 const AlarmThresholds& thresholds = {});

}  // namespace switchyard::tui
