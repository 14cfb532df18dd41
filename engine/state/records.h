// Plain values read from and written to the state store. Times are ISO-8601 UTC text with
// milliseconds ("2024-05-01T12:34:56.789Z"); an empty string means "not set" (NULL in SQLite).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/state/states.h"

namespace switchyard::state {

// The task row, plus table counts the store derives from table_stats when reading it.
struct TaskRecord {
  std::string identifier;      // task id from the task file
  std::string migration_type;  // "full-load", "cdc", "full-load-and-cdc"
  TaskStatus status = TaskStatus::kReady;
  StopReason stop_reason = StopReason::kNone;
  std::string last_failure_message;
  std::string fresh_start_date;
  std::string start_date;
  std::string stop_date;
  std::string full_load_start_date;
  std::string full_load_finish_date;
  std::string updated_at;

  // Derived by GetTask (not stored in the task row).
  int64_t tables_loaded = 0;   // Table completed
  int64_t tables_loading = 0;  // Full load, Table is being reloaded
  int64_t tables_queued = 0;   // Before load
  int64_t tables_errored = 0;  // Table error
  // Rows loaded over estimated rows (completed tables count as fully loaded); nullopt when no
  // table has an estimate, as DMS gives no percentage then.
  std::optional<int> full_load_progress_percent;
};

// One source table: identity, DMS TableStatistics and our full-load bookkeeping.
// How one target column is made from the source (the table's plan), for the console's table
// detail. `source_name` is empty for a column a transformation rule adds.
struct ColumnMappingRecord {
  std::string source_name;
  std::string source_type;  // as the source prints it: "int(10) unsigned", "numeric(10,2)"
  std::string target_name;
  std::string target_type;  // the target DDL type
  std::string note;         // lossy or surprising choices (type mapping notes), "; "-joined
};

struct TableRecord {
  std::string schema_name;  // source schema (key)
  std::string table_name;   // source table (key)
  std::string target_schema;
  std::string target_table;
  TableState table_state = TableState::kBeforeLoad;
  int64_t full_load_rows = 0;
  int64_t full_load_error_rows = 0;
  std::string full_load_start_time;
  std::string full_load_end_time;
  bool full_load_reloaded = false;
  int64_t inserts = 0;
  int64_t updates = 0;
  int64_t deletes = 0;
  int64_t ddls = 0;
  int64_t applied_inserts = 0;
  int64_t applied_updates = 0;
  int64_t applied_deletes = 0;
  int64_t applied_ddls = 0;
  std::string validation_state = "Not enabled";
  std::string last_update_time;  // set by the store on every write to the row
  int64_t estimated_rows = -1;   // from source statistics; -1 unknown
  int64_t segments_total = 0;
  int64_t segments_completed = 0;
  std::string last_error;                    // redacted
  std::vector<ColumnMappingRecord> columns;  // empty until the table was planned
};

// CDC counters to add to a table (captured and applied).
struct ChangeCounts {
  int64_t inserts = 0;
  int64_t updates = 0;
  int64_t deletes = 0;
  int64_t ddls = 0;
  int64_t applied_inserts = 0;
  int64_t applied_updates = 0;
  int64_t applied_deletes = 0;
  int64_t applied_ddls = 0;
};

// ChangeCounts for one table, by source name.
struct TableChangeCounts {
  std::string schema_name;
  std::string table_name;
  ChangeCounts counts;
};

// One key range of a table's full load. `where_sql` is the range predicate the catalog built
// (identifiers quoted, literals escaped); the store keeps it as opaque text.
struct SegmentRecord {
  std::string schema_name;
  std::string table_name;
  int segment_index = 0;
  std::string where_sql;
  SegmentState state = SegmentState::kPending;
  int64_t rows = 0;
  std::string updated_at;
};

struct TaskHistoryRecord {
  int64_t id = 0;
  std::string time;
  TaskStatus status = TaskStatus::kReady;
  std::string event;
  std::string message;
};

struct DataErrorRecord {
  int64_t id = 0;
  std::string time;
  std::string schema_name;
  std::string table_name;
  std::string message;
  std::string row_json;  // JSON text with secret-looking keys removed; "" if none
};

// A table's columns as CDC followed them on the target (pipeline/cdc/table_shapes.h), valid
// for a stream resumed after `after_position` ("" = from the table's load on).
struct TableShapeRecord {
  int64_t id = 0;  // the order they were recorded in
  std::string after_position;
  std::string shape_json;  // opaque here
};

// A change the target rejected during CDC (DMS: apply exception), and what policy did with it.
struct ApplyExceptionRecord {
  int64_t id = 0;
  std::string time;
  std::string schema_name;  // source names
  std::string table_name;
  std::string operation;    // "INSERT", "UPDATE", "DELETE", "TRUNCATE"
  std::string statement;    // the statement the target rejected (secret-looking values left out)
  std::string values_json;  // the change's values, secret-looking columns dropped; "" if none
  std::string error;        // the server's message, redacted
  std::string source_position;  // commit position of the source transaction
  // What ErrorBehavior did: "LOG_ERROR", "IGNORE_RECORD", "INSERT_RECORD", "SUSPEND_TABLE",
  // "STOP_TASK", and "RETRIED" once an operator retried it successfully.
  std::string action;
  std::string resolved_at;  // "" while unresolved
};

struct MetricRecord {
  std::string time;
  std::string name;
  double value = 0;
};

}  // namespace switchyard::state
