// Converts what wget_wch() returns into a tui::Key. Pure apart from the KEY_* constants; call it
// with the return code and the character wget_wch() stored.
#pragma once

#include <cstdint>
#include <optional>

#include "tui/key.h"

namespace switchyard::tui {

// `status` is wget_wch()'s return (OK or KEY_CODE_YES; ERR gives std::nullopt). Normalises the
// many spellings of one key: '\n', '\r' and KEY_ENTER are Enter; 9 is Tab; 27 is Esc; 8, 127 and
// KEY_BACKSPACE are Backspace. Unknown function keys give std::nullopt.
std::optional<Key> KeyFromCurses(int status, uint32_t value);

}  // namespace switchyard::tui
