// Log components and severities, named as DMS names them in Logging.LogComponents so a task's
// settings JSON can be copied from DMS as is.
//
// Free functions over enums: safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::logging {

// DMS component IDs (documented ones first, then those DMS returns in default settings), and
// one of ours: ASSESSMENT, for the premigration assessments (DMS runs those outside the task).
enum class Component {
  kSourceUnload,     // SOURCE_UNLOAD: full-load reads
  kSourceCapture,    // SOURCE_CAPTURE: CDC reads
  kSorter,           // SORTER: transactions, backlog, latency
  kTargetLoad,       // TARGET_LOAD: full-load writes
  kTargetApply,      // TARGET_APPLY: CDC and DDL apply
  kTaskManager,      // TASK_MANAGER: subtasks, parallelism, task lifecycle
  kTablesManager,    // TABLES_MANAGER: table order, tracking, statistics
  kMetadataManager,  // METADATA_MANAGER: metadata, partitioning, table state
  kFileFactory,      // FILE_FACTORY: load and spill files
  kTransformation,   // TRANSFORMATION: mapping rules
  kValidator,        // VALIDATOR
  kValidatorExt,     // VALIDATOR_EXT
  kIo,               // IO
  kPerformance,      // PERFORMANCE
  kRestServer,       // REST_SERVER
  kCommon,           // COMMON: anything without a better home
  kAddons,           // ADDONS
  kDataStructure,    // DATA_STRUCTURE
  kCommunication,    // COMMUNICATION: connections to the endpoints
  kFileTransfer,     // FILE_TRANSFER
  kAssertion,        // ASSERTION
  kService,          // SERVICE
  kInfrastructure,   // INFRASTRUCTURE
  kAssessment,       // ASSESSMENT (Switchyard): premigration assessments
};
inline constexpr size_t kComponentCount = static_cast<size_t>(Component::kAssessment) + 1;

// "TARGET_LOAD".
const char* ComponentName(Component component);
// Exact DMS spelling (case-insensitive); InvalidArgument names the unknown ID.
Result<Component> ParseComponent(std::string_view name);

// From least to most verbose; each level includes everything before it. kDefault is kInfo.
enum class Severity {
  kError,
  kWarning,
  kInfo,
  kDefault,
  kDebug,
  kDetailedDebug,
};

// "LOGGER_SEVERITY_INFO".
const char* SeverityName(Severity severity);
// One letter as DMS task logs show it: E, W, I (also for kDefault), D, T (DETAILED_DEBUG).
const char* SeverityLetter(Severity severity);
// "LOGGER_SEVERITY_WARNING" (case-insensitive; the LOGGER_SEVERITY_ prefix may be omitted).
Result<Severity> ParseSeverity(std::string_view name);
// Verbosity rank used for filtering: kDefault ranks as kInfo.
int SeverityRank(Severity severity);

}  // namespace switchyard::logging
