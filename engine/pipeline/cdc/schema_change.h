// What CDC does when a captured table's columns change on the source (DMS:
// ChangeProcessingDdlHandlingPolicy.HandleSourceTableAltered).
//
// The change streams notice it (PostgreSQL: a Relation message whose columns differ from the
// plan; MySQL/MariaDB: a DDL QUERY event naming the table) between two transactions and call
// HandleSchemaChange, which re-reads the table from the source catalog, plans it again with the
// task's mapping rules, and compares the two plans by source column:
//   - added columns are added on the target (with the default the source gave existing rows,
//     when it can be carried), dropped columns are dropped; both idempotently, so a replay
//     after a crash finds them done;
//   - nothing changed (an index, a comment): nothing to do;
//   - anything the target cannot follow exactly (a changed type, a rename - seen as one column
//     dropped and one added -, an added column whose existing values cannot be known there):
//     kReloadNeeded, the caller suspends the table until it is reloaded (the reload then uses
//     the new plan).
// With HandleSourceTableAltered false, added columns are not replicated (warning) and a dropped
// one stops the task, as the old plan can no longer be filled.
// On success the plan in `plans` is replaced in place (the streams and the applier hold a
// pointer to the vector, so they see the new plan from the next change on).
//
// The plan compared with is the columns last followed: a resumed session starts from those the
// table had at its checkpoint (table_shapes.h), so a change replayed after a crash or made
// while the engine was stopped is met with the columns before it.
//
// Caveat: the catalog is read "now", later than the stream's position. Column names come from
// the stream's point (columns_now); a column's type or default is the catalog's current one.
#pragma once

#include <string>
#include <vector>

#include "engine/config/task_config.h"
#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline::cdc {

enum class SchemaChangeOutcome {
  kUnchanged,     // no column difference
  kApplied,       // the target follows; the plan was replaced
  kReloadNeeded,  // the plan was replaced; the target table must be reloaded
};

struct SchemaChangeResult {
  SchemaChangeOutcome outcome = SchemaChangeOutcome::kUnchanged;
  std::string description;  // "added column note2; dropped column note" / why a reload
};

// The table of `old` planned again from the source catalog as it is now, with the task's
// mapping rules. NotFound when no table has its name any more.
Result<TablePlan> PlanTableAgain(const config::TaskConfig& task, const TablePlan& old);

// `columns_now`: the source column names at the stream's position (the Relation message, or
// the ALTER statement applied to the old names). The catalog, read now, may already show later
// changes: only columns in `columns_now` are taken from it, the rest from the old plan.
Result<SchemaChangeResult> HandleSchemaChange(const config::TaskConfig& task,
                                              std::vector<TablePlan>& plans, size_t table,
                                              const std::vector<std::string>& columns_now,
                                              endpoints::SqlSession& target);

}  // namespace switchyard::pipeline::cdc
