// ConsoleApp: the console's state machine. It holds the snapshot on screen and the view state,
// turns keys into view changes, dialogs and engine commands (through the key registry), and
// draws a whole frame. It never does I/O beyond what an operator asked for (export, theme
// files) and never waits on the engine: snapshots are handed in by the loop, commands go out
// through a CommandSink.
//
// Screen layout, top to bottom: header (task, status, badges), tab bar, the view, the status
// line (command line, filter input, toast, or the snapshot's error), the footer of keys.
//
// UI thread only (curses). Tests drive it headless: OnSnapshot + OnKey + Render.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/control/engine_snapshot.h"
#include "tui/command_sink.h"
#include "tui/confirm_dialog.h"
#include "tui/console_state.h"
#include "tui/key_registry.h"
#include "tui/palette.h"
#include "tui/theme.h"
#include "tui/view_context.h"

namespace switchyard::tui {

struct ConsoleOptions {
  bool readonly = false;
  bool attach = false;     // the engine runs in another process: quitting may leave it
  std::string task_id;     // for the stop dialog before the first snapshot
  std::string export_dir;  // where `e` writes apply exceptions (the state directory)
  std::string themes_dir = DefaultThemesDir();
  std::string theme_name = "dark";
  Theme theme = BuiltinTheme();
  ColorDepth depth = ColorDepth::kMono;
  Glyphs glyphs = Glyphs::kUnicode;
  GraphGlyphs graph_glyphs = GraphGlyphs::kBraille;
};

class ConsoleApp {
 public:
  // `sink` may be null (no engine to command: every action says so); not owned.
  ConsoleApp(ConsoleOptions options, CommandSink* sink);

  // Installs the theme into the current curses SCREEN (call once curses is up).
  void InstallPalette();

  // A new snapshot from the source. Ignored (false) while live refresh is paused (a dialog is
  // open, or Space); otherwise it becomes the one on screen (true: redraw).
  bool OnSnapshot(std::shared_ptr<const control::EngineSnapshot> snapshot);
  // One key. Returns true when the screen may have changed.
  bool OnKey(Key key, logging::TimePoint now);
  // A mouse click at cell (x, y) (--mouse): the tab bar switches views, a list row selects it,
  // a click on the selected row opens its detail. Ignored under a dialog or an input line.
  // Returns true when the screen may have changed.
  bool OnClick(int x, int y, logging::TimePoint now);
  // Time passing: true when a toast just expired (redraw).
  bool OnTick(logging::TimePoint now);
  // The loop tells the app whether the in-process engine thread still runs; when it stops,
  // a message says so (the task's status and error are on the Overview).
  void SetEngineRunning(bool running, logging::TimePoint now = {});
  // The loop's terminal size, for paging keys.
  void SetScreenSize(int cols, int lines) {
    cols_ = cols;
    lines_ = lines;
  }
  void Notify(ToastLevel level, std::string text, logging::TimePoint now);

  // Draws the whole frame into `win` (erased by the caller), sized getmaxx/getmaxy.
  void Render(CursesWindow* win, logging::TimePoint now) const;

  bool quit() const { return quit_; }
  // Quit was chosen with "stop the task": the loop waits for the engine to stop, then exits.
  bool quit_after_stop() const { return quit_after_stop_; }
  // Ctrl-L asked for a full repaint (the loop calls clearok); reading it resets it.
  bool TakeRedrawRequest() {
    const bool requested = redraw_requested_;
    redraw_requested_ = false;
    return requested;
  }
  // Quit as `q` on the first view would (SIGINT, SIGTERM): asks when a task runs.
  void RequestQuit(logging::TimePoint now);
  // The terminal hung up: stop an in-process task gracefully and quit once it stopped; leave
  // an attached engine running.
  void QuitWithoutTerminal(logging::TimePoint now);

  const ConsoleState& state() const { return state_; }
  const control::EngineSnapshot& snapshot() const { return *snapshot_; }
  bool dialog_open() const { return dialog_.has_value(); }

 private:
  enum class InputMode { kNone, kCommand, kFilter };

  bool HandleAction(const KeyAction& action, Key key, logging::TimePoint now);
  bool HandleInputKey(Key key, logging::TimePoint now);
  void HandleDialogOutcome(const DialogOutcome& outcome, logging::TimePoint now);
  void RunCommandLine(const std::string& text, logging::TimePoint now);
  void Move(int delta);
  void MoveTo(bool top);
  void Back();
  void CloseView();
  void SwitchView(View view);

  // Dialogs and commands (console_actions.cpp).
  const state::TableRecord* SelectedTable() const;
  const state::ApplyExceptionRecord* SelectedException() const;
  const state::TableRecord* FindTable(const std::string& name, std::string* error) const;
  void OpenTableDialog(control::Command::Kind kind, const state::TableRecord& table, Key key);
  void OpenExceptionDialog(control::Command::Kind kind, const state::ApplyExceptionRecord& record,
                           Key key);
  void OpenStopDialog(Key key);
  void Submit(const control::Command& command, const std::string& what, logging::TimePoint now);
  void ExportExceptions(logging::TimePoint now);
  void SetTheme(const std::string& name, logging::TimePoint now);
  bool EngineRunning() const;
  std::string TaskId() const;
  std::vector<std::string> TableNames() const;

  // The tab bar's cells: [first x, end x) of each tab, in tab order (console_render.cpp).
  std::vector<std::pair<int, int>> TabSpans() const;
  std::string TabLabel(int index) const;

  // Drawing pieces (console_render.cpp).
  void DrawHeader(const ViewContext& ctx, int cols) const;
  void DrawTabs(const ViewContext& ctx, int cols) const;
  void DrawStatusLine(const ViewContext& ctx, int y, int cols, logging::TimePoint now) const;
  void DrawBody(const ViewContext& ctx, Rect body) const;

  ConsoleOptions options_;
  CommandSink* sink_;           // not owned; may be null
  const KeyRegistry registry_;  // the default one, or its read-only copy
  Palette palette_;
  std::shared_ptr<const control::EngineSnapshot> snapshot_;
  ConsoleState state_;
  View previous_view_ = View::kOverview;  // where help returns to
  std::optional<ConfirmDialog> dialog_;
  std::optional<control::Command> pending_command_;  // what the open dialog confirms
  InputMode input_mode_ = InputMode::kNone;
  std::string input_;                         // command line or filter text being typed
  std::string input_hint_;                    // completion candidates or a parse error
  std::vector<std::string> command_history_;  // oldest first; Up/Down on the command line
  size_t history_index_ = 0;                  // == size(): the line being typed
  bool engine_running_ = false;
  bool quit_ = false;
  bool quit_after_stop_ = false;
  bool redraw_requested_ = false;
  logging::TimePoint toast_until_{};
  int cols_ = 80;
  int lines_ = 24;
};

// How long a toast stays on the status line (k9s: 6 s); it stays in Messages for good.
inline constexpr std::chrono::seconds kToastDuration{6};

}  // namespace switchyard::tui
