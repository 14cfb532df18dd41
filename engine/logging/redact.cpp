#include "engine/logging/redact.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace switchyard::logging {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

constexpr std::array<std::string_view, 7> kSecretWords = {"password", "passwd",  "pwd",   "secret",
                                                          "token",    "api_key", "apikey"};

// Built once; std::regex objects are safe to use concurrently for matching.
struct Patterns {
  // PASSWORD '...' / PASSWORD "..." (PostgreSQL role DDL).
  std::regex sql_password{R"((\bpassword\s+)('(?:[^']|'')*'|"(?:[^"]|"")*"))",
                          std::regex::icase | std::regex::ECMAScript};
  // IDENTIFIED [WITH plugin] BY|AS [PASSWORD] '...' (MySQL/MariaDB user DDL).
  std::regex identified_by{
      R"((\bidentified\s+(?:with\s+\S+\s+)?(?:by|as)\s+(?:password\s+)?)('(?:[^']|'')*'|"(?:[^"]|"")*"))",
      std::regex::icase | std::regex::ECMAScript};
  // key=value, key: value, "key": "value" where key contains a secret word.
  std::regex key_value{
      R"(([\w.-]*(?:password|passwd|pwd|secret|token|api_key|apikey)[\w.-]*["']?\s*[=:]\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s;&,'"}\]]+))",
      std::regex::icase | std::regex::ECMAScript};
  // scheme://user:password@host
  std::regex uri_userinfo{R"(([a-z][a-z0-9+.\-]*://[^\s:/@]*:)([^\s@/]+)(@))",
                          std::regex::icase | std::regex::ECMAScript};
};

const Patterns& GetPatterns() {
  static const Patterns patterns;
  return patterns;
}

}  // namespace

bool LooksLikeSecretKey(std::string_view key) {
  const std::string lower = Lower(key);
  for (std::string_view word : kSecretWords) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string RedactSecrets(std::string_view text) {
  const std::string lower = Lower(text);
  const bool has_word = std::any_of(kSecretWords.begin(), kSecretWords.end(), [&](auto word) {
    return lower.find(word) != std::string::npos;
  });
  const bool has_identified = lower.find("identified") != std::string::npos;
  const bool has_uri = lower.find("://") != std::string::npos;
  if (!has_word && !has_identified && !has_uri) return std::string(text);

  const Patterns& p = GetPatterns();
  std::string out(text);
  if (has_identified) out = std::regex_replace(out, p.identified_by, "$1'***'");
  if (has_word) {
    out = std::regex_replace(out, p.sql_password, "$1'***'");
    out = std::regex_replace(out, p.key_value, "$1***");
  }
  if (has_uri) out = std::regex_replace(out, p.uri_userinfo, "$1***$3");
  return out;
}

int DropSecretKeys(nlohmann::json& value) {
  int removed = 0;
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (LooksLikeSecretKey(it.key())) {
        it = value.erase(it);
        ++removed;
      } else {
        removed += DropSecretKeys(*it);
        ++it;
      }
    }
  } else if (value.is_array()) {
    for (auto& element : value) removed += DropSecretKeys(element);
  }
  return removed;
}

}  // namespace switchyard::logging
