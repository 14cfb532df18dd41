// A curses SCREEN that draws into nothing and can be read back: the basis of the console's
// golden tests (tig's TIG_NO_DISPLAY + save-display, ratatui's TestBackend). newterm() writes to
// /dev/null, so no escape sequence ever reaches the process's stdout; the size is fixed by the
// caller with resizeterm(); after a frame (wnoutrefresh + doupdate) the virtual screen (curscr)
// is read back cell by cell as UTF-8 text, and optionally as a map of attributes and colours.
//
// Not thread-safe: curses is process-global. Use from one thread, one screen at a time is
// simplest (each method selects its own SCREEN with set_term, so several may exist). Opening a
// screen sets LC_CTYPE to C.UTF-8 when the current locale is not UTF-8, because ncursesw decides
// at newterm() time whether it may store wide characters; the change is process-wide.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/common/status.h"
#include "tui/draw.h"

struct screen;  // ncurses' SCREEN

namespace switchyard::tui {

struct HeadlessOptions {
  int cols = 80;
  int lines = 24;
  // A terminfo entry that Debian ships in ncurses-base: xterm-256color (256 colours),
  // xterm (8 colours), vt100 (none). Set explicitly: the test's own TERM never matters.
  std::string term = "xterm-256color";
};

// The attribute map of a screen: one character per cell ('.' for a plain cell, else a letter
// standing for one combination of attributes and colour pair) and a legend, one line per letter:
//   "a: bold reverse pair 2 (fg 255, bg 24)"
struct AttributeMap {
  std::vector<std::string> cells;
  std::vector<std::string> legend;
  // cells, a "--" line, then legend: the form written to golden files.
  std::vector<std::string> Lines() const;
};

class HeadlessScreen {
 public:
  // Error (InvalidArgument) when the terminfo entry is unknown or the size is below 1x1;
  // IoError when /dev/null cannot be opened.
  static Result<std::unique_ptr<HeadlessScreen>> Open(const HeadlessOptions& options);
  ~HeadlessScreen();
  HeadlessScreen(const HeadlessScreen&) = delete;
  HeadlessScreen& operator=(const HeadlessScreen&) = delete;

  int cols() const { return cols_; }
  int lines() const { return lines_; }

  // Makes this the current curses SCREEN (for InstallTheme, DetectColorDepth, ...).
  void Select() const;

  // Changes the size, as a terminal resize would (resizeterm). Error below 1x1.
  Status Resize(int cols, int lines);

  // One frame: selects this screen, erases stdscr, calls `draw(stdscr)`, then
  // wnoutrefresh(stdscr) and doupdate(), exactly as the console does.
  void Render(const std::function<void(CursesWindow*)>& draw);

  // The virtual screen as `lines()` UTF-8 strings; trailing spaces are removed.
  std::vector<std::string> Text() const;

  // Attributes and colour pairs of every cell.
  AttributeMap Attributes() const;

 private:
  HeadlessScreen() = default;

  ::screen* screen_ = nullptr;
  std::FILE* out_ = nullptr;
  std::FILE* in_ = nullptr;
  int cols_ = 0;
  int lines_ = 0;
};

}  // namespace switchyard::tui
