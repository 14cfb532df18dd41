#include "tui/console_loop.h"

#include <csignal>
#include <thread>

#include "tui/curses_include.h"
#include "tui/curses_keys.h"
#include "tui/frame_cache.h"

namespace switchyard::tui {

void RunConsoleLoop(Terminal& terminal, ConsoleApp& app, control::SnapshotSource& source,
                    const std::function<bool()>& engine_running) {
  CursesWindow* win = terminal.window();
  app.InstallPalette();
  app.SetScreenSize(getmaxx(win), getmaxy(win));
  uint64_t generation = 0;
  bool running = engine_running ? engine_running() : false;
  app.SetEngineRunning(running);
  bool dirty = true;
  bool hung_up = false;
  FrameCache last_frame;
  while (true) {
    const auto now = std::chrono::system_clock::now();
    if (const int sig = Terminal::TakeQuitSignal(); sig != 0) {
      if (sig == SIGHUP) {
        // The terminal is gone: nobody can answer a dialog. Stop the task gracefully (or leave
        // an attached engine running) and quit.
        hung_up = true;
        app.QuitWithoutTerminal(now);
      } else {
        app.RequestQuit(now);
      }
      dirty = true;
    }
    if (engine_running) {
      const bool still = engine_running();
      if (still != running) {
        running = still;
        app.SetEngineRunning(running, now);
        dirty = true;
      }
    }
    if (app.quit() || (app.quit_after_stop() && !running)) return;
    if (const uint64_t latest = source.generation(); latest != generation) {
      generation = latest;
      dirty |= app.OnSnapshot(source.Latest());
    }
    dirty |= app.OnTick(now);
    if (dirty) {
      if (app.TakeRedrawRequest()) {
        clearok(curscr, TRUE);
        last_frame.Forget();
      }
      werase(win);
      app.Render(win, now);
      if (last_frame.Matches(win)) {
        // The same cells as on the terminal (most snapshots of an idle task): nothing to send.
        // Untouched, so wget_wch does not refresh it either.
        untouchwin(win);
      } else {
        wnoutrefresh(win);
        doupdate();
        last_frame.Remember(win);
      }
      dirty = false;
    }
    wint_t ch = 0;
    if (hung_up) {  // reads fail at once without a terminal: wait for the engine, idle
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    const int rc = wget_wch(win, &ch);  // waits at most the 250 ms timeout
    if (rc == ERR) continue;
    if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
      app.SetScreenSize(getmaxx(win), getmaxy(win));
      last_frame.Forget();  // the terminal's contents after a resize are its own
      dirty = true;
      continue;
    }
    if (rc == KEY_CODE_YES && ch == KEY_MOUSE) {
      MEVENT event{};
      if (getmouse(&event) == OK && (event.bstate & BUTTON1_PRESSED) != 0) {
        dirty |= app.OnClick(event.x, event.y, std::chrono::system_clock::now());
      }
      continue;
    }
    if (const auto key = KeyFromCurses(rc, static_cast<uint32_t>(ch))) {
      dirty |= app.OnKey(*key, std::chrono::system_clock::now());
    }
  }
}

}  // namespace switchyard::tui
