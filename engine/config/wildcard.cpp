#include "engine/config/wildcard.h"

namespace switchyard::config {

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    int extra = 0;  // continuation bytes after b0
    char32_t cp = b0;
    if (b0 >= 0xC0 && b0 < 0xE0) {
      extra = 1;
      cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 < 0xF0) {
      extra = 2;
      cp = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 < 0xF8) {
      extra = 3;
      cp = b0 & 0x07;
    }
    bool ok = i + extra < text.size();
    for (int k = 1; ok && k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (!ok) {
      out.push_back(b0);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += 1 + extra;
  }
  return out;
}

NamePattern::NamePattern(std::string_view pattern) : text_(pattern), valid_(true) {
  const std::u32string p = DecodeUtf8(pattern);
  for (size_t i = 0; i < p.size(); ++i) {
    const char32_t c = p[i];
    if (c == U'%') {
      tokens_.push_back({Token::Kind::kAnyRun, {}});
      has_wildcards_ = true;
      continue;
    }
    if (c == U'_') {
      tokens_.push_back({Token::Kind::kAnyOne, {}});
      has_wildcards_ = true;
      continue;
    }
    if (c == U'[') {
      size_t close = p.find(U']', i + 2);  // "[]" holds no set; "[]]" is a literal ']'
      if (close != std::u32string::npos) {
        Token set{Token::Kind::kSet, {}};
        for (size_t k = i + 1; k < close; ++k) {
          if (k + 2 < close && p[k + 1] == U'-') {
            set.ranges.emplace_back(p[k], p[k + 2]);
            k += 2;
          } else {
            set.ranges.emplace_back(p[k], p[k]);
          }
        }
        if (set.ranges.size() > 1 || set.ranges[0].first != set.ranges[0].second) {
          has_wildcards_ = true;
        }
        tokens_.push_back(std::move(set));
        i = close;
        continue;
      }
    }
    tokens_.push_back({Token::Kind::kSet, {{c, c}}});
  }
}

bool NamePattern::Matches(std::string_view name_utf8) const {
  if (!valid_) return false;
  const std::u32string name = DecodeUtf8(name_utf8);
  auto one = [&](const Token& t, char32_t c) {
    if (t.kind == Token::Kind::kAnyOne) return true;
    for (const auto& [lo, hi] : t.ranges) {
      if (c >= lo && c <= hi) return true;
    }
    return false;
  };
  // Classic wildcard matching with one backtrack point for the last `%`.
  size_t t = 0, n = 0;
  size_t star_t = std::string::npos, star_n = 0;
  while (n < name.size()) {
    if (t < tokens_.size() && tokens_[t].kind == Token::Kind::kAnyRun) {
      star_t = t++;
      star_n = n;
    } else if (t < tokens_.size() && one(tokens_[t], name[n])) {
      ++t;
      ++n;
    } else if (star_t != std::string::npos) {
      t = star_t + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (t < tokens_.size() && tokens_[t].kind == Token::Kind::kAnyRun) ++t;
  return t == tokens_.size();
}

std::string EscapeWildcards(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '%' || c == '_' || c == '[') {
      out += '[';
      out += c;
      out += ']';
    } else {
      out += c;
    }
  }
  return out;
}

bool WildcardMatch(std::string_view pattern, std::string_view name) {
  return NamePattern(pattern).Matches(name);
}

}  // namespace switchyard::config
