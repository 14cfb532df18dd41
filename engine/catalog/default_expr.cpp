#include "engine/catalog/default_expr.h"

#include <algorithm>
#include <cctype>

#include "engine/catalog/identifier.h"

namespace switchyard::catalog {
namespace {

std::string Lower(std::string_view v) {
  std::string out;
  for (char ch : v) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool StartsWith(std::string_view v, std::string_view prefix) {
  return v.substr(0, prefix.size()) == prefix;
}

// The type's leading name: "character varying(20)" -> "character varying",
// "int unsigned" -> "int", "timestamp(3) with time zone" -> "timestamp".
std::string BaseType(const std::string& target_type) {
  std::string t = Lower(target_type);
  if (StartsWith(t, "character varying") || StartsWith(t, "double precision") ||
      StartsWith(t, "bit varying")) {
    return t.substr(0, t.find('(') == std::string::npos ? t.size() : t.find('('));
  }
  return t.substr(0, t.find_first_of("( "));
}

bool IsOneOf(const std::string& v, std::initializer_list<const char*> options) {
  return std::any_of(options.begin(), options.end(), [&](const char* o) { return v == o; });
}

bool IsNumericType(const std::string& base) {
  return IsOneOf(base, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal",
                        "numeric", "float", "double", "real", "double precision", "year"});
}

// MySQL types whose literal default needs parentheses (MySQL 8.0.13+ refuses a bare literal
// on TEXT, BLOB and JSON; MariaDB accepts both forms).
bool IsMySqlLob(const std::string& base) {
  return IsOneOf(base, {"tinytext", "text", "mediumtext", "longtext", "tinyblob", "blob",
                        "mediumblob", "longblob", "json"});
}

bool IsBinaryType(Engine target, const std::string& base) {
  if (target == Engine::kPostgres) return base == "bytea";
  return IsOneOf(base, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"});
}

// An SQL number: [+-]digits[.digits][e[+-]digits].
bool IsNumber(std::string_view v) {
  size_t i = 0;
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
  size_t digits = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i, ++digits;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    size_t exp = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == v.size();
}

// Removes PostgreSQL's trailing casts and one pair of enclosing parentheses:
// 'anon'::character varying -> 'anon', (0)::numeric -> 0, '101'::"bit" -> '101'.
std::string StripPgCasts(std::string v) {
  for (;;) {
    auto cast = v.rfind("::");
    if (cast == std::string::npos || v.find('\'', cast) != std::string::npos) break;
    v = v.substr(0, cast);
  }
  if (v.size() >= 2 && v.front() == '(' && v.back() == ')') v = v.substr(1, v.size() - 2);
  return v;
}

// The body of a quoted literal as the source engine prints it, or nullopt when `v` is not one
// whole literal. PostgreSQL (standard_conforming_strings on) doubles quotes; MySQL/MariaDB
// also use backslash escapes, printed by COLUMN_DEFAULT as typed ('a\nb', 'it\'s').
std::optional<std::string> LiteralBody(std::string_view v, Engine source) {
  if (v.size() < 2 || v.front() != '\'' || v.back() != '\'') return std::nullopt;
  std::string body;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    char c = v[i];
    if (c == '\'') {
      if (v[i + 1] != '\'' || i + 2 >= v.size()) return std::nullopt;  // two literals
      ++i;
    } else if (c == '\\' && source == Engine::kMySql) {
      if (i + 2 >= v.size()) return std::nullopt;
      c = v[++i];
      switch (c) {
        case '0':
          c = '\0';
          break;
        case 'b':
          c = '\b';
          break;
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case 't':
          c = '\t';
          break;
        case 'Z':
          c = '\x1a';
          break;
        case '%':
        case '_':
          body += '\\';  // MySQL keeps the backslash of \% and \_
          break;
        default:
          break;  // \\ \' \" and any other character stand for themselves
      }
    }
    body += c;
  }
  return body;
}

std::optional<std::string> HexToBytes(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string BytesToHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

bool IsCurrentTimestamp(const std::string& lower) {
  return lower == "now()" || StartsWith(lower, "current_timestamp") ||
         StartsWith(lower, "localtimestamp") || lower == "transaction_timestamp()";
}

}  // namespace

std::optional<std::string> TranslateDefault(const Column& column, Engine source, Engine target,
                                            const ColumnPlan& plan,
                                            std::vector<std::string>* notes) {
  const std::string& expr = *column.default_expr;
  auto drop = [&](const std::string& why) -> std::optional<std::string> {
    notes->push_back("default " + expr + " not carried: " + why);
    return std::nullopt;
  };
  const bool to_mysql = target == Engine::kMySql;
  const std::string base = BaseType(plan.target_type);
  std::string v = source == Engine::kPostgres ? StripPgCasts(expr) : expr;
  const std::string lower = Lower(v);
  if (lower == "null") return std::nullopt;

  if (IsCurrentTimestamp(lower)) {
    if (base != "timestamp" && base != "datetime") {
      return drop("the target column is not a timestamp");
    }
    if (!to_mysql) return std::string("CURRENT_TIMESTAMP");
    // MySQL wants the default's precision to be the column's: datetime(6) DEFAULT
    // CURRENT_TIMESTAMP is an "Invalid default value" on MySQL 8.
    auto open = plan.target_type.find('(');
    std::string result =
        "CURRENT_TIMESTAMP" +
        (open == std::string::npos
             ? std::string()
             : plan.target_type.substr(open, plan.target_type.find(')') - open + 1));
    if (column.type.name == "timestamp with time zone") {
      notes->push_back("default " + expr + " is " + result +
                       ", which MySQL evaluates in the inserting session's time zone while the "
                       "column holds UTC");
    }
    return result;
  }
  if (lower == "current_date" || lower == "curdate()" || lower == "current_date()") {
    if (base != "date") return drop("the target column is not a date");
    return std::string(to_mysql ? "(CURRENT_DATE)" : "CURRENT_DATE");
  }

  // The default as a value: a quoted literal, a number, a boolean, or MySQL's b'..' and 0x..
  std::string body;
  bool bare_number = false;
  if (auto lit = LiteralBody(v, source)) {
    body = *lit;
  } else if (lower == "true" || lower == "false") {
    body = lower == "true" ? "1" : "0";
    bare_number = true;
  } else if (IsNumber(v)) {
    body = v;
    bare_number = true;
  } else if (source == Engine::kMySql && (StartsWith(lower, "b'") && lower.back() == '\'')) {
    body = v.substr(2, v.size() - 3);  // a bit string of 0 and 1
  } else if (source == Engine::kMySql && (StartsWith(lower, "0x") || StartsWith(lower, "x'"))) {
    auto bytes = HexToBytes(StartsWith(lower, "0x") ? std::string_view(v).substr(2)
                                                    : std::string_view(v).substr(2, v.size() - 3));
    if (!bytes) return drop("not a hex literal");
    body = *bytes;
  } else {
    return drop(
        "only literals and the current date/time are carried to the other engine; "
        "set it on the target if needed");
  }
  if (column.type.is_array) return drop("a PostgreSQL array literal is not a JSON value");

  // The same conversion the column's values get.
  if (plan.transform != ValueTransform::kNone) {
    std::string out;
    bool is_null = false;
    Status st = ApplyValueTransform(plan.transform, body, &out, &is_null);
    if (!st.ok()) return drop(st.message());
    if (is_null) return drop("the value becomes NULL on the target (MySQL zero date)");
    body = std::move(out);
  }
  if (to_mysql && column.type.name == "timestamp with time zone") {
    // The session prints timestamptz in UTC; the DATETIME holds the UTC wall-clock time.
    if (body.size() < 3 || body.compare(body.size() - 3, 3, "+00") != 0) {
      return drop("not a UTC time");
    }
    body.resize(body.size() - 3);
  }

  if (!to_mysql && base == "boolean") {
    if (bare_number) return std::string(body == "0" ? "false" : "true");  // MySQL: non-zero
    return QuoteLiteral(target, body);
  }
  if (IsNumericType(base)) {
    if (!IsNumber(body)) return drop("not a number");
    return body;
  }
  if (base == "bit" || base == "bit varying") {
    if (body.empty() || body.find_first_not_of("01") != std::string::npos) {
      return drop("not a bit string");
    }
    if (to_mysql) return "b'" + body + "'";
    // MySQL b'1' in a BIT(3) means 001; PostgreSQL bit(3) wants all three digits.
    if (base == "bit") {
      auto open = plan.target_type.find('(');
      size_t bits = open == std::string::npos ? 1 : std::stoul(plan.target_type.substr(open + 1));
      if (body.size() < bits) body.insert(0, bits - body.size(), '0');
    }
    return QuoteLiteral(target, body);
  }
  std::string literal;
  if (to_mysql && IsBinaryType(target, base)) {
    literal = "X'" + BytesToHex(body) + "'";
  } else {
    literal = QuoteLiteral(target, body);
  }
  if (to_mysql && IsMySqlLob(base)) return "(" + literal + ")";
  return literal;
}

}  // namespace switchyard::catalog
