// A theme installed into the current curses SCREEN: one curses attribute value per role, ready
// for wattr_set/wattron. Built by InstallTheme (theme_curses.h) on the UI thread; afterwards a
// plain value that drawing code reads.
#pragma once

#include <array>
#include <cstdint>

#include "tui/theme.h"

namespace switchyard::tui {

// Same width as ncurses' attr_t (chtype, 32 bits in ncursesw 6).
using CursesAttr = uint32_t;

struct Palette {
  ColorDepth depth = ColorDepth::kMono;
  // Per role: A_* attributes plus COLOR_PAIR(n) when depth is not kMono. At kMono the value
  // carries no colour-pair bits at all.
  std::array<CursesAttr, kRoleCount> attrs{};
  // Colour pair per role, 0 (none) at kMono.
  std::array<short, kRoleCount> pairs{};
  CursesAttr operator[](Role role) const { return attrs[static_cast<size_t>(role)]; }
};

}  // namespace switchyard::tui
