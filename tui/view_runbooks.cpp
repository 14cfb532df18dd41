// The Runbooks tab: its place in the navigation is kept now; the runbook engine (SOPs and the
// cutover checklist with confirm steps and rollback) comes in a later issue.
#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {

void DrawRunbooksView(const ViewContext& ctx, Rect area) {
  DrawTitledBox(ctx, area, "Runbooks");
  const Rect in = Inside(area);
  const char* lines[] = {
      "Runbooks come in a later issue.",
      "",
      "This tab will hold the standard operating procedures (SOPs) and the cutover checklist:",
      "each step gated on live facts, with explicit confirmation and a rollback action.",
  };
  int y = in.y + 1;
  for (const char* text : lines) {
    if (y >= in.bottom()) break;
    const Role role = y == in.y + 1 ? Role::kTitle : Role::kNormal;
    DrawText(ctx.win, y, in.x + 2, text, ctx.Attr(role), in.width - 4);
    ++y;
  }
}

}  // namespace switchyard::tui
