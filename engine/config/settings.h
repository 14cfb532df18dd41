// DMS task settings (the JSON AWS calls ReplicationTaskSettings) and Switchyard's own extensions.
//
// Every section DMS documents is parsed into typed fields with DMS's defaults, so later work
// (CDC apply, validation, LOBs) reads a field instead of JSON. Which keys the engine acts on
// is one table in settings_keys.cpp; every other key that is present produces one warning
// "<path>: not implemented yet, ignored", and every key DMS does not define produces
// "<path>: unknown key, ignored". Wrong types and bad enum values are errors.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace switchyard::config {

enum class TargetTablePrepMode { kDropAndCreate, kTruncateBeforeLoad, kDoNothing };

struct FullLoadSettings {
  TargetTablePrepMode target_table_prep_mode = TargetTablePrepMode::kDropAndCreate;
  bool create_pk_after_full_load = false;
  bool stop_task_cached_changes_applied = false;
  bool stop_task_cached_changes_not_applied = false;
  int max_full_load_sub_tasks = 8;            // 1..49
  int transaction_consistency_timeout = 600;  // seconds
  int commit_rate = 10000;                    // 1..50000
};

// LOG_ERROR, IGNORE_RECORD, SUSPEND_TABLE, STOP_TASK (+ INSERT_RECORD / UPDATE_RECORD for the
// insert / update apply policies).
enum class DataErrorPolicy { kLogError, kIgnoreRecord, kSuspendTable, kStopTask };
enum class TableErrorPolicy { kSuspendTable, kStopTask };
enum class ApplyErrorPolicy {
  kLogError,
  kIgnoreRecord,
  kSuspendTable,
  kStopTask,
  kInsertRecord,  // ApplyErrorInsertPolicy only: upsert
  kUpdateRecord,  // ApplyErrorUpdatePolicy only: insert the missing row
};
enum class EventErrorPolicy { kIgnore, kStopTask };

struct ErrorBehavior {
  DataErrorPolicy data_error_policy = DataErrorPolicy::kLogError;
  DataErrorPolicy data_truncation_error_policy = DataErrorPolicy::kLogError;
  TableErrorPolicy data_error_escalation_policy = TableErrorPolicy::kSuspendTable;
  int64_t data_error_escalation_count = 0;
  EventErrorPolicy event_error_policy = EventErrorPolicy::kIgnore;
  TableErrorPolicy table_error_policy = TableErrorPolicy::kSuspendTable;
  TableErrorPolicy table_error_escalation_policy = TableErrorPolicy::kStopTask;  // STOP_TASK only
  int64_t table_error_escalation_count = 0;
  ApplyErrorPolicy apply_error_delete_policy = ApplyErrorPolicy::kIgnoreRecord;
  ApplyErrorPolicy apply_error_insert_policy = ApplyErrorPolicy::kLogError;
  ApplyErrorPolicy apply_error_update_policy = ApplyErrorPolicy::kLogError;
  DataErrorPolicy apply_error_escalation_policy = DataErrorPolicy::kLogError;  // not IGNORE_RECORD
  int64_t apply_error_escalation_count = 0;
  bool apply_error_fail_on_truncation_ddl = false;
  bool fail_on_no_tables_captured = true;
  bool fail_on_transaction_consistency_breached = false;
  bool full_load_ignore_conflicts = true;
  DataErrorPolicy data_masking_error_policy = DataErrorPolicy::kStopTask;
  int64_t recoverable_error_count = -1;    // -1: DMS picks per situation; 0: never restart
  int64_t recoverable_error_interval = 5;  // seconds
  bool recoverable_error_throttling = true;
  int64_t recoverable_error_throttling_max = 1800;  // seconds
  bool recoverable_error_stop_retry_after_throttling_max = true;
};

struct LoggingSettings {
  bool enable_logging = true;
  bool enable_log_context = false;
  bool delete_task_logs = false;
  // LogComponents as a map: "SOURCE_UNLOAD" -> "LOGGER_SEVERITY_DEBUG".
  std::map<std::string, std::string> component_severity;
};

struct ControlTablesSettings {
  // Where switchyard_status lives; empty: "switchyard" (a schema on PostgreSQL, a database on
  // MySQL), kept apart from application schemas (DMS would use public / awsdms_control).
  std::string control_schema;
  int history_timeslot_in_minutes = 5;
  bool history_table_enabled = false;
  bool suspended_tables_table_enabled = false;
  bool status_table_enabled = false;
  bool full_load_exception_table_enabled = false;
};

struct TargetMetadata {
  std::string target_schema;  // non-empty: every table goes into this schema
  bool support_lobs = true;
  bool full_lob_mode = false;
  int64_t lob_chunk_size = 64;  // KB
  bool limited_size_lob_mode = true;
  int64_t lob_max_size = 32;  // KB
  int64_t inline_lob_max_size = 0;
  int64_t load_max_file_size = 0;
  int parallel_load_threads = 0;
  int parallel_load_buffer_size = 0;
  int parallel_load_queues_per_thread = 1;
  int parallel_apply_threads = 0;
  int parallel_apply_buffer_size = 100;
  int parallel_apply_queues_per_thread = 1;
  bool batch_apply_enabled = false;
  bool task_recovery_table_enabled = false;
};

struct ChangeProcessingTuning {
  // DMS: only Oracle targets may split a source transaction across batches (false). Ours
  // always hold whole source transactions, which is what true promises; false is allowed.
  bool batch_apply_preserve_transaction = true;
  int64_t batch_apply_timeout_min = 1;  // seconds
  // The longest a batch may wait before it is applied. A batch goes once it has waited
  // BatchApplyTimeoutMin (or is full), so this bound always holds; below Min is refused.
  int64_t batch_apply_timeout_max = 30;    // seconds
  int64_t batch_apply_memory_limit = 500;  // MB
  int64_t batch_split_size = 0;            // 0 = no limit
  // Transactional apply: source transactions collect into one target transaction until it
  // has MinTransactionSize changes or CommitTimeout seconds passed since the first. DMS's
  // default is 1000; ours is 0 (apply what has been read at once), which keeps CDCLatency low
  // at moderate rates; a task file that sets it gets DMS's behaviour.
  int64_t min_transaction_size = 0;
  int64_t commit_timeout = 1;         // seconds
  int64_t memory_limit_total = 1024;  // MB
  int64_t memory_keep_time = 60;      // seconds
  int statement_cache_size = 50;      // max 200
  int64_t recovery_timeout = -1;
};

struct ChangeProcessingDdlHandlingPolicy {
  bool handle_source_table_dropped = true;
  bool handle_source_table_truncated = true;
  bool handle_source_table_altered = true;
};

struct ValidationSettings {
  bool enable_validation = false;
  std::string validation_mode = "ROW_LEVEL";
  int thread_count = 5;
  int64_t partition_size = 10000;
  int64_t failure_max_count = 10000;
  int64_t table_failure_max_count = 1000;
  int64_t record_failure_delay_in_minutes = 5;
  int64_t record_failure_delay_limit_in_minutes = 0;
  int64_t record_suspend_delay_in_minutes = 30;
  int64_t max_key_column_size = 8096;
  bool handle_collation_diff = false;
  bool skip_lob_columns = false;
  int64_t validation_partial_lob_size = 0;
  int64_t validation_query_cdc_delay_seconds = 0;
  bool validation_only = false;
};

struct StreamBufferSettings {
  int stream_buffer_count = 3;
  int stream_buffer_size_in_mb = 8;
  int ctrl_stream_buffer_size_in_mb = 5;
};

struct TaskSettings {
  TargetMetadata target_metadata;
  FullLoadSettings full_load;
  ChangeProcessingTuning change_processing_tuning;
  ChangeProcessingDdlHandlingPolicy ddl_handling;
  ErrorBehavior error_behavior;
  LoggingSettings logging;
  ControlTablesSettings control_tables;
  ValidationSettings validation;
  StreamBufferSettings stream_buffer;
  nlohmann::json raw = nlohmann::json::object();  // the document as given
};

// Our extensions, kept outside the DMS objects so DMS files stay untouched.
struct SwitchyardSettings {
  // "CreateSecondaryObjects": when secondary indexes and foreign keys are created.
  enum class SecondaryObjects { kAfterFullLoad, kDeferred };
  SecondaryObjects secondary_objects = SecondaryObjects::kAfterFullLoad;
  // Tables with more estimated rows than this and no parallel-load rule are split into
  // auto_split_segments key ranges. 0 disables auto-split.
  // High on purpose: on PostgreSQL 15 targets, parallel COPY into one table contends on the
  // relation extension lock (PG16 relieved it), and splitting measured slower on 2 cores.
  int64_t auto_split_row_threshold = 5000000;
  int auto_split_segments = 4;
  // "SourceDiskFreeBytes": the free space of the source's WAL/binlog disk as the operator states
  // it, for the disk-full projection when the engine cannot measure it (a remote source, or no
  // privilege to learn the data directory). Used as given: the engine cannot see it change.
  // -1: not stated.
  int64_t source_disk_free_bytes = -1;
};

// Parses a ReplicationTaskSettings object. `path` names it in messages ("ReplicationTaskSettings").
Result<TaskSettings> ParseTaskSettings(const nlohmann::json& doc, const std::string& path,
                                       std::vector<std::string>* warnings);
Result<SwitchyardSettings> ParseSwitchyardSettings(const nlohmann::json& doc,
                                                   const std::string& path,
                                                   std::vector<std::string>* warnings);

// The implemented-keys table (settings_keys.cpp): true when the engine acts on the setting at
// `key_path`, spelled "Section.Key" ("FullLoadSettings.CommitRate").
bool IsImplementedSetting(std::string_view key_path);

// Spellings shared with other parsers.
std::string_view TargetTablePrepModeName(TargetTablePrepMode mode);
std::string_view DataErrorPolicyName(DataErrorPolicy policy);
std::string_view TableErrorPolicyName(TableErrorPolicy policy);

}  // namespace switchyard::config
