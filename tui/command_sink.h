// Where the console's commands go. In-process (`switchyard console`), the app pushes into the
// TaskRunner's CommandQueue (a stop also calls RequestStop()); with --attach, a client of the
// engine's control socket sends them. Submit must not block for long: it is called on the UI
// thread (the socket client has a short timeout).
#pragma once

#include "engine/common/status.h"
#include "engine/control/command.h"

namespace switchyard::tui {

class CommandSink {
 public:
  virtual ~CommandSink() = default;
  // Ok when the engine accepted (queued) the command; the outcome shows in the snapshot/logs.
  virtual Status Submit(const control::Command& command) = 0;
};

}  // namespace switchyard::tui
