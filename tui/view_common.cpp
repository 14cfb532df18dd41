#include "tui/view_common.h"

#include <algorithm>

namespace switchyard::tui {

void DrawLabelValue(const ViewContext& ctx, int y, int x, int width, std::string_view label,
                    int label_cells, std::string_view value, Role role) {
  if (width <= 0) return;
  DrawText(ctx.win, y, x, Fit(label, std::min(label_cells, width)), ctx.Attr(Role::kNormal), width);
  if (width > label_cells) {
    DrawText(ctx.win, y, x + label_cells, value, ctx.Attr(role), width - label_cells);
  }
}

std::string Fit(std::string_view text, int cells, bool right_align) {
  if (cells <= 0) return {};
  std::string clipped(ClipToCells(text, cells));
  const int pad = cells - CellWidth(clipped);
  if (pad <= 0) return clipped;
  return right_align ? std::string(static_cast<size_t>(pad), ' ') + clipped
                     : clipped + std::string(static_cast<size_t>(pad), ' ');
}

Rect Inside(Rect box) { return {box.y + 1, box.x + 1, box.height - 2, box.width - 2}; }

void DrawTitledBox(const ViewContext& ctx, Rect box, std::string_view title) {
  DrawBox(ctx.win, box.y, box.x, box.height, box.width, title, *ctx.palette, ctx.glyphs);
}

void DrawCentered(const ViewContext& ctx, Rect area, std::string_view text, Role role) {
  if (area.height <= 0 || area.width <= 0) return;
  const int cells = std::min(CellWidth(text), area.width);
  DrawText(ctx.win, area.y + area.height / 2, area.x + (area.width - cells) / 2, text,
           ctx.Attr(role), area.width);
}

}  // namespace switchyard::tui
