// The task file: one JSON document naming the endpoints, the DMS table mappings and task
// settings (inline or "file://relative/path"), and Switchyard's own settings.
//
//   {"ReplicationTaskIdentifier": "orders-to-pg", "MigrationType": "full-load-and-cdc",
//    "SourceEndpoint": {...}, "TargetEndpoint": {...},
//    "TableMappings": {"rules": [...]} | "file://mappings.json",
//    "ReplicationTaskSettings": {...} | "file://settings.json",
//    "SwitchyardSettings": {...}}
//
// Loading stops at the first error (Status::InvalidArgument; the message names the JSON path,
// the offending value and what was expected). Everything ignored is reported in `warnings`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/catalog/schema.h"
#include "engine/common/status.h"
#include "engine/config/endpoint_config.h"
#include "engine/config/settings.h"
#include "engine/config/table_mappings.h"

namespace switchyard::config {

enum class MigrationType { kFullLoad, kCdc, kFullLoadAndCdc };

// "full-load", "cdc", "full-load-and-cdc".
std::string_view MigrationTypeName(MigrationType type);

struct TaskConfig {
  std::string identifier;
  MigrationType migration_type = MigrationType::kFullLoadAndCdc;
  EndpointConfig source, target;
  TableMappings table_mappings;
  TaskSettings settings;
  SwitchyardSettings switchyard;
  std::vector<std::string> warnings;
  std::string task_file;  // path as given to LoadTaskFile; empty for ParseTaskJson

  // table_mappings.Apply with TargetMetadata.TargetSchema honoured.
  Result<std::vector<MappedTable>> MapTables(const std::vector<catalog::Table>& source_tables,
                                             std::vector<std::string>* warnings) const;
};

Result<TaskConfig> LoadTaskFile(const std::string& path);
// `base_dir`: directory that file:// references and relative paths are resolved against.
Result<TaskConfig> ParseTaskJson(const std::string& text, const std::string& base_dir);

}  // namespace switchyard::config
