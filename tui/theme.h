// Colour themes as data (themes/*.json), keyed by semantic role rather than by widget, with
// values for 8-colour and 256-colour terminals and attributes for monochrome. Loading never
// leaves a role undefined: a role the file does not mention takes the built-in default (btop's
// fallback), an unknown key is a warning, and a malformed file is an error naming the file and
// the JSON path.
//
// The file format (themes/README.md documents it for theme authors):
//   {
//     "name": "dark",
//     "description": "...",
//     "roles": {
//       "header":   { "fg": {"8": "white", "256": 252}, "bg": {"8": "blue", "256": 24},
//                     "attrs": ["bold"], "mono": ["bold", "reverse"] },
//       "selected": { "fg": "black", "bg": "cyan", "attrs": [], "mono": ["reverse"] },
//       ...
//     }
//   }
// A colour is "default" (the terminal's own), one of the eight names black, red, green, yellow,
// blue, magenta, cyan, white, or a number 0-255 (0-7 in an "8" entry). A plain colour value is
// used for both depths; an object may give "8" and "256" separately (either may be left out and
// then falls back to the other, a 256-only number falling back to "default" on 8 colours).
// "attrs" apply with colour, "mono" without (NO_COLOR, --no-color, monochrome terminals); both
// take "bold", "reverse", "underline", "dim". "mono" defaults to "attrs".
//
// Pure data and functions, no curses (tui/theme_curses.h installs a theme); thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace switchyard::tui {

// Semantic roles. Keep kRoleNames in theme.cpp and themes/README.md in step.
enum class Role : uint8_t {
  kNormal,    // body text
  kHeader,    // the summary lines at the top
  kFooter,    // the hint bar's labels
  kKeyHint,   // the key names in the hint bar and on the help screen
  kTitle,     // box and view titles
  kBorder,    // box lines
  kSelected,  // the selected row
  kOk,        // state: fine (always with a glyph or word too)
  kWarn,      // state: needs attention (LAG)
  kError,     // state: failed (ERR)
  kGraph,     // graph glyphs
  kDialog,    // confirm dialogs
  kDanger,    // destructive action text and the read-only badge
  kInactive,  // disabled or hidden things
};
inline constexpr int kRoleCount = 14;

// "normal", "header", "footer", "key_hint", "title", "border", "selected", "ok", "warn",
// "error", "graph", "dialog", "danger", "inactive".
std::string_view RoleName(Role role);

// What the terminal can show. Detected by DetectColorDepth (theme_curses.h).
enum class ColorDepth { kMono, k8, k256 };
std::string_view ColorDepthName(ColorDepth depth);  // "mono", "8", "256"

// Attribute bits, independent of curses.
enum AttrBits : uint8_t {
  kAttrNone = 0,
  kAttrBold = 1,
  kAttrReverse = 2,
  kAttrUnderline = 4,
  kAttrDim = 8,
};

inline constexpr int kDefaultColor = -1;  // the terminal's own foreground/background

struct RoleStyle {
  int fg8 = kDefaultColor;  // 0-7 or kDefaultColor
  int bg8 = kDefaultColor;
  int fg256 = kDefaultColor;  // 0-255 or kDefaultColor
  int bg256 = kDefaultColor;
  uint8_t attrs = kAttrNone;  // with colour
  uint8_t mono = kAttrNone;   // without colour
};

struct Theme {
  std::string name;
  std::string description;
  std::array<RoleStyle, kRoleCount> roles{};
  const RoleStyle& style(Role role) const { return roles[static_cast<size_t>(role)]; }
};

// What one terminal cell style resolves to at a colour depth: fg/bg -1 and use_color false
// at kMono, so no colour pair is ever used without colour.
struct ResolvedStyle {
  bool use_color = false;
  int fg = kDefaultColor;
  int bg = kDefaultColor;
  uint8_t attrs = kAttrNone;
};
ResolvedStyle Resolve(const RoleStyle& style, ColorDepth depth);

// The built-in dark theme; every loaded theme starts from it.
const Theme& BuiltinTheme();

struct LoadedTheme {
  Theme theme;
  std::vector<std::string> warnings;         // "themes/x.json: roles.hedaer: unknown role"
  std::vector<std::string> defaulted_roles;  // roles the file did not define
};

// Parses theme JSON text; `source` (usually the file name) prefixes every message.
// Errors (InvalidArgument), one per call, the first found:
//   "<source>: invalid JSON: parse error at line 3, column 5: ..."
//   "<source>: roles.header.fg.256: 300 is not a colour (default, a colour name or 0-255)"
//   "<source>: roles.ok.attrs[1]: \"blink\" is not an attribute (bold, reverse, underline, dim)"
Result<LoadedTheme> ParseTheme(std::string_view json_text, const std::string& source);

// Reads and parses a file. Error when unreadable: "<file>: cannot read: <OS error>".
Result<LoadedTheme> LoadThemeFile(const std::string& file);

// The directory compiled in as SWITCHYARD_THEMES_DIR (the source tree's themes/), unless the
// SWITCHYARD_THEMES_DIR environment variable overrides it.
std::string DefaultThemesDir();

// Finds a theme by name in `themes_dir` (<dir>/<name>.json) and loads it. A name containing '/'
// is taken as a path.
Result<LoadedTheme> LoadNamedTheme(const std::string& name_or_path,
                                   const std::string& themes_dir = DefaultThemesDir());

// The names shipped in themes/: dark (default), light, high-contrast, monochrome.
const std::vector<std::string>& ShippedThemeNames();

// True when NO_COLOR is set to a non-empty value (https://no-color.org, htop PR #1876).
bool NoColorRequested();

}  // namespace switchyard::tui
