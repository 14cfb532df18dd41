#include "tui/key_registry.h"

#include <algorithm>
#include <array>
#include <set>

namespace switchyard::tui {
namespace {

constexpr int kHelpKeyColumn = 16;
constexpr int kHelpHintColumn = 14;
static_assert(2 + kHelpKeyColumn + kHelpHintColumn == kHelpDescriptionColumn);

std::string JoinKeyNames(const std::vector<Key>& keys) {
  std::string out;
  for (const Key& key : keys) {
    if (!out.empty()) out += ", ";
    out += KeyName(key);
  }
  return out;
}

std::string PadRight(std::string text, size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

// Keys that terminals deliver as another key: Ctrl-I is Tab, Ctrl-J and Ctrl-M are Enter.
bool Undeliverable(Key key) {
  return key.kind == Key::Kind::kChar &&
         (key.ch == Key::Ctrl('i').ch || key.ch == Key::Ctrl('j').ch ||
          key.ch == Key::Ctrl('m').ch || key.ch == 0x1B);
}

std::string ViewList(ViewMask views) {
  std::string out;
  for (int index = 0; index < kViewCount; ++index) {
    if ((views & ViewBit(static_cast<View>(index))) == 0) continue;
    if (!out.empty()) out += ", ";
    out += ViewName(static_cast<View>(index));
  }
  return out;
}

}  // namespace

const char* ViewName(View view) {
  switch (view) {
    case View::kOverview:
      return "Overview";
    case View::kTables:
      return "Tables";
    case View::kExceptions:
      return "Exceptions";
    case View::kLogs:
      return "Logs";
    case View::kRunbooks:
      return "Runbooks";
    case View::kMessages:
      return "Messages";
    case View::kHelp:
      return "Help";
  }
  return "?";
}

bool HarmlessInVimOrLess(Key key) {
  static const std::array<Key, 31> kHarmless = {
      Key::Char('d'),
      Key::Char('u'),
      Key::Char('b'),
      Key::Char('f'),
      Key::Char('j'),
      Key::Char('k'),
      Key::Char('g'),
      Key::Char('G'),
      Key::Char('n'),
      Key::Char('N'),
      Key::Char('q'),
      Key::Char('/'),
      Key::Char('?'),
      Key::Char(' '),
      Key::Ctrl('d'),
      Key::Ctrl('u'),
      Key::Ctrl('f'),
      Key::Ctrl('b'),
      Key::Ctrl('e'),
      Key::Ctrl('y'),
      Key::Named(NamedKey::kEnter),
      Key::Named(NamedKey::kEscape),
      Key::Named(NamedKey::kUp),
      Key::Named(NamedKey::kDown),
      Key::Named(NamedKey::kLeft),
      Key::Named(NamedKey::kRight),
      Key::Named(NamedKey::kPageUp),
      Key::Named(NamedKey::kPageDown),
      Key::Named(NamedKey::kHome),
      Key::Named(NamedKey::kEnd),
      Key::Char(0x0A),
  };
  return std::find(kHarmless.begin(), kHarmless.end(), key) != kHarmless.end();
}

const KeyAction* KeyRegistry::Dispatch(View view, Key key) const {
  for (const KeyAction& action : actions_) {
    if ((action.views & ViewBit(view)) == 0) continue;
    if (std::find(action.keys.begin(), action.keys.end(), key) != action.keys.end()) {
      return &action;
    }
  }
  return nullptr;
}

const KeyAction* KeyRegistry::Find(std::string_view id) const {
  for (const KeyAction& action : actions_) {
    if (action.id == id) return &action;
  }
  return nullptr;
}

std::vector<const KeyAction*> KeyRegistry::ActionsFor(View view) const {
  std::vector<const KeyAction*> out;
  for (const KeyAction& action : actions_) {
    if ((action.views & ViewBit(view)) != 0) out.push_back(&action);
  }
  return out;
}

std::vector<FooterHint> KeyRegistry::FooterHints(View view, int width) const {
  std::vector<const KeyAction*> candidates;
  for (const KeyAction* action : ActionsFor(view)) {
    if (action->footer_priority >= 0 && !action->keys.empty()) candidates.push_back(action);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const KeyAction* a, const KeyAction* b) {
                     return a->footer_priority < b->footer_priority;
                   });
  std::vector<FooterHint> out;
  int used = 0;
  for (const KeyAction* action : candidates) {
    FooterHint hint{KeyName(action->keys.front()), action->hint};
    // Key names and labels are ASCII, so bytes are cells.
    const int cost =
        static_cast<int>(hint.key.size() + 1 + hint.label.size()) + (out.empty() ? 0 : 2);
    if (used + cost > width) break;  // most important first: never skip one to fit a later one
    used += cost;
    out.push_back(std::move(hint));
  }
  return out;
}

std::string FormatFooter(const std::vector<FooterHint>& hints) {
  std::string out;
  for (const FooterHint& hint : hints) {
    if (!out.empty()) out += "  ";
    out += hint.key + " " + hint.label;
  }
  return out;
}

std::vector<std::string> KeyRegistry::HelpListing() const {
  std::vector<std::string> lines;
  auto add_action = [&](const KeyAction& action) {
    std::string line = "  " + PadRight(JoinKeyNames(action.keys), kHelpKeyColumn - 1) + " " +
                       PadRight(action.hint, kHelpHintColumn - 1) + " " + action.description;
    if (action.changes_state) line += " [changes state]";
    if (action.dangerous) line += " [dangerous: asks to confirm]";
    lines.push_back(std::move(line));
  };
  auto add_group = [&](const std::string& title, auto&& belongs) {
    std::vector<const KeyAction*> members;
    for (const KeyAction& action : actions_) {
      if (belongs(action)) members.push_back(&action);
    }
    if (members.empty()) return;
    if (!lines.empty()) lines.emplace_back();
    lines.push_back(title);
    for (const KeyAction* action : members) add_action(*action);
  };
  add_group("Everywhere", [](const KeyAction& action) { return action.views == kAllViews; });
  for (int index = 0; index < kViewCount; ++index) {
    const View view = static_cast<View>(index);
    add_group(ViewName(view), [view](const KeyAction& action) {
      return action.views != kAllViews && (action.views & ViewBit(view)) != 0;
    });
  }
  return lines;
}

KeyRegistry KeyRegistry::ReadOnly() const {
  std::vector<KeyAction> kept;
  for (const KeyAction& action : actions_) {
    if (!action.changes_state) kept.push_back(action);
  }
  return KeyRegistry(std::move(kept));
}

Status KeyRegistry::Validate() const {
  std::vector<std::string> problems;
  std::set<std::string> ids;
  for (const KeyAction& action : actions_) {
    const std::string who = "action \"" + action.id + "\"";
    if (action.id.empty()) problems.push_back("an action has an empty id");
    if (!action.id.empty() && !ids.insert(action.id).second) {
      problems.push_back(who + ": duplicate id");
    }
    if (action.keys.empty()) problems.push_back(who + ": no keys");
    if (action.hint.empty()) problems.push_back(who + ": no footer hint");
    if (action.description.empty()) problems.push_back(who + ": no description");
    if ((action.views & kAllViews) == 0) problems.push_back(who + ": applies in no view");
    if (action.dangerous && !action.changes_state) {
      problems.push_back(who + ": dangerous but does not change state");
    }
    for (const Key& key : action.keys) {
      if (action.dangerous && HarmlessInVimOrLess(key)) {
        problems.push_back(who + ": dangerous action bound to " + KeyName(key) +
                           ", a key that is harmless in vim or less");
      }
      if (Undeliverable(key)) {
        problems.push_back(who + ": " + KeyName(key) +
                           " cannot be told apart from Tab, Enter or Esc by a terminal");
      }
    }
  }
  for (size_t first = 0; first < actions_.size(); ++first) {
    for (size_t second = first + 1; second < actions_.size(); ++second) {
      const KeyAction& a = actions_[first];
      const KeyAction& b = actions_[second];
      const ViewMask shared_views = a.views & b.views;
      if (shared_views == 0) continue;
      for (const Key& key : a.keys) {
        if (std::find(b.keys.begin(), b.keys.end(), key) == b.keys.end()) continue;
        problems.push_back("actions \"" + a.id + "\" and \"" + b.id + "\" share " + KeyName(key) +
                           " in " + ViewList(shared_views));
      }
    }
  }
  if (problems.empty()) return Status::Ok();
  std::string message = "key registry: " + std::to_string(problems.size()) + " problem(s)";
  for (const std::string& problem : problems) message += "\n  " + problem;
  return Status::InvalidArgument(message);
}

}  // namespace switchyard::tui
