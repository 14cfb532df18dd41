#include "engine/logging/log_component.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace switchyard::logging {
namespace {

constexpr std::array<const char*, kComponentCount> kComponentNames = {
    "SOURCE_UNLOAD",
    "SOURCE_CAPTURE",
    "SORTER",
    "TARGET_LOAD",
    "TARGET_APPLY",
    "TASK_MANAGER",
    "TABLES_MANAGER",
    "METADATA_MANAGER",
    "FILE_FACTORY",
    "TRANSFORMATION",
    "VALIDATOR",
    "VALIDATOR_EXT",
    "IO",
    "PERFORMANCE",
    "REST_SERVER",
    "COMMON",
    "ADDONS",
    "DATA_STRUCTURE",
    "COMMUNICATION",
    "FILE_TRANSFER",
    "ASSERTION",
    "SERVICE",
    "INFRASTRUCTURE",
    "ASSESSMENT",
};

constexpr std::array<Severity, 6> kAllSeverities = {Severity::kError, Severity::kWarning,
                                                    Severity::kInfo,  Severity::kDefault,
                                                    Severity::kDebug, Severity::kDetailedDebug};

std::string Upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

const char* ComponentName(Component component) {
  const auto index = static_cast<size_t>(component);
  return index < kComponentCount ? kComponentNames[index] : "UNKNOWN";
}

Result<Component> ParseComponent(std::string_view name) {
  const std::string upper = Upper(name);
  for (size_t i = 0; i < kComponentCount; ++i) {
    if (upper == kComponentNames[i]) return static_cast<Component>(i);
  }
  return Status::InvalidArgument("unknown log component \"" + std::string(name) +
                                 "\" (expected a DMS component ID such as TARGET_LOAD)");
}

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "LOGGER_SEVERITY_ERROR";
    case Severity::kWarning:
      return "LOGGER_SEVERITY_WARNING";
    case Severity::kInfo:
      return "LOGGER_SEVERITY_INFO";
    case Severity::kDefault:
      return "LOGGER_SEVERITY_DEFAULT";
    case Severity::kDebug:
      return "LOGGER_SEVERITY_DEBUG";
    case Severity::kDetailedDebug:
      return "LOGGER_SEVERITY_DETAILED_DEBUG";
  }
  return "LOGGER_SEVERITY_UNKNOWN";
}

const char* SeverityLetter(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "E";
    case Severity::kWarning:
      return "W";
    case Severity::kInfo:
    case Severity::kDefault:
      return "I";
    case Severity::kDebug:
      return "D";
    case Severity::kDetailedDebug:
      return "T";
  }
  return "?";
}

Result<Severity> ParseSeverity(std::string_view name) {
  std::string upper = Upper(name);
  if (upper.rfind("LOGGER_SEVERITY_", 0) != 0) upper = "LOGGER_SEVERITY_" + upper;
  for (Severity severity : kAllSeverities) {
    if (upper == SeverityName(severity)) return severity;
  }
  return Status::InvalidArgument("unknown log severity \"" + std::string(name) +
                                 "\" (expected LOGGER_SEVERITY_ERROR, _WARNING, _INFO, _DEFAULT, "
                                 "_DEBUG or _DETAILED_DEBUG)");
}

int SeverityRank(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return 0;
    case Severity::kWarning:
      return 1;
    case Severity::kInfo:
    case Severity::kDefault:
      return 2;
    case Severity::kDebug:
      return 3;
    case Severity::kDetailedDebug:
      return 4;
  }
  return 2;
}

}  // namespace switchyard::logging
