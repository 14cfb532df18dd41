// FrameCache: the cells of the last frame the console sent to the terminal, so the loop can
// leave the terminal alone when a new frame is cell for cell the same. A snapshot arrives a
// few times a second, but with a task idling in CDC most of them change nothing anyone can see
// (the uptime and the graphs move once a second at most), and the issue asks for an idle
// console under 1% of a core. Comparing cells is exact: nothing the operator should see can be
// skipped, whatever in the snapshot or the view state changed it.
//
// UI thread only (curses).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tui/draw.h"

namespace switchyard::tui {

class FrameCache {
 public:
  // True when `win` holds exactly the remembered cells (text, attributes, colour pair) and has
  // the same size. False when nothing is remembered.
  bool Matches(CursesWindow* win) const;
  // Remembers the cells of `win` (call after the frame went to the terminal).
  void Remember(CursesWindow* win);
  // Nothing remembered: the next frame is drawn whatever it holds (Ctrl-L, resize).
  void Forget() { cells_.clear(); }

 private:
  struct Cell {
    std::array<wchar_t, 6> text{};  // ncurses' CCHARW_MAX (5) characters, zero-terminated
    uint64_t attrs = 0;
    int pair = 0;
    bool operator==(const Cell&) const = default;
  };
  static std::vector<Cell> Read(CursesWindow* win);

  int cols_ = 0;
  std::vector<Cell> cells_;
};

}  // namespace switchyard::tui
