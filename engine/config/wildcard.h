// DMS name patterns for object-locator schema-name / table-name / column-name.
//
//   %      zero or more characters      _      exactly one character
//   [_]    a literal underscore         [%]    a literal percent sign
//   [ab]   one character from the set   [a-d]  one character from the range
//
// Matching is case-sensitive (as DMS documents) and works on UTF-8 code points, so `_` matches
// one character of "bücher" rather than one byte. A `[` without a closing `]` is a literal `[`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace switchyard::config {

class NamePattern {
 public:
  NamePattern() = default;  // matches nothing
  explicit NamePattern(std::string_view pattern);

  bool Matches(std::string_view name) const;
  // True if the pattern can match more than one name (has %, _ or a set of several characters).
  bool HasWildcards() const { return has_wildcards_; }
  // The pattern as written.
  const std::string& text() const { return text_; }

 private:
  struct Token {
    enum class Kind { kAnyRun, kAnyOne, kSet } kind;
    std::vector<std::pair<char32_t, char32_t>> ranges;  // kSet: inclusive ranges
  };
  std::string text_;
  std::vector<Token> tokens_;
  bool has_wildcards_ = false;
  bool valid_ = false;
};

// Convenience: NamePattern(pattern).Matches(name).
bool WildcardMatch(std::string_view pattern, std::string_view name);

// A pattern that matches exactly `name`: % _ [ written as [%] [_] [[].
std::string EscapeWildcards(std::string_view name);

// Decodes UTF-8 into code points; an invalid byte becomes one code point of its own value.
std::u32string DecodeUtf8(std::string_view text);

}  // namespace switchyard::config
