// What CDC does when a captured table is dropped or renamed on the source (DMS:
// ChangeProcessingDdlHandlingPolicy.HandleSourceTableDropped).
//
// The streams report it between two transactions, after everything before it was read
// (MySQL/MariaDB: a DROP TABLE / RENAME TABLE / ALTER TABLE ... RENAME QUERY event; PostgreSQL:
// a Relation message that gives a known relation OID a new name, or the probe of
// pg_table_watch.h, which notices a drop, as pgoutput sends nothing for one). The caller applies
// what was read before, then calls EndTableCapture:
//   - dropped, HandleSourceTableDropped true (DMS's default): the target table is dropped too
//     (DROP TABLE IF EXISTS: a replay after a crash finds it gone and does nothing);
//   - dropped, false: the target table is left as it is, with the rows it had at the drop;
//   - gone (PostgreSQL only: the probe found no table under the name and never knew its OID,
//     so it cannot tell a drop from a rename): treated as a rename, the safe reading;
//   - renamed: the target table is left as it is. Following the new name exactly would need
//     the mapping rules re-evaluated for a name the task never selected (a rename may also move
//     the table out of the selection, or onto another captured name), so the table waits for
//     the operator: change the mappings and reload.
// Either way the plan is marked capture_ended (table_plan.h) and the caller suspends the table
// ("Table error" with the returned message); the other tables go on. A table created later
// under the old name is a different table: it stays suspended until a reload plans it anew.
#pragma once

#include <functional>
#include <string>

#include "engine/common/status.h"
#include "engine/config/task_config.h"
#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline::cdc {

struct SourceTableEnd {
  enum class Kind { kDropped, kRenamed, kGone };
  Kind kind = Kind::kDropped;
  std::string renamed_to;  // kRenamed: "schema.name"
  // Where the stream saw it: the statement's binlog position, or an LSN at or after the drop.
  std::string position;
};

// Called by a stream with the plan index; an error stops the stream (and the session).
using TableEndedHandler = std::function<Status(size_t table, const SourceTableEnd& end)>;

// Drops the target table when the setting says so, marks `plan` capture_ended, and returns the
// message for the table's state. Idempotent.
Result<std::string> EndTableCapture(const config::TaskConfig& task, TablePlan& plan,
                                    const SourceTableEnd& end, endpoints::SqlSession& target);

}  // namespace switchyard::pipeline::cdc
