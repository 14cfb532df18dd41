// The lines of the Overview's Storage box: what the source keeps for us (retained WAL/binlog,
// its growth, the source's free space and when it would be full; for PostgreSQL the slot's
// wal_status, safe_wal_size and when it would be invalidated), then the state directory's
// free space and the engine's memory. A pure function of the snapshot, so the box can show as
// many lines as it has rows and tests can pin the wording down without curses.
//
// A figure the engine does not know right now is absent from EngineSnapshot::metrics (it
// never publishes a guess, source_log_metrics.h) and reads "unknown" here. A line whose figure
// raises an alarm (alarms.h, same thresholds) carries a glyph or word and is moved up, right
// after the retained log, so a small terminal drops the calm lines first. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "engine/control/engine_snapshot.h"
#include "tui/alarms.h"
#include "tui/theme.h"

namespace switchyard::tui {

struct StorageLine {
  std::string label;        // "WAL/binlog", "growth", "disk full", ...
  std::string value;        // "700.0 MiB", "in 3h20m", "! unreserved", "unknown"
  std::string short_value;  // for a narrow box; empty: `value` is already short
  Role role = Role::kNormal;
  bool alarming = false;  // the same fact raises an alarm
};

// Most important first: the retained log always first, then alarming lines, then the rest in
// their usual order. `ascii`: no non-ASCII glyphs.
std::vector<StorageLine> StorageLines(const control::EngineSnapshot& snapshot,
                                      const AlarmThresholds& thresholds = {}, bool ascii = false);

}  // namespace switchyard::tui
