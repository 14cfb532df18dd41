#include "tui/console_app.h"

#include <algorithm>

#include "tui/command_line.h"
#include "tui/list_model.h"
#include "tui/theme_curses.h"

namespace switchyard::tui {
namespace {

// Views in Tab order (Help is reached with `?` only).
constexpr View kTabViews[] = {View::kOverview, View::kTables,   View::kExceptions,
                              View::kLogs,     View::kRunbooks, View::kMessages};

// "/ filter works in Tables, Exceptions, ...": the footer-worthy actions `key` has in any view
// (the caller knows it means nothing in the current one); "" when none.
std::string WhereKeyWorks(const KeyRegistry& registry, Key key) {
  std::string text;
  for (const KeyAction& action : registry.actions()) {
    if (action.footer_priority < 0) continue;
    if (std::find(action.keys.begin(), action.keys.end(), key) == action.keys.end()) continue;
    std::string views;
    for (int index = 0; index < kViewCount; ++index) {
      const View view = static_cast<View>(index);
      if ((action.views & ViewBit(view)) == 0) continue;
      views += (views.empty() ? "" : ", ") + std::string(ViewName(view));
    }
    text += (text.empty() ? "" : "; ") + KeyName(key) + " " + action.hint + " works in " + views;
  }
  return text;
}

}  // namespace

ConsoleApp::ConsoleApp(ConsoleOptions options, CommandSink* sink)
    : options_(std::move(options)),
      sink_(sink),
      registry_(options_.readonly ? DefaultKeyRegistry().ReadOnly() : DefaultKeyRegistry()),
      snapshot_(std::make_shared<control::EngineSnapshot>()) {}

void ConsoleApp::InstallPalette() { palette_ = InstallTheme(options_.theme, options_.depth); }

bool ConsoleApp::OnSnapshot(std::shared_ptr<const control::EngineSnapshot> snapshot) {
  if (!snapshot) return false;
  if (dialog_ || state_.paused) return false;  // live refresh pauses: keep what is on screen
  snapshot_ = std::move(snapshot);
  return true;
}

bool ConsoleApp::OnTick(logging::TimePoint now) {
  if (toast_until_ != logging::TimePoint{} && now >= toast_until_) {
    toast_until_ = {};
    return true;
  }
  return false;
}

void ConsoleApp::SetEngineRunning(bool running, logging::TimePoint now) {
  if (engine_running_ && !running && now != logging::TimePoint{}) {
    Notify(ToastLevel::kInfo, "the engine has stopped: q leaves the console", now);
  }
  engine_running_ = running;
}

void ConsoleApp::Notify(ToastLevel level, std::string text, logging::TimePoint now) {
  state_.toasts.push_back({now, level, std::move(text)});
  if (state_.toasts.size() > 500) state_.toasts.erase(state_.toasts.begin());
  toast_until_ = now + kToastDuration;
}

bool ConsoleApp::EngineRunning() const {
  // In-process the loop knows the engine thread; attached, the snapshot says whether the
  // task's engine lock is held.
  return options_.attach ? snapshot_->engine_running : engine_running_;
}

void ConsoleApp::QuitWithoutTerminal(logging::TimePoint now) {
  dialog_.reset();
  if (!EngineRunning() || sink_ == nullptr || options_.attach) {
    quit_ = true;
    return;
  }
  control::Command stop;
  stop.kind = control::Command::Kind::kStopTask;
  Submit(stop, "stop of task " + TaskId() + " (terminal hung up)", now);
  quit_after_stop_ = true;
}

void ConsoleApp::RequestQuit(logging::TimePoint now) {
  if (!EngineRunning() || sink_ == nullptr) {
    quit_ = true;
    return;
  }
  ConfirmDialog dialog;
  dialog.title = "Quit while task " + TaskId() + " runs?";
  if (options_.attach) {
    dialog.lines = {"The engine runs in another process (switchyard run).",
                    "l: leave it running and close this console.",
                    "s: stop the task gracefully (the change in flight is committed with its "
                    "checkpoint), then close."};
    dialog.choices = {{Key::Char('l'), "leave it running", "leave"},
                      {Key::Char('s'), "stop task", "stop_quit"}};
  } else {
    dialog.lines = {"The engine runs inside this console: leaving stops the task.",
                    "s: stop the task gracefully (the change in flight is committed with its "
                    "checkpoint), then close. A later run continues from the checkpoint."};
    dialog.choices = {{Key::Char('s'), "stop task and quit", "stop_quit"}};
  }
  dialog_ = std::move(dialog);
  pending_command_.reset();
  (void)now;
}

bool ConsoleApp::OnKey(Key key, logging::TimePoint now) {
  if (key == Key::Named(NamedKey::kResize)) return true;
  if (dialog_) {
    HandleDialogOutcome(HandleDialogKey(*dialog_, key), now);
    return true;
  }
  if (input_mode_ != InputMode::kNone) return HandleInputKey(key, now);
  // Ctrl-C is a guarded quit from anywhere, never "close this view".
  if (key == Key::Ctrl('c')) {
    RequestQuit(now);
    return true;
  }
  const KeyAction* action = registry_.Dispatch(state_.view, key);
  if (action == nullptr) {
    // No silent beeps: say why a known key does nothing here.
    if (const KeyAction* full = DefaultKeyRegistry().Dispatch(state_.view, key);
        full != nullptr && options_.readonly) {
      Notify(ToastLevel::kWarning, "read-only console: " + full->hint + " is not available", now);
      return true;
    }
    // A key the footer shows in other views says where it works (plain navigation is quiet).
    if (const std::string where = WhereKeyWorks(registry_, key); !where.empty()) {
      Notify(ToastLevel::kInfo, where, now);
      return true;
    }
    return false;
  }
  return HandleAction(*action, key, now);
}

bool ConsoleApp::OnClick(int x, int y, logging::TimePoint now) {
  if (dialog_ || input_mode_ != InputMode::kNone) return false;
  if (y == 1) {
    const auto spans = TabSpans();
    for (size_t index = 0; index < spans.size(); ++index) {
      if (x >= spans[index].first && x < spans[index].second) {
        SwitchView(kTabViews[index]);
        return true;
      }
    }
    return false;
  }
  // List rows start under the body's title (and the column header in Tables/Exceptions); the
  // first visible row follows the same rule the views draw with.
  const int body_y = 2;
  const int body_height = lines_ - 4;
  int first_row_y = body_y + 1;
  int count = 0;
  int* selected = nullptr;
  bool* detail = nullptr;
  switch (state_.view) {
    case View::kTables:
      if (state_.tables.list.detail) return false;
      first_row_y = body_y + 2;
      count = static_cast<int>(VisibleTables(*snapshot_, state_.tables).size());
      selected = &state_.tables.list.selected;
      detail = &state_.tables.list.detail;
      break;
    case View::kExceptions:
      if (state_.exceptions.detail) return false;
      first_row_y = body_y + 2;
      count = static_cast<int>(VisibleExceptions(*snapshot_, state_.exceptions).size());
      selected = &state_.exceptions.selected;
      detail = &state_.exceptions.detail;
      break;
    case View::kMessages:
      count = static_cast<int>(VisibleToasts(state_.toasts, state_.messages).size());
      selected = &state_.messages.selected;
      break;
    default:
      return false;
  }
  const int visible = body_y + body_height - first_row_y;
  const int current = ClampSelection(*selected, count);
  const int row = FirstVisibleRow(current, count, visible) + (y - first_row_y);
  if (y < first_row_y || y >= first_row_y + visible || row < 0 || row >= count) return false;
  if (row == current && detail != nullptr) {
    *detail = true;  // a second click on the selected row opens it, like Enter
  }
  *selected = row;
  (void)now;
  return true;
}

void ConsoleApp::SwitchView(View view) {
  if (view == View::kHelp && state_.view != View::kHelp) {
    previous_view_ = state_.view;
    state_.help_scroll = 0;
    state_.help_filter.clear();
  }
  state_.view = view;
}

void ConsoleApp::CloseView() {
  if (state_.view == View::kHelp) {
    state_.view = previous_view_;
  } else if (state_.view == View::kTables && state_.tables.list.detail) {
    state_.tables.list.detail = false;
  } else if (state_.view == View::kExceptions && state_.exceptions.detail) {
    state_.exceptions.detail = false;
  } else {
    state_.view = View::kOverview;
  }
}

void ConsoleApp::Back() {
  ListState* list = nullptr;
  if (state_.view == View::kTables) list = &state_.tables.list;
  if (state_.view == View::kExceptions) list = &state_.exceptions;
  if (state_.view == View::kMessages) list = &state_.messages;
  if (list != nullptr && list->detail) {
    list->detail = false;
  } else if (list != nullptr && !list->filter.empty()) {
    list->filter.clear();
  } else if (state_.view == View::kLogs && !state_.logs.search.empty()) {
    state_.logs.search.clear();
  } else if (state_.view == View::kHelp && !state_.help_filter.empty()) {
    state_.help_filter.clear();
    state_.help_scroll = 0;
  } else if (state_.view == View::kHelp) {
    state_.view = previous_view_;
  }
}

void ConsoleApp::Move(int delta) {
  switch (state_.view) {
    case View::kTables: {
      const int count = static_cast<int>(VisibleTables(*snapshot_, state_.tables).size());
      state_.tables.list.selected =
          ClampSelection(ClampSelection(state_.tables.list.selected, count) + delta, count);
      break;
    }
    case View::kExceptions: {
      const int count = static_cast<int>(VisibleExceptions(*snapshot_, state_.exceptions).size());
      state_.exceptions.selected =
          ClampSelection(ClampSelection(state_.exceptions.selected, count) + delta, count);
      break;
    }
    case View::kLogs: {
      const int count = static_cast<int>(VisibleLogs(*snapshot_, state_.logs).size());
      const int from = state_.logs.follow ? count - 1 : state_.logs.selected;
      state_.logs.selected = ClampSelection(from + delta, count);
      // Reaching the newest line resumes following; moving away from it stops.
      state_.logs.follow = delta > 0 && state_.logs.selected >= count - 1;
      break;
    }
    case View::kMessages: {
      const int count = static_cast<int>(VisibleToasts(state_.toasts, state_.messages).size());
      state_.messages.selected =
          ClampSelection(ClampSelection(state_.messages.selected, count) + delta, count);
      break;
    }
    case View::kHelp: {
      // Scroll no further than the last line at the bottom (the help's title takes a row), so
      // moving back up after G or a long press moves at once.
      const int count = static_cast<int>(HelpLines(registry_, state_.help_filter, cols_).size());
      const int last_top = std::max(0, count - (lines_ - 5));
      state_.help_scroll = std::clamp(state_.help_scroll + delta, 0, last_top);
      break;
    }
    default:
      break;
  }
}

void ConsoleApp::MoveTo(bool top) { Move(top ? -1000000 : 1000000); }

bool ConsoleApp::HandleInputKey(Key key, logging::TimePoint now) {
  const bool command = input_mode_ == InputMode::kCommand;
  auto apply_filter = [&] {
    if (state_.view == View::kTables) state_.tables.list.filter = input_;
    if (state_.view == View::kExceptions) state_.exceptions.filter = input_;
    if (state_.view == View::kLogs) state_.logs.search = input_;
    if (state_.view == View::kMessages) state_.messages.filter = input_;
    if (state_.view == View::kHelp && state_.help_filter != input_) {
      state_.help_filter = input_;
      state_.help_scroll = 0;
    }
  };
  if (key == Key::Named(NamedKey::kEscape) || key == Key::Ctrl('c')) {
    if (!command) {
      input_.clear();
      apply_filter();
    }
    input_mode_ = InputMode::kNone;
    input_hint_.clear();
    return true;
  }
  if (key == Key::Named(NamedKey::kEnter)) {
    input_mode_ = InputMode::kNone;
    input_hint_.clear();
    if (command && !input_.empty()) {
      if (command_history_.empty() || command_history_.back() != input_) {
        command_history_.push_back(input_);
      }
      RunCommandLine(input_, now);
    }
    return true;
  }
  if (command && (key == Key::Named(NamedKey::kUp) || key == Key::Named(NamedKey::kDown))) {
    if (key == Key::Named(NamedKey::kUp) && history_index_ > 0) --history_index_;
    if (key == Key::Named(NamedKey::kDown) && history_index_ < command_history_.size()) {
      ++history_index_;
    }
    input_ = history_index_ < command_history_.size() ? command_history_[history_index_] : "";
    return true;
  }
  if (key == Key::Named(NamedKey::kBackspace)) {
    if (input_.empty()) {
      input_mode_ = InputMode::kNone;
    } else {
      input_.pop_back();
    }
  } else if (key == Key::Named(NamedKey::kTab) && command) {
    const auto candidates = CompletionCandidates(input_, TableNames(), ShippedThemeNames());
    input_ = Complete(input_, candidates);
    input_hint_.clear();
    if (candidates.size() > 1) {
      for (const auto& candidate : candidates) input_hint_ += candidate + "  ";
    } else if (candidates.empty()) {
      input_hint_ = "no completion";
    }
    return true;
  } else if (key.kind == Key::Kind::kChar && key.ch >= 0x20 && key.ch != 0x7f) {
    if (key.ch < 0x80) {
      input_ += static_cast<char>(key.ch);
    }
  } else {
    return false;
  }
  if (!command) apply_filter();
  input_hint_.clear();
  return true;
}

bool ConsoleApp::HandleAction(const KeyAction& action, Key key, logging::TimePoint now) {
  const std::string& id = action.id;
  const int page = std::max(1, lines_ - 7);
  if (id == "help") {
    SwitchView(View::kHelp);
  } else if (id == "quit") {
    if (state_.view == View::kOverview) {
      RequestQuit(now);
    } else {
      CloseView();
    }
  } else if (id == "back") {
    Back();
  } else if (id == "filter") {
    input_mode_ = InputMode::kFilter;
    input_.clear();
  } else if (id == "command") {
    input_mode_ = InputMode::kCommand;
    input_.clear();
    input_hint_.clear();
    history_index_ = command_history_.size();
  } else if (id == "next_view" || id == "previous_view") {
    const View from = state_.view == View::kHelp ? previous_view_ : state_.view;
    int index = 0;
    for (int i = 0; i < 6; ++i) {
      if (kTabViews[i] == from) index = i;
    }
    index = (index + (id == "next_view" ? 1 : 5)) % 6;
    SwitchView(kTabViews[index]);
  } else if (id == "view_overview") {
    SwitchView(View::kOverview);
  } else if (id == "view_tables") {
    SwitchView(View::kTables);
  } else if (id == "view_exceptions") {
    SwitchView(View::kExceptions);
  } else if (id == "view_logs") {
    SwitchView(View::kLogs);
  } else if (id == "view_runbooks") {
    SwitchView(View::kRunbooks);
  } else if (id == "view_messages") {
    SwitchView(View::kMessages);
  } else if (id == "pause") {
    state_.paused = !state_.paused;
    Notify(ToastLevel::kInfo,
           state_.paused ? "live refresh paused (Space resumes)" : "live refresh resumed", now);
  } else if (id == "redraw") {
    redraw_requested_ = true;
  } else if (id == "theme_next") {
    const auto& names = ShippedThemeNames();
    auto it = std::find(names.begin(), names.end(), options_.theme_name);
    const size_t next = it == names.end() ? 0 : (it - names.begin() + 1) % names.size();
    SetTheme(names[next], now);
  } else if (id == "up") {
    Move(-1);
  } else if (id == "down") {
    Move(1);
  } else if (id == "page_up") {
    Move(-page);
  } else if (id == "page_down") {
    Move(page);
  } else if (id == "half_page_up") {
    Move(-page / 2);
  } else if (id == "half_page_down") {
    Move(page / 2);
  } else if (id == "top") {
    MoveTo(true);
  } else if (id == "bottom") {
    MoveTo(false);
  } else if (id == "details") {
    if (state_.view == View::kTables) state_.tables.list.detail = SelectedTable() != nullptr;
    if (state_.view == View::kExceptions) state_.exceptions.detail = SelectedException() != nullptr;
  } else if (id == "scroll_left") {
    if (state_.view == View::kTables) state_.tables.list.detail = false;
    if (state_.view == View::kExceptions) state_.exceptions.detail = false;
  } else if (id == "sort_next" || id == "sort_previous") {
    const int step = id == "sort_next" ? 1 : kTableColumnCount - 1;
    state_.tables.sort =
        static_cast<TableColumn>((static_cast<int>(state_.tables.sort) + step) % kTableColumnCount);
  } else if (id == "sort_reverse") {
    state_.tables.reverse = !state_.tables.reverse;
  } else if (id == "stop_task") {
    OpenStopDialog(key);
  } else if (id == "reload_table" || id == "suspend_table" || id == "resume_table") {
    const state::TableRecord* table = SelectedTable();
    if (table == nullptr) {
      Notify(ToastLevel::kWarning, "no table selected", now);
      return true;
    }
    const auto kind = id == "reload_table"    ? control::Command::Kind::kReloadTable
                      : id == "suspend_table" ? control::Command::Kind::kSuspendTable
                                              : control::Command::Kind::kResumeTable;
    OpenTableDialog(kind, *table, key);
  } else if (id == "retry_exception" || id == "resolve_exception") {
    const state::ApplyExceptionRecord* record = SelectedException();
    if (record == nullptr) {
      Notify(ToastLevel::kWarning, "no apply exception selected", now);
      return true;
    }
    OpenExceptionDialog(id == "retry_exception" ? control::Command::Kind::kRetryApplyException
                                                : control::Command::Kind::kResolveApplyException,
                        *record, key);
  } else if (id == "export_exceptions") {
    ExportExceptions(now);
  } else if (id == "follow") {
    state_.logs.follow = !state_.logs.follow;
    if (!state_.logs.follow) {
      state_.logs.selected =
          std::max(0, static_cast<int>(VisibleLogs(*snapshot_, state_.logs).size()) - 1);
    }
  } else if (id == "search_next" || id == "search_previous") {
    if (state_.logs.search.empty()) {
      Notify(ToastLevel::kInfo, "no search: press / and type", now);
      return true;
    }
    const auto rows = VisibleLogs(*snapshot_, state_.logs);
    const int count = static_cast<int>(rows.size());
    const int step = id == "search_next" ? 1 : -1;
    int at = state_.logs.follow ? count - 1 : state_.logs.selected;
    for (int tries = 0; tries < count; ++tries) {
      at = (at + step + count) % count;
      if (MatchesFilter(LogLineText(*rows[static_cast<size_t>(at)]), state_.logs.search)) {
        state_.logs.follow = false;
        state_.logs.selected = at;
        return true;
      }
    }
    Notify(ToastLevel::kInfo, "\"" + state_.logs.search + "\" not found", now);
  } else if (id == "severity_filter") {
    using logging::Severity;
    const Severity order[] = {Severity::kDetailedDebug, Severity::kDebug, Severity::kInfo,
                              Severity::kWarning, Severity::kError};
    int index = 0;
    for (int i = 0; i < 5; ++i) {
      if (order[i] == state_.logs.min_severity) index = i;
    }
    state_.logs.min_severity = order[(index + 1) % 5];
  } else if (id == "component_filter") {
    // Cycle through the components that have lines, then back to all.
    std::vector<logging::Component> present;
    for (const auto& entry : snapshot_->logs) {
      if (std::find(present.begin(), present.end(), entry.component) == present.end()) {
        present.push_back(entry.component);
      }
    }
    std::sort(present.begin(), present.end());
    if (!state_.logs.component) {
      if (!present.empty()) state_.logs.component = present.front();
    } else {
      auto it = std::upper_bound(present.begin(), present.end(), *state_.logs.component);
      state_.logs.component =
          it == present.end() ? std::nullopt : std::optional<logging::Component>(*it);
    }
  } else {
    Notify(ToastLevel::kInfo, action.hint + " comes in a later issue", now);
  }
  return true;
}

}  // namespace switchyard::tui
