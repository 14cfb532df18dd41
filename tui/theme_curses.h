// Connects themes to curses: detects what the terminal can show and installs colour pairs.
// Call on the UI thread only (curses is not thread-safe), after newterm()/initscr().
#pragma once

#include "tui/palette.h"
#include "tui/theme.h"

namespace switchyard::tui {

// The depth to draw with, from the terminal's abilities and the user's wishes: kMono when
// `no_color` (NO_COLOR or --no-color) or the terminal has no colours, k256 when it has at least
// 256, else k8. Pure.
ColorDepth ChooseColorDepth(bool has_colors, int colors, bool no_color);

// ChooseColorDepth with the current SCREEN's has_colors()/COLORS and NO_COLOR. COLORS is only
// known after start_color(), so this calls start_color() when the terminal has colours and
// colour is wanted; it never does when `no_color` is set or NO_COLOR is requested.
ColorDepth DetectColorDepth(bool no_color_flag = false);

// Installs `theme` for `depth` into the current SCREEN and returns the per-role attributes.
// kMono: no start_color(), no init_pair(), no colour bits in the result. Otherwise pairs 1..14
// in role order (after start_color() and use_default_colors(), so kDefaultColor keeps the
// terminal's own colours). If the terminal refuses a pair, that role falls back to its mono
// attributes rather than failing.
Palette InstallTheme(const Theme& theme, ColorDepth depth);

}  // namespace switchyard::tui
