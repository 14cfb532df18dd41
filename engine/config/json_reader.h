// Path-tracking access to the JSON of a task file, so that every error names the JSON path, the
// offending value and what was expected, and every key nobody read becomes a warning.
//
// Error shapes (the CLI prints them as they are and exits 2):
//   SourceEndpoint.Port: "abc" is not an integer between 1 and 65535
//   TargetEndpoint.ServerName: missing (expected a host name)
//   TableMappings.rules[2].rule-action: "renam" is not one of rename, remove-column, ...
//
// An ObjectReader borrows the JSON object it reads; the object must outlive it. Not thread-safe
// (nothing in config/ is; parsing happens once at start-up).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/status.h"

namespace switchyard::config {

// "a" + "b" -> "a.b"; "" + "b" -> "b".
std::string JoinPath(std::string_view path, std::string_view key);
// "a" + 2 -> "a[2]".
std::string IndexPath(std::string_view path, size_t index);

// A JSON value as shown in messages: strings quoted (and cut at 80 characters), numbers and
// booleans as written, "null", "an object", "an array".
std::string DescribeJson(const nlohmann::json& value);

// "<path>: <value> is not <expected>".
Status NotA(std::string_view path, const nlohmann::json& value, std::string_view expected);
// "<path>: missing (expected <expected>)".
Status Missing(std::string_view path, std::string_view expected);
// "<path>: <message>".
Status PathError(std::string_view path, std::string_view message);

// Parses JSON text; `source_name` (a file name, or a JSON path for embedded text) prefixes the
// parser's message, which carries the line and column.
Result<nlohmann::json> ParseJsonText(const std::string& text, const std::string& source_name);
// Reads a whole file. Errors: "<json_path>: cannot read <file>: <OS error>".
Result<std::string> ReadTextFile(const std::string& file, const std::string& json_path);
// `path` unchanged when absolute or when `base_dir` is empty; else base_dir/path.
std::string ResolvePath(const std::string& base_dir, const std::string& path);

// One allowed spelling of an enum and its value.
template <typename E>
using EnumNames = std::vector<std::pair<std::string_view, E>>;

// "a, b or c" style list of the spellings, for "is not one of ...".
template <typename E>
std::string JoinEnumNames(const EnumNames<E>& names) {
  std::string out;
  for (const auto& [name, value] : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

enum class Need { kOptional, kRequired };

class ObjectReader {
 public:
  // Error when `value` is not a JSON object: "<path>: <value> is not an object".
  static Result<ObjectReader> Open(const nlohmann::json& value, std::string path);

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return JoinPath(path_, key); }
  const nlohmann::json& json() const { return *object_; }

  // True if the key is present (a null value counts as present).
  bool Has(std::string_view key) const;
  // The value, or nullptr when absent or null. Marks the key as read either way.
  const nlohmann::json* Get(std::string_view key);

  // Each getter leaves `out` untouched when the key is absent or null and `need` is optional.
  Status GetString(std::string_view key, std::string* out, Need need = Need::kOptional,
                   std::string_view expected = "a string");
  Status GetBool(std::string_view key, bool* out, Need need = Need::kOptional);
  // Accepts integral JSON numbers and strings of decimal digits ("3306").
  Status GetInt(std::string_view key, int64_t min, int64_t max, int64_t* out,
                Need need = Need::kOptional);
  Status GetInt(std::string_view key, int min, int max, int* out, Need need = Need::kOptional);

  template <typename E>
  Status GetEnum(std::string_view key, const EnumNames<E>& names, E* out,
                 Need need = Need::kOptional) {
    const nlohmann::json* v = Get(key);
    if (v == nullptr) {
      if (need == Need::kRequired) return Missing(PathOf(key), "one of " + JoinEnumNames(names));
      return Status::Ok();
    }
    if (v->is_string()) {
      for (const auto& [name, value] : names) {
        if (v->get_ref<const std::string&>() == name) {
          *out = value;
          return Status::Ok();
        }
      }
    }
    return NotA(PathOf(key), *v, "one of " + JoinEnumNames(names));
  }

  // Keys present in the object, in the object's (sorted) order.
  std::vector<std::string> Keys() const;
  // Keys present that no getter asked for.
  std::vector<std::string> UnreadKeys() const;
  // Appends "<path>.<key>: unknown key, ignored" for every unread key.
  void WarnUnknownKeys(std::vector<std::string>* warnings) const;

 private:
  ObjectReader(const nlohmann::json& object, std::string path)
      : object_(&object), path_(std::move(path)) {}

  const nlohmann::json* object_;
  std::string path_;
  std::set<std::string, std::less<>> read_;
};

// Integer value of `v` (integral number or decimal-digit string) in [min, max], else the shared
// "is not an integer between min and max" error at `path`.
Result<int64_t> IntFromJson(const nlohmann::json& v, std::string_view path, int64_t min,
                            int64_t max);

}  // namespace switchyard::config
