// LogFileTail: the Logs view's source when the engine runs in another process
// (`switchyard console --attach`): reads what the engine appends to its JSON-lines log file
// (<state_dir>/logs/switchyard.log, see logging/logger.h) and keeps the newest entries.
//
// Poll() reads only the bytes appended since the last call (the first call starts from the last
// kInitialBytes of the file, so a big log is never read whole). When the file shrinks or is
// replaced (rotation), it starts over from the beginning of the new file. Lines that are not a
// log entry are skipped; a half-written last line waits for the next Poll().
//
// Not thread-safe: owned and polled by one thread (the SnapshotSource's).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "engine/logging/logger.h"

namespace switchyard::control {

// One JSON log line (as Logger::FormatJsonLine writes it, short or full severity names) back
// into an entry; nullopt when the line is not a log entry. `seq` is left 0.
std::optional<logging::LogEntry> ParseLogLine(std::string_view line);

class LogFileTail {
 public:
  static constexpr uint64_t kInitialBytes = 256 * 1024;

  explicit LogFileTail(std::string path, size_t capacity = 2000)
      : path_(std::move(path)), capacity_(capacity) {}

  // Reads new lines. A missing file is not an error (the engine may not have started yet).
  void Poll();

  // Oldest first, at most `capacity`; seq numbers increase by one per entry read.
  const std::deque<logging::LogEntry>& entries() const { return entries_; }

 private:
  void AddLine(std::string_view line);

  const std::string path_;
  const size_t capacity_;
  bool started_ = false;
  ino_t inode_ = 0;
  uint64_t offset_ = 0;
  bool skip_partial_first_line_ = false;
  std::string partial_;
  uint64_t next_seq_ = 1;
  std::deque<logging::LogEntry> entries_;
};

}  // namespace switchyard::control
