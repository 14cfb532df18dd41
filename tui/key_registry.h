// The one table of key actions. It drives key dispatch, the footer hint bar, the `?` help screen
// and `--readonly` mode, so the four can never disagree (k9s KeyActions, lazygit's generated
// cheatsheet). The registry says which action a key means in a view; what the action does is the
// console's business, keyed by the action's id.
//
// A KeyRegistry is an immutable value after construction; const methods are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "tui/key.h"

namespace switchyard::tui {

// The console's views, in tab order. kHelp is the `?` screen.
enum class View : uint8_t { kOverview, kTables, kExceptions, kLogs, kRunbooks, kMessages, kHelp };
inline constexpr int kViewCount = 7;

// A set of views as a bit mask.
using ViewMask = uint32_t;
constexpr ViewMask ViewBit(View view) { return ViewMask{1} << static_cast<unsigned>(view); }
inline constexpr ViewMask kAllViews = (ViewMask{1} << kViewCount) - 1;

// "Overview", "Tables", "Exceptions", "Logs", "Runbooks", "Messages", "Help".
const char* ViewName(View view);

struct KeyAction {
  std::string id;           // stable name the console dispatches on: "quit", "reload_table"
  std::vector<Key> keys;    // first key is the one shown in the footer
  std::string hint;         // footer label, a word or two: "quit", "reload"
  std::string description;  // one line for the help screen
  ViewMask views = kAllViews;
  bool changes_state = false;  // changes the engine or task: removed in --readonly
  bool dangerous = false;      // destructive or irreversible: opens a confirm dialog
  // Footer order: lower first. Actions with footer_priority < 0 are never in the footer (plain
  // navigation everybody knows), only on the help screen.
  int footer_priority = -1;
};

// One footer entry: "q" + "quit".
struct FooterHint {
  std::string key;
  std::string label;
};

class KeyRegistry {
 public:
  explicit KeyRegistry(std::vector<KeyAction> actions) : actions_(std::move(actions)) {}

  const std::vector<KeyAction>& actions() const { return actions_; }

  // The action `key` triggers in `view`, or nullptr when the key means nothing there. When
  // several actions match (Validate() rejects that), the first in table order wins.
  const KeyAction* Dispatch(View view, Key key) const;

  // The action with this id, or nullptr.
  const KeyAction* Find(std::string_view id) const;

  // The actions that apply in `view`, in table order.
  std::vector<const KeyAction*> ActionsFor(View view) const;

  // Footer hints for `view`, most important first (footer_priority, then table order), as many
  // as fit in `width` cells when laid out by FormatFooter(). Never returns a partial hint.
  std::vector<FooterHint> FooterHints(View view, int width) const;

  // The help screen: for each view group, a title line and one line per action, e.g.
  //   "  q, F10        quit                 Leave the console (asks if a task is running)"
  // followed by "[changes state]" and/or "[dangerous: asks to confirm]". Global actions (those in
  // every view) come first under "Everywhere".
  std::vector<std::string> HelpListing() const;

  // A copy without the actions that change state: what --readonly operators get. Keys of removed
  // actions dispatch to nothing.
  KeyRegistry ReadOnly() const;

  // Ok, or InvalidArgument listing every problem, one per line:
  //   - a dangerous action bound to a key that is harmless in vim or less (see
  //     HarmlessInVimOrLess), so muscle memory can never trigger it;
  //   - a dangerous action that does not change state (a contradiction in the table);
  //   - two actions in one view sharing a key;
  //   - a key that a terminal cannot deliver as itself (Ctrl-I is Tab, Ctrl-J/Ctrl-M are Enter,
  //     Ctrl-[ is Esc);
  //   - an empty or duplicate id, no keys, no hint, no description, or no views.
  Status Validate() const;

 private:
  std::vector<KeyAction> actions_;
};

// Where HelpListing's descriptions start: after two spaces, the keys and the hint.
inline constexpr int kHelpDescriptionColumn = 32;

// "q quit  ? help  / filter": key, a space, label, two spaces between hints.
std::string FormatFooter(const std::vector<FooterHint>& hints);

// Keys a vim or less user presses without thinking: d, u, b, f, j, k, g, G, n, N, q, /, ?,
// Space, Enter, Esc, Ctrl-D/U/F/B/E/Y, arrows, PgUp/PgDn, Home/End.
bool HarmlessInVimOrLess(Key key);

// The registry the console ships with.
const KeyRegistry& DefaultKeyRegistry();

}  // namespace switchyard::tui
