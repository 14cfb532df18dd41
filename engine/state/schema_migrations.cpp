#include "engine/state/schema_migrations.h"

#include <string>

#include "engine/logging/iso_time.h"

namespace switchyard::state {
namespace {

// Times are ISO-8601 UTC text with milliseconds ("2024-05-01T12:34:56.789Z"), NULL when unset.
// Table counters follow DMS TableStatistics names; our own columns are snake_case.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE task (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  identifier TEXT NOT NULL,
  migration_type TEXT NOT NULL,
  status TEXT NOT NULL,
  stop_reason TEXT,
  last_failure_message TEXT,
  fresh_start_date TEXT,
  start_date TEXT,
  stop_date TEXT,
  full_load_start_date TEXT,
  full_load_finish_date TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE task_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  status TEXT NOT NULL,
  event TEXT NOT NULL,
  message TEXT
);

CREATE TABLE table_stats (
  schema_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  target_schema TEXT NOT NULL DEFAULT '',
  target_table TEXT NOT NULL DEFAULT '',
  TableState TEXT NOT NULL,
  FullLoadRows INTEGER NOT NULL DEFAULT 0,
  FullLoadErrorRows INTEGER NOT NULL DEFAULT 0,
  FullLoadStartTime TEXT,
  FullLoadEndTime TEXT,
  FullLoadReloaded INTEGER NOT NULL DEFAULT 0,
  Inserts INTEGER NOT NULL DEFAULT 0,
  Updates INTEGER NOT NULL DEFAULT 0,
  Deletes INTEGER NOT NULL DEFAULT 0,
  Ddls INTEGER NOT NULL DEFAULT 0,
  AppliedInserts INTEGER NOT NULL DEFAULT 0,
  AppliedUpdates INTEGER NOT NULL DEFAULT 0,
  AppliedDeletes INTEGER NOT NULL DEFAULT 0,
  AppliedDdls INTEGER NOT NULL DEFAULT 0,
  ValidationState TEXT NOT NULL DEFAULT 'Not enabled',
  LastUpdateTime TEXT NOT NULL,
  estimated_rows INTEGER NOT NULL DEFAULT -1,
  segments_total INTEGER NOT NULL DEFAULT 0,
  segments_completed INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  PRIMARY KEY (schema_name, table_name)
);

CREATE TABLE load_segments (
  schema_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  segment_index INTEGER NOT NULL,
  where_sql TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'loading', 'completed', 'error')),
  rows INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (schema_name, table_name, segment_index)
);

CREATE TABLE data_errors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  schema_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  message TEXT NOT NULL,
  row_json TEXT
);
CREATE INDEX data_errors_by_table ON data_errors (schema_name, table_name);

CREATE TABLE metrics (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX metrics_by_name_time ON metrics (name, time);
)sql";

// Version 2: CDC. Apply exceptions; per table, the source position its full load was read at
// (changes at or before it are already in the loaded rows).
constexpr const char* kMigration2 = R"sql(
CREATE TABLE apply_exceptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  schema_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  operation TEXT NOT NULL,
  statement TEXT NOT NULL,
  values_json TEXT,
  error TEXT NOT NULL,
  source_position TEXT NOT NULL,
  action TEXT NOT NULL,
  resolved_at TEXT
);
CREATE INDEX apply_exceptions_by_table ON apply_exceptions (schema_name, table_name);

ALTER TABLE table_stats ADD COLUMN snapshot_position TEXT;
)sql";

// Version 3: each table's column mapping (JSON, for the console's table detail).
constexpr const char* kMigration3 = R"sql(
ALTER TABLE table_stats ADD COLUMN column_mapping TEXT;
)sql";

// Version 4: the column shapes CDC followed on the target, with the source position each one
// holds after (pipeline/cdc/table_shapes.h), so a resume starts from the shape at its
// checkpoint rather than from the source catalog as it is at the restart.
constexpr const char* kMigration4 = R"sql(
CREATE TABLE cdc_table_shapes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  schema_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  after_position TEXT NOT NULL,
  shape TEXT NOT NULL
);
CREATE INDEX cdc_table_shapes_by_table ON cdc_table_shapes (schema_name, table_name);
)sql";

// Version 5: the PostgreSQL relation OID each captured table had (pipeline/cdc/pg_table_watch.h),
// so that a table gone from the catalog at a restart can be told dropped from renamed.
constexpr const char* kMigration5 = R"sql(
ALTER TABLE table_stats ADD COLUMN source_oid TEXT;
)sql";

// Version 6: the transactions a PostgreSQL table's load snapshot saw (pg_snapshot_xids.h), so
// that a streamed transaction's column change can be told held by the load or not.
constexpr const char* kMigration6 = R"sql(
ALTER TABLE table_stats ADD COLUMN snapshot_xids TEXT;
)sql";

constexpr Migration kMigrations[] = {
    {1, kMigration1}, {2, kMigration2}, {3, kMigration3},
    {4, kMigration4}, {5, kMigration5}, {6, kMigration6},
};

}  // namespace

std::span<const Migration> StateMigrations() { return kMigrations; }

int LatestStateSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> ReadSchemaVersion(SqliteDb* db) {
  SY_ASSIGN_OR_RETURN(
      Statement * exists,
      db->Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"));
  SY_ASSIGN_OR_RETURN(bool has_table, exists->Step());
  exists->Reset();
  if (!has_table) return 0;
  SY_ASSIGN_OR_RETURN(Statement * max,
                      db->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  SY_ASSIGN_OR_RETURN(bool has_row, max->Step());
  const int version = has_row ? static_cast<int>(max->ColumnInt(0)) : 0;
  max->Reset();
  return version;
}

Result<int> MigrateSchema(SqliteDb* db, std::span<const Migration> migrations) {
  const int known = migrations.empty() ? 0 : migrations.back().version;
  {
    Transaction txn(db);
    SY_RETURN_IF_ERROR(txn.Begin());
    SY_RETURN_IF_ERROR(
        db->Exec("CREATE TABLE IF NOT EXISTS schema_version ("
                 "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"));
    SY_RETURN_IF_ERROR(txn.Commit());
  }
  SY_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(db));
  if (version > known) {
    return Status::Unsupported(
        "state database is schema version " + std::to_string(version) +
        ", written by a newer switchyard; this binary understands up to version " +
        std::to_string(known) +
        ". Use the newer switchyard, or start the task afresh in a new "
        "state directory");
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= version) continue;
    Transaction txn(db);
    SY_RETURN_IF_ERROR(txn.Begin());
    // Re-read under the write lock: another process may have migrated meanwhile.
    SY_ASSIGN_OR_RETURN(version, ReadSchemaVersion(db));
    if (migration.version <= version) continue;
    SY_RETURN_IF_ERROR(
        db->Exec(migration.sql)
            .WithContext("state schema migration " + std::to_string(migration.version)));
    SY_ASSIGN_OR_RETURN(
        Statement * insert,
        db->Prepare("INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)"));
    SY_RETURN_IF_ERROR(insert->Bind(1, migration.version).Bind(2, logging::NowIsoUtc()).Run());
    SY_RETURN_IF_ERROR(txn.Commit());
    version = migration.version;
  }
  return version;
}

}  // namespace switchyard::state
