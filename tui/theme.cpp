#include "tui/theme.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace switchyard::tui {
namespace {

constexpr std::array<std::string_view, kRoleCount> kRoleNames = {
    "normal", "header", "footer", "key_hint", "title",  "border", "selected",
    "ok",     "warn",   "error",  "graph",    "dialog", "danger", "inactive",
};

constexpr std::array<std::string_view, 8> kColorNames = {"black", "red",     "green", "yellow",
                                                         "blue",  "magenta", "cyan",  "white"};

constexpr std::array<std::pair<std::string_view, uint8_t>, 4> kAttrNames = {{
    {"bold", kAttrBold},
    {"reverse", kAttrReverse},
    {"underline", kAttrUnderline},
    {"dim", kAttrDim},
}};

// Colour numbers used by the built-in theme.
constexpr int kBlack = 0, kRed = 1, kGreen = 2, kYellow = 3, kBlue = 4, kMagenta = 5, kCyan = 6,
              kWhite = 7;

RoleStyle Style(int fg8, int bg8, int fg256, int bg256, uint8_t attrs, uint8_t mono) {
  return RoleStyle{fg8, bg8, fg256, bg256, attrs, mono};
}

Theme MakeBuiltinTheme() {
  constexpr int d = kDefaultColor;
  Theme theme;
  theme.name = "builtin";
  theme.description = "Built-in dark defaults, used for any role a theme file leaves out";
  auto set = [&theme](Role role, RoleStyle style) {
    theme.roles[static_cast<size_t>(role)] = style;
  };
  set(Role::kNormal, Style(d, d, d, d, kAttrNone, kAttrNone));
  set(Role::kHeader, Style(kWhite, kBlue, 255, 24, kAttrBold, kAttrBold | kAttrReverse));
  set(Role::kFooter, Style(kBlack, kCyan, 16, 66, kAttrNone, kAttrReverse));
  set(Role::kKeyHint, Style(kYellow, d, 220, d, kAttrBold, kAttrBold));
  set(Role::kTitle, Style(kCyan, d, 81, d, kAttrBold, kAttrBold));
  set(Role::kBorder, Style(kBlue, d, 67, d, kAttrNone, kAttrNone));
  set(Role::kSelected, Style(kBlack, kCyan, 16, 117, kAttrNone, kAttrReverse));
  set(Role::kOk, Style(kGreen, d, 114, d, kAttrNone, kAttrNone));
  set(Role::kWarn, Style(kYellow, d, 214, d, kAttrBold, kAttrBold));
  set(Role::kError, Style(kRed, d, 203, d, kAttrBold, kAttrBold | kAttrUnderline));
  set(Role::kGraph, Style(kCyan, d, 80, d, kAttrNone, kAttrNone));
  set(Role::kDialog, Style(kWhite, kBlue, 255, 236, kAttrNone, kAttrReverse));
  set(Role::kDanger, Style(kWhite, kRed, 231, 160, kAttrBold, kAttrBold | kAttrReverse));
  set(Role::kInactive, Style(kWhite, d, 244, d, kAttrDim, kAttrDim));
  return theme;
}

std::string Describe(const nlohmann::json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  return value.dump();
}

Status PathError(const std::string& source, const std::string& path, const std::string& what) {
  return Status::InvalidArgument(source + ": " + path + ": " + what);
}

// One colour value: "default", a name, or a number in [0, max_number].
Result<int> ParseColor(const nlohmann::json& value, int max_number, const std::string& source,
                       const std::string& path) {
  const std::string expected =
      " is not a colour (default, a colour name or 0-" + std::to_string(max_number) + ")";
  if (value.is_string()) {
    const std::string name = value.get<std::string>();
    if (name == "default") return kDefaultColor;
    for (size_t index = 0; index < kColorNames.size(); ++index) {
      if (kColorNames[index] == name) return static_cast<int>(index);
    }
    return PathError(source, path, Describe(value) + expected);
  }
  if (value.is_number_integer()) {
    const auto number = value.get<int64_t>();
    if (number >= 0 && number <= max_number) return static_cast<int>(number);
  }
  return PathError(source, path, Describe(value) + expected);
}

// "fg" or "bg": a plain colour (both depths) or {"8": ..., "256": ...}.
Status ParseColorPair(const nlohmann::json& value, const std::string& source,
                      const std::string& path, int& out8, int& out256,
                      std::vector<std::string>& warnings) {
  if (!value.is_object()) {
    SY_ASSIGN_OR_RETURN(const int color256, ParseColor(value, 255, source, path));
    out256 = color256;
    out8 = color256 <= kWhite ? color256 : kDefaultColor;
    return Status::Ok();
  }
  bool has8 = false, has256 = false;
  for (const auto& [key, item] : value.items()) {
    const std::string item_path = path + "." + key;
    if (key == "8") {
      SY_ASSIGN_OR_RETURN(out8, ParseColor(item, kWhite, source, item_path));
      has8 = true;
    } else if (key == "256") {
      SY_ASSIGN_OR_RETURN(out256, ParseColor(item, 255, source, item_path));
      has256 = true;
    } else {
      warnings.push_back(source + ": " + item_path + ": unknown key (expected \"8\" or \"256\")");
    }
  }
  if (!has8 && !has256) {
    return PathError(source, path, "an object without \"8\" or \"256\"");
  }
  if (!has8) out8 = out256 <= kWhite ? out256 : kDefaultColor;
  if (!has256) out256 = out8;
  return Status::Ok();
}

Result<uint8_t> ParseAttrs(const nlohmann::json& value, const std::string& source,
                           const std::string& path) {
  if (!value.is_array()) {
    return PathError(source, path, Describe(value) + " is not a list of attributes");
  }
  uint8_t attrs = kAttrNone;
  for (size_t index = 0; index < value.size(); ++index) {
    const nlohmann::json& item = value[index];
    const std::string item_path = path + "[" + std::to_string(index) + "]";
    bool found = false;
    if (item.is_string()) {
      for (const auto& [name, bit] : kAttrNames) {
        if (item.get<std::string>() == name) {
          attrs |= bit;
          found = true;
        }
      }
    }
    if (!found) {
      return PathError(source, item_path,
                       Describe(item) + " is not an attribute (bold, reverse, underline, dim)");
    }
  }
  return attrs;
}

Status ParseRole(const nlohmann::json& value, const std::string& source, const std::string& path,
                 RoleStyle& style, std::vector<std::string>& warnings) {
  if (!value.is_object()) return PathError(source, path, Describe(value) + " is not an object");
  // A role the file defines starts from "no colour, no attributes", not from the built-in
  // style: a theme that writes {"fg": "red"} means exactly that.
  style = RoleStyle{};
  bool has_mono = false;
  for (const auto& [key, item] : value.items()) {
    const std::string item_path = path + "." + key;
    if (key == "fg") {
      SY_RETURN_IF_ERROR(ParseColorPair(item, source, item_path, style.fg8, style.fg256, warnings));
    } else if (key == "bg") {
      SY_RETURN_IF_ERROR(ParseColorPair(item, source, item_path, style.bg8, style.bg256, warnings));
    } else if (key == "attrs") {
      SY_ASSIGN_OR_RETURN(style.attrs, ParseAttrs(item, source, item_path));
    } else if (key == "mono") {
      SY_ASSIGN_OR_RETURN(style.mono, ParseAttrs(item, source, item_path));
      has_mono = true;
    } else {
      warnings.push_back(source + ": " + item_path +
                         ": unknown key (expected fg, bg, attrs or mono)");
    }
  }
  if (!has_mono) style.mono = style.attrs;
  return Status::Ok();
}

}  // namespace

std::string_view RoleName(Role role) { return kRoleNames[static_cast<size_t>(role)]; }

std::string_view ColorDepthName(ColorDepth depth) {
  switch (depth) {
    case ColorDepth::kMono:
      return "mono";
    case ColorDepth::k8:
      return "8";
    case ColorDepth::k256:
      return "256";
  }
  return "mono";
}

ResolvedStyle Resolve(const RoleStyle& style, ColorDepth depth) {
  switch (depth) {
    case ColorDepth::kMono:
      return ResolvedStyle{false, kDefaultColor, kDefaultColor, style.mono};
    case ColorDepth::k8:
      return ResolvedStyle{true, style.fg8, style.bg8, style.attrs};
    case ColorDepth::k256:
      return ResolvedStyle{true, style.fg256, style.bg256, style.attrs};
  }
  return ResolvedStyle{false, kDefaultColor, kDefaultColor, style.mono};
}

const Theme& BuiltinTheme() {
  static const Theme* const kTheme = new Theme(MakeBuiltinTheme());
  return *kTheme;
}

Result<LoadedTheme> ParseTheme(std::string_view json_text, const std::string& source) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    std::string what = e.what();
    const size_t tag = what.find("] ");
    if (tag != std::string::npos) what = what.substr(tag + 2);
    return Status::InvalidArgument(source + ": invalid JSON: " + what);
  }
  if (!root.is_object()) {
    return Status::InvalidArgument(source + ": " + Describe(root) + " is not an object");
  }
  LoadedTheme loaded;
  loaded.theme = BuiltinTheme();
  loaded.theme.name.clear();
  loaded.theme.description.clear();
  std::array<bool, kRoleCount> defined{};
  for (const auto& [key, value] : root.items()) {
    if (key == "name" || key == "description") {
      if (!value.is_string()) return PathError(source, key, Describe(value) + " is not a string");
      (key == "name" ? loaded.theme.name : loaded.theme.description) = value.get<std::string>();
    } else if (key == "roles") {
      if (!value.is_object()) {
        return PathError(source, "roles", Describe(value) + " is not an object");
      }
      for (const auto& [role_name, role_value] : value.items()) {
        const std::string path = "roles." + role_name;
        size_t index = 0;
        while (index < kRoleNames.size() && kRoleNames[index] != role_name) ++index;
        if (index == kRoleNames.size()) {
          loaded.warnings.push_back(source + ": " + path + ": unknown role");
          continue;
        }
        SY_RETURN_IF_ERROR(
            ParseRole(role_value, source, path, loaded.theme.roles[index], loaded.warnings));
        defined[index] = true;
      }
    } else {
      loaded.warnings.push_back(source + ": " + key +
                                ": unknown key (expected name, description or roles)");
    }
  }
  if (loaded.theme.name.empty()) return PathError(source, "name", "missing (expected a string)");
  for (size_t index = 0; index < kRoleNames.size(); ++index) {
    if (!defined[index]) loaded.defaulted_roles.emplace_back(kRoleNames[index]);
  }
  return loaded;
}

Result<LoadedTheme> LoadThemeFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError(file + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseTheme(text.str(), file);
}

std::string DefaultThemesDir() {
  const char* env = std::getenv("SWITCHYARD_THEMES_DIR");
  if (env != nullptr && *env != '\0') return env;
#ifdef SWITCHYARD_THEMES_DIR
  return SWITCHYARD_THEMES_DIR;
#else
  return "themes";
#endif
}

Result<LoadedTheme> LoadNamedTheme(const std::string& name_or_path, const std::string& themes_dir) {
  if (name_or_path.find('/') != std::string::npos) return LoadThemeFile(name_or_path);
  return LoadThemeFile(themes_dir + "/" + name_or_path + ".json");
}

const std::vector<std::string>& ShippedThemeNames() {
  static const std::vector<std::string>* const kNames =
      new std::vector<std::string>{"dark", "light", "high-contrast", "monochrome"};
  return *kNames;
}

bool NoColorRequested() {
  const char* value = std::getenv("NO_COLOR");
  return value != nullptr && *value != '\0';
}

}  // namespace switchyard::tui
