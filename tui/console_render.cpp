// ConsoleApp::Render: one whole frame. Header (row 0), tabs (row 1), the view, the status line
// (second to last row), the footer of keys from the registry (last row), and an open dialog on
// top. Below the minimum size only the size guard is drawn.
#include "tui/console_app.h"
#include "tui/curses_include.h"
#include "tui/format.h"
#include "tui/list_model.h"
#include "tui/size_guard.h"
#include "tui/state_badges.h"
#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {

void ConsoleApp::DrawHeader(const ViewContext& ctx, int cols) const {
  const auto& snapshot = *snapshot_;
  const CursesAttr header = ctx.Attr(Role::kHeader);
  DrawText(ctx.win, 0, 0, std::string(static_cast<size_t>(cols), ' '), header);
  // Right-hand badges first, so they are never cut: words, readable without colour.
  std::string right;
  if (quit_after_stop_) right += " STOPPING";
  if (options_.attach) right += " ATTACHED";
  if (options_.readonly) right += " RO";
  if (state_.paused || dialog_) right += " PAUSED";
  if (!snapshot.ok && !snapshot.error.empty()) right += " STALE";
  if (!right.empty()) right += " ";
  const int right_cells = CellWidth(right);
  const int room = cols - right_cells - 1;
  const char* bar = ctx.Pick(" │ ", " | ");
  std::string left = " switchyard" + std::string(bar) + TaskId();
  if (!snapshot.task.identifier.empty()) {
    left += bar + TaskStatusBadge(snapshot.task.status, ctx.ascii()).text + bar +
            TaskPhase(snapshot.task);
    if (snapshot.apply_exceptions_unresolved > 0) {
      left += bar + std::string("ERR ") + std::to_string(snapshot.apply_exceptions_unresolved) +
              " apply exc.";
    }
  }
  DrawText(ctx.win, 0, 0, left, header, room);
  if (!right.empty()) DrawText(ctx.win, 0, cols - right_cells, right, ctx.Attr(Role::kDanger));
}

namespace {
constexpr View kTabs[] = {View::kOverview, View::kTables,   View::kExceptions,
                          View::kLogs,     View::kRunbooks, View::kMessages};
}  // namespace

std::string ConsoleApp::TabLabel(int index) const {
  std::string label = std::to_string(index + 1) + " " + ViewName(kTabs[index]);
  if (kTabs[index] == View::kExceptions && snapshot_->apply_exceptions_unresolved > 0) {
    label += " (" + std::to_string(snapshot_->apply_exceptions_unresolved) + ")";
  }
  // Brackets or spaces around it: the current tab is marked by more than colour.
  return "[" + label + "]";
}

std::vector<std::pair<int, int>> ConsoleApp::TabSpans() const {
  std::vector<std::pair<int, int>> spans;
  int x = 0;
  for (int index = 0; index < 6; ++index) {
    const int cells = CellWidth(TabLabel(index));
    spans.emplace_back(x, x + cells);
    x += cells + 1;
  }
  return spans;
}

void ConsoleApp::DrawTabs(const ViewContext& ctx, int cols) const {
  DrawText(ctx.win, 1, 0, std::string(static_cast<size_t>(cols), ' '), ctx.Attr(Role::kNormal));
  const auto spans = TabSpans();
  for (int index = 0; index < 6; ++index) {
    const bool active = kTabs[index] == state_.view;
    std::string text = TabLabel(index);
    if (!active) text = " " + text.substr(1, text.size() - 2) + " ";
    const int x = spans[static_cast<size_t>(index)].first;
    DrawText(ctx.win, 1, x, text, ctx.Attr(active ? Role::kSelected : Role::kInactive), cols - x);
  }
  const int end = spans.back().second + 1;
  if (state_.view == View::kHelp && end < cols) {
    DrawText(ctx.win, 1, end, "[? Help]", ctx.Attr(Role::kSelected), cols - end);
  }
}

void ConsoleApp::DrawStatusLine(const ViewContext& ctx, int y, int cols,
                                logging::TimePoint now) const {
  DrawText(ctx.win, y, 0, std::string(static_cast<size_t>(cols), ' '), ctx.Attr(Role::kNormal));
  if (input_mode_ != InputMode::kNone) {
    const std::string prompt = (input_mode_ == InputMode::kCommand ? ":" : "/") + input_ + "_";
    DrawText(ctx.win, y, 0, prompt, ctx.Attr(Role::kNormal), cols);
    if (!input_hint_.empty()) {
      const int hx = CellWidth(prompt) + 3;
      DrawText(ctx.win, y, hx, input_hint_, ctx.Attr(Role::kInactive), cols - hx);
    }
    return;
  }
  if (!state_.toasts.empty() && toast_until_ != logging::TimePoint{} && now < toast_until_) {
    const Toast& toast = state_.toasts.back();
    Role role = Role::kNormal;
    if (toast.level == ToastLevel::kWarning) role = Role::kWarn;
    if (toast.level == ToastLevel::kError) role = Role::kError;
    DrawText(ctx.win, y, 0, std::string(ToastLevelName(toast.level)) + ": " + toast.text,
             ctx.Attr(role), cols);
    return;
  }
  if (!snapshot_->ok && !snapshot_->error.empty()) {
    DrawText(ctx.win, y, 0, "state store: " + snapshot_->error, ctx.Attr(Role::kWarn), cols);
  }
}

void ConsoleApp::DrawBody(const ViewContext& ctx, Rect body) const {
  switch (state_.view) {
    case View::kOverview:
      DrawOverview(ctx, body, *snapshot_);
      break;
    case View::kTables:
      DrawTablesView(ctx, body, *snapshot_, state_.tables);
      break;
    case View::kExceptions:
      DrawExceptionsView(ctx, body, *snapshot_, state_.exceptions);
      break;
    case View::kLogs:
      DrawLogsView(ctx, body, *snapshot_, state_.logs);
      break;
    case View::kRunbooks:
      DrawRunbooksView(ctx, body);
      break;
    case View::kMessages:
      DrawMessagesView(ctx, body, state_.toasts, state_.messages);
      break;
    case View::kHelp:
      DrawHelpView(ctx, body, registry_, state_.help_scroll, state_.help_filter);
      break;
  }
}

void ConsoleApp::Render(CursesWindow* win, logging::TimePoint now) const {
  const int cols = getmaxx(win);
  const int lines = getmaxy(win);
  if (const auto guard = CheckTerminalSize({cols, lines})) {
    for (size_t row = 0; row < guard->size(); ++row) {
      DrawText(win, static_cast<int>(row), 0, (*guard)[row], palette_[Role::kNormal]);
    }
    return;
  }
  ViewContext ctx;
  ctx.win = win;
  ctx.palette = &palette_;
  ctx.glyphs = options_.glyphs;
  ctx.graph_glyphs = options_.graph_glyphs;
  DrawHeader(ctx, cols);
  DrawTabs(ctx, cols);
  DrawBody(ctx, {2, 0, lines - 4, cols});
  DrawStatusLine(ctx, lines - 2, cols, now);
  std::vector<FooterHint> hints;
  if (dialog_) {
    hints = {{"Esc", "cancel"}};
    if (!dialog_->required_phrase.empty()) {
      hints.push_back({"Enter", "confirm once the name is typed"});
    } else {
      for (const auto& choice : dialog_->choices)
        hints.push_back({KeyName(choice.key), choice.label});
    }
  } else if (input_mode_ == InputMode::kCommand) {
    hints = {{"Enter", "run"}, {"Tab", "complete"}, {"Esc", "cancel"}};
  } else if (input_mode_ == InputMode::kFilter) {
    hints = {{"Enter", "keep"}, {"Esc", "clear"}};
  } else {
    hints = registry_.FooterHints(state_.view, cols);
  }
  DrawFooter(win, lines - 1, hints, palette_);
  if (dialog_) DrawConfirmDialog(ctx, {0, 0, lines, cols}, *dialog_);
}

}  // namespace switchyard::tui
