// A key as the console sees it, independent of curses: a character (letters, digits, symbols,
// Space, and Ctrl-letters as the control codes 1-26 the terminal sends) or a named key (arrows,
// paging keys, Enter, Esc, Tab, F-keys). Keeping curses out of this header lets the key registry
// and its tests stay pure; tui/curses_keys.h converts from wget_wch().
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard::tui {

enum class NamedKey {
  kUp,
  kDown,
  kLeft,
  kRight,
  kPageUp,
  kPageDown,
  kHome,
  kEnd,
  kEnter,
  kEscape,
  kTab,
  kBackTab,
  kBackspace,
  kDelete,
  kInsert,
  kF1,  // kF1 + n - 1 is Fn, up to kF12
  kF12 = kF1 + 11,
  kResize,  // not a key an operator presses; curses reports a terminal resize this way
};

struct Key {
  enum class Kind { kChar, kNamed };
  Kind kind = Kind::kChar;
  char32_t ch = 0;                     // kChar: the code point (Ctrl-D is 4, Space is 32)
  NamedKey named = NamedKey::kEscape;  // kNamed

  static constexpr Key Char(char32_t c) { return Key{Kind::kChar, c, NamedKey::kEscape}; }
  // Ctrl plus a letter: Ctrl('d') is the code 4 the terminal sends.
  static constexpr Key Ctrl(char letter) {
    return Char(static_cast<char32_t>((letter | 0x20) - 'a' + 1));
  }
  static constexpr Key Named(NamedKey n) { return Key{Kind::kNamed, 0, n}; }
  static constexpr Key F(int n) {
    return Named(static_cast<NamedKey>(static_cast<int>(NamedKey::kF1) + n - 1));
  }

  friend constexpr bool operator==(const Key&, const Key&) = default;
  friend constexpr auto operator<=>(const Key&, const Key&) = default;
};

// The name shown in hints and on the help screen: "q", "G", "?", "Space", "Ctrl-D", "Enter",
// "Esc", "Tab", "S-Tab", "Up", "Down", "Left", "Right", "PgUp", "PgDn", "Home", "End", "F1".
// Non-ASCII characters are UTF-8 encoded.
std::string KeyName(Key key);

// The inverse of KeyName (case-sensitive for single characters; "Ctrl-d" and "ctrl-D" are
// accepted). Returns std::nullopt for anything else.
std::optional<Key> ParseKey(std::string_view name);

}  // namespace switchyard::tui
