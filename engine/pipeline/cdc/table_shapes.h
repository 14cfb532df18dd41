// Table shapes: which columns a captured table had, as CDC last followed them on the target,
// and from which source position on — so that a resumed session decodes the replayed stream
// with the columns the table had at the checkpoint, not with the source catalog as it is at the
// restart.
//
// Why: the stream replays everything after the checkpoint, schema changes included
// (PostgreSQL: Relation messages; MySQL: ALTER TABLE query events). Each is followed by
// comparing it with the session's plan (schema_change.h). Planned from the catalog "now", that
// comparison is wrong whenever the catalog is ahead of the checkpoint: after a crash between
// the target ALTER and the next checkpoint, or after columns changed while the engine was
// stopped. A MySQL DROP COLUMN would then be compared with a plan that already lacks the
// column (the target kept it), and a PostgreSQL Relation with a column the catalog no longer
// knows could not be planned at all.
//
// The record: the state store keeps, per table, (after_position, shape) rows:
//   - a base row ("" = from the table's load on), written when a session starts and the table
//     has none (after a load: the state store drops a table's rows when it is (re)loaded);
//   - one row per followed change, at the position of the last source transaction applied
//     before the change ("" before the first) — the checkpoint a crash right then would resume
//     from. A resume from checkpoint C meets that change again when C is not past the
//     position, so the row counts only when its position is before C.
// RestoreShapeAt(C) drops the rows at or after C (the replay records them again, in order)
// and takes the last remaining one. Following a change is idempotent on the target (ADD and
// DROP check the target first), so meeting it again is safe.
#pragma once

#include <optional>
#include <string>

#include "engine/common/status.h"
#include "engine/pipeline/table_plan.h"
#include "engine/state/state_store.h"

namespace switchyard::pipeline::cdc {

// The columns of `plan` (source and target, and the target's key) as JSON, and back into a
// plan: only those are replaced; indexes and the rest stay as planned.
std::string ShapeJson(const TablePlan& plan);
Status ApplyShapeJson(const std::string& json, TablePlan* plan);

// At a session's start. `resume_after`: the checkpoint, or the position the stream starts from
// when there is none ("" when neither is known: the base row alone is kept). Replaces the
// plan's columns with the shape at that position and sets *changed when they differed; records
// the plan as the base when the table has no rows.
Status RestoreShapeAt(state::StateStore& store, const std::string& resume_after, TablePlan* plan,
                      bool* changed);

// A plan for a captured table that is no longer on the source (dropped or renamed while the
// engine was stopped), from its last recorded shape and its state-store record: enough to
// decode and apply its changes up to the drop or rename, which the stream then ends (a reload
// plans the table anew). nullopt when the table has no recorded shape.
Result<std::optional<TablePlan>> PlanFromLastShape(state::StateStore& store,
                                                   const state::TableRecord& table,
                                                   catalog::Engine target_engine);

// After a change to the table's columns was followed on the target.
Status RecordShape(state::StateStore& store, const std::string& after_position,
                   const TablePlan& plan);

}  // namespace switchyard::pipeline::cdc
