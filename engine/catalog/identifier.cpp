#include "engine/catalog/identifier.h"

namespace switchyard::catalog {

std::string QuoteIdentifier(Engine engine, std::string_view name) {
  const char q = engine == Engine::kPostgres ? '"' : '`';
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back(q);
  for (char c : name) {
    if (c == q) out.push_back(q);
    out.push_back(c);
  }
  out.push_back(q);
  return out;
}

std::string QuoteQualified(Engine engine, std::string_view schema, std::string_view table) {
  return QuoteIdentifier(engine, schema) + "." + QuoteIdentifier(engine, table);
}

std::string QuoteLiteral(Engine engine, std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('\'');
  for (char c : value) {
    if (engine == Engine::kPostgres) {
      if (c == '\'') out.push_back('\'');
      out.push_back(c);
      continue;
    }
    switch (c) {
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\0':
        out += "\\0";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\x1a':
        out += "\\Z";
        break;
      default:
        out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

}  // namespace switchyard::catalog
