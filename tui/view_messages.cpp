// The Messages view: every toast the console flashed, with its time and level, newest first,
// because operators miss toasts (k9s flashes vanish after 6 s; here they are kept); `/` filters
// them by level or text.
#include "tui/format.h"
#include "tui/list_model.h"
#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {

void DrawMessagesView(const ViewContext& ctx, Rect area, const std::vector<Toast>& toasts,
                      const ListState& state) {
  const auto rows = VisibleToasts(toasts, state);
  std::string title = "Messages: " + std::to_string(toasts.size());
  if (!state.filter.empty()) {
    title += "  filter \"" + state.filter + "\" " + std::to_string(rows.size()) + " shown";
  }
  DrawText(ctx.win, area.y, area.x, title, ctx.Attr(Role::kTitle), area.width);
  const int visible = area.height - 1;
  if (rows.empty()) {
    DrawCentered(ctx, {area.y + 1, area.x, visible, area.width},
                 toasts.empty() ? "no messages yet" : "no message matches the filter",
                 Role::kInactive);
    return;
  }
  const int count = static_cast<int>(rows.size());
  const int selected = ClampSelection(state.selected, count);
  const int top = FirstVisibleRow(selected, count, visible);
  for (int line = 0; line < visible && top + line < count; ++line) {
    const Toast& toast = *rows[static_cast<size_t>(top + line)];
    Role role = Role::kNormal;
    if (toast.level == ToastLevel::kWarning) role = Role::kWarn;
    if (toast.level == ToastLevel::kError) role = Role::kError;
    if (top + line == selected) role = Role::kSelected;
    const std::string text =
        TimeOfDay(toast.time) + "  " + Fit(ToastLevelName(toast.level), 5) + "  " + toast.text;
    DrawText(ctx.win, area.y + 1 + line, area.x, Fit(text, area.width), ctx.Attr(role));
  }
}

}  // namespace switchyard::tui
