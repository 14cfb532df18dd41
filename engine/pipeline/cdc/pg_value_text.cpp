#include "engine/pipeline/cdc/pg_value_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>

#include "engine/catalog/identifier.h"

namespace switchyard::pipeline::cdc {
namespace {

bool IsOneOf(const std::string& v, std::initializer_list<const char*> options) {
  return std::any_of(options.begin(), options.end(), [&](const char* o) { return v == o; });
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Shorten(std::string_view text) {
  return text.size() <= 60 ? std::string(text) : std::string(text.substr(0, 60)) + "...";
}

Status BadText(const char* what, std::string_view text) {
  return Status::DataError(std::string("CDC from PostgreSQL: unexpected ") + what + " text \"" +
                           Shorten(text) + "\"");
}

// Element types whose array_to_json form we reproduce, and how.
std::optional<PgJsonElement> JsonElementOf(const std::string& element) {
  if (IsOneOf(element, {"smallint", "integer", "bigint", "numeric", "real", "double precision"})) {
    return PgJsonElement::kNumber;
  }
  if (element == "boolean") return PgJsonElement::kBoolean;
  if (IsOneOf(element, {"text", "character varying", "character", "uuid"})) {
    return PgJsonElement::kString;
  }
  return std::nullopt;
}

// json_lex_number's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size() || !IsDigit(s[i])) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

// PostgreSQL's escape_json.
void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < ' ') {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          *out += buf;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// Reads PostgreSQL's array_out text (delimiter ',') and writes array_to_json's text.
class ArrayToJson {
 public:
  ArrayToJson(std::string_view text, PgJsonElement element) : s_(text), element_(element) {}

  Result<std::string> Run() {
    if (!s_.empty() && s_[0] == '[') {  // "[2:3]={...}": array_to_json ignores the bounds
      size_t eq = s_.find('=');
      if (eq == std::string_view::npos) return BadText("array", s_);
      pos_ = eq + 1;
    }
    SY_RETURN_IF_ERROR(Array());
    if (pos_ != s_.size()) return BadText("array", s_);
    return std::move(out_);
  }

 private:
  Status Array() {
    if (pos_ >= s_.size() || s_[pos_] != '{') return BadText("array", s_);
    ++pos_;
    out_.push_back('[');
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      out_.push_back(']');
      return Status::Ok();
    }
    while (true) {
      if (pos_ >= s_.size()) return BadText("array", s_);
      if (s_[pos_] == '{') {
        SY_RETURN_IF_ERROR(Array());
      } else {
        SY_RETURN_IF_ERROR(Element());
      }
      if (pos_ >= s_.size()) return BadText("array", s_);
      if (s_[pos_] == '}') {
        ++pos_;
        out_.push_back(']');
        return Status::Ok();
      }
      if (s_[pos_] != ',') return BadText("array", s_);
      ++pos_;
      out_.push_back(',');
    }
  }

  Status Element() {
    std::string value;
    bool quoted = false;
    if (s_[pos_] == '"') {
      quoted = true;
      ++pos_;
      while (true) {
        if (pos_ >= s_.size()) return BadText("array", s_);
        char c = s_[pos_++];
        if (c == '"') break;
        if (c == '\\') {
          if (pos_ >= s_.size()) return BadText("array", s_);
          c = s_[pos_++];
        }
        value.push_back(c);
      }
    } else {
      size_t end = s_.find_first_of(",}", pos_);
      if (end == std::string_view::npos) return BadText("array", s_);
      value = std::string(s_.substr(pos_, end - pos_));
      pos_ = end;
      if (value.empty() || value.find_first_of("{\"\\") != std::string::npos) {
        return BadText("array", s_);
      }
    }
    if (!quoted && value == "NULL") {
      out_ += "null";
      return Status::Ok();
    }
    switch (element_) {
      case PgJsonElement::kNumber:
        if (IsJsonNumber(value)) {
          out_ += value;
        } else {
          AppendJsonString(value, &out_);
        }
        break;
      case PgJsonElement::kBoolean:
        if (value == "t") {
          out_ += "true";
        } else if (value == "f") {
          out_ += "false";
        } else {
          return BadText("boolean array", s_);
        }
        break;
      case PgJsonElement::kString:
        AppendJsonString(value, &out_);
        break;
    }
    return Status::Ok();
  }

  std::string_view s_;
  PgJsonElement element_;
  size_t pos_ = 0;
  std::string out_;
};

}  // namespace

Result<PgValueConversion> PgConversionFor(const catalog::ColumnPlan& column,
                                          const catalog::Column* source,
                                          const std::string& table_name) {
  const std::string name = column.source_name.empty() ? column.target_name : column.source_name;
  auto unsupported = [&](const std::string& why) {
    return Status::Unsupported("CDC from PostgreSQL: column " + table_name + "." + name +
                               " (target " + column.target_name + ") is read with `" +
                               column.select_expr + "`; " + why);
  };
  if (column.source_name.empty()) {
    return unsupported(
        "it has no source column (added by a rule) and its expression cannot be evaluated on "
        "replicated rows");
  }
  const std::string qcol = catalog::QuoteIdentifier(catalog::Engine::kPostgres, column.source_name);
  const std::string& expr = column.select_expr;
  PgValueConversion conversion;
  if (expr == qcol) return conversion;
  if (source == nullptr) {
    return unsupported("its source type is unknown, so the change stream cannot convert it");
  }
  const catalog::ColumnType& type = source->type;
  const std::string& n = type.name;
  if (expr == qcol + "::text" && !type.is_array &&
      IsOneOf(n, {"xml", "tsvector", "tsquery", "point", "line", "lseg", "box", "path", "polygon",
                  "circle", "int4range", "int8range", "numrange", "tsrange", "tstzrange",
                  "daterange", "hstore"})) {
    return conversion;  // ::text of these is their output function, which pgoutput sends
  }
  if (expr == qcol + "::int" && !type.is_array && n == "boolean") {
    conversion.kind = PgTextConversion::kBoolToInt;
    return conversion;
  }
  if (expr == qcol + "::float8" && !type.is_array && n == "real") {
    conversion.kind = PgTextConversion::kFloat4ToFloat8;
    return conversion;
  }
  if (expr == "(" + qcol + " AT TIME ZONE 'UTC')" && !type.is_array &&
      n == "timestamp with time zone") {
    conversion.kind = PgTextConversion::kTimestamptzAtUtc;
    return conversion;
  }
  if (expr == "(" + qcol + " <> 0)" && !type.is_array &&
      IsOneOf(n, {"smallint", "integer", "bigint", "numeric", "real", "double precision"})) {
    conversion.kind = PgTextConversion::kNonZeroToBool;
    return conversion;
  }
  if (expr == "array_to_json(" + qcol + ")::text" && type.is_array) {
    std::optional<PgJsonElement> element =
        type.enum_values.empty() ? JsonElementOf(type.element_name) : std::nullopt;
    if (element) {
      conversion.kind = PgTextConversion::kArrayToJson;
      conversion.element = *element;
      return conversion;
    }
  }
  // No client-side conversion: the source evaluates the expression on the streamed text, read
  // back as the column's type (format_type's text, as the catalog reader printed it).
  conversion.kind = PgTextConversion::kOnSource;
  conversion.source_sql = "SELECT " + expr;
  const std::string as_value = "$1::" + type.full;
  size_t replaced = 0;
  for (size_t at = conversion.source_sql.find(qcol); at != std::string::npos;
       at = conversion.source_sql.find(qcol, at + as_value.size())) {
    conversion.source_sql.replace(at, qcol.size(), as_value);
    ++replaced;
  }
  if (replaced == 0) {
    return unsupported(
        "the expression does not read the column itself, so the change stream "
        "cannot evaluate it on replicated values");
  }
  return conversion;
}

Result<std::string> ConvertPgText(const PgValueConversion& conversion, std::string_view text) {
  switch (conversion.kind) {
    case PgTextConversion::kNone:
      return std::string(text);
    case PgTextConversion::kBoolToInt:
      return PgBoolToInt(text);
    case PgTextConversion::kFloat4ToFloat8:
      return PgFloat4ToFloat8(text);
    case PgTextConversion::kTimestamptzAtUtc:
      return PgTimestamptzAtUtc(text);
    case PgTextConversion::kArrayToJson:
      return PgArrayToJson(text, conversion.element);
    case PgTextConversion::kNonZeroToBool:
      return PgNonZeroToBool(text);
    case PgTextConversion::kOnSource:
      return Status::Internal("a value converted on the source was given to ConvertPgText");
  }
  return Status::Internal("unknown PgTextConversion");
}

Result<std::string> PgBoolToInt(std::string_view text) {
  if (text == "t") return std::string("1");
  if (text == "f") return std::string("0");
  return BadText("boolean", text);
}

std::string PgFloat8Text(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  // Shortest round-trip digits (as Ryu, which PostgreSQL uses), laid out the way
  // PostgreSQL's d2s.c does: fixed notation for decimal exponents -4..14, else d.ddde+XX.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  std::string out;
  if (!sci.empty() && sci[0] == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  if (value == 0) return out + "0";
  if (exp >= -4 && exp < 15) {
    if (exp < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exp - 1), '0');
      out += digits;
    } else if (digits.size() <= static_cast<size_t>(exp) + 1) {
      out += digits;
      out.append(static_cast<size_t>(exp) + 1 - digits.size(), '0');
    } else {
      out += digits.substr(0, static_cast<size_t>(exp) + 1);
      out += '.';
      out += digits.substr(static_cast<size_t>(exp) + 1);
    }
    return out;
  }
  out += digits[0];
  if (digits.size() > 1) {
    out += '.';
    out += digits.substr(1);
  }
  char exp_text[16];
  std::snprintf(exp_text, sizeof(exp_text), "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
  return out + exp_text;
}

Result<std::string> PgFloat4ToFloat8(std::string_view text) {
  if (text == "NaN") return std::string("NaN");
  if (text == "Infinity") return std::string("Infinity");
  if (text == "-Infinity") return std::string("-Infinity");
  float f = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), f);
  // Denormals (1e-45) report ERANGE from some libraries but still carry the right value.
  if (end != text.data() + text.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return BadText("real", text);
  }
  if (ec == std::errc::result_out_of_range) {
    // libstdc++ leaves `f` unset on ERANGE: strtof (C locale digits only here) gives the value.
    std::string copy(text);
    f = std::strtof(copy.c_str(), nullptr);
  }
  return PgFloat8Text(static_cast<double>(f));
}

Result<std::string> PgTimestamptzAtUtc(std::string_view text) {
  if (text == "infinity" || text == "-infinity") return std::string(text);
  // "YYYY-MM-DD HH:MM:SS[.ffffff]+00[ BC]"; the offset is +00 because the session is UTC.
  size_t space = text.find(' ');
  if (space == std::string_view::npos) return BadText("timestamptz", text);
  size_t offset = text.find_first_of("+-", space);
  if (offset == std::string_view::npos || text.substr(offset, 3) != "+00") {
    return BadText("timestamptz (expected a UTC offset +00)", text);
  }
  std::string_view rest = text.substr(offset + 3);
  if (!rest.empty() && rest != " BC") return BadText("timestamptz", text);
  return std::string(text.substr(0, offset)) + std::string(rest);
}

Result<std::string> PgArrayToJson(std::string_view text, PgJsonElement element) {
  return ArrayToJson(text, element).Run();
}

Result<std::string> PgNonZeroToBool(std::string_view text) {
  if (text.empty()) return BadText("number", text);
  if (text == "NaN" || text == "Infinity" || text == "-Infinity") return std::string("t");
  for (char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') return std::string("t");
    if (!IsDigit(c) && c != '-' && c != '+' && c != '.') return BadText("number", text);
  }
  return std::string("f");
}

}  // namespace switchyard::pipeline::cdc
