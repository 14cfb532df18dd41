#include "tui/confirm_dialog.h"

#include <algorithm>

#include "tui/format.h"
#include "tui/view_common.h"

namespace switchyard::tui {

DialogOutcome HandleDialogKey(ConfirmDialog& dialog, Key key) {
  using Kind = DialogOutcome::Kind;
  if (key == Key::Named(NamedKey::kEscape) || key == Key::Ctrl('c')) return {Kind::kCancel, ""};
  if (!dialog.required_phrase.empty()) {
    if (key == Key::Named(NamedKey::kEnter)) {
      if (dialog.typed == dialog.required_phrase && !dialog.choices.empty()) {
        return {Kind::kChoose, dialog.choices.front().id};
      }
      // Enter with nothing typed means Cancel, as Cancel has the focus.
      if (dialog.typed.empty()) return {Kind::kCancel, ""};
      dialog.hint = "type " + dialog.required_phrase + " exactly, or Esc to cancel";
      return {};
    }
    if (key == Key::Named(NamedKey::kBackspace)) {
      if (!dialog.typed.empty()) dialog.typed.pop_back();
      return {};
    }
    if (key.kind == Key::Kind::kChar && key.ch >= 0x20 && key.ch < 0x7f) {
      if (dialog.typed.size() < 200) dialog.typed += static_cast<char>(key.ch);
      return {};
    }
    return {};
  }
  if (key == Key::Named(NamedKey::kEnter)) return {Kind::kCancel, ""};  // Cancel is focused
  if (key == Key::Char('n') || key == Key::Char('q')) return {Kind::kCancel, ""};
  for (const DialogChoice& choice : dialog.choices) {
    if (key == choice.key) return {Kind::kChoose, choice.id};
  }
  dialog.hint = "Esc or Enter cancels";
  return {};
}

Key ConfirmKeyFor(Key opening_key) {
  if (opening_key == Key::Char('y') || opening_key == Key::Char('Y')) return Key::Char('o');
  return Key::Char('y');
}

void DrawConfirmDialog(const ViewContext& ctx, Rect screen, const ConfirmDialog& dialog) {
  const int width = std::min(screen.width - 4, 84);
  const int text_cells = width - 4;
  std::vector<std::string> body;
  for (const std::string& line : dialog.lines) {
    for (std::string& wrapped : WrapText(line, text_cells)) body.push_back(std::move(wrapped));
  }
  body.emplace_back();
  std::vector<std::pair<std::string, Role>> buttons;
  if (!dialog.required_phrase.empty()) {
    body.push_back("Type " + dialog.required_phrase + " and press Enter to confirm:");
  }
  const int extra = dialog.required_phrase.empty() ? 0 : 1;
  const int height = std::min(screen.height - 2, static_cast<int>(body.size()) + 5 + extra);
  const Rect box{screen.y + (screen.height - height) / 2, screen.x + (screen.width - width) / 2,
                 height, width};
  const CursesAttr fill = ctx.Attr(Role::kDialog);
  for (int row = 0; row < box.height; ++row) {
    DrawText(ctx.win, box.y + row, box.x, std::string(static_cast<size_t>(box.width), ' '), fill);
  }
  DrawTitledBox(ctx, box, dialog.title);
  const Rect in = Inside(box);
  int y = in.y;
  for (const std::string& line : body) {
    if (y >= in.bottom() - 2 - extra) break;
    DrawText(ctx.win, y++, in.x + 1, line, fill, text_cells);
  }
  if (!dialog.required_phrase.empty()) {
    const int field_y = in.bottom() - 3;
    const std::string field = "> " + dialog.typed + "_";
    DrawText(ctx.win, field_y, in.x + 1, Fit(field, text_cells), ctx.Attr(Role::kSelected));
  }
  // Buttons: Cancel first and focused (reverse video via the selected role, plus brackets).
  const int buttons_y = in.bottom() - 2;
  int x = in.x + 1;
  const std::string cancel = "[ Cancel (Esc) ]";
  DrawText(ctx.win, buttons_y, x, cancel, ctx.Attr(Role::kSelected), in.right() - x);
  x += CellWidth(cancel) + 3;
  for (const DialogChoice& choice : dialog.choices) {
    const std::string key_text = dialog.required_phrase.empty() ? KeyName(choice.key) : "Enter";
    const std::string button = "< " + key_text + ": " + choice.label + " >";
    DrawText(ctx.win, buttons_y, x, button, ctx.Attr(Role::kDanger), std::max(0, in.right() - x));
    x += CellWidth(button) + 2;
  }
  if (!dialog.hint.empty()) {
    DrawText(ctx.win, in.bottom() - 1, in.x + 1, dialog.hint, ctx.Attr(Role::kWarn), text_cells);
  }
}

}  // namespace switchyard::tui
