#include "engine/pipeline/cdc/mysql_statement.h"

#include <cctype>

namespace switchyard::pipeline::cdc::mysql_statement {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view SkipSpaceAndComments(std::string_view s) {
  while (true) {
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    s.remove_prefix(i);
    if (s.starts_with("/*")) {
      size_t end = s.find("*/");
      if (end == std::string_view::npos) return {};
      s.remove_prefix(end + 2);
    } else if (s.starts_with("-- ") || s.starts_with("#")) {
      size_t end = s.find('\n');
      if (end == std::string_view::npos) return {};
      s.remove_prefix(end + 1);
    } else {
      return s;
    }
  }
}

std::string Word(std::string_view& s) {
  s = SkipSpaceAndComments(s);
  size_t i = 0;
  while (i < s.size() && (std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
  std::string w = Lower(s.substr(0, i));
  s.remove_prefix(i);
  return w;
}

std::string Identifier(std::string_view& s) {
  s = SkipSpaceAndComments(s);
  std::string out;
  if (s.starts_with("`")) {
    size_t i = 1;
    while (i < s.size()) {
      if (s[i] == '`') {
        if (i + 1 < s.size() && s[i + 1] == '`') {
          out += '`';
          i += 2;
          continue;
        }
        s.remove_prefix(i + 1);
        return out;
      }
      out += s[i++];
    }
    return {};
  }
  size_t i = 0;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                          s[i] == '$' || static_cast<unsigned char>(s[i]) >= 0x80)) {
    ++i;
  }
  out = std::string(s.substr(0, i));
  s.remove_prefix(i);
  return out;
}

std::vector<std::string_view> SplitClauses(std::string_view s) {
  std::vector<std::string_view> clauses;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') quote = c;
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      clauses.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  clauses.push_back(s.substr(start));
  return clauses;
}

namespace {

// "[db.]t"; nullopt when no identifier is there.
std::optional<QualifiedName> Name(std::string_view& s, const std::string& default_db) {
  std::string first = Identifier(s);
  if (first.empty()) return std::nullopt;
  std::string_view rest = SkipSpaceAndComments(s);
  if (rest.starts_with(".")) {
    rest.remove_prefix(1);
    std::string second = Identifier(rest);
    if (second.empty()) return std::nullopt;
    s = rest;
    return QualifiedName{first, second};
  }
  return QualifiedName{default_db, first};
}

// Consumes "IF EXISTS" when it comes next.
void SkipIfExists(std::string_view& s) {
  std::string_view probe = s;
  if (Word(probe) == "if" && Word(probe) == "exists") s = probe;
}

// Consumes "," when it comes next; false at anything else.
bool Comma(std::string_view& s) {
  s = SkipSpaceAndComments(s);
  if (!s.starts_with(",")) return false;
  s.remove_prefix(1);
  return true;
}

// Consumes MariaDB's "WAIT n" / "NOWAIT" when it comes next.
void SkipWait(std::string_view& s) {
  std::string_view probe = s;
  const std::string w = Word(probe);
  if (w == "nowait") {
    s = probe;
  } else if (w == "wait") {
    probe = SkipSpaceAndComments(probe);
    size_t i = 0;
    while (i < probe.size() && std::isdigit(static_cast<unsigned char>(probe[i]))) ++i;
    s = probe.substr(i);
  }
}

std::optional<std::vector<TableEnd>> Drop(std::string_view s, const std::string& db) {
  std::vector<TableEnd> out;
  SkipIfExists(s);
  do {
    auto name = Name(s, db);
    if (!name) return std::nullopt;
    out.push_back({*name, std::nullopt});
  } while (Comma(s));
  return out;
}

std::optional<std::vector<TableEnd>> Rename(std::string_view s, const std::string& db) {
  std::vector<TableEnd> out;
  SkipIfExists(s);
  do {
    auto from = Name(s, db);
    if (!from) return std::nullopt;
    SkipWait(s);
    if (Word(s) != "to") return std::nullopt;
    auto to = Name(s, db);
    if (!to) return std::nullopt;
    out.push_back({*from, *to});
  } while (Comma(s));
  return out;
}

// ALTER TABLE a <clauses>: a RENAME [TO|AS] b clause at parenthesis depth 0, if any.
std::optional<std::vector<TableEnd>> AlterRename(std::string_view s, const std::string& db) {
  SkipIfExists(s);
  auto table = Name(s, db);
  if (!table) return std::nullopt;
  const std::vector<std::string_view> clauses = SplitClauses(s);
  for (std::string_view clause : clauses) {
    std::string_view c = clause;
    if (Word(c) != "rename") continue;
    std::string_view after = c;
    const std::string next = Word(after);
    if (next == "column" || next == "index" || next == "key" || next == "constraint") continue;
    if (next == "to" || next == "as") c = after;
    auto to = Name(c, db);
    if (!to) return std::nullopt;
    return std::vector<TableEnd>{{*table, *to}};
  }
  return std::vector<TableEnd>{};
}

}  // namespace

std::optional<std::vector<TableEnd>> TablesEndedBy(std::string_view statement,
                                                   const std::string& default_db) {
  std::string_view s = statement;
  const std::string verb = Word(s);
  if (verb == "drop") {
    const std::string what = Word(s);
    if (what == "table") return Drop(s, default_db);
    return std::vector<TableEnd>{};  // DROP TEMPORARY TABLE, DROP INDEX, DROP VIEW, ...
  }
  if (verb == "rename") {
    const std::string what = Word(s);
    if (what == "table" || what == "tables") return Rename(s, default_db);
    return std::vector<TableEnd>{};  // RENAME USER
  }
  if (verb == "alter") {
    std::string w = Word(s);
    while (w == "online" || w == "ignore") w = Word(s);
    if (w == "table") return AlterRename(s, default_db);
  }
  return std::vector<TableEnd>{};
}

}  // namespace switchyard::pipeline::cdc::mysql_statement
