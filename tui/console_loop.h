// The console's main loop on the UI thread: wait for a key at most 250 ms (no busy loop),
// take the newest snapshot when its generation changed, and draw a frame only when the
// snapshot, the view or the terminal size changed or a key arrived; a frame whose cells are
// the same as the last one sent is not sent again (frame_cache.h), the others go out with
// wnoutrefresh and one doupdate (no flicker; bench/console-idle.sh measures the idle CPU). Ends
// when the app quits, or, after "stop the task and quit", once the engine has stopped.
#pragma once

#include <functional>

#include "engine/control/snapshot_source.h"
#include "tui/console_app.h"
#include "tui/terminal.h"

namespace switchyard::tui {

// `engine_running`: in-process, whether the engine thread still runs (null: attached, the
// snapshot says). Returns when the console should close.
void RunConsoleLoop(Terminal& terminal, ConsoleApp& app, control::SnapshotSource& source,
                    const std::function<bool()>& engine_running);

}  // namespace switchyard::tui
