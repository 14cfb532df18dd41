// The `?` screen: every key of the registry the console runs with (the read-only one under
// --readonly, so it never lists a key that does nothing), generated, never hand-written.
#include <algorithm>

#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {

void DrawHelpView(const ViewContext& ctx, Rect area, const KeyRegistry& registry, int scroll) {
  const std::vector<std::string> lines = registry.HelpListing();
  DrawText(ctx.win, area.y, area.x, "Keys (Esc or q closes; j/k scroll)", ctx.Attr(Role::kTitle),
           area.width);
  const int visible = area.height - 1;
  const int top = std::clamp(scroll, 0, std::max(0, static_cast<int>(lines.size()) - visible));
  for (int line = 0; line < visible && top + line < static_cast<int>(lines.size()); ++line) {
    const std::string& text = lines[static_cast<size_t>(top + line)];
    const bool heading = !text.empty() && text[0] != ' ';
    DrawText(ctx.win, area.y + 1 + line, area.x, text,
             ctx.Attr(heading ? Role::kTitle : Role::kNormal), area.width);
  }
}

}  // namespace switchyard::tui
