// Terminal: the console's ownership of the real terminal (btop's terminal hygiene). Opening it
// starts curses on the controlling terminal (raw mode, so Ctrl-C arrives as a key the console
// guards; keypad; no echo; hidden cursor; ESCDELAY 25 ms unless the user set ESCDELAY, so Esc
// reacts at once). The terminal is restored on every exit path:
//   - the destructor (normal exit, exceptions unwinding through main);
//   - atexit (exit() from anywhere);
//   - SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT: the handler calls endwin() and re-raises the
//     signal with the default action, so the core dump and exit status stay as they were;
//   - SIGINT, SIGTERM, SIGHUP only set a flag (TakeQuitSignal) the loop turns into a guarded
//     quit; a second one while the first is pending restores the terminal and re-raises.
// Only one Terminal exists at a time. UI thread only, apart from the signal handlers.
#pragma once

#include <memory>

#include "engine/common/status.h"
#include "tui/draw.h"
#include "tui/palette.h"

namespace switchyard::tui {

class Terminal {
 public:
  // FailedPrecondition-like InvalidArgument when stdin/stdout is not a terminal or TERM is
  // unknown to terminfo.
  // `mouse`: report clicks (opt-in, --mouse: mouse tracking stops the terminal's own text
  // selection, and operators copy error text).
  static Result<std::unique_ptr<Terminal>> Open(bool mouse = false);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  CursesWindow* window() const;
  // The SIGINT/SIGTERM/SIGHUP received since the last call, or 0. A second signal while the
  // first is being handled (the quit dialog is open) exits at once, terminal restored.
  static int TakeQuitSignal();
  // Is the locale's character set UTF-8 (else the console draws with the ASCII fallback)?
  static bool Utf8();

 private:
  Terminal() = default;
};

}  // namespace switchyard::tui
