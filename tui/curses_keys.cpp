#include "tui/curses_keys.h"

#include "tui/curses_include.h"

namespace switchyard::tui {

std::optional<Key> KeyFromCurses(int status, uint32_t value) {
  if (status == ERR) return std::nullopt;
  if (status == OK) {
    switch (value) {
      case '\n':
      case '\r':
        return Key::Named(NamedKey::kEnter);
      case '\t':
        return Key::Named(NamedKey::kTab);
      case 27:
        return Key::Named(NamedKey::kEscape);
      case 8:
      case 127:
        return Key::Named(NamedKey::kBackspace);
      default:
        return Key::Char(static_cast<char32_t>(value));
    }
  }
  const int code = static_cast<int>(value);
  if (code >= KEY_F(1) && code <= KEY_F(12)) return Key::F(code - KEY_F(0));
  switch (code) {
    case KEY_UP:
      return Key::Named(NamedKey::kUp);
    case KEY_DOWN:
      return Key::Named(NamedKey::kDown);
    case KEY_LEFT:
      return Key::Named(NamedKey::kLeft);
    case KEY_RIGHT:
      return Key::Named(NamedKey::kRight);
    case KEY_PPAGE:
      return Key::Named(NamedKey::kPageUp);
    case KEY_NPAGE:
      return Key::Named(NamedKey::kPageDown);
    case KEY_HOME:
      return Key::Named(NamedKey::kHome);
    case KEY_END:
      return Key::Named(NamedKey::kEnd);
    case KEY_ENTER:
      return Key::Named(NamedKey::kEnter);
    case KEY_BTAB:
      return Key::Named(NamedKey::kBackTab);
    case KEY_BACKSPACE:
      return Key::Named(NamedKey::kBackspace);
    case KEY_DC:
      return Key::Named(NamedKey::kDelete);
    case KEY_IC:
      return Key::Named(NamedKey::kInsert);
    case KEY_RESIZE:
      return Key::Named(NamedKey::kResize);
    default:
      return std::nullopt;
  }
}

}  // namespace switchyard::tui
