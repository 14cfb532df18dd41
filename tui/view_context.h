// What every view needs besides the snapshot and its own state: where to draw, with which
// colours and which glyphs. Plain values; UI thread only (the window is curses').
#pragma once

#include "engine/logging/iso_time.h"
#include "tui/draw.h"
#include "tui/graph.h"
#include "tui/palette.h"

namespace switchyard::tui {

// A rectangle of the screen, in cells.
struct Rect {
  int y = 0;
  int x = 0;
  int height = 0;
  int width = 0;
  int bottom() const { return y + height; }
  int right() const { return x + width; }
};

struct ViewContext {
  CursesWindow* win = nullptr;
  const Palette* palette = nullptr;
  Glyphs glyphs = Glyphs::kUnicode;  // box lines and state glyphs
  GraphGlyphs graph_glyphs = GraphGlyphs::kBraille;

  CursesAttr Attr(Role role) const { return (*palette)[role]; }
  bool ascii() const { return glyphs == Glyphs::kAscii; }
  // `unicode` or, with the ASCII fallback, `ascii`.
  const char* Pick(const char* unicode, const char* ascii_text) const {
    return ascii() ? ascii_text : unicode;
  }
};

}  // namespace switchyard::tui
