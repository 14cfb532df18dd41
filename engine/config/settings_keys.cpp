// The one table of DMS task settings the engine acts on. Every other settings key that a task
// file sets is parsed and type-checked, then reported as "not implemented yet, ignored".
// Implementing a setting: make the engine honour the typed field, then add its path here.
#include <algorithm>
#include <iterator>
#include <string_view>

#include "engine/config/settings.h"

namespace switchyard::config {
namespace {

constexpr std::string_view kImplementedSettings[] = {
    "FullLoadSettings.TargetTablePrepMode",
    "FullLoadSettings.CreatePkAfterFullLoad",
    "FullLoadSettings.MaxFullLoadSubTasks",
    "FullLoadSettings.CommitRate",
    "ErrorBehavior.DataErrorPolicy",
    "ErrorBehavior.TableErrorPolicy",
    "ErrorBehavior.DataErrorEscalationPolicy",
    "ErrorBehavior.DataErrorEscalationCount",
    "ErrorBehavior.ApplyErrorDeletePolicy",
    "ErrorBehavior.ApplyErrorInsertPolicy",
    "ErrorBehavior.ApplyErrorUpdatePolicy",
    "ErrorBehavior.ApplyErrorEscalationPolicy",
    "ErrorBehavior.ApplyErrorEscalationCount",
    "ErrorBehavior.RecoverableErrorCount",
    "ErrorBehavior.RecoverableErrorInterval",
    "ErrorBehavior.RecoverableErrorThrottling",
    "ErrorBehavior.RecoverableErrorThrottlingMax",
    "ErrorBehavior.RecoverableErrorStopRetryAfterThrottlingMax",
    "ChangeProcessingDdlHandlingPolicy.HandleSourceTableDropped",
    "ChangeProcessingDdlHandlingPolicy.HandleSourceTableAltered",
    "ChangeProcessingDdlHandlingPolicy.HandleSourceTableTruncated",
    "ChangeProcessingTuning.MemoryLimitTotal",
    "ChangeProcessingTuning.BatchApplyTimeoutMin",
    "ChangeProcessingTuning.BatchApplyTimeoutMax",
    "ChangeProcessingTuning.BatchApplyPreserveTransaction",
    "ChangeProcessingTuning.BatchApplyMemoryLimit",
    "ChangeProcessingTuning.BatchSplitSize",
    "ChangeProcessingTuning.MinTransactionSize",
    "ChangeProcessingTuning.CommitTimeout",
    "TargetMetadata.BatchApplyEnabled",
    "Logging.EnableLogging",
    "Logging.LogComponents",
    "ControlTablesSettings.ControlSchema",
    "TargetMetadata.TargetSchema",
};

}  // namespace

bool IsImplementedSetting(std::string_view key_path) {
  return std::find(std::begin(kImplementedSettings), std::end(kImplementedSettings), key_path) !=
         std::end(kImplementedSettings);
}

}  // namespace switchyard::config
