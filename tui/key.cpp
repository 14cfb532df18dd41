#include "tui/key.h"

#include <array>
#include <utility>

namespace switchyard::tui {
namespace {

constexpr char32_t kSpace = 0x20;

constexpr std::array<std::pair<NamedKey, std::string_view>, 15> kNames = {{
    {NamedKey::kUp, "Up"},
    {NamedKey::kDown, "Down"},
    {NamedKey::kLeft, "Left"},
    {NamedKey::kRight, "Right"},
    {NamedKey::kPageUp, "PgUp"},
    {NamedKey::kPageDown, "PgDn"},
    {NamedKey::kHome, "Home"},
    {NamedKey::kEnd, "End"},
    {NamedKey::kEnter, "Enter"},
    {NamedKey::kEscape, "Esc"},
    {NamedKey::kTab, "Tab"},
    {NamedKey::kBackTab, "S-Tab"},
    {NamedKey::kBackspace, "Backspace"},
    {NamedKey::kDelete, "Del"},
    {NamedKey::kInsert, "Ins"},
}};

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

std::string KeyName(Key key) {
  if (key.kind == Key::Kind::kNamed) {
    const int index = static_cast<int>(key.named);
    const int f1 = static_cast<int>(NamedKey::kF1);
    if (index >= f1 && index <= static_cast<int>(NamedKey::kF12)) {
      return "F" + std::to_string(index - f1 + 1);
    }
    if (key.named == NamedKey::kResize) return "Resize";
    for (const auto& [named, name] : kNames) {
      if (named == key.named) return std::string(name);
    }
    return "?";
  }
  if (key.ch == kSpace) return "Space";
  if (key.ch >= 1 && key.ch <= 26) {
    return std::string("Ctrl-") + static_cast<char>('A' + key.ch - 1);
  }
  std::string out;
  AppendUtf8(out, key.ch);
  return out;
}

std::optional<Key> ParseKey(std::string_view name) {
  if (name.empty()) return std::nullopt;
  if (name == "Space") return Key::Char(kSpace);
  if (name.size() == 6 && (name.substr(0, 5) == "Ctrl-" || name.substr(0, 5) == "ctrl-")) {
    const char letter = static_cast<char>(name[5] | 0x20);
    if (letter >= 'a' && letter <= 'z') return Key::Ctrl(letter);
    return std::nullopt;
  }
  if (name.size() >= 2 && name.size() <= 3 && name[0] == 'F') {
    int number = 0;
    for (const char digit : name.substr(1)) {
      if (digit < '0' || digit > '9') return std::nullopt;
      number = number * 10 + (digit - '0');
    }
    if (number >= 1 && number <= 12) return Key::F(number);
    return std::nullopt;
  }
  for (const auto& [named, spelled] : kNames) {
    if (spelled == name) return Key::Named(named);
  }
  // A single printable ASCII character.
  if (name.size() == 1 && name[0] > 0x20 && name[0] < 0x7F) {
    return Key::Char(static_cast<char32_t>(name[0]));
  }
  return std::nullopt;
}

}  // namespace switchyard::tui
