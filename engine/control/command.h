// Commands from the console (or `switchyard stop`/`reload`) to a running engine.
//
// In-process, the console pushes them into the engine's CommandQueue; with --attach they travel
// over the control socket in the state directory and the engine's socket server pushes them
// into the same queue. The engine takes them at safe points (between source transactions in
// CDC, between segments in the full load) and reports the outcome in the log and state store;
// Submit itself never waits on the engine.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "engine/common/status.h"

namespace switchyard::control {

struct Command {
  enum class Kind {
    kStopTask,               // graceful stop, checkpoint flushed
    kReloadTable,            // schema/table (source names)
    kSuspendTable,           // stop applying changes to the table
    kResumeTable,            // undo kSuspendTable (the table is reloaded to close the gap)
    kRetryApplyException,    // exception_id: apply the recorded change again
    kResolveApplyException,  // exception_id: mark resolved, nothing applied
  };
  Kind kind = Kind::kStopTask;
  std::string schema;
  std::string table;
  int64_t exception_id = 0;
};

// "stop", "reload", "suspend", "resume", "retry", "resolve".
const char* CommandKindName(Command::Kind kind);
Result<Command::Kind> ParseCommandKind(const std::string& text);

// Thread-safe FIFO; unbounded (commands come from a human).
class CommandQueue {
 public:
  void Push(Command command) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(command));
    }
    cv_.notify_all();
  }
  std::optional<Command> TryPop() {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return std::nullopt;
    Command c = std::move(queue_.front());
    queue_.pop_front();
    return c;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Command> queue_;
};

}  // namespace switchyard::control
