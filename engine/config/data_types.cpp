// DMS's own type names: what change-data-type / add-column accept, and which DMS type a source
// column has for object-locator data-type matching. The mapping follows the DMS source-type
// tables for MySQL and PostgreSQL in broad strokes; exotic types fall back to "string".
#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>

#include "engine/config/table_mappings.h"

namespace switchyard::config {
namespace {

constexpr std::string_view kDmsTypes[] = {
    "bytes", "date",  "time",    "datetime", "int1",  "int2",  "int4",   "int8",    "uint1",
    "uint2", "uint4", "uint8",   "numeric",  "real4", "real8", "string", "wstring", "blob",
    "clob",  "nclob", "boolean", "set",      "list",  "map",   "tuple",
};

struct TypeRow {
  std::string_view source;  // ColumnType::name
  std::string_view dms;
};

constexpr TypeRow kPostgres[] = {
    {"smallint", "int2"},
    {"integer", "int4"},
    {"bigint", "int8"},
    {"numeric", "numeric"},
    {"decimal", "numeric"},
    {"real", "real4"},
    {"double precision", "real8"},
    {"money", "numeric"},
    {"boolean", "boolean"},
    {"character varying", "wstring"},
    {"character", "wstring"},
    {"text", "nclob"},
    {"bytea", "blob"},
    {"date", "date"},
    {"time without time zone", "time"},
    {"time with time zone", "time"},
    {"timestamp without time zone", "datetime"},
    {"timestamp with time zone", "datetime"},
    {"json", "nclob"},
    {"jsonb", "nclob"},
    {"xml", "nclob"},
    {"uuid", "string"},
};

constexpr TypeRow kMySql[] = {
    {"tinyint", "int1"},     {"smallint", "int2"},     {"mediumint", "int4"},
    {"int", "int4"},         {"integer", "int4"},      {"bigint", "int8"},
    {"decimal", "numeric"},  {"numeric", "numeric"},   {"float", "real4"},
    {"double", "real8"},     {"bit", "bytes"},         {"char", "wstring"},
    {"varchar", "wstring"},  {"tinytext", "nclob"},    {"text", "nclob"},
    {"mediumtext", "nclob"}, {"longtext", "nclob"},    {"binary", "bytes"},
    {"varbinary", "bytes"},  {"tinyblob", "blob"},     {"blob", "blob"},
    {"mediumblob", "blob"},  {"longblob", "blob"},     {"date", "date"},
    {"time", "time"},        {"datetime", "datetime"}, {"timestamp", "datetime"},
    {"year", "int2"},        {"enum", "wstring"},      {"set", "wstring"},
    {"json", "nclob"},
};

std::string_view Unsigned(std::string_view dms) {
  if (dms == "int1") return "uint1";
  if (dms == "int2") return "uint2";
  if (dms == "int4") return "uint4";
  if (dms == "int8") return "uint8";
  return dms;
}

}  // namespace

bool IsDmsTypeName(const std::string& name) {
  return std::find(std::begin(kDmsTypes), std::end(kDmsTypes), name) != std::end(kDmsTypes);
}

std::string DmsTypeOf(catalog::Engine engine, const catalog::ColumnType& type) {
  if (type.is_array) return "string";
  auto lookup = [&](const auto& table) -> std::string {
    for (const auto& row : table) {
      if (row.source == type.name) {
        return std::string(type.is_unsigned ? Unsigned(row.dms) : row.dms);
      }
    }
    return "string";
  };
  if (engine == catalog::Engine::kPostgres) return lookup(kPostgres);
  return lookup(kMySql);
}

}  // namespace switchyard::config
