#include "engine/config/task_config.h"

#include <cctype>

#include "engine/config/json_reader.h"

namespace switchyard::config {
namespace {

const EnumNames<MigrationType> kMigrationTypes = {
    {"full-load", MigrationType::kFullLoad},
    {"cdc", MigrationType::kCdc},
    {"full-load-and-cdc", MigrationType::kFullLoadAndCdc},
};

// Keys of DMS's CreateReplicationTask input that mean nothing to us yet.
constexpr std::string_view kUnimplementedKeys[] = {
    "ReplicationInstanceArn",
    "SourceEndpointArn",
    "TargetEndpointArn",
    "CdcStartTime",
    "CdcStartPosition",
    "CdcStopPosition",
    "Tags",
    "TaskData",
    "ResourceIdentifier",
};

constexpr std::string_view kFilePrefix = "file://";

// DMS task identifiers: 1-255 letters, digits or hyphens; first a letter; no trailing hyphen
// and no two consecutive hyphens. We use it in file and state names, so we keep the rule.
bool IsValidIdentifier(const std::string& id) {
  if (id.empty() || id.size() > 255 || !std::isalpha(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  if (id.back() == '-' || id.find("--") != std::string::npos) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

// A DMS document given inline as an object, as a "file://path" reference (relative to
// base_dir), or as JSON text in a string (the way the DMS API returns it).
Result<nlohmann::json> LoadDocument(const nlohmann::json& value, const std::string& path,
                                    const std::string& base_dir) {
  if (value.is_object()) return value;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s.rfind(kFilePrefix, 0) == 0) {
      const std::string file = ResolvePath(base_dir, s.substr(kFilePrefix.size()));
      SY_ASSIGN_OR_RETURN(std::string text, ReadTextFile(file, path));
      return ParseJsonText(text, file);
    }
    size_t first = s.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && s[first] == '{') return ParseJsonText(s, path);
  }
  return NotA(path, value, "an object or a \"file://path\" reference");
}

Result<TaskConfig> ParseTaskDocument(const std::string& text, const std::string& base_dir,
                                     const std::string& source_name) {
  SY_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJsonText(text, source_name));
  if (!doc.is_object()) {
    return Status::InvalidArgument(source_name + ": " + DescribeJson(doc) +
                                   " is not a task (expected a JSON object)");
  }
  SY_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(doc, ""));
  TaskConfig task;
  auto* warnings = &task.warnings;

  SY_RETURN_IF_ERROR(r.GetString("ReplicationTaskIdentifier", &task.identifier, Need::kRequired,
                                 "a task identifier"));
  if (!IsValidIdentifier(task.identifier)) {
    return NotA("ReplicationTaskIdentifier", task.identifier,
                "a valid task identifier (1-255 letters, digits or hyphens, starting with a "
                "letter, no trailing hyphen and no two consecutive hyphens)");
  }
  SY_RETURN_IF_ERROR(
      r.GetEnum("MigrationType", kMigrationTypes, &task.migration_type, Need::kRequired));

  for (auto [key, out] : {std::pair<const char*, EndpointConfig*>{"SourceEndpoint", &task.source},
                          {"TargetEndpoint", &task.target}}) {
    const nlohmann::json* v = r.Get(key);
    if (v == nullptr) return Missing(key, "an endpoint object");
    SY_ASSIGN_OR_RETURN(*out, ParseEndpoint(*v, key, base_dir, warnings));
  }

  const nlohmann::json* mappings = r.Get("TableMappings");
  if (mappings == nullptr) {
    return Missing("TableMappings", "{\"rules\": [...]} or a \"file://path\" reference");
  }
  SY_ASSIGN_OR_RETURN(nlohmann::json mappings_doc,
                      LoadDocument(*mappings, "TableMappings", base_dir));
  SY_ASSIGN_OR_RETURN(task.table_mappings,
                      TableMappings::Parse(mappings_doc, "TableMappings", warnings));

  if (const nlohmann::json* settings = r.Get("ReplicationTaskSettings")) {
    SY_ASSIGN_OR_RETURN(nlohmann::json settings_doc,
                        LoadDocument(*settings, "ReplicationTaskSettings", base_dir));
    SY_ASSIGN_OR_RETURN(task.settings,
                        ParseTaskSettings(settings_doc, "ReplicationTaskSettings", warnings));
  }
  if (const nlohmann::json* ours = r.Get("SwitchyardSettings")) {
    SY_ASSIGN_OR_RETURN(task.switchyard,
                        ParseSwitchyardSettings(*ours, "SwitchyardSettings", warnings));
  }
  for (auto key : kUnimplementedKeys) {
    if (r.Has(key)) {
      r.Get(key);
      warnings->push_back(std::string(key) + ": not implemented yet, ignored");
    }
  }
  r.WarnUnknownKeys(warnings);
  return task;
}

}  // namespace

std::string_view MigrationTypeName(MigrationType type) {
  for (const auto& [name, value] : kMigrationTypes) {
    if (value == type) return name;
  }
  return "?";
}

Result<std::vector<MappedTable>> TaskConfig::MapTables(
    const std::vector<catalog::Table>& source_tables, std::vector<std::string>* warnings) const {
  return table_mappings.Apply(source_tables, source.engine, warnings,
                              settings.target_metadata.target_schema);
}

Result<TaskConfig> LoadTaskFile(const std::string& path) {
  SY_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path, "task file"));
  const size_t slash = path.rfind('/');
  const std::string base_dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  SY_ASSIGN_OR_RETURN(TaskConfig task, ParseTaskDocument(text, base_dir, path));
  task.task_file = path;
  return task;
}

Result<TaskConfig> ParseTaskJson(const std::string& text, const std::string& base_dir) {
  return ParseTaskDocument(text, base_dir, "task file");
}

}  // namespace switchyard::config
