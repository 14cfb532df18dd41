// Logger: the task's structured log — JSON lines in <state_dir>/logs/switchyard.log.
//
// One line per entry: {"time":"2024-05-01T12:34:56.789Z","severity":"I","component":"TARGET_LOAD",
// "task":"orders-migration","thread":12345,"message":"...", ...extra fields}. The file is rotated
// by size: when the next line would pass max_file_bytes, switchyard.log becomes
// switchyard.log.1, .1 becomes .2, and so on; at most max_files files exist (the live one
// included), the oldest is deleted.
//
// Besides the file, the logger keeps the last ring_capacity entries in memory (the console's
// Logs view reads them with Recent()/Since()) and can mirror a human-readable line to stderr for
// the headless `switchyard run`. The console turns the mirror off while it owns the terminal:
// logs never reach stdout/stderr then.
//
// Every message and every string field passes through RedactSecrets, and fields whose key looks
// like a secret are dropped, before anything is stored or written.
//
// Thread-safety: all methods may be called from any thread. Severity filtering (ShouldLog) is
// lock-free; writing takes one mutex, and each line reaches the file with a single write(2), so
// lines from different threads never interleave. The process-wide instance is installed by
// main through InstallLogger (log.h).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/logging/iso_time.h"
#include "engine/logging/log_component.h"

namespace switchyard::logging {

// One log entry as the Logs view sees it. Message and fields are already redacted.
struct LogEntry {
  uint64_t seq = 0;  // 1, 2, 3... per logger; lets a reader ask for entries after the last seen
  TimePoint time;
  Severity severity = Severity::kInfo;
  Component component = Component::kCommon;
  uint64_t thread = 0;  // kernel thread id (matches `top -H`, gdb)
  std::string message;
  nlohmann::json fields = nlohmann::json::object();  // extra members of the JSON line
};

struct LoggerOptions {
  // Logs go to <state_dir>/logs/switchyard.log (logs/ created with mode 0700, files 0600).
  // Empty: no file, only the ring and the stderr mirror (tests, early start-up).
  std::string state_dir;
  std::string task_id;  // the "task" member of every line
  uint64_t max_file_bytes = 20ull * 1024 * 1024;
  int max_files = 5;  // live file included: switchyard.log, .1 ... .4
  size_t ring_capacity = 2000;
  Severity default_severity = Severity::kInfo;  // for components without a LogComponents entry
  bool mirror_to_stderr = false;
  int mirror_fd = 2;                 // where the mirror writes; tests point it at a pipe
  bool full_severity_names = false;  // "LOGGER_SEVERITY_INFO" instead of "I" in the file
};

class Logger {
 public:
  // Creates <state_dir>/logs if missing and opens (appends to) switchyard.log.
  static Result<std::unique_ptr<Logger>> Open(LoggerOptions options);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // True if an entry of this severity for this component would be kept. Lock-free.
  bool ShouldLog(Severity severity, Component component) const;

  // Redacts, stamps (time, thread, seq) and writes one entry, if ShouldLog. `fields` must be a
  // JSON object or null; members named like the fixed ones are renamed "field.<name>".
  // Write failures are counted (write_errors()), never reported back: logging cannot fail.
  void Log(Severity severity, Component component, std::string_view message,
           nlohmann::json fields = nullptr);

  // Minimum severity per component (from the task's Logging.LogComponents).
  void SetComponentSeverity(Component component, Severity severity);
  void SetAllSeverities(Severity severity);
  Severity ComponentSeverity(Component component) const;
  // Applies a DMS LogComponents array: [{"Id":"TARGET_LOAD","Severity":"LOGGER_SEVERITY_DEBUG"}].
  // Validates everything first; on an unknown Id or Severity nothing changes.
  Status ApplyLogComponents(const nlohmann::json& log_components);

  void SetMirrorToStderr(bool enabled);

  // The newest `max` entries, oldest first.
  std::vector<LogEntry> Recent(size_t max) const;
  // Entries with seq > after_seq still in the ring, oldest first, at most `max`.
  std::vector<LogEntry> Since(uint64_t after_seq, size_t max) const;

  // "<state_dir>/logs/switchyard.log", or "" without a file.
  const std::string& file_path() const { return file_path_; }
  uint64_t write_errors() const { return write_errors_.load(); }

  // The JSON line (with trailing '\n') and the human-readable mirror line for an entry.
  static std::string FormatJsonLine(const LogEntry& entry, std::string_view task_id,
                                    bool full_severity_names);
  static std::string FormatHumanLine(const LogEntry& entry);

 private:
  explicit Logger(LoggerOptions options);
  Status OpenFile();
  void WriteToFileLocked(const std::string& line);  // requires mu_
  void RotateLocked();                              // requires mu_

  const LoggerOptions options_;
  std::string file_path_;
  std::array<std::atomic<int>, kComponentCount> min_rank_;  // SeverityRank thresholds
  std::atomic<bool> mirror_to_stderr_;
  std::atomic<uint64_t> write_errors_{0};

  mutable std::mutex mu_;
  int fd_ = -1;                // guarded by mu_
  uint64_t file_size_ = 0;     // guarded by mu_
  uint64_t next_seq_ = 1;      // guarded by mu_
  std::deque<LogEntry> ring_;  // guarded by mu_
};

}  // namespace switchyard::logging
