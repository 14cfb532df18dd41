#include "engine/config/settings.h"

#include <algorithm>
#include <iterator>
#include <limits>

#include "engine/config/json_reader.h"
#include "engine/logging/log_component.h"

namespace switchyard::config {
namespace {

constexpr int64_t kMaxI64 = std::numeric_limits<int64_t>::max();
constexpr int kMaxInt = std::numeric_limits<int>::max();

const EnumNames<TargetTablePrepMode> kPrepModes = {
    {"DROP_AND_CREATE", TargetTablePrepMode::kDropAndCreate},
    {"TRUNCATE_BEFORE_LOAD", TargetTablePrepMode::kTruncateBeforeLoad},
    {"DO_NOTHING", TargetTablePrepMode::kDoNothing},
};
const EnumNames<DataErrorPolicy> kDataPolicies = {
    {"LOG_ERROR", DataErrorPolicy::kLogError},
    {"IGNORE_RECORD", DataErrorPolicy::kIgnoreRecord},
    {"SUSPEND_TABLE", DataErrorPolicy::kSuspendTable},
    {"STOP_TASK", DataErrorPolicy::kStopTask},
};
const EnumNames<DataErrorPolicy> kApplyEscalationPolicies = {
    {"LOG_ERROR", DataErrorPolicy::kLogError},
    {"SUSPEND_TABLE", DataErrorPolicy::kSuspendTable},
    {"STOP_TASK", DataErrorPolicy::kStopTask},
};
const EnumNames<TableErrorPolicy> kTablePolicies = {
    {"SUSPEND_TABLE", TableErrorPolicy::kSuspendTable},
    {"STOP_TASK", TableErrorPolicy::kStopTask},
};
const EnumNames<TableErrorPolicy> kTableEscalationPolicies = {
    {"STOP_TASK", TableErrorPolicy::kStopTask},
};
const EnumNames<EventErrorPolicy> kEventPolicies = {
    {"IGNORE", EventErrorPolicy::kIgnore},
    {"STOP_TASK", EventErrorPolicy::kStopTask},
};
const EnumNames<ApplyErrorPolicy> kApplyDeletePolicies = {
    {"IGNORE_RECORD", ApplyErrorPolicy::kIgnoreRecord},
    {"LOG_ERROR", ApplyErrorPolicy::kLogError},
    {"SUSPEND_TABLE", ApplyErrorPolicy::kSuspendTable},
    {"STOP_TASK", ApplyErrorPolicy::kStopTask},
};
const EnumNames<ApplyErrorPolicy> kApplyInsertPolicies = {
    {"IGNORE_RECORD", ApplyErrorPolicy::kIgnoreRecord}, {"LOG_ERROR", ApplyErrorPolicy::kLogError},
    {"SUSPEND_TABLE", ApplyErrorPolicy::kSuspendTable}, {"STOP_TASK", ApplyErrorPolicy::kStopTask},
    {"INSERT_RECORD", ApplyErrorPolicy::kInsertRecord},
};
const EnumNames<ApplyErrorPolicy> kApplyUpdatePolicies = {
    {"IGNORE_RECORD", ApplyErrorPolicy::kIgnoreRecord}, {"LOG_ERROR", ApplyErrorPolicy::kLogError},
    {"SUSPEND_TABLE", ApplyErrorPolicy::kSuspendTable}, {"STOP_TASK", ApplyErrorPolicy::kStopTask},
    {"UPDATE_RECORD", ApplyErrorPolicy::kUpdateRecord},
};
const EnumNames<std::string> kSeverities = {
    {"LOGGER_SEVERITY_ERROR", "LOGGER_SEVERITY_ERROR"},
    {"LOGGER_SEVERITY_WARNING", "LOGGER_SEVERITY_WARNING"},
    {"LOGGER_SEVERITY_INFO", "LOGGER_SEVERITY_INFO"},
    {"LOGGER_SEVERITY_DEFAULT", "LOGGER_SEVERITY_DEFAULT"},
    {"LOGGER_SEVERITY_DEBUG", "LOGGER_SEVERITY_DEBUG"},
    {"LOGGER_SEVERITY_DETAILED_DEBUG", "LOGGER_SEVERITY_DETAILED_DEBUG"},
};

// Top-level settings DMS defines that we do not model field by field: one warning each.
constexpr std::string_view kUnmodelledSections[] = {
    "CharacterSetSettings", "BeforeImageSettings", "LoopbackPreventionSettings",
    "TTSettings",           "PostProcessingRules", "FailTaskWhenCleanTaskResourceFailed",
    "ResyncSettings",
};

// After a section is parsed: one warning per key that was read but is not in the
// implemented-keys table, one per key nobody read.
void WarnSectionKeys(const ObjectReader& reader, std::string_view section,
                     std::vector<std::string>* warnings) {
  const auto unread = reader.UnreadKeys();
  for (const auto& key : reader.Keys()) {
    bool is_unread = std::find(unread.begin(), unread.end(), key) != unread.end();
    if (is_unread) {
      warnings->push_back(reader.PathOf(key) + ": unknown key, ignored");
    } else if (!IsImplementedSetting(std::string(section) + "." + key)) {
      warnings->push_back(reader.PathOf(key) + ": not implemented yet, ignored");
    }
  }
}

Status ParseTargetMetadata(ObjectReader& r, TargetMetadata* t) {
  SY_RETURN_IF_ERROR(r.GetString("TargetSchema", &t->target_schema));
  SY_RETURN_IF_ERROR(r.GetBool("SupportLobs", &t->support_lobs));
  SY_RETURN_IF_ERROR(r.GetBool("FullLobMode", &t->full_lob_mode));
  SY_RETURN_IF_ERROR(r.GetInt("LobChunkSize", int64_t{0}, kMaxI64, &t->lob_chunk_size));
  SY_RETURN_IF_ERROR(r.GetBool("LimitedSizeLobMode", &t->limited_size_lob_mode));
  SY_RETURN_IF_ERROR(r.GetInt("LobMaxSize", int64_t{0}, kMaxI64, &t->lob_max_size));
  SY_RETURN_IF_ERROR(
      r.GetInt("InlineLobMaxSize", int64_t{0}, int64_t{102400}, &t->inline_lob_max_size));
  SY_RETURN_IF_ERROR(
      r.GetInt("LoadMaxFileSize", int64_t{0}, int64_t{100000}, &t->load_max_file_size));
  SY_RETURN_IF_ERROR(r.GetInt("ParallelLoadThreads", 0, 200, &t->parallel_load_threads));
  SY_RETURN_IF_ERROR(r.GetInt("ParallelLoadBufferSize", 0, 1000, &t->parallel_load_buffer_size));
  SY_RETURN_IF_ERROR(
      r.GetInt("ParallelLoadQueuesPerThread", 0, kMaxInt, &t->parallel_load_queues_per_thread));
  SY_RETURN_IF_ERROR(r.GetInt("ParallelApplyThreads", 0, kMaxInt, &t->parallel_apply_threads));
  SY_RETURN_IF_ERROR(
      r.GetInt("ParallelApplyBufferSize", 0, kMaxInt, &t->parallel_apply_buffer_size));
  SY_RETURN_IF_ERROR(
      r.GetInt("ParallelApplyQueuesPerThread", 0, kMaxInt, &t->parallel_apply_queues_per_thread));
  SY_RETURN_IF_ERROR(r.GetBool("BatchApplyEnabled", &t->batch_apply_enabled));
  SY_RETURN_IF_ERROR(r.GetBool("TaskRecoveryTableEnabled", &t->task_recovery_table_enabled));
  return Status::Ok();
}

Status ParseFullLoad(ObjectReader& r, FullLoadSettings* f) {
  SY_RETURN_IF_ERROR(r.GetEnum("TargetTablePrepMode", kPrepModes, &f->target_table_prep_mode));
  SY_RETURN_IF_ERROR(r.GetBool("CreatePkAfterFullLoad", &f->create_pk_after_full_load));
  SY_RETURN_IF_ERROR(
      r.GetBool("StopTaskCachedChangesApplied", &f->stop_task_cached_changes_applied));
  SY_RETURN_IF_ERROR(
      r.GetBool("StopTaskCachedChangesNotApplied", &f->stop_task_cached_changes_not_applied));
  SY_RETURN_IF_ERROR(r.GetInt("MaxFullLoadSubTasks", 1, 49, &f->max_full_load_sub_tasks));
  SY_RETURN_IF_ERROR(
      r.GetInt("TransactionConsistencyTimeout", 0, kMaxInt, &f->transaction_consistency_timeout));
  SY_RETURN_IF_ERROR(r.GetInt("CommitRate", 1, 50000, &f->commit_rate));
  return Status::Ok();
}

Status ParseChangeProcessingTuning(ObjectReader& r, ChangeProcessingTuning* c) {
  SY_RETURN_IF_ERROR(
      r.GetBool("BatchApplyPreserveTransaction", &c->batch_apply_preserve_transaction));
  SY_RETURN_IF_ERROR(
      r.GetInt("BatchApplyTimeoutMin", int64_t{0}, kMaxI64, &c->batch_apply_timeout_min));
  SY_RETURN_IF_ERROR(
      r.GetInt("BatchApplyTimeoutMax", int64_t{0}, kMaxI64, &c->batch_apply_timeout_max));
  if (c->batch_apply_timeout_max < c->batch_apply_timeout_min) {
    return Status::InvalidArgument(
        r.PathOf("BatchApplyTimeoutMax") + " is " + std::to_string(c->batch_apply_timeout_max) +
        " s, below BatchApplyTimeoutMin (" + std::to_string(c->batch_apply_timeout_min) +
        " s): a batch waits at least the minimum, so the maximum must not be smaller");
  }
  SY_RETURN_IF_ERROR(
      r.GetInt("BatchApplyMemoryLimit", int64_t{0}, kMaxI64, &c->batch_apply_memory_limit));
  SY_RETURN_IF_ERROR(r.GetInt("BatchSplitSize", int64_t{0}, kMaxI64, &c->batch_split_size));
  SY_RETURN_IF_ERROR(r.GetInt("MinTransactionSize", int64_t{0}, kMaxI64, &c->min_transaction_size));
  SY_RETURN_IF_ERROR(r.GetInt("CommitTimeout", int64_t{0}, kMaxI64, &c->commit_timeout));
  SY_RETURN_IF_ERROR(r.GetInt("MemoryLimitTotal", int64_t{0}, kMaxI64, &c->memory_limit_total));
  SY_RETURN_IF_ERROR(r.GetInt("MemoryKeepTime", int64_t{0}, kMaxI64, &c->memory_keep_time));
  SY_RETURN_IF_ERROR(r.GetInt("StatementCacheSize", 0, 200, &c->statement_cache_size));
  SY_RETURN_IF_ERROR(r.GetInt("RecoveryTimeout", int64_t{-1}, kMaxI64, &c->recovery_timeout));
  return Status::Ok();
}

Status ParseDdlHandling(ObjectReader& r, ChangeProcessingDdlHandlingPolicy* d) {
  SY_RETURN_IF_ERROR(r.GetBool("HandleSourceTableDropped", &d->handle_source_table_dropped));
  SY_RETURN_IF_ERROR(r.GetBool("HandleSourceTableTruncated", &d->handle_source_table_truncated));
  SY_RETURN_IF_ERROR(r.GetBool("HandleSourceTableAltered", &d->handle_source_table_altered));
  return Status::Ok();
}

Status ParseErrorBehavior(ObjectReader& r, ErrorBehavior* e) {
  SY_RETURN_IF_ERROR(r.GetEnum("DataErrorPolicy", kDataPolicies, &e->data_error_policy));
  SY_RETURN_IF_ERROR(
      r.GetEnum("DataTruncationErrorPolicy", kDataPolicies, &e->data_truncation_error_policy));
  SY_RETURN_IF_ERROR(
      r.GetEnum("DataErrorEscalationPolicy", kTablePolicies, &e->data_error_escalation_policy));
  SY_RETURN_IF_ERROR(
      r.GetInt("DataErrorEscalationCount", int64_t{0}, kMaxI64, &e->data_error_escalation_count));
  SY_RETURN_IF_ERROR(r.GetEnum("EventErrorPolicy", kEventPolicies, &e->event_error_policy));
  SY_RETURN_IF_ERROR(r.GetEnum("TableErrorPolicy", kTablePolicies, &e->table_error_policy));
  SY_RETURN_IF_ERROR(r.GetEnum("TableErrorEscalationPolicy", kTableEscalationPolicies,
                               &e->table_error_escalation_policy));
  SY_RETURN_IF_ERROR(
      r.GetInt("TableErrorEscalationCount", int64_t{0}, kMaxI64, &e->table_error_escalation_count));
  SY_RETURN_IF_ERROR(
      r.GetEnum("ApplyErrorDeletePolicy", kApplyDeletePolicies, &e->apply_error_delete_policy));
  SY_RETURN_IF_ERROR(
      r.GetEnum("ApplyErrorInsertPolicy", kApplyInsertPolicies, &e->apply_error_insert_policy));
  SY_RETURN_IF_ERROR(
      r.GetEnum("ApplyErrorUpdatePolicy", kApplyUpdatePolicies, &e->apply_error_update_policy));
  SY_RETURN_IF_ERROR(r.GetEnum("ApplyErrorEscalationPolicy", kApplyEscalationPolicies,
                               &e->apply_error_escalation_policy));
  SY_RETURN_IF_ERROR(
      r.GetInt("ApplyErrorEscalationCount", int64_t{0}, kMaxI64, &e->apply_error_escalation_count));
  SY_RETURN_IF_ERROR(
      r.GetBool("ApplyErrorFailOnTruncationDdl", &e->apply_error_fail_on_truncation_ddl));
  SY_RETURN_IF_ERROR(r.GetBool("FailOnNoTablesCaptured", &e->fail_on_no_tables_captured));
  SY_RETURN_IF_ERROR(r.GetBool("FailOnTransactionConsistencyBreached",
                               &e->fail_on_transaction_consistency_breached));
  SY_RETURN_IF_ERROR(r.GetBool("FullLoadIgnoreConflicts", &e->full_load_ignore_conflicts));
  SY_RETURN_IF_ERROR(
      r.GetEnum("DataMaskingErrorPolicy", kDataPolicies, &e->data_masking_error_policy));
  SY_RETURN_IF_ERROR(
      r.GetInt("RecoverableErrorCount", int64_t{-1}, kMaxI64, &e->recoverable_error_count));
  SY_RETURN_IF_ERROR(
      r.GetInt("RecoverableErrorInterval", int64_t{0}, kMaxI64, &e->recoverable_error_interval));
  SY_RETURN_IF_ERROR(r.GetBool("RecoverableErrorThrottling", &e->recoverable_error_throttling));
  SY_RETURN_IF_ERROR(r.GetInt("RecoverableErrorThrottlingMax", int64_t{0}, kMaxI64,
                              &e->recoverable_error_throttling_max));
  SY_RETURN_IF_ERROR(r.GetBool("RecoverableErrorStopRetryAfterThrottlingMax",
                               &e->recoverable_error_stop_retry_after_throttling_max));
  return Status::Ok();
}

Status ParseLogging(ObjectReader& r, LoggingSettings* l, std::vector<std::string>* warnings) {
  SY_RETURN_IF_ERROR(r.GetBool("EnableLogging", &l->enable_logging));
  SY_RETURN_IF_ERROR(r.GetBool("EnableLogContext", &l->enable_log_context));
  SY_RETURN_IF_ERROR(r.GetBool("DeleteTaskLogs", &l->delete_task_logs));
  // Read-only in DMS (returned by DescribeReplicationTasks, refused at create time).
  r.Get("CloudWatchLogGroup");
  r.Get("CloudWatchLogStream");
  const nlohmann::json* components = r.Get("LogComponents");
  if (components == nullptr) return Status::Ok();
  const std::string path = r.PathOf("LogComponents");
  if (!components->is_array()) return NotA(path, *components, "an array of {Id, Severity}");
  for (size_t i = 0; i < components->size(); ++i) {
    SY_ASSIGN_OR_RETURN(ObjectReader c, ObjectReader::Open((*components)[i], IndexPath(path, i)));
    std::string id;
    std::string severity;
    SY_RETURN_IF_ERROR(c.GetString("Id", &id, Need::kRequired, "a log component id"));
    SY_RETURN_IF_ERROR(c.GetEnum("Severity", kSeverities, &severity, Need::kRequired));
    c.WarnUnknownKeys(warnings);
    if (!logging::ParseComponent(id).ok()) {  // the logger's list is the one list of ids
      warnings->push_back(c.PathOf("Id") + ": unknown log component \"" + id + "\", ignored");
      continue;
    }
    l->component_severity[id] = severity;
  }
  return Status::Ok();
}

Status ParseControlTables(ObjectReader& r, ControlTablesSettings* c) {
  SY_RETURN_IF_ERROR(r.GetString("ControlSchema", &c->control_schema));
  SY_RETURN_IF_ERROR(
      r.GetInt("HistoryTimeslotInMinutes", 1, kMaxInt, &c->history_timeslot_in_minutes));
  // DMS returns this lower-case duplicate alongside HistoryTimeslotInMinutes.
  SY_RETURN_IF_ERROR(
      r.GetInt("historyTimeslotInMinutes", 1, kMaxInt, &c->history_timeslot_in_minutes));
  SY_RETURN_IF_ERROR(r.GetBool("HistoryTableEnabled", &c->history_table_enabled));
  SY_RETURN_IF_ERROR(r.GetBool("SuspendedTablesTableEnabled", &c->suspended_tables_table_enabled));
  SY_RETURN_IF_ERROR(r.GetBool("StatusTableEnabled", &c->status_table_enabled));
  SY_RETURN_IF_ERROR(
      r.GetBool("FullLoadExceptionTableEnabled", &c->full_load_exception_table_enabled));
  return Status::Ok();
}

Status ParseValidation(ObjectReader& r, ValidationSettings* v) {
  SY_RETURN_IF_ERROR(r.GetBool("EnableValidation", &v->enable_validation));
  const EnumNames<std::string> modes = {{"ROW_LEVEL", "ROW_LEVEL"}};
  SY_RETURN_IF_ERROR(r.GetEnum("ValidationMode", modes, &v->validation_mode));
  SY_RETURN_IF_ERROR(r.GetInt("ThreadCount", 1, kMaxInt, &v->thread_count));
  SY_RETURN_IF_ERROR(r.GetInt("PartitionSize", int64_t{1}, kMaxI64, &v->partition_size));
  SY_RETURN_IF_ERROR(r.GetInt("FailureMaxCount", int64_t{0}, kMaxI64, &v->failure_max_count));
  SY_RETURN_IF_ERROR(
      r.GetInt("TableFailureMaxCount", int64_t{0}, kMaxI64, &v->table_failure_max_count));
  SY_RETURN_IF_ERROR(r.GetInt("RecordFailureDelayInMinutes", int64_t{0}, kMaxI64,
                              &v->record_failure_delay_in_minutes));
  SY_RETURN_IF_ERROR(r.GetInt("RecordFailureDelayLimitInMinutes", int64_t{0}, kMaxI64,
                              &v->record_failure_delay_limit_in_minutes));
  SY_RETURN_IF_ERROR(r.GetInt("RecordSuspendDelayInMinutes", int64_t{0}, kMaxI64,
                              &v->record_suspend_delay_in_minutes));
  SY_RETURN_IF_ERROR(r.GetInt("MaxKeyColumnSize", int64_t{0}, kMaxI64, &v->max_key_column_size));
  SY_RETURN_IF_ERROR(r.GetBool("HandleCollationDiff", &v->handle_collation_diff));
  SY_RETURN_IF_ERROR(r.GetBool("SkipLobColumns", &v->skip_lob_columns));
  SY_RETURN_IF_ERROR(
      r.GetInt("ValidationPartialLobSize", int64_t{0}, kMaxI64, &v->validation_partial_lob_size));
  SY_RETURN_IF_ERROR(r.GetInt("ValidationQueryCdcDelaySeconds", int64_t{0}, kMaxI64,
                              &v->validation_query_cdc_delay_seconds));
  SY_RETURN_IF_ERROR(r.GetBool("ValidationOnly", &v->validation_only));
  return Status::Ok();
}

Status ParseStreamBuffer(ObjectReader& r, StreamBufferSettings* s) {
  SY_RETURN_IF_ERROR(r.GetInt("StreamBufferCount", 1, kMaxInt, &s->stream_buffer_count));
  SY_RETURN_IF_ERROR(r.GetInt("StreamBufferSizeInMB", 1, kMaxInt, &s->stream_buffer_size_in_mb));
  SY_RETURN_IF_ERROR(r.GetInt("CtrlStreamBufferSizeInMB", 1, 8, &s->ctrl_stream_buffer_size_in_mb));
  return Status::Ok();
}

// Opens section `name` of `root` (if present), runs `parse` on it, then warns per key.
template <typename Fn>
Status Section(ObjectReader& root, std::string_view name, std::vector<std::string>* warnings,
               Fn parse) {
  const nlohmann::json* v = root.Get(name);
  if (v == nullptr) return Status::Ok();
  SY_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(*v, root.PathOf(name)));
  SY_RETURN_IF_ERROR(parse(r));
  WarnSectionKeys(r, name, warnings);
  return Status::Ok();
}

}  // namespace

Result<TaskSettings> ParseTaskSettings(const nlohmann::json& doc, const std::string& path,
                                       std::vector<std::string>* warnings) {
  TaskSettings s;
  SY_ASSIGN_OR_RETURN(ObjectReader root, ObjectReader::Open(doc, path));
  s.raw = doc;
  SY_RETURN_IF_ERROR(Section(root, "TargetMetadata", warnings, [&](ObjectReader& r) {
    return ParseTargetMetadata(r, &s.target_metadata);
  }));
  SY_RETURN_IF_ERROR(Section(root, "FullLoadSettings", warnings,
                             [&](ObjectReader& r) { return ParseFullLoad(r, &s.full_load); }));
  SY_RETURN_IF_ERROR(Section(root, "ChangeProcessingTuning", warnings, [&](ObjectReader& r) {
    return ParseChangeProcessingTuning(r, &s.change_processing_tuning);
  }));
  SY_RETURN_IF_ERROR(
      Section(root, "ChangeProcessingDdlHandlingPolicy", warnings,
              [&](ObjectReader& r) { return ParseDdlHandling(r, &s.ddl_handling); }));
  SY_RETURN_IF_ERROR(Section(root, "ErrorBehavior", warnings, [&](ObjectReader& r) {
    return ParseErrorBehavior(r, &s.error_behavior);
  }));
  SY_RETURN_IF_ERROR(Section(root, "Logging", warnings, [&](ObjectReader& r) {
    return ParseLogging(r, &s.logging, warnings);
  }));
  SY_RETURN_IF_ERROR(Section(root, "ControlTablesSettings", warnings, [&](ObjectReader& r) {
    return ParseControlTables(r, &s.control_tables);
  }));
  SY_RETURN_IF_ERROR(Section(root, "ValidationSettings", warnings,
                             [&](ObjectReader& r) { return ParseValidation(r, &s.validation); }));
  SY_RETURN_IF_ERROR(Section(root, "StreamBufferSettings", warnings, [&](ObjectReader& r) {
    return ParseStreamBuffer(r, &s.stream_buffer);
  }));
  for (std::string_view name : kUnmodelledSections) {
    if (root.Has(name)) {
      root.Get(name);
      warnings->push_back(root.PathOf(name) + ": not implemented yet, ignored");
    }
  }
  root.WarnUnknownKeys(warnings);
  return s;
}

Result<SwitchyardSettings> ParseSwitchyardSettings(const nlohmann::json& doc,
                                                   const std::string& path,
                                                   std::vector<std::string>* warnings) {
  SwitchyardSettings s;
  SY_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(doc, path));
  const EnumNames<SwitchyardSettings::SecondaryObjects> kSecondary = {
      {"after-full-load", SwitchyardSettings::SecondaryObjects::kAfterFullLoad},
      {"deferred", SwitchyardSettings::SecondaryObjects::kDeferred},
  };
  SY_RETURN_IF_ERROR(r.GetEnum("CreateSecondaryObjects", kSecondary, &s.secondary_objects));
  SY_RETURN_IF_ERROR(
      r.GetInt("AutoSplitRowThreshold", int64_t{0}, kMaxI64, &s.auto_split_row_threshold));
  SY_RETURN_IF_ERROR(r.GetInt("AutoSplitSegments", 1, 1000, &s.auto_split_segments));
  SY_RETURN_IF_ERROR(
      r.GetInt("SourceDiskFreeBytes", int64_t{0}, kMaxI64, &s.source_disk_free_bytes));
  r.WarnUnknownKeys(warnings);
  return s;
}

std::string_view TargetTablePrepModeName(TargetTablePrepMode mode) {
  for (const auto& [name, value] : kPrepModes) {
    if (value == mode) return name;
  }
  return "?";
}

std::string_view DataErrorPolicyName(DataErrorPolicy policy) {
  for (const auto& [name, value] : kDataPolicies) {
    if (value == policy) return name;
  }
  return "?";
}

std::string_view TableErrorPolicyName(TableErrorPolicy policy) {
  for (const auto& [name, value] : kTablePolicies) {
    if (value == policy) return name;
  }
  return "?";
}

}  // namespace switchyard::config
