// PgTableWatch: notices captured PostgreSQL tables that were dropped or renamed on the source.
// pgoutput sends nothing for a DROP TABLE (the table just leaves the publication), and a
// rename only shows as a Relation message before the table's next change, so CDC looks at the
// catalog instead: every few seconds, on a connection of its own, it checks that the relation
// OID each planned table had is still there under the same name.
//
// Exactness: a table found dropped is reported only once the apply has passed an LSN read
// after the catalog (pg_current_wal_lsn()), so every change the table had before its drop is
// applied first; a target table kept (HandleSourceTableDropped false) ends with all its rows.
// An idle source still gets there through the CDC heartbeat.
//
// Restarts: the OID each table is learnt under is kept in the state store, and a session
// starts from the stored ones, so a table dropped or renamed while the engine was stopped is
// told apart like one during CDC (a new table that got a dropped one's OID counts as a rename,
// which keeps the target). Only a table the watch never saw at all (no stored OID: gone before
// its first look) is reported as kGone, where a drop cannot be told from a rename.
//
// Errors (a lost connection, a query that fails) are logged at debug level and the watch tries
// again at the next poll: it is a probe; the stream carries the data.
//
// One thread (the apply loop's). The plans are read at each Poll, never kept.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/task_config.h"
#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/cdc/source_table_end.h"
#include "engine/pipeline/table_plan.h"
#include "engine/state/state_store.h"

namespace switchyard::pipeline::cdc {

class PgTableWatch {
 public:
  struct Finding {
    size_t table = 0;
    SourceTableEnd end;
  };

  // `store` (may be null) keeps the OIDs learnt, and gives those of earlier sessions.
  PgTableWatch(const config::TaskConfig& task, state::StateStore* store,
               std::chrono::milliseconds interval = std::chrono::seconds(5))
      : task_(task), store_(store), interval_(interval) {}

  // Looks at the catalog when `interval` has passed since the last look, and returns the
  // tables whose end the apply has passed (`applied`: the last committed source position, ""
  // when none yet). Plans marked capture_ended are left alone (and forgotten: a reload plans
  // the name anew, and its new OID is learnt at the next look).
  std::vector<Finding> Poll(const std::vector<TablePlan>& plans, const std::string& applied);

 private:
  Status Look(const std::vector<TablePlan>& plans);

  const config::TaskConfig& task_;
  state::StateStore* store_;
  const std::chrono::milliseconds interval_;
  bool seeded_ = false;  // the stored OIDs were taken (once, at the first look)
  std::chrono::steady_clock::time_point last_{};
  std::unique_ptr<endpoints::SqlSession> session_;
  std::map<size_t, std::string> oids_;  // plan index -> relation OID, as text
  std::map<size_t, Finding> pending_;   // found, waiting for the apply to pass the LSN
};

}  // namespace switchyard::pipeline::cdc
