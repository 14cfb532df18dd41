// The engine's change model: what a change stream (PostgreSQL pgoutput, MySQL binlog) hands to
// the applier. Decoders translate engine-specific events into these; the applier knows nothing
// about where they came from.
//
// Values are in the TablePlan's target column order and in the same canonical text form the
// full-load reader produces for that column's select_expr, so each column's ValueTransform and
// MySQL load_expr apply unchanged. Move-only: a transaction's changes may own a spill file
// (change_list.h). No threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "engine/pipeline/cdc/change_list.h"
#include "engine/pipeline/cdc/row_change.h"

namespace switchyard::pipeline::cdc {

// An engine-native position, compared by cdc::ComparePositions (position.h):
//   PostgreSQL: the commit's end LSN, "0/16B3748";
//   MySQL/MariaDB: "binlog.000012:4711" (the position after the commit event), optionally
//   followed by one space and the GTID (set) for information: "binlog.000012:4711 0-1-42".
struct SourcePosition {
  std::string text;
};

struct SourceTransaction {
  SourcePosition commit_position;
  std::chrono::system_clock::time_point commit_time;
  // In memory, or partly in a spill file when the engine holds more than MemoryLimitTotal.
  ChangeList changes;
};

// Where in the stream a table's columns changed: the transaction the change came in. A table
// (re)loaded at position L holds that transaction, and so the change, in its rows and in the plan
// made for them, when the transaction committed before L; following the change again would
// take the target back (a column dropped, then added again empty).
struct SchemaChangePoint {
  // PostgreSQL: the Begin's final LSN (where the commit record starts); a table loaded at a
  // consistent point L holds the transaction exactly when commits_after < L. "" when unknown:
  // MySQL (the binlog's DDL is its own transaction, at the stream's position), and streamed
  // transactions, which have no commit position until their Stream Commit.
  std::string commits_after;
  // PostgreSQL streamed (in-progress) transaction: its top-level xid. The load holds it exactly
  // when the load's exported snapshot sees it (pg_snapshot_xids.h).
  std::optional<uint32_t> streamed_xid;
};

}  // namespace switchyard::pipeline::cdc
