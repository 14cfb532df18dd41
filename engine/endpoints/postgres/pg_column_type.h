// Turns what pg_catalog says about a column's type into a catalog::ColumnType: the base type
// name, and the length / precision / scale packed into atttypmod. Pure functions.
#pragma once

#include <string>

#include "engine/catalog/schema.h"

namespace switchyard::endpoints::postgres {

// One column's type as the catalog query returns it.
struct PgTypeFacts {
  std::string full;  // format_type(atttypid, atttypmod): "numeric(10,2)", "integer[]"
  std::string name;  // format_type(oid, NULL) for pg_catalog types, else pg_type.typname
  int typmod = -1;   // atttypmod (applies to the element type for arrays)
  bool is_array = false;
  std::string element_name;  // like `name`, for the element type of an array
};

// name: the base name ("character varying", "timestamp with time zone", "mood"); for arrays
// the element's base name followed by "[]" ("integer[]"), with is_array and element_name set.
// Typmods decoded: varchar/char length (typmod - 4); bit/varbit length (typmod); numeric
// precision and scale (unconstrained numeric: none); time/timetz/timestamp/timestamptz
// fractional-second precision; interval fractional-second precision (none when unspecified).
catalog::ColumnType MakeColumnType(const PgTypeFacts& facts);

}  // namespace switchyard::endpoints::postgres
