// The one way tui/ includes curses: wide-character ncurses with its function-like macros off, so
// names such as clear(), erase(), refresh() and move() never rewrite calls to std containers.
// Include only from .cpp files; headers use the plain types in tui/palette.h and tui/key.h.
#pragma once

#ifndef NCURSES_NOMACROS
#define NCURSES_NOMACROS 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
