// The Logs view: the live tail of the engine's log (the in-process ring, or the log file with
// --attach), filtered by lowest severity (`v`) and component (`c`); `/` searches, marking every
// matching line with » and jumping with n/N. While following, the newest lines show; moving
// the cursor up stops following (`f` resumes).
#include <algorithm>

#include "tui/list_model.h"
#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {

void DrawLogsView(const ViewContext& ctx, Rect area, const control::EngineSnapshot& snapshot,
                  const LogsViewState& state) {
  const auto rows = VisibleLogs(snapshot, state);
  const int count = static_cast<int>(rows.size());
  int matches = 0;
  if (!state.search.empty()) {
    for (const auto* entry : rows) matches += MatchesFilter(LogLineText(*entry), state.search);
  }
  std::string title = "Logs: " + std::to_string(count) + " lines  severity ";
  title += state.min_severity == logging::Severity::kDetailedDebug
               ? std::string("all")
               : std::string(logging::SeverityLetter(state.min_severity)) + " and worse";
  title += "  component ";
  title += state.component ? logging::ComponentName(*state.component) : "all";
  if (!state.search.empty()) {
    title += "  search \"" + state.search + "\" " + std::to_string(matches) + " found";
  }
  title += state.follow ? "  [FOLLOW]" : "  [paused tail, f follows]";
  DrawText(ctx.win, area.y, area.x, title, ctx.Attr(Role::kTitle), area.width);
  const int visible = area.height - 1;
  if (rows.empty()) {
    DrawCentered(ctx, {area.y + 1, area.x, visible, area.width},
                 snapshot.logs.empty() ? "no log lines yet" : "no line passes the filters",
                 Role::kInactive);
    return;
  }
  const int selected = state.follow ? count - 1 : ClampSelection(state.selected, count);
  const int top = FirstVisibleRow(selected, count, visible);
  for (int line = 0; line < visible && top + line < count; ++line) {
    const auto& entry = *rows[static_cast<size_t>(top + line)];
    const std::string text = LogLineText(entry);
    const bool match = !state.search.empty() && MatchesFilter(text, state.search);
    const bool is_selected = !state.follow && top + line == selected;
    Role role = Role::kNormal;
    if (entry.severity == logging::Severity::kError) role = Role::kError;
    if (entry.severity == logging::Severity::kWarning) role = Role::kWarn;
    if (logging::SeverityRank(entry.severity) > 2) role = Role::kInactive;
    if (is_selected) role = Role::kSelected;
    const int y = area.y + 1 + line;
    if (is_selected) {
      DrawText(ctx.win, y, area.x, std::string(static_cast<size_t>(area.width), ' '),
               ctx.Attr(Role::kSelected));
    }
    DrawText(ctx.win, y, area.x, match ? ctx.Pick("» ", "> ") : "  ",
             ctx.Attr(match ? Role::kKeyHint : role));
    DrawText(ctx.win, y, area.x + 2, text, ctx.Attr(role), area.width - 2);
  }
}

}  // namespace switchyard::tui
