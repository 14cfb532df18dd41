// Test-only crash points, so integration tests can crash the engine at an exact place instead of
// racing a `kill -9` against the load. SWITCHYARD_FAILPOINT=<point>:<N> kills the process with
// SIGKILL (no handler, no destructor, no flush: exactly kill -9) at the N-th time this run
// reaches <point>:
//   after-prepare-table   a target table was prepared (prep mode applied, state recorded);
//   after-commit          a target transaction was committed and its rows counted;
//   after-segment-commit  a segment was recorded completed (and its table finished if it was
//                         the table's last).
// One that changes a path instead of crashing:
//   force-global-read-lock  full-load-and-cdc on MySQL opens its aligned snapshots under the
//                           global read lock straight away (the fallback of a busy source).
// and one that does not crash but cuts the loader's own target connection from the server
// side after the N-th commit, to exercise the recoverable-error retry:
//   drop-target-connection
// and for CDC (cdc_task.cpp):
//   after-schema-change   a column added or dropped on the source was followed on the target
//                         (ALTER committed, table shape recorded), before the next checkpoint;
//   after-table-end       a source table's drop or rename was handled (target table dropped
//                         per HandleSourceTableDropped, table state recorded), before the
//                         next checkpoint;
//   read-ahead-one        (path, not a crash) the first CDC session reads at most one
//                         transaction ahead of the apply, so a test can keep the stream behind.
// Unset (production), each check is one string comparison.
#pragma once

#include <string_view>

namespace switchyard::pipeline {

// True exactly once: the N-th time `point` is reached (SWITCHYARD_FAILPOINT=<point>:<N>).
bool FailpointHit(std::string_view point);
// Kills the process with SIGKILL when FailpointHit(point).
void MaybeCrash(std::string_view point);

}  // namespace switchyard::pipeline
