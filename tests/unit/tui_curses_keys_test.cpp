#include <gtest/gtest.h>

#include "tui/curses_include.h"
#include "tui/curses_keys.h"

namespace switchyard::tui {
namespace {

TEST(TuiCursesKeys, NormalisesWhatWgetWchReturns) {
  EXPECT_EQ(KeyFromCurses(OK, 'q'), Key::Char('q'));
  EXPECT_EQ(KeyFromCurses(OK, 4), Key::Ctrl('d'));
  EXPECT_EQ(KeyFromCurses(OK, '\n'), Key::Named(NamedKey::kEnter));
  EXPECT_EQ(KeyFromCurses(OK, '\r'), Key::Named(NamedKey::kEnter));
  EXPECT_EQ(KeyFromCurses(KEY_CODE_YES, KEY_ENTER), Key::Named(NamedKey::kEnter));
  EXPECT_EQ(KeyFromCurses(OK, 27), Key::Named(NamedKey::kEscape));
  EXPECT_EQ(KeyFromCurses(OK, '\t'), Key::Named(NamedKey::kTab));
  EXPECT_EQ(KeyFromCurses(KEY_CODE_YES, KEY_NPAGE), Key::Named(NamedKey::kPageDown));
  EXPECT_EQ(KeyFromCurses(KEY_CODE_YES, KEY_F(10)), Key::F(10));
  EXPECT_EQ(KeyFromCurses(KEY_CODE_YES, KEY_RESIZE), Key::Named(NamedKey::kResize));
  EXPECT_EQ(KeyFromCurses(OK, 0x00E9), Key::Char(0x00E9));  // é, not a function key
  EXPECT_FALSE(KeyFromCurses(ERR, 0).has_value());
  EXPECT_FALSE(KeyFromCurses(KEY_CODE_YES, KEY_MOUSE).has_value());
}

}  // namespace
}  // namespace switchyard::tui
