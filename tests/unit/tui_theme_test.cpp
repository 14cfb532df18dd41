#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "tui/headless_screen.h"
#include "tui/theme.h"
#include "tui/theme_curses.h"

namespace switchyard::tui {
namespace {

const std::string kThemesDir = std::string(SWITCHYARD_SOURCE_DIR) + "/themes";

TEST(TuiTheme, EveryShippedThemeLoadsWithoutWarningsAndDefinesEveryRole) {
  ASSERT_EQ(ShippedThemeNames().size(), 4u);
  for (const std::string& name : ShippedThemeNames()) {
    const auto loaded = LoadNamedTheme(name, kThemesDir);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    EXPECT_EQ(loaded->theme.name, name);
    EXPECT_FALSE(loaded->theme.description.empty()) << name;
    EXPECT_TRUE(loaded->warnings.empty()) << name << ": " << loaded->warnings.front();
    EXPECT_TRUE(loaded->defaulted_roles.empty()) << name << ": " << loaded->defaulted_roles.front();
  }
}

TEST(TuiTheme, DarkThemeFileMatchesTheBuiltinDefaults) {
  const auto dark = LoadNamedTheme("dark", kThemesDir);
  ASSERT_TRUE(dark.ok());
  for (int index = 0; index < kRoleCount; ++index) {
    const RoleStyle& file = dark->theme.roles[static_cast<size_t>(index)];
    const RoleStyle& builtin = BuiltinTheme().roles[static_cast<size_t>(index)];
    EXPECT_EQ(file.fg8, builtin.fg8) << RoleName(static_cast<Role>(index));
    EXPECT_EQ(file.bg8, builtin.bg8) << RoleName(static_cast<Role>(index));
    EXPECT_EQ(file.fg256, builtin.fg256) << RoleName(static_cast<Role>(index));
    EXPECT_EQ(file.bg256, builtin.bg256) << RoleName(static_cast<Role>(index));
    EXPECT_EQ(file.attrs, builtin.attrs) << RoleName(static_cast<Role>(index));
    EXPECT_EQ(file.mono, builtin.mono) << RoleName(static_cast<Role>(index));
  }
}

TEST(TuiTheme, SelectionAndErrorsStayVisibleWithoutColour) {
  for (const std::string& name : ShippedThemeNames()) {
    const auto loaded = LoadNamedTheme(name, kThemesDir);
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(loaded->theme.style(Role::kSelected).mono & kAttrReverse) << name;
    EXPECT_NE(loaded->theme.style(Role::kError).mono, kAttrNone) << name;
    EXPECT_NE(loaded->theme.style(Role::kDanger).mono, kAttrNone) << name;
  }
}

TEST(TuiTheme, MissingRolesFallBackToBuiltinDefaults) {
  const auto loaded = ParseTheme(R"({"name": "tiny", "roles": {"ok": {"fg": "red"}}})", "t.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_TRUE(loaded->warnings.empty());
  EXPECT_EQ(loaded->defaulted_roles.size(), static_cast<size_t>(kRoleCount - 1));
  const RoleStyle& ok = loaded->theme.style(Role::kOk);
  EXPECT_EQ(ok.fg8, 1);
  EXPECT_EQ(ok.fg256, 1);
  EXPECT_EQ(ok.bg256, kDefaultColor);
  EXPECT_EQ(ok.attrs, kAttrNone);
  const RoleStyle& header = loaded->theme.style(Role::kHeader);
  EXPECT_EQ(header.fg256, BuiltinTheme().style(Role::kHeader).fg256);
  EXPECT_EQ(header.mono, BuiltinTheme().style(Role::kHeader).mono);
}

TEST(TuiTheme, ColourValuesPerDepth) {
  const auto loaded = ParseTheme(R"({"name": "x", "roles": {
      "graph": {"fg": {"256": 208}, "bg": {"8": "blue"}, "attrs": ["bold"]},
      "warn": {"fg": 3, "mono": ["underline", "dim"]}}})",
                                 "x.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const RoleStyle& graph = loaded->theme.style(Role::kGraph);
  EXPECT_EQ(graph.fg256, 208);
  EXPECT_EQ(graph.fg8, kDefaultColor);  // 208 has no 8-colour equivalent
  EXPECT_EQ(graph.bg8, 4);
  EXPECT_EQ(graph.bg256, 4);
  EXPECT_EQ(graph.mono, kAttrBold);  // mono defaults to attrs
  EXPECT_EQ(loaded->theme.style(Role::kWarn).mono, kAttrUnderline | kAttrDim);

  const ResolvedStyle at256 = Resolve(graph, ColorDepth::k256);
  EXPECT_TRUE(at256.use_color);
  EXPECT_EQ(at256.fg, 208);
  const ResolvedStyle at8 = Resolve(graph, ColorDepth::k8);
  EXPECT_EQ(at8.fg, kDefaultColor);
  EXPECT_EQ(at8.bg, 4);
  const ResolvedStyle mono = Resolve(graph, ColorDepth::kMono);
  EXPECT_FALSE(mono.use_color);
  EXPECT_EQ(mono.fg, kDefaultColor);
  EXPECT_EQ(mono.bg, kDefaultColor);
}

TEST(TuiTheme, UnknownKeysAndRolesAreWarnings) {
  const auto loaded = ParseTheme(
      R"({"name": "x", "author": "me", "roles": {"hedaer": {}, "ok": {"fg": "green", "blink": 1}}})",
      "x.json");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->warnings,
            (std::vector<std::string>{
                "x.json: author: unknown key (expected name, description or roles)",
                "x.json: roles.hedaer: unknown role",
                "x.json: roles.ok.blink: unknown key (expected fg, bg, attrs or mono)"}));
}

TEST(TuiTheme, MalformedThemesNameFileAndJsonPath) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {R"({"name": "x", "roles": {"header": {"fg": {"256": 300}}}})",
       "bad.json: roles.header.fg.256: 300 is not a colour (default, a colour name or 0-255)"},
      {R"({"name": "x", "roles": {"header": {"bg": {"8": 9}}}})",
       "bad.json: roles.header.bg.8: 9 is not a colour (default, a colour name or 0-7)"},
      {R"({"name": "x", "roles": {"ok": {"fg": "grean"}}})",
       "bad.json: roles.ok.fg: \"grean\" is not a colour (default, a colour name or 0-255)"},
      {R"({"name": "x", "roles": {"ok": {"attrs": ["bold", "blink"]}}})",
       "bad.json: roles.ok.attrs[1]: \"blink\" is not an attribute (bold, reverse, underline, "
       "dim)"},
      {R"({"name": "x", "roles": {"ok": "green"}})",
       "bad.json: roles.ok: \"green\" is not an object"},
      {R"({"name": "x", "roles": []})", "bad.json: roles: an array is not an object"},
      {R"({"roles": {}})", "bad.json: name: missing (expected a string)"},
      {"{\"name\": \"x\",\n \"roles\": {,}}",
       "bad.json: invalid JSON: parse error at line 2, column 12: syntax error while parsing "
       "object key - unexpected ','; expected string literal"},
  };
  for (const Case& test_case : cases) {
    const auto loaded = ParseTheme(test_case.json, "bad.json");
    ASSERT_FALSE(loaded.ok()) << test_case.json;
    EXPECT_EQ(loaded.status().message(), test_case.message);
  }
}

TEST(TuiTheme, UnreadableFileAndUnknownName) {
  const auto missing = LoadNamedTheme("no-such-theme", kThemesDir);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            kThemesDir + "/no-such-theme.json: cannot read: No such file or directory");
}

TEST(TuiTheme, ColourDepthChoice) {
  EXPECT_EQ(ChooseColorDepth(true, 256, false), ColorDepth::k256);
  EXPECT_EQ(ChooseColorDepth(true, 88, false), ColorDepth::k8);
  EXPECT_EQ(ChooseColorDepth(true, 8, false), ColorDepth::k8);
  EXPECT_EQ(ChooseColorDepth(false, 0, false), ColorDepth::kMono);
  EXPECT_EQ(ChooseColorDepth(true, 256, true), ColorDepth::kMono);
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

TEST(TuiTheme, DetectsDepthFromTheTerminal) {
  ScopedEnv no_color("NO_COLOR", nullptr);
  struct Case {
    const char* term;
    ColorDepth depth;
  };
  for (const Case& test_case : {Case{"xterm-256color", ColorDepth::k256},
                                Case{"xterm", ColorDepth::k8}, Case{"vt100", ColorDepth::kMono}}) {
    auto screen = HeadlessScreen::Open({80, 24, test_case.term});
    ASSERT_TRUE(screen.ok()) << screen.status().message();
    EXPECT_EQ(DetectColorDepth(), test_case.depth) << test_case.term;
    EXPECT_EQ(DetectColorDepth(/*no_color_flag=*/true), ColorDepth::kMono) << test_case.term;
  }
}

TEST(TuiTheme, NoColorMeansNoColourPairs) {
  ScopedEnv no_color("NO_COLOR", "1");
  EXPECT_TRUE(NoColorRequested());
  auto screen = HeadlessScreen::Open({80, 24, "xterm-256color"});
  ASSERT_TRUE(screen.ok());
  const ColorDepth depth = DetectColorDepth();
  EXPECT_EQ(depth, ColorDepth::kMono);
  const Palette palette = InstallTheme(BuiltinTheme(), depth);
  for (int index = 0; index < kRoleCount; ++index) {
    EXPECT_EQ(palette.pairs[static_cast<size_t>(index)], 0);
  }
  // Mono attributes only: the selection is reverse, no role carries colour bits.
  const auto selected = palette[Role::kSelected];
  EXPECT_NE(selected, 0u);
  (*screen)->Render([&](CursesWindow* win) {
    for (int index = 0; index < kRoleCount; ++index) {
      DrawText(win, index, 0, std::string(RoleName(static_cast<Role>(index))),
               palette.attrs[static_cast<size_t>(index)]);
    }
  });
  for (const std::string& line : (*screen)->Attributes().legend) {
    EXPECT_EQ(line.find("pair"), std::string::npos) << line;
  }
}

TEST(TuiTheme, NoColorEmptyValueIsIgnored) {
  ScopedEnv no_color("NO_COLOR", "");
  EXPECT_FALSE(NoColorRequested());
}

TEST(TuiTheme, InstallsOnePairPerRoleWithColour) {
  ScopedEnv no_color("NO_COLOR", nullptr);
  auto screen = HeadlessScreen::Open({80, 24, "xterm-256color"});
  ASSERT_TRUE(screen.ok());
  const Palette palette = InstallTheme(BuiltinTheme(), DetectColorDepth());
  EXPECT_EQ(palette.depth, ColorDepth::k256);
  for (int index = 0; index < kRoleCount; ++index) {
    EXPECT_EQ(palette.pairs[static_cast<size_t>(index)], index + 1);
  }
}

}  // namespace
}  // namespace switchyard::tui
