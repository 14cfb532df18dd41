// Versioned schema of state.db.
//
// `schema_version` holds one row per applied migration (version, applied_at). Migration N is
// kMigrations[N-1]; each runs in its own transaction together with the insert of its version
// row, so a crash leaves the database at N-1 or N, never in between. A later release appends
// migration 2, 3...; never edit one that has shipped.
//
// Not thread-safe: called by StateStore::Open before the store is shared.
#pragma once

#include <span>

#include "engine/common/status.h"
#include "engine/state/sqlite_db.h"

namespace switchyard::state {

struct Migration {
  int version;      // 1, 2, 3... in order
  const char* sql;  // one or more statements; constant text, no values
};

// The migrations this binary knows; the last one's version is the schema it writes.
std::span<const Migration> StateMigrations();
int LatestStateSchemaVersion();

// The highest applied version; 0 for a database without schema_version (new or empty).
Result<int> ReadSchemaVersion(SqliteDb* db);

// Applies the migrations above the database's version. Fails, changing nothing, if the database
// is newer than the last migration ("written by a newer switchyard"). Returns the version the
// database is at afterwards.
Result<int> MigrateSchema(SqliteDb* db, std::span<const Migration> migrations);

}  // namespace switchyard::state
