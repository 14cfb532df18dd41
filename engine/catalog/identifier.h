// SQL quoting for each engine. Every identifier the engine puts into SQL goes through
// QuoteIdentifier; literals built outside a live connection (filters, DDL defaults) go through
// QuoteLiteral, which assumes the session settings every Switchyard connection sets:
// PostgreSQL standard_conforming_strings=on; MySQL sql_mode without NO_BACKSLASH_ESCAPES
// and ANSI_QUOTES.
#pragma once

#include <string>
#include <string_view>

#include "engine/catalog/schema.h"

namespace switchyard::catalog {

// "order" -> "\"order\"" (PostgreSQL), "`order`" (MySQL); embedded quotes are doubled.
std::string QuoteIdentifier(Engine engine, std::string_view name);
// schema.table, each part quoted.
std::string QuoteQualified(Engine engine, std::string_view schema, std::string_view table);
// 'it''s' (PostgreSQL), 'it\'s' with \\ and \0 escaped (MySQL).
std::string QuoteLiteral(Engine engine, std::string_view value);

}  // namespace switchyard::catalog
