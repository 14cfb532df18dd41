// Behaviour of the console's key handling without a terminal: confirm dialogs (Cancel focused,
// Enter alone never confirms, the confirm key is never the opening key, typed names for the
// most dangerous actions), live refresh pausing under a dialog, --readonly, quitting while a
// task runs, the command line with completion, filters and sorting.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "tui/command_line.h"
#include "tui/console_app.h"
#include "tui/list_model.h"
#include "tui_fixture_snapshot.h"

namespace switchyard::tui {
namespace {

using control::Command;
using testing::FixtureNow;
using testing::FixtureSnapshot;

class RecordingSink : public CommandSink {
 public:
  Status Submit(const Command& command) override {
    commands.push_back(command);
    return Status::Ok();
  }
  std::vector<Command> commands;
};

class TuiConsoleApp : public ::testing::Test {
 protected:
  void SetUp() override { Start(ConsoleOptions{}); }
  void Start(ConsoleOptions options) {
    app_ = std::make_unique<ConsoleApp>(options, &sink_);
    app_->SetEngineRunning(true);
    app_->OnSnapshot(FixtureSnapshot());
  }
  void Press(Key key) { app_->OnKey(key, FixtureNow()); }
  void Type(const std::string& text) {
    for (const char c : text) Press(Key::Char(static_cast<unsigned char>(c)));
  }
  // Selects shop.orders in the Tables view (sorted by name it is the last row).
  void SelectOrders() {
    Press(Key::Char('2'));
    Press(Key::Char('G'));
  }
  const std::string& LastToast() { return app_->state().toasts.back().text; }

  RecordingSink sink_;
  std::unique_ptr<ConsoleApp> app_;
};

const Key kEnter = Key::Named(NamedKey::kEnter);
const Key kEsc = Key::Named(NamedKey::kEscape);

TEST_F(TuiConsoleApp, ReloadOpensADialogAndEnterAloneCancels) {
  SelectOrders();
  Press(Key::Char('R'));
  ASSERT_TRUE(app_->dialog_open());
  Press(kEnter);
  EXPECT_FALSE(app_->dialog_open());
  EXPECT_TRUE(sink_.commands.empty());
  EXPECT_EQ(LastToast(), "cancelled");
}

TEST_F(TuiConsoleApp, ReloadIsSentOnlyAfterTheTableNameIsTyped) {
  SelectOrders();
  Press(Key::Char('R'));
  Type("order");
  Press(kEnter);  // wrong name: stays open
  EXPECT_TRUE(app_->dialog_open());
  EXPECT_TRUE(sink_.commands.empty());
  Type("s");
  Press(kEnter);
  EXPECT_FALSE(app_->dialog_open());
  ASSERT_EQ(sink_.commands.size(), 1u);
  EXPECT_EQ(sink_.commands[0].kind, Command::Kind::kReloadTable);
  EXPECT_EQ(sink_.commands[0].schema, "shop");
  EXPECT_EQ(sink_.commands[0].table, "orders");
  EXPECT_EQ(LastToast(), "reload of shop.orders requested");
}

TEST_F(TuiConsoleApp, SuspendIsConfirmedWithAnotherKeyThanTheOneThatOpenedIt) {
  SelectOrders();
  Press(Key::Char('S'));
  ASSERT_TRUE(app_->dialog_open());
  Press(Key::Char('S'));  // the opening key again confirms nothing
  EXPECT_TRUE(app_->dialog_open());
  EXPECT_TRUE(sink_.commands.empty());
  Press(Key::Char('y'));
  ASSERT_EQ(sink_.commands.size(), 1u);
  EXPECT_EQ(sink_.commands[0].kind, Command::Kind::kSuspendTable);
}

TEST_F(TuiConsoleApp, RetryOpenedWithYIsConfirmedWithO) {
  Press(Key::Char('3'));
  Press(Key::Char('Y'));
  ASSERT_TRUE(app_->dialog_open());
  Press(Key::Char('y'));
  Press(Key::Char('Y'));
  EXPECT_TRUE(sink_.commands.empty());
  Press(Key::Char('o'));
  ASSERT_EQ(sink_.commands.size(), 1u);
  EXPECT_EQ(sink_.commands[0].kind, Command::Kind::kRetryApplyException);
  EXPECT_EQ(sink_.commands[0].exception_id, 17);
}

TEST_F(TuiConsoleApp, EscCancelsEveryDialog) {
  SelectOrders();
  Press(Key::Char('U'));
  Press(kEsc);
  EXPECT_FALSE(app_->dialog_open());
  EXPECT_TRUE(sink_.commands.empty());
}

TEST_F(TuiConsoleApp, LiveRefreshPausesWhileADialogIsOpen) {
  SelectOrders();
  Press(Key::Char('S'));
  auto newer = std::make_shared<control::EngineSnapshot>(*FixtureSnapshot());
  newer->tables.clear();
  EXPECT_FALSE(app_->OnSnapshot(newer));
  EXPECT_EQ(app_->snapshot().tables.size(), 5u);
  Press(kEsc);
  EXPECT_TRUE(app_->OnSnapshot(newer));
  EXPECT_TRUE(app_->snapshot().tables.empty());
}

TEST_F(TuiConsoleApp, StopTaskNeedsTheTaskIdTyped) {
  Press(Key::Char('X'));
  ASSERT_TRUE(app_->dialog_open());
  Type("shop-migration");
  Press(kEnter);
  ASSERT_EQ(sink_.commands.size(), 1u);
  EXPECT_EQ(sink_.commands[0].kind, Command::Kind::kStopTask);
}

TEST_F(TuiConsoleApp, ReadOnlyHasNoReloadAndSaysSo) {
  ConsoleOptions options;
  options.readonly = true;
  Start(options);
  SelectOrders();
  Press(Key::Char('R'));
  EXPECT_FALSE(app_->dialog_open());
  EXPECT_EQ(LastToast(), "read-only console: reload is not available");
  Press(Key::Char(':'));
  Type("reload shop.orders");
  Press(kEnter);
  EXPECT_FALSE(app_->dialog_open());
  EXPECT_EQ(LastToast(), "read-only console: :reload is not available");
  EXPECT_TRUE(sink_.commands.empty());
}

TEST_F(TuiConsoleApp, QuitWhileTheTaskRunsAsksAndStopsGracefully) {
  Press(Key::Char('q'));
  ASSERT_TRUE(app_->dialog_open());
  EXPECT_FALSE(app_->quit());
  Press(kEnter);  // Cancel is focused
  EXPECT_FALSE(app_->dialog_open());
  EXPECT_FALSE(app_->quit());
  Press(Key::Ctrl('c'));  // Ctrl-C asks the same
  ASSERT_TRUE(app_->dialog_open());
  Press(Key::Char('s'));
  ASSERT_EQ(sink_.commands.size(), 1u);
  EXPECT_EQ(sink_.commands[0].kind, Command::Kind::kStopTask);
  EXPECT_TRUE(app_->quit_after_stop());
}

TEST_F(TuiConsoleApp, AttachedQuitCanLeaveTheEngineRunning) {
  ConsoleOptions options;
  options.attach = true;
  Start(options);  // the fixture's engine_running is true
  Press(Key::Char('q'));
  ASSERT_TRUE(app_->dialog_open());
  Press(Key::Char('l'));
  EXPECT_TRUE(app_->quit());
  EXPECT_TRUE(sink_.commands.empty());
}

TEST_F(TuiConsoleApp, QuitWithoutARunningTaskQuitsAtOnce) {
  app_->SetEngineRunning(false);
  Press(Key::Char('q'));
  EXPECT_TRUE(app_->quit());
}

TEST_F(TuiConsoleApp, QOnAnotherViewGoesBackToTheOverview) {
  Press(Key::Char('4'));
  Press(Key::Char('q'));
  EXPECT_EQ(app_->state().view, View::kOverview);
  EXPECT_FALSE(app_->quit());
}

TEST_F(TuiConsoleApp, CommandLineCompletesTableNamesAndOpensTheReloadDialog) {
  Press(Key::Char(':'));
  Type("rel");
  Press(Key::Named(NamedKey::kTab));
  Type("ord");
  Press(Key::Named(NamedKey::kTab));  // "order_items" and "orders": the common prefix
  Type("s");
  Press(kEnter);
  ASSERT_TRUE(app_->dialog_open());
  Type("orders");
  Press(kEnter);
  ASSERT_EQ(sink_.commands.size(), 1u);
  EXPECT_EQ(sink_.commands[0].table, "orders");
}

TEST_F(TuiConsoleApp, ReloadCommandTakesTheTargetNameToo) {
  Press(Key::Char(':'));
  Type("reload public.orders");  // MySQL's shop.orders lands in PostgreSQL's public schema
  Press(kEnter);
  ASSERT_TRUE(app_->dialog_open());
  Type("orders");
  Press(kEnter);
  ASSERT_EQ(sink_.commands.size(), 1u);
  EXPECT_EQ(sink_.commands[0].schema, "shop");
  EXPECT_EQ(sink_.commands[0].table, "orders");
}

TEST_F(TuiConsoleApp, UnknownCommandSaysSo) {
  Press(Key::Char(':'));
  Type("relod x");
  Press(kEnter);
  EXPECT_EQ(LastToast(), "unknown command \"relod\" (Tab completes)");
}

TEST_F(TuiConsoleApp, FilterAndSortChangeTheTableRows) {
  Press(Key::Char('2'));
  Press(Key::Char('/'));
  Type("shop.or");
  Press(kEnter);
  auto rows = VisibleTables(app_->snapshot(), app_->state().tables);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]->table_name, "order_items");
  Press(kEsc);            // clears the filter
  Press(Key::Char('>'));  // sort by State
  Press(Key::Char('>'));  // by FullLoadRows
  Press(Key::Char('I'));  // descending
  rows = VisibleTables(app_->snapshot(), app_->state().tables);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0]->table_name, "orders");
}

TEST_F(TuiConsoleApp, ClicksSelectTabsAndRows) {
  app_->SetScreenSize(80, 24);
  EXPECT_TRUE(app_->OnClick(15, 1, FixtureNow()));  // " 2 Tables " starts at x 14
  EXPECT_EQ(app_->state().view, View::kTables);
  EXPECT_TRUE(app_->OnClick(10, 6, FixtureNow()));  // rows start at y 4: the third table
  EXPECT_EQ(app_->state().tables.list.selected, 2);
  EXPECT_FALSE(app_->state().tables.list.detail);
  EXPECT_TRUE(app_->OnClick(10, 6, FixtureNow()));  // again: its detail
  EXPECT_TRUE(app_->state().tables.list.detail);
  EXPECT_FALSE(app_->OnClick(10, 20, FixtureNow()));  // nothing there
}

TEST_F(TuiConsoleApp, ExportWritesEveryApplyExceptionAsAJsonLine) {
  char pattern[] = "/tmp/sy-export-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  ConsoleOptions options;
  options.export_dir = dir;
  Start(options);
  Press(Key::Char('3'));
  Press(Key::Char('e'));
  const std::string prefix = "exported 2 apply exceptions to " + dir + "/apply-exceptions-";
  ASSERT_EQ(LastToast().rfind(prefix, 0), 0u) << LastToast();
  std::ifstream in(LastToast().substr(std::string("exported 2 apply exceptions to ").size()));
  std::string first;
  ASSERT_TRUE(std::getline(in, first));
  EXPECT_NE(first.find("\"statement\":\"INSERT INTO"), std::string::npos) << first;
  std::filesystem::remove_all(dir);
}

TEST_F(TuiConsoleApp, LogFiltersBySeverityAndComponent) {
  Press(Key::Char('4'));
  EXPECT_EQ(VisibleLogs(app_->snapshot(), app_->state().logs).size(), 6u);
  Press(Key::Char('v'));  // debug and worse
  Press(Key::Char('v'));  // info and worse
  EXPECT_EQ(VisibleLogs(app_->snapshot(), app_->state().logs).size(), 5u);
  Press(Key::Char('v'));  // warnings and errors
  EXPECT_EQ(VisibleLogs(app_->snapshot(), app_->state().logs).size(), 2u);
  Press(Key::Char('c'));  // the first component with lines: SOURCE_UNLOAD, none at warning
  EXPECT_EQ(VisibleLogs(app_->snapshot(), app_->state().logs).size(), 0u);
  Press(Key::Char('/'));
  Type("duplicate");
  Press(kEnter);
  EXPECT_EQ(app_->state().logs.search, "duplicate");
}

TEST_F(TuiConsoleApp, ThemeCommandSwitchesOrSaysWhy) {
  Press(Key::Char(':'));
  Type("theme light");
  Press(kEnter);
  EXPECT_EQ(LastToast(), "theme light");
  Press(Key::Char(':'));
  Type("theme no-such-theme");
  Press(kEnter);
  EXPECT_EQ(app_->state().toasts.back().level, ToastLevel::kError);
}

TEST_F(TuiConsoleApp, SlashInHelpSearchesTheKeysAndEscClearsThenCloses) {
  Press(Key::Char('4'));
  Press(Key::Char('?'));
  Press(Key::Char('/'));
  Type("reload");
  EXPECT_EQ(app_->state().help_filter, "reload");  // live, as it is typed
  Press(kEnter);
  EXPECT_EQ(app_->state().view, View::kHelp);
  EXPECT_EQ(app_->state().help_filter, "reload");
  Press(kEsc);  // clears the search, stays in help
  EXPECT_EQ(app_->state().view, View::kHelp);
  EXPECT_EQ(app_->state().help_filter, "");
  Press(kEsc);  // back where help was opened
  EXPECT_EQ(app_->state().view, View::kLogs);
}

TEST_F(TuiConsoleApp, HelpSearchStartsEmptyEachTimeHelpOpens) {
  Press(Key::Char('?'));
  Press(Key::Char('/'));
  Type("quit");
  Press(kEnter);
  Press(Key::Char('q'));  // closes help with the search still set
  EXPECT_EQ(app_->state().view, View::kOverview);
  Press(Key::Char('?'));
  EXPECT_EQ(app_->state().help_filter, "");
}

TEST_F(TuiConsoleApp, HelpScrollStopsAtTheLastLine) {
  app_->SetScreenSize(80, 24);
  Press(Key::Char('?'));
  Press(Key::Char('G'));
  const int bottom = app_->state().help_scroll;
  const int lines = static_cast<int>(HelpLines(DefaultKeyRegistry(), "", 80).size());
  EXPECT_EQ(bottom, lines - 19);  // 24 rows less header, tabs, status, footer and the title
  Press(Key::Char('j'));
  EXPECT_EQ(app_->state().help_scroll, bottom);
  Press(Key::Char('k'));  // moves at once, not after undoing presses beyond the end
  EXPECT_EQ(app_->state().help_scroll, bottom - 1);
}

TEST(TuiHelpListing, LongDescriptionsWrapUnderTheirColumnSoNothingIsCutAt80Columns) {
  const auto lines = HelpLines(DefaultKeyRegistry(), "", 80);
  int dangerous = 0;
  for (const std::string& line : lines) {
    EXPECT_LE(line.size(), 80u) << line;
    dangerous += line.find("[dangerous: asks to confirm]") != std::string::npos;
  }
  int expected = 0;
  for (const KeyAction& action : DefaultKeyRegistry().actions()) expected += action.dangerous;
  EXPECT_EQ(dangerous, expected);
  // A continuation starts at the description column.
  const auto quit = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.rfind("  q, F10, Ctrl-C", 0) == 0;
  });
  ASSERT_NE(quit, lines.end());
  ASSERT_NE(quit + 1, lines.end());
  EXPECT_EQ((quit + 1)->find_first_not_of(' '), static_cast<size_t>(kHelpDescriptionColumn));
}

TEST(TuiHelpListing, FilterKeepsMatchingKeysUnderTheirGroupTitles) {
  const std::vector<std::string> listing = {
      "Everywhere",
      "  q      quit     Leave",
      "  ?      help     Show keys",
      "",
      "Tables",
      "  R      reload   Reload the table",
      "",
      "Logs",
      "  f      follow   Follow the tail",
  };
  EXPECT_EQ(FilterHelpListing(listing, ""), listing);
  EXPECT_EQ(FilterHelpListing(listing, "RELOAD"),
            (std::vector<std::string>{"Tables", "  R      reload   Reload the table"}));
  EXPECT_EQ(FilterHelpListing(listing, "t"),
            (std::vector<std::string>{"Everywhere", "  q      quit     Leave", "", "Tables",
                                      "  R      reload   Reload the table", "", "Logs",
                                      "  f      follow   Follow the tail"}));
  // A group title alone never matches: "Logs" has no key line with "logs" in it.
  EXPECT_TRUE(FilterHelpListing(listing, "logs").empty());
  EXPECT_EQ(FilterHelpListing(listing, "!e"),
            (std::vector<std::string>{}));  // every key line has an "e"
}

TEST_F(TuiConsoleApp, SlashFiltersMessagesAndEscClearsIt) {
  app_->Notify(ToastLevel::kInfo, "theme dark", FixtureNow());
  app_->Notify(ToastLevel::kError, "reload of shop.orders failed", FixtureNow());
  app_->Notify(ToastLevel::kInfo, "cancelled", FixtureNow());
  Press(Key::Char('6'));
  Press(Key::Char('/'));
  Type("error");  // the level's name matches too
  Press(kEnter);
  auto rows = VisibleToasts(app_->state().toasts, app_->state().messages);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]->text, "reload of shop.orders failed");
  Press(kEsc);
  EXPECT_EQ(app_->state().messages.filter, "");
  rows = VisibleToasts(app_->state().toasts, app_->state().messages);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]->text, "cancelled");  // newest first
}

TEST_F(TuiConsoleApp, AFooterKeyPressedWhereItDoesNothingSaysWhereItWorks) {
  Press(Key::Char('/'));  // the Overview has no list
  EXPECT_EQ(LastToast(), "/ filter works in Tables, Exceptions, Logs, Messages, Help");
  Press(Key::Char('R'));
  EXPECT_EQ(LastToast(), "R reload works in Tables");
  const size_t toasts = app_->state().toasts.size();
  EXPECT_FALSE(app_->OnKey(Key::Char('j'), FixtureNow()));  // plain navigation stays quiet
  EXPECT_EQ(app_->state().toasts.size(), toasts);
}

TEST(TuiCommandLine, ParsesAndCompletes) {
  auto parsed = ParseCommandLine("reload shop.orders");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->verb, "reload");
  EXPECT_EQ(parsed->argument, "shop.orders");
  EXPECT_EQ(ParseCommandLine("q")->verb, "quit");
  EXPECT_EQ(ParseCommandLine("reload").status().message(),
            "reload needs a table: :reload SCHEMA.TABLE");
  EXPECT_EQ(ParseCommandLine("stop now").status().message(), "stop takes no argument");
  const std::vector<std::string> tables = {"shop.orders", "shop.order_items"};
  const std::vector<std::string> themes = {"dark", "light"};
  EXPECT_EQ(Complete("th", CompletionCandidates("th", tables, themes)), "theme ");
  EXPECT_EQ(Complete("theme l", CompletionCandidates("theme l", tables, themes)), "theme light");
  EXPECT_EQ(Complete("reload orders", CompletionCandidates("reload orders", tables, themes)),
            "reload shop.orders");
}

TEST(TuiConfirmDialog, ConfirmKeyIsNeverTheOpeningKey) {
  EXPECT_EQ(ConfirmKeyFor(Key::Char('R')), Key::Char('y'));
  EXPECT_EQ(ConfirmKeyFor(Key::Char('Y')), Key::Char('o'));
  EXPECT_EQ(ConfirmKeyFor(Key::Char('y')), Key::Char('o'));
}

}  // namespace
}  // namespace switchyard::tui
