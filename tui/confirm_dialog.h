// The confirm dialog for destructive or irreversible actions (the console issue, section 3):
//   - it says exactly what will happen and to which database;
//   - it opens with Cancel focused, and Enter activates Cancel: Enter alone never confirms;
//   - each confirming choice has its own letter, never the key that opened the dialog
//     (ConfirmKeyFor picks one), shown on its button;
//   - the most dangerous actions instead ask to type the task or table name; Enter then
//     confirms only when the typed text is exactly that name;
//   - Esc (and n or q when nothing is typed) cancels.
// While it is open the console pauses live refresh (ConsoleApp), so what the operator reads is
// what the action applies to.
//
// Pure state and key handling plus a draw function; UI thread only.
#pragma once

#include <string>
#include <vector>

#include "tui/key.h"
#include "tui/view_context.h"

namespace switchyard::tui {

struct DialogChoice {
  Key key;            // the letter that picks it
  std::string label;  // "stop the task and quit"
  std::string id;     // what ConsoleApp acts on
};

struct ConfirmDialog {
  std::string title;               // "Reload table public.orders?"
  std::vector<std::string> lines;  // what will happen, to which database
  std::vector<DialogChoice> choices;
  // Non-empty: the operator must type this and press Enter (choices[0] is then taken).
  std::string required_phrase;
  std::string typed;
  std::string hint;  // feedback after a wrong Enter
};

struct DialogOutcome {
  enum class Kind { kNone, kCancel, kChoose };
  Kind kind = Kind::kNone;
  std::string choice_id;
};

// Handles one key; the dialog stays open on kNone.
DialogOutcome HandleDialogKey(ConfirmDialog& dialog, Key key);

// 'y', unless the dialog was opened with y or Y: then 'o' ("ok").
Key ConfirmKeyFor(Key opening_key);

// The dialog centred on `screen` (a box over whatever is below), with Cancel drawn focused.
void DrawConfirmDialog(const ViewContext& ctx, Rect screen, const ConfirmDialog& dialog);

}  // namespace switchyard::tui
