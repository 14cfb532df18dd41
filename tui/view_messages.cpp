// The Messages view: every toast the console flashed, with its time and level, newest first,
// because operators miss toasts (k9s flashes vanish after 6 s; here they are kept).
#include "tui/format.h"
#include "tui/list_model.h"
#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {

void DrawMessagesView(const ViewContext& ctx, Rect area, const std::vector<Toast>& toasts,
                      const ListState& state) {
  DrawText(ctx.win, area.y, area.x, "Messages: " + std::to_string(toasts.size()),
           ctx.Attr(Role::kTitle), area.width);
  const int visible = area.height - 1;
  if (toasts.empty()) {
    DrawCentered(ctx, {area.y + 1, area.x, visible, area.width}, "no messages yet",
                 Role::kInactive);
    return;
  }
  const int count = static_cast<int>(toasts.size());
  const int selected = ClampSelection(state.selected, count);
  const int top = FirstVisibleRow(selected, count, visible);
  for (int line = 0; line < visible && top + line < count; ++line) {
    const Toast& toast = toasts[static_cast<size_t>(count - 1 - (top + line))];
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
