// The "terminal too small" guard: below the minimum size the console draws nothing but a screen
// that says which size it needs and which size it has (btop's term_resize screen), so a layout
// is never drawn into a terminal it cannot fit.
//
// Pure functions, no curses: the caller passes the size it got from LINES/COLS (or KEY_RESIZE)
// and draws the returned lines. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace switchyard::tui {

struct TerminalSize {
  int cols = 0;
  int lines = 0;
};

// The smallest terminal every view is laid out for.
inline constexpr TerminalSize kMinimumTerminalSize{80, 24};

// Returns std::nullopt when `have` is at least `need` in both dimensions. Otherwise returns the
// whole replacement screen: exactly `have.lines` lines (at least 0), each exactly `have.cols`
// columns wide (ASCII only), with the message centred, e.g.
//   Terminal too small
//   need at least 80x24, have 60x20
//   20 columns and 4 lines short
//   Resize the terminal, or press q to quit.
// The third line states the shortfall in words, so the message does not rely on colour. Lines
// that do not fit are cut; a terminal with fewer lines than the message keeps the first ones.
std::optional<std::vector<std::string>> CheckTerminalSize(TerminalSize have,
                                                          TerminalSize need = kMinimumTerminalSize);

}  // namespace switchyard::tui
