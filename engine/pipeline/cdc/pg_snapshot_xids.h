// Which PostgreSQL transactions a snapshot sees, from pg_current_snapshot()'s text form
// "xmin:xmax:xip,xip,..." (64-bit xids). Pure functions.
//
// Why: a table (re)loaded under a replication slot's exported snapshot holds exactly the
// transactions that snapshot sees. A streamed (in-progress) transaction carries no commit
// position until its Stream Commit, so "committed before the load position" cannot be asked of
// it; "seen by the load's snapshot" can, from its top-level xid alone.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::pipeline::cdc {

// True when the snapshot sees `xid` (a 32-bit xid as the replication protocol carries it) as
// committed: before xmin, or before xmax and not listed in progress. The 32-bit xid is placed in
// the epoch nearest the snapshot's (xids in use are never 2^31 apart). kInvalidArgument when
// `snapshot` does not parse.
Result<bool> PgSnapshotSees(std::string_view snapshot, uint32_t xid);

}  // namespace switchyard::pipeline::cdc
