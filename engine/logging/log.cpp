#include "engine/logging/log.h"

#include <unistd.h>

#include <atomic>

#include "engine/logging/redact.h"

namespace switchyard::logging {
namespace {

std::atomic<std::shared_ptr<Logger>>& GlobalLogger() {
  static std::atomic<std::shared_ptr<Logger>> logger;
  return logger;
}

}  // namespace

void InstallLogger(std::shared_ptr<Logger> logger) { GlobalLogger().store(std::move(logger)); }

std::shared_ptr<Logger> InstalledLogger() { return GlobalLogger().load(); }

bool ShouldLog(Severity severity, Component component) {
  const std::shared_ptr<Logger> logger = InstalledLogger();
  if (logger) return logger->ShouldLog(severity, component);
  return SeverityRank(severity) <= SeverityRank(Severity::kInfo);
}

void Log(Severity severity, Component component, std::string_view message, nlohmann::json fields) {
  const std::shared_ptr<Logger> logger = InstalledLogger();
  if (logger) {
    logger->Log(severity, component, message, std::move(fields));
    return;
  }
  if (SeverityRank(severity) > SeverityRank(Severity::kInfo)) return;
  LogEntry entry;
  entry.time = std::chrono::system_clock::now();
  entry.severity = severity;
  entry.component = component;
  entry.message = RedactSecrets(message);
  if (fields.is_object()) {
    DropSecretKeys(fields);
    entry.fields = std::move(fields);
  }
  const std::string line = RedactSecrets(Logger::FormatHumanLine(entry));
  // One write(2) per line, as the logger does; a failed write to stderr has nowhere to go.
  [[maybe_unused]] const ssize_t written = ::write(2, line.data(), line.size());
}

}  // namespace switchyard::logging
