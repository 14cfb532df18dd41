// Small drawing helpers the views share: a label and a value on one line, a badge, a column of
// a table row, fitted text. UI thread only.
#pragma once

#include <string>
#include <string_view>

#include "tui/state_badges.h"
#include "tui/view_context.h"

namespace switchyard::tui {

// "label" padded to `label_cells`, then `value` in `role`; clipped to `width`.
void DrawLabelValue(const ViewContext& ctx, int y, int x, int width, std::string_view label,
                    int label_cells, std::string_view value, Role role = Role::kNormal);

// `text` padded with spaces (or cut) to exactly `cells` cells; right-aligned when asked.
std::string Fit(std::string_view text, int cells, bool right_align = false);

// The box's inside: `box` shrunk by its border.
Rect Inside(Rect box);

// A box with a title around `box`, in the context's glyphs.
void DrawTitledBox(const ViewContext& ctx, Rect box, std::string_view title);

// A one-line message in the middle of `area` (empty lists: "no tables match \"x\"").
void DrawCentered(const ViewContext& ctx, Rect area, std::string_view text, Role role);

}  // namespace switchyard::tui
