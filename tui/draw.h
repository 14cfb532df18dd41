// Drawing primitives shared by every view: text clipped to a width, boxes with titles, the hint
// footer, graphs. They draw into a curses window with a Palette's role attributes and never
// refresh: the caller batches a frame with wnoutrefresh() and one doupdate().
//
// UI thread only. Strings are UTF-8; widths are in cells (every glyph the console uses is one
// cell wide; callers must not pass double-width text).
#pragma once

#include <string_view>
#include <vector>

#include "tui/graph.h"
#include "tui/key_registry.h"
#include "tui/palette.h"

struct _win_st;  // ncurses' WINDOW, so this header needs no curses include

namespace switchyard::tui {

using CursesWindow = ::_win_st;

enum class Glyphs { kUnicode, kAscii };

// Number of cells `utf8` occupies (code points, as every glyph used is one cell).
int CellWidth(std::string_view utf8);
// The first `cells` cells of `utf8`, never splitting a code point.
std::string_view ClipToCells(std::string_view utf8, int cells);

// Draws `utf8` at (y, x), clipped to `max_cells` and to the window's right edge.
void DrawText(CursesWindow* win, int y, int x, std::string_view utf8, CursesAttr attr,
              int max_cells = 1 << 20);

// A box (lines in Role::kBorder) with " title " on its top edge (Role::kTitle) starting two
// cells from the left corner. Does nothing when height or width is below 2.
void DrawBox(CursesWindow* win, int y, int x, int height, int width, std::string_view title,
             const Palette& palette, Glyphs glyphs);

// One footer line at row `y`, full window width: each hint's key in Role::kKeyHint, its label
// and the rest of the line in Role::kFooter, laid out as FormatFooter() does.
void DrawFooter(CursesWindow* win, int y, const std::vector<FooterHint>& hints,
                const Palette& palette);

// A graph's rows from (y, x) downwards in Role::kGraph, its caption on the row below in
// Role::kNormal.
void DrawGraph(CursesWindow* win, int y, int x, const Graph& graph, const Palette& palette);

}  // namespace switchyard::tui
