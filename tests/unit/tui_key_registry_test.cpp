#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tui/key_registry.h"

namespace switchyard::tui {
namespace {

KeyAction MakeAction(std::string id, std::vector<Key> keys, ViewMask views, bool dangerous = false,
                     int priority = 0) {
  KeyAction action;
  action.id = id;
  action.keys = std::move(keys);
  action.hint = id;
  action.description = "does " + id;
  action.views = views;
  action.changes_state = dangerous;
  action.dangerous = dangerous;
  action.footer_priority = priority;
  return action;
}

TEST(TuiKey, NamesRoundTrip) {
  const std::vector<std::string> names = {"q",    "G",   "?",     "Space", "Ctrl-D", "Enter",
                                          "Esc",  "Tab", "S-Tab", "Up",    "PgUp",   "PgDn",
                                          "Home", "End", "F1",    "F10",   "F12",    "/"};
  for (const std::string& name : names) {
    const auto key = ParseKey(name);
    ASSERT_TRUE(key.has_value()) << name;
    EXPECT_EQ(KeyName(*key), name);
  }
  EXPECT_EQ(ParseKey("ctrl-d"), Key::Ctrl('d'));
  EXPECT_EQ(Key::Ctrl('d').ch, 4u);
  EXPECT_FALSE(ParseKey("").has_value());
  EXPECT_FALSE(ParseKey("F13").has_value());
  EXPECT_FALSE(ParseKey("Ctrl-1").has_value());
  EXPECT_FALSE(ParseKey("qq").has_value());
}

TEST(TuiKeyRegistry, ShippedRegistryValidates) {
  const Status status = DefaultKeyRegistry().Validate();
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(DefaultKeyRegistry().ReadOnly().Validate().ok());
}

TEST(TuiKeyRegistry, ShippedRegistryFollowsTheConventions) {
  const KeyRegistry& registry = DefaultKeyRegistry();
  auto id_of = [&](View view, const char* key) {
    const KeyAction* action = registry.Dispatch(view, *ParseKey(key));
    return action ? action->id : std::string("<none>");
  };
  for (int index = 0; index < kViewCount; ++index) {
    const View view = static_cast<View>(index);
    EXPECT_EQ(id_of(view, "?"), "help");
    EXPECT_EQ(id_of(view, "F1"), "help");
    EXPECT_EQ(id_of(view, "q"), "quit");
    EXPECT_EQ(id_of(view, "Ctrl-C"), "quit");
    // `/` wherever there is a list to filter (FooterOffersFilterAndDetailsOnlyWhereTheyWork).
    const bool listless = view == View::kOverview || view == View::kRunbooks;
    EXPECT_EQ(id_of(view, "/"), listless ? "<none>" : "filter");
    EXPECT_EQ(id_of(view, ":"), "command");
    EXPECT_EQ(id_of(view, "Esc"), "back");
    EXPECT_EQ(id_of(view, "2"), "view_tables");
  }
  EXPECT_EQ(id_of(View::kTables, "j"), "down");
  EXPECT_EQ(id_of(View::kTables, "Down"), "down");
  EXPECT_EQ(id_of(View::kTables, "PgDn"), "page_down");
  EXPECT_EQ(id_of(View::kTables, "Ctrl-D"), "half_page_down");
  EXPECT_EQ(id_of(View::kTables, "Home"), "top");
  EXPECT_EQ(id_of(View::kTables, "G"), "bottom");
  EXPECT_EQ(id_of(View::kTables, "Enter"), "details");
  EXPECT_EQ(id_of(View::kTables, "R"), "reload_table");
  EXPECT_EQ(id_of(View::kLogs, "R"), "<none>");
  EXPECT_EQ(id_of(View::kRunbooks, "x"), "execute_step");
  EXPECT_EQ(id_of(View::kLogs, "n"), "search_next");
  EXPECT_EQ(id_of(View::kRunbooks, "n"), "next_step");
  // Every F-key has a letter twin on the same action.
  for (const KeyAction& action : registry.actions()) {
    bool has_f_key = false, has_other = false;
    for (const Key& key : action.keys) {
      const bool is_f = key.kind == Key::Kind::kNamed &&
                        static_cast<int>(key.named) >= static_cast<int>(NamedKey::kF1) &&
                        static_cast<int>(key.named) <= static_cast<int>(NamedKey::kF12);
      (is_f ? has_f_key : has_other) = true;
    }
    EXPECT_TRUE(!has_f_key || has_other) << action.id;
  }
}

TEST(TuiKeyRegistry, DispatchRespectsViews) {
  const KeyRegistry registry({
      MakeAction("global", {Key::Char('a')}, kAllViews),
      MakeAction("tables_only", {Key::Char('b')}, ViewBit(View::kTables)),
  });
  EXPECT_EQ(registry.Dispatch(View::kLogs, Key::Char('a'))->id, "global");
  EXPECT_EQ(registry.Dispatch(View::kTables, Key::Char('b'))->id, "tables_only");
  EXPECT_EQ(registry.Dispatch(View::kLogs, Key::Char('b')), nullptr);
  EXPECT_EQ(registry.Dispatch(View::kLogs, Key::Char('z')), nullptr);
  EXPECT_EQ(registry.Find("tables_only")->keys.front(), Key::Char('b'));
  EXPECT_EQ(registry.Find("nope"), nullptr);
}

TEST(TuiKeyRegistry, FooterMostImportantFirstAndFitsWidth) {
  const KeyRegistry registry({
      MakeAction("later", {Key::Char('l')}, kAllViews, false, 5),
      MakeAction("first", {Key::Char('?')}, kAllViews, false, 0),
      MakeAction("hidden", {Key::Char('j')}, kAllViews, false, -1),
      MakeAction("second", {Key::F(10), Key::Char('q')}, kAllViews, false, 1),
  });
  // "? first  F10 second  l later" is 28 cells.
  EXPECT_EQ(FormatFooter(registry.FooterHints(View::kOverview, 80)),
            "? first  F10 second  l later");
  EXPECT_EQ(FormatFooter(registry.FooterHints(View::kOverview, 28)),
            "? first  F10 second  l later");
  EXPECT_EQ(FormatFooter(registry.FooterHints(View::kOverview, 27)), "? first  F10 second");
  EXPECT_EQ(FormatFooter(registry.FooterHints(View::kOverview, 6)), "");
}

TEST(TuiKeyRegistry, ShippedFooterAt80Columns) {
  const KeyRegistry& registry = DefaultKeyRegistry();
  EXPECT_EQ(FormatFooter(registry.FooterHints(View::kTables, 80)),
            "? help  q quit  / filter  : command  Enter details  R reload  S suspend  > sort");
  EXPECT_EQ(FormatFooter(registry.ReadOnly().FooterHints(View::kTables, 80)),
            "? help  q quit  / filter  : command  Enter details  > sort  Space pause");
}

TEST(TuiKeyRegistry, ReadOnlyRemovesEveryStateChange) {
  const KeyRegistry readonly = DefaultKeyRegistry().ReadOnly();
  for (const KeyAction& action : readonly.actions()) {
    EXPECT_FALSE(action.changes_state) << action.id;
    EXPECT_FALSE(action.dangerous) << action.id;
  }
  EXPECT_EQ(readonly.Dispatch(View::kTables, Key::Char('R')), nullptr);
  EXPECT_EQ(readonly.Dispatch(View::kRunbooks, Key::Char('s')), nullptr);
  EXPECT_EQ(readonly.Dispatch(View::kTables, Key::Char('q'))->id, "quit");
  EXPECT_EQ(readonly.Dispatch(View::kExceptions, Key::Char('e'))->id, "export_exceptions");
  EXPECT_LT(readonly.actions().size(), DefaultKeyRegistry().actions().size());
}

TEST(TuiKeyRegistry, HelpListingHasEveryActionAndMarksDanger) {
  const std::vector<std::string> help = DefaultKeyRegistry().HelpListing();
  ASSERT_FALSE(help.empty());
  EXPECT_EQ(help[0], "Everywhere");
  EXPECT_EQ(help[1], "  ?, F1           help          Show every key and what it does");
  std::string all;
  for (const std::string& line : help) all += line + "\n";
  EXPECT_NE(all.find("\nTables\n"), std::string::npos);
  EXPECT_NE(all.find("  R               reload        Reload the selected table from the source "
                     "(truncates it on the target) [changes state] [dangerous: asks to confirm]"),
            std::string::npos);
  EXPECT_NE(all.find("  q, F10, Ctrl-C"), std::string::npos);
  for (const KeyAction& action : DefaultKeyRegistry().actions()) {
    EXPECT_NE(all.find(action.description), std::string::npos) << action.id;
  }
}

TEST(TuiKeyRegistry, ValidationRejectsDangerousActionOnHarmlessKeys) {
  for (const char* name : {"d", "Ctrl-D", "Space", "Enter", "j", "G", "PgDn"}) {
    const KeyRegistry registry({MakeAction("wipe", {*ParseKey(name)}, kAllViews, true)});
    const Status status = registry.Validate();
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_NE(status.message().find("action \"wipe\": dangerous action bound to " +
                                    std::string(name) + ", a key that is harmless in vim or less"),
              std::string::npos)
        << status.message();
  }
  // The same keys are fine for harmless actions, and capitals are fine for dangerous ones.
  EXPECT_TRUE(
      KeyRegistry({MakeAction("scroll", {Key::Ctrl('d')}, kAllViews, false)}).Validate().ok());
  EXPECT_TRUE(KeyRegistry({MakeAction("wipe", {Key::Char('D')}, kAllViews, true)}).Validate().ok());
}

TEST(TuiKeyRegistry, ValidationRejectsSharedKeyInOneView) {
  const KeyRegistry clash({
      MakeAction("a", {Key::Char('x')}, ViewBit(View::kTables) | ViewBit(View::kLogs)),
      MakeAction("b", {Key::Char('y'), Key::Char('x')}, ViewBit(View::kLogs)),
  });
  const Status status = clash.Validate();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "key registry: 1 problem(s)\n  actions \"a\" and \"b\" share x in Logs");
  // The same key in disjoint views is fine.
  EXPECT_TRUE(KeyRegistry({
                              MakeAction("a", {Key::Char('x')}, ViewBit(View::kTables)),
                              MakeAction("b", {Key::Char('x')}, ViewBit(View::kLogs)),
                          })
                  .Validate()
                  .ok());
}

TEST(TuiKeyRegistry, ValidationRejectsIncompleteEntries) {
  KeyAction bad = MakeAction("bad", {}, 0);
  bad.hint.clear();
  bad.description.clear();
  bad.dangerous = true;
  bad.changes_state = false;
  KeyAction tab_twin = MakeAction("tab_twin", {Key::Ctrl('i')}, kAllViews);
  const Status status =
      KeyRegistry({bad, MakeAction("bad", {Key::Char('z')}, kAllViews), tab_twin}).Validate();
  ASSERT_FALSE(status.ok());
  for (const char* expected :
       {"\"bad\": no keys", "\"bad\": no footer hint", "\"bad\": no description",
        "\"bad\": applies in no view", "\"bad\": dangerous but does not change state",
        "\"bad\": duplicate id", "\"tab_twin\": Ctrl-I cannot be told"}) {
    EXPECT_NE(status.message().find(expected), std::string::npos) << expected << "\n"
                                                                  << status.message();
  }
}

}  // namespace
}  // namespace switchyard::tui

namespace switchyard::tui {
namespace {

bool FooterHas(View view, const std::string& key) {
  for (const FooterHint& hint : DefaultKeyRegistry().FooterHints(view, 400)) {
    if (hint.key == key) return true;
  }
  return false;
}

// The footer shows the keys that work in the view, and no key that does nothing there.
TEST(TuiDefaultKeys, FooterOffersFilterAndDetailsOnlyWhereTheyWork) {
  EXPECT_FALSE(FooterHas(View::kOverview, "/"));
  EXPECT_FALSE(FooterHas(View::kRunbooks, "/"));
  for (const View view : {View::kTables, View::kExceptions, View::kLogs, View::kMessages}) {
    EXPECT_TRUE(FooterHas(view, "/")) << ViewName(view);
  }
  EXPECT_TRUE(FooterHas(View::kTables, "Enter"));
  EXPECT_TRUE(FooterHas(View::kExceptions, "Enter"));
  for (const View view : {View::kOverview, View::kLogs, View::kRunbooks, View::kMessages}) {
    EXPECT_FALSE(FooterHas(view, "Enter")) << ViewName(view);
  }
  EXPECT_NE(DefaultKeyRegistry().Dispatch(View::kHelp, Key::Char('/')), nullptr);
}

}  // namespace
}  // namespace switchyard::tui
