// Runs the console scenarios in tests/console/scenarios/*.scn (format: that folder's README):
// keys into a real ConsoleApp holding the fixed snapshot, frames rendered headless, and
// assertions on the screen text, the commands sent and quitting. Each file is one scenario;
// a failure names the file and line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tui/console_app.h"
#include "tui/headless_screen.h"
#include "tui/theme_curses.h"
#include "tui_fixture_snapshot.h"

namespace switchyard::tui {
namespace {

class RecordingSink : public CommandSink {
 public:
  Status Submit(const control::Command& command) override {
    commands.push_back(command);
    return Status::Ok();
  }
  std::vector<control::Command> commands;
};

// "reload shop.orders", "retry 17", "stop".
std::string Describe(const control::Command& command) {
  std::string text = control::CommandKindName(command.kind);
  if (command.exception_id != 0) return text + " " + std::to_string(command.exception_id);
  if (!command.table.empty()) text += " " + command.schema + "." + command.table;
  return text;
}

class Scenario {
 public:
  explicit Scenario(std::string file) : file_(std::move(file)) {}

  void Run() {
    std::ifstream in(file_);
    ASSERT_TRUE(in) << "cannot read " << file_;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      if (line.empty() || line[0] == '#') continue;
      SCOPED_TRACE(file_ + ":" + std::to_string(number) + ": " + line);
      const size_t space = line.find(' ');
      const std::string verb = line.substr(0, space);
      const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
      Step(verb, rest);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

 private:
  void Start() {
    if (app_) return;
    app_ = std::make_unique<ConsoleApp>(options_, &sink_);
    app_->SetEngineRunning(true);
    app_->SetScreenSize(cols_, lines_);
    app_->OnSnapshot(testing::FixtureSnapshot());
  }

  std::string Screen() {
    Start();
    auto screen = HeadlessScreen::Open({cols_, lines_, "xterm-256color"});
    EXPECT_TRUE(screen.ok()) << screen.status().message();
    if (!screen.ok()) return {};
    app_->InstallPalette();
    (*screen)->Render([&](CursesWindow* win) { app_->Render(win, testing::FixtureNow()); });
    std::string text;
    for (const std::string& row : (*screen)->Text()) text += row + "\n";
    return text;
  }

  void Step(const std::string& verb, const std::string& rest) {
    if (verb == "size") {
      ASSERT_EQ(std::sscanf(rest.c_str(), "%dx%d", &cols_, &lines_), 2);
      if (app_) app_->SetScreenSize(cols_, lines_);
    } else if (verb == "readonly" || verb == "attach") {
      ASSERT_FALSE(app_) << verb << " must come before the first key";
      (verb == "readonly" ? options_.readonly : options_.attach) = true;
    } else if (verb == "keys") {
      Start();
      std::istringstream names(rest);
      for (std::string name; names >> name;) {
        const auto key = ParseKey(name);
        ASSERT_TRUE(key.has_value()) << "unknown key name " << name;
        app_->OnKey(*key, testing::FixtureNow());
      }
    } else if (verb == "type") {
      Start();
      for (const char c : rest)
        app_->OnKey(Key::Char(static_cast<unsigned char>(c)), testing::FixtureNow());
    } else if (verb == "expect") {
      const std::string screen = Screen();
      EXPECT_NE(screen.find(rest), std::string::npos) << "not on screen:\n" << screen;
    } else if (verb == "expect-not") {
      const std::string screen = Screen();
      EXPECT_EQ(screen.find(rest), std::string::npos) << "on screen:\n" << screen;
    } else if (verb == "expect-command") {
      ASSERT_FALSE(sink_.commands.empty()) << "no command was sent";
      EXPECT_EQ(Describe(sink_.commands.back()), rest);
    } else if (verb == "expect-no-command") {
      EXPECT_TRUE(sink_.commands.empty()) << "sent: " << Describe(sink_.commands.back());
    } else if (verb == "expect-quit") {
      Start();
      EXPECT_TRUE(app_->quit());
    } else {
      FAIL() << "unknown directive " << verb;
    }
  }

  const std::string file_;
  ConsoleOptions options_;
  RecordingSink sink_;
  std::unique_ptr<ConsoleApp> app_;
  int cols_ = 80;
  int lines_ = 24;
};

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  const std::string dir = std::string(SWITCHYARD_SOURCE_DIR) + "/tests/console/scenarios";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".scn") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class TuiScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(TuiScenario, PlaysAsWritten) { Scenario(GetParam()).Run(); }

INSTANTIATE_TEST_SUITE_P(Files, TuiScenario, ::testing::ValuesIn(ScenarioFiles()),
                         [](const auto& info) {
                           std::string name = std::filesystem::path(info.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace switchyard::tui
