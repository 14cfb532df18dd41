#include "tui/frame_cache.h"

#include "tui/curses_include.h"

namespace switchyard::tui {

static_assert(CCHARW_MAX < 6, "FrameCache::Cell holds at most 5 characters per cell");

std::vector<FrameCache::Cell> FrameCache::Read(CursesWindow* win) {
  const int cols = getmaxx(win);
  const int lines = getmaxy(win);
  std::vector<Cell> cells;
  if (cols <= 0 || lines <= 0) return cells;
  cells.resize(static_cast<size_t>(cols) * static_cast<size_t>(lines));
  std::vector<cchar_t> row(static_cast<size_t>(cols) + 1);
  // Reading moves the window's cursor; put it back where the frame left it.
  const int cursor_y = getcury(win);
  const int cursor_x = getcurx(win);
  for (int y = 0; y < lines; ++y) {
    if (mvwin_wchnstr(win, y, 0, row.data(), cols) == ERR) continue;
    for (int x = 0; x < cols; ++x) {
      Cell& cell = cells[static_cast<size_t>(y) * static_cast<size_t>(cols) + x];
      attr_t attrs = 0;
      short pair = 0;
      getcchar(&row[static_cast<size_t>(x)], cell.text.data(), &attrs, &pair, nullptr);
      cell.attrs = attrs;
      cell.pair = pair;
    }
  }
  wmove(win, cursor_y, cursor_x);
  return cells;
}

bool FrameCache::Matches(CursesWindow* win) const {
  if (cells_.empty() || getmaxx(win) != cols_) return false;
  return Read(win) == cells_;
}

void FrameCache::Remember(CursesWindow* win) {
  cols_ = getmaxx(win);
  cells_ = Read(win);
}

}  // namespace switchyard::tui
