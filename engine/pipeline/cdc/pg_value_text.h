// Client-side conversions that turn pgoutput's text of a raw PostgreSQL column value (the
// type's output function, as `SELECT col::text` prints it) into exactly the text the full load
// reads with the column's select_expr (catalog/type_mapping.cpp), so CDC and the full load
// hand the applier the same values.
//
// The conversions assume the session settings every connection of ours sets
// (endpoints/postgres/pg_session.h kSessionSettings): TimeZone 'UTC', DateStyle 'ISO, YMD',
// extra_float_digits 1. The replication connection sets them too, and the walsender formats
// streamed values with them. A text that does not have the expected shape (e.g. a time stamp
// with another offset than +00) is kDataError, never a guess.
//
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "engine/catalog/schema.h"
#include "engine/catalog/type_mapping.h"
#include "engine/common/status.h"

namespace switchyard::pipeline::cdc {

// How one array element is written by array_to_json (PostgreSQL's json_categorize_type).
enum class PgJsonElement {
  kNumber,   // smallint, integer, bigint, numeric, real, double precision: raw when a valid JSON
             // number, else a JSON string ("NaN", "Infinity")
  kBoolean,  // t/f -> true/false
  kString,   // text, character varying, character, uuid: a JSON string
};

enum class PgTextConversion {
  kNone,              // `"col"`, or `"col"::text` of a type whose ::text is its output function
  kBoolToInt,         // `"col"::int` of a boolean
  kFloat4ToFloat8,    // `"col"::float8` of a real
  kTimestamptzAtUtc,  // `("col" AT TIME ZONE 'UTC')` of a timestamptz
  kArrayToJson,       // `array_to_json("col")::text`
  kNonZeroToBool,     // `("col" <> 0)` of a number (change-data-type boolean, PG -> PG)
  // Any other select_expr of the column alone (money::numeric, arrays of dates, timestamps,
  // json or enums, ...): the source server evaluates it on the value, one round trip per
  // non-NULL value (PgValueConversion::source_sql, with the text as $1). Exact by
  // construction, as the full load ran the same expression; slower than the others.
  kOnSource,
};

struct PgValueConversion {
  PgTextConversion kind = PgTextConversion::kNone;
  PgJsonElement element = PgJsonElement::kString;  // kArrayToJson only
  // kOnSource only: "SELECT <select_expr with the column replaced by $1::<its type>>".
  std::string source_sql;
};

// Which conversion reproduces `column.select_expr` from pgoutput text. `source` is the
// column's source catalog entry (null when unknown: then only the plain column is accepted).
// A column with no source column (added by a rule), or whose source type is unknown while
// its select_expr is not the plain column -> kUnsupported naming the column and the
// expression.
Result<PgValueConversion> PgConversionFor(const catalog::ColumnPlan& column,
                                          const catalog::Column* source,
                                          const std::string& table_name);

// Applies `conversion` to one non-NULL pgoutput text value; kOnSource -> kInternal (the caller
// asks the source: PgChangeStream).
Result<std::string> ConvertPgText(const PgValueConversion& conversion, std::string_view text);

// The single conversions, exposed for tests.
// 't'/'f' -> "1"/"0", as boolean::int prints.
Result<std::string> PgBoolToInt(std::string_view text);
// float4 text (shortest round-trip for float) -> real::float8 text (shortest round-trip for
// double, PostgreSQL's layout: fixed for decimal exponents -4..14, else d.ddde+XX).
Result<std::string> PgFloat4ToFloat8(std::string_view text);
// PostgreSQL's float8 output (extra_float_digits >= 1) of `value`.
std::string PgFloat8Text(double value);
// timestamptz text in UTC ("2024-01-02 03:04:05.5+00", "... BC", "infinity") -> the text of
// the timestamp `col AT TIME ZONE 'UTC'` (the +00 removed).
Result<std::string> PgTimestamptzAtUtc(std::string_view text);
// PostgreSQL array text ("{1,NULL}", "[2:3]={a,\"b c\"}", "{{1,2},{3,4}}") -> array_to_json
// text (bounds ignored, no white space).
Result<std::string> PgArrayToJson(std::string_view text, PgJsonElement element);
// Text of a number -> "t"/"f" as (col <> 0) prints (NaN and infinities are non-zero).
Result<std::string> PgNonZeroToBool(std::string_view text);

}  // namespace switchyard::pipeline::cdc
