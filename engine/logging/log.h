// Process-wide logging: the functions and macros engine code calls.
//
//   SY_LOG(kInfo, Component::kTargetLoad,
//          "loaded " << rows << " rows" << SY_FIELD("table", name) << SY_FIELD("rows", rows));
//
// The first argument is a Severity enumerator name (kError, kWarning, kInfo, kDebug,
// kDetailedDebug); the second a Component (written `Component::kX` from any namespace); the
// third anything that can follow `<<`, where SY_FIELD adds a member to the JSON line instead of
// text. The stream expression is evaluated only if the entry passes the severity filter.
//
// main installs the logger (InstallLogger) once it knows the state directory and uninstalls it
// after the engine threads have stopped. Until a logger is installed (and after), entries of
// severity INFO and above go to stderr in the human-readable form, redacted.
//
// Thread-safety: everything here may be called from any thread.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "engine/logging/log_component.h"
#include "engine/logging/logger.h"

namespace switchyard::logging {

// Installs the process-wide logger; nullptr uninstalls. Shared ownership keeps a logger alive
// while a thread is still writing through it.
void InstallLogger(std::shared_ptr<Logger> logger);
std::shared_ptr<Logger> InstalledLogger();

// Would an entry pass the installed logger's filter (or the INFO fallback)?
bool ShouldLog(Severity severity, Component component);
// Logs through the installed logger, or to stderr without one.
void Log(Severity severity, Component component, std::string_view message,
         nlohmann::json fields = nullptr);

// An extra member of the JSON line: `<< Field("table", "public.orders")`.
struct Field {
  Field(std::string key_in, nlohmann::json value_in)
      : key(std::move(key_in)), value(std::move(value_in)) {}
  std::string key;
  nlohmann::json value;
};

// Collects one entry from `<<` and logs it when destroyed (end of the full expression).
class LogMessage {
 public:
  LogMessage(Severity severity, Component component) : severity_(severity), component_(component) {}
  ~LogMessage() { Log(severity_, component_, text_.str(), std::move(fields_)); }
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;

  template <typename T>
  LogMessage& operator<<(const T& value) {
    text_ << value;
    return *this;
  }
  LogMessage& operator<<(Field field) {
    fields_[field.key] = std::move(field.value);
    return *this;
  }

 private:
  Severity severity_;
  Component component_;
  std::ostringstream text_;
  nlohmann::json fields_ = nlohmann::json::object();
};

}  // namespace switchyard::logging

// The lambda brings `Component` into scope so `Component::kTargetLoad` works in any namespace.
#define SY_LOG(severity, component, stream)                                         \
  do {                                                                              \
    const auto sy_log_component_ = [&] {                                            \
      using ::switchyard::logging::Component;                                       \
      return (component);                                                           \
    }();                                                                            \
    if (::switchyard::logging::ShouldLog(::switchyard::logging::Severity::severity, \
                                         sy_log_component_)) {                      \
      ::switchyard::logging::LogMessage(::switchyard::logging::Severity::severity,  \
                                        sy_log_component_)                          \
          << stream;                                                                \
    }                                                                               \
  } while (0)

#define SY_FIELD(key, value) ::switchyard::logging::Field((key), (value))
