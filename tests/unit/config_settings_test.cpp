// ReplicationTaskSettings: DMS files load unchanged, typed fields, the implemented-keys table.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "engine/config/settings.h"
#include "engine/logging/log_component.h"

namespace switchyard::config {
namespace {

using nlohmann::json;

json LoadSample(const std::string& name) {
  std::ifstream in(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/data/dms/" + name);
  std::stringstream buf;
  buf << in.rdbuf();
  return json::parse(buf.str());
}

TEST(TaskSettings, DmsReturnedSettingsLoadUnchangedWithTypedValues) {
  std::vector<std::string> warnings;
  auto r =
      ParseTaskSettings(LoadSample("task-settings.json"), "ReplicationTaskSettings", &warnings);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const TaskSettings& s = *r;
  EXPECT_EQ(s.full_load.target_table_prep_mode, TargetTablePrepMode::kDropAndCreate);
  EXPECT_EQ(s.full_load.transaction_consistency_timeout, 600);
  EXPECT_EQ(s.error_behavior.recoverable_error_count, -1);
  EXPECT_EQ(s.error_behavior.apply_error_delete_policy, ApplyErrorPolicy::kIgnoreRecord);
  EXPECT_EQ(s.error_behavior.event_error_policy, EventErrorPolicy::kIgnore);
  EXPECT_EQ(s.change_processing_tuning.batch_apply_memory_limit, 500);
  EXPECT_EQ(s.change_processing_tuning.recovery_timeout, -1);
  EXPECT_TRUE(s.target_metadata.limited_size_lob_mode);
  EXPECT_EQ(s.target_metadata.lob_max_size, 32);
  EXPECT_TRUE(s.validation.enable_validation);
  EXPECT_EQ(s.stream_buffer.ctrl_stream_buffer_size_in_mb, 5);
  EXPECT_EQ(s.logging.component_severity.at("TASK_MANAGER"), "LOGGER_SEVERITY_DEBUG");
  EXPECT_EQ(s.logging.component_severity.size(), 19u);
  EXPECT_EQ(s.raw["FullLoadSettings"]["CommitRate"], 10000);

  // Every key is a DMS key: nothing unknown, each unimplemented key reported exactly once.
  std::set<std::string> unique(warnings.begin(), warnings.end());
  EXPECT_EQ(unique.size(), warnings.size());
  for (const auto& w : warnings) {
    EXPECT_EQ(w.find("unknown key"), std::string::npos) << w;
    EXPECT_NE(w.find(": not implemented yet, ignored"), std::string::npos) << w;
    EXPECT_EQ(w.rfind("ReplicationTaskSettings.", 0), 0u) << w;
  }
  for (const char* implemented :
       {"FullLoadSettings.TargetTablePrepMode:", "FullLoadSettings.CommitRate:",
        "FullLoadSettings.MaxFullLoadSubTasks:", "FullLoadSettings.CreatePkAfterFullLoad:",
        "ErrorBehavior.DataErrorPolicy:", "ErrorBehavior.TableErrorPolicy:",
        "Logging.EnableLogging:", "Logging.LogComponents:", "ControlTablesSettings.ControlSchema:",
        "TargetMetadata.TargetSchema:"}) {
    for (const auto& w : warnings) EXPECT_EQ(w.find(implemented), std::string::npos) << w;
  }
  EXPECT_EQ(unique.count("ReplicationTaskSettings.ChangeProcessingTuning.StatementCacheSize: not "
                         "implemented yet, ignored"),
            1u);
  EXPECT_EQ(unique.count("ReplicationTaskSettings.PostProcessingRules: not implemented yet, "
                         "ignored"),
            1u);
}

TEST(TaskSettings, ImplementedKeysTableHoldsExactlyTheListedKeys) {
  EXPECT_TRUE(IsImplementedSetting("FullLoadSettings.TargetTablePrepMode"));
  EXPECT_TRUE(IsImplementedSetting("TargetMetadata.TargetSchema"));
  EXPECT_TRUE(IsImplementedSetting("Logging.LogComponents"));
  EXPECT_TRUE(IsImplementedSetting("TargetMetadata.BatchApplyEnabled"));
  EXPECT_TRUE(IsImplementedSetting("ChangeProcessingDdlHandlingPolicy.HandleSourceTableDropped"));
  EXPECT_TRUE(IsImplementedSetting("ChangeProcessingDdlHandlingPolicy.HandleSourceTableAltered"));
  EXPECT_TRUE(IsImplementedSetting("ChangeProcessingTuning.BatchApplyTimeoutMax"));
  EXPECT_TRUE(IsImplementedSetting("ChangeProcessingTuning.BatchApplyPreserveTransaction"));
  EXPECT_FALSE(IsImplementedSetting("ChangeProcessingTuning.StatementCacheSize"));
}

TEST(TaskSettings, BatchApplyTimeoutMaxBelowTheMinimumIsRefused) {
  std::vector<std::string> warnings;
  auto r = ParseTaskSettings(json::parse(R"({"ChangeProcessingTuning":
      {"BatchApplyTimeoutMin": 10, "BatchApplyTimeoutMax": 5}})"),
                             "S", &warnings);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("BatchApplyTimeoutMax is 5 s, below BatchApplyTimeoutMin"),
            std::string::npos)
      << r.status().message();
  auto ok = ParseTaskSettings(json::parse(R"({"ChangeProcessingTuning":
      {"BatchApplyTimeoutMin": 0, "BatchApplyTimeoutMax": 0,
       "BatchApplyPreserveTransaction": false}})"),
                              "S", &warnings);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(warnings.empty());
}

TEST(TaskSettings, EmptyObjectGivesDmsDefaults) {
  std::vector<std::string> warnings;
  auto r = ParseTaskSettings(json::object(), "S", &warnings);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(r->error_behavior.apply_error_insert_policy, ApplyErrorPolicy::kLogError);
  EXPECT_EQ(r->error_behavior.recoverable_error_interval, 5);
  EXPECT_EQ(r->error_behavior.recoverable_error_throttling_max, 1800);
  EXPECT_TRUE(r->error_behavior.fail_on_no_tables_captured);
  EXPECT_EQ(r->change_processing_tuning.batch_apply_timeout_max, 30);
  EXPECT_EQ(r->change_processing_tuning.min_transaction_size, 0);  // DMS: 1000 (settings.h)
  EXPECT_EQ(r->change_processing_tuning.memory_limit_total, 1024);
  EXPECT_TRUE(r->target_metadata.support_lobs);
  EXPECT_FALSE(r->target_metadata.batch_apply_enabled);
  EXPECT_FALSE(r->validation.enable_validation);
  EXPECT_TRUE(r->logging.enable_logging);
  EXPECT_EQ(r->control_tables.history_timeslot_in_minutes, 5);
}

TEST(TaskSettings, EveryDmsLogComponentIdIsOneTheLoggerKnows) {
  std::vector<std::string> warnings;
  auto r = ParseTaskSettings(json::parse(R"({"Logging": {"LogComponents": [
      {"Id": "ASSERTION", "Severity": "LOGGER_SEVERITY_DEBUG"},
      {"Id": "INFRASTRUCTURE", "Severity": "LOGGER_SEVERITY_DEFAULT"},
      {"Id": "TARGET_LOAD", "Severity": "LOGGER_SEVERITY_DETAILED_DEBUG"},
      {"Id": "NO_SUCH_THING", "Severity": "LOGGER_SEVERITY_DEBUG"}]}})"),
                             "S", &warnings);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("NO_SUCH_THING"), std::string::npos);
  EXPECT_EQ(r->logging.component_severity.size(), 3u);
  // The shipped DMS settings sample too: the run command applies each id to the logger.
  warnings.clear();
  auto sample = ParseTaskSettings(LoadSample("task-settings.json"), "S", &warnings);
  ASSERT_TRUE(sample.ok());
  for (const auto& [id, severity] : sample->logging.component_severity) {
    EXPECT_TRUE(logging::ParseComponent(id).ok()) << id;
    EXPECT_TRUE(logging::ParseSeverity(severity).ok()) << severity;
  }
}

std::string ErrorOf(const char* settings_json) {
  std::vector<std::string> warnings;
  auto r = ParseTaskSettings(json::parse(settings_json), "ReplicationTaskSettings", &warnings);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(TaskSettingsErrors, BadValuesNameThePathTheValueAndTheExpectation) {
  EXPECT_EQ(ErrorOf(R"({"FullLoadSettings": {"TargetTablePrepMode": "DROP"}})"),
            "ReplicationTaskSettings.FullLoadSettings.TargetTablePrepMode: \"DROP\" is not one of "
            "DROP_AND_CREATE, TRUNCATE_BEFORE_LOAD, DO_NOTHING");
  EXPECT_EQ(ErrorOf(R"({"FullLoadSettings": {"MaxFullLoadSubTasks": 50}})"),
            "ReplicationTaskSettings.FullLoadSettings.MaxFullLoadSubTasks: 50 is not an integer "
            "between 1 and 49");
  EXPECT_EQ(ErrorOf(R"({"FullLoadSettings": {"CreatePkAfterFullLoad": "yes"}})"),
            "ReplicationTaskSettings.FullLoadSettings.CreatePkAfterFullLoad: \"yes\" is not true "
            "or false");
  EXPECT_EQ(ErrorOf(R"({"ErrorBehavior": {"TableErrorPolicy": "LOG_ERROR"}})"),
            "ReplicationTaskSettings.ErrorBehavior.TableErrorPolicy: \"LOG_ERROR\" is not one of "
            "SUSPEND_TABLE, STOP_TASK");
  EXPECT_EQ(ErrorOf(R"({"ErrorBehavior": {"ApplyErrorInsertPolicy": "UPDATE_RECORD"}})"),
            "ReplicationTaskSettings.ErrorBehavior.ApplyErrorInsertPolicy: \"UPDATE_RECORD\" is "
            "not one of IGNORE_RECORD, LOG_ERROR, SUSPEND_TABLE, STOP_TASK, INSERT_RECORD");
  EXPECT_EQ(ErrorOf(R"({"Logging": {"LogComponents": [{"Id": "SORTER", "Severity": "LOUD"}]}})"),
            "ReplicationTaskSettings.Logging.LogComponents[0].Severity: \"LOUD\" is not one of "
            "LOGGER_SEVERITY_ERROR, LOGGER_SEVERITY_WARNING, LOGGER_SEVERITY_INFO, "
            "LOGGER_SEVERITY_DEFAULT, LOGGER_SEVERITY_DEBUG, LOGGER_SEVERITY_DETAILED_DEBUG");
  EXPECT_EQ(ErrorOf(R"({"TargetMetadata": 3})"),
            "ReplicationTaskSettings.TargetMetadata: 3 is not an object");
}

TEST(SwitchyardSettings, ParsesOurKeysAndRejectsBadValues) {
  std::vector<std::string> warnings;
  auto r = ParseSwitchyardSettings(json::parse(R"({"CreateSecondaryObjects": "deferred"})"),
                                   "SwitchyardSettings", &warnings);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->secondary_objects, SwitchyardSettings::SecondaryObjects::kDeferred);
  auto bad = ParseSwitchyardSettings(json::parse(R"({"CreateSecondaryObjects": "later"})"),
                                     "SwitchyardSettings", &warnings);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "SwitchyardSettings.CreateSecondaryObjects: \"later\" is not one of after-full-load, "
            "deferred");
}

TEST(SwitchyardSettings, SourceDiskFreeBytesIsUnstatedUnlessGivenAndNeverNegative) {
  std::vector<std::string> warnings;
  auto unset = ParseSwitchyardSettings(json::object(), "SwitchyardSettings", &warnings);
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(unset->source_disk_free_bytes, -1);
  auto stated = ParseSwitchyardSettings(json::parse(R"({"SourceDiskFreeBytes": 53687091200})"),
                                        "SwitchyardSettings", &warnings);
  ASSERT_TRUE(stated.ok());
  EXPECT_EQ(stated->source_disk_free_bytes, 53687091200);
  auto negative = ParseSwitchyardSettings(json::parse(R"({"SourceDiskFreeBytes": -5})"),
                                          "SwitchyardSettings", &warnings);
  EXPECT_FALSE(negative.ok());
  EXPECT_TRUE(warnings.empty());
}

}  // namespace
}  // namespace switchyard::config
