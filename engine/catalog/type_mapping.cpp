// The four mapping directions. docs/type-mapping.md is the user-facing copy of these tables.
#include "engine/catalog/type_mapping.h"

#include <algorithm>

#include "engine/catalog/default_expr.h"
#include "engine/catalog/identifier.h"

namespace switchyard::catalog {
namespace {

std::string Num(int64_t v) { return std::to_string(v); }

// "(p)" when a fractional-seconds precision is set, else "".
std::string FractionSuffix(const std::optional<int>& p) { return p ? "(" + Num(*p) + ")" : ""; }

bool IsOneOf(const std::string& v, std::initializer_list<const char*> options) {
  return std::any_of(options.begin(), options.end(), [&](const char* o) { return v == o; });
}

Status UnsupportedType(const Column& c, const std::string& why) {
  return Status::Unsupported("column " + c.name + " of type " + c.type.full + ": " + why +
                             "; exclude it with a remove-column rule or convert it with "
                             "change-data-type");
}

bool IsMySqlIntegerOrDecimal(const std::string& n) {
  return IsOneOf(n, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal",
                     "numeric", "float", "double", "real", "year"});
}

// ---------------------------------------------------------------------------------------
// MySQL -> PostgreSQL
Status MySqlToPostgres(const Column& c, ColumnPlan* p) {
  const ColumnType& t = c.type;
  const std::string& n = t.name;
  const std::string qcol = QuoteIdentifier(Engine::kMySql, c.name);
  if (n == "tinyint") {
    p->target_type = "smallint";
    if (t.full.rfind("tinyint(1)", 0) == 0) {
      p->notes.push_back(
          "TINYINT(1) kept as smallint: it can hold values other than 0 and 1; "
          "use change-data-type boolean if it is a flag");
    }
  } else if (n == "smallint") {
    p->target_type = t.is_unsigned ? "integer" : "smallint";
  } else if (n == "mediumint") {
    p->target_type = "integer";
  } else if (n == "int" || n == "integer") {
    p->target_type = t.is_unsigned ? "bigint" : "integer";
  } else if (n == "bigint") {
    p->target_type = t.is_unsigned ? "numeric(20)" : "bigint";
  } else if (n == "decimal" || n == "numeric") {
    p->target_type =
        "numeric(" + Num(t.precision.value_or(10)) + "," + Num(t.scale.value_or(0)) + ")";
    if (t.is_unsigned) p->notes.push_back("UNSIGNED DECIMAL: the sign constraint is not carried");
  } else if (n == "float") {
    p->target_type = "real";
    // MariaDB prints FLOAT with 6 significant digits (16777216 -> "16777200"); as a DOUBLE
    // the exact stored value comes out.
    p->select_expr = "CAST(" + qcol + " AS DOUBLE)";
  } else if (n == "double" || n == "real") {
    p->target_type = "double precision";
  } else if (n == "bit") {
    int64_t bits = t.length.value_or(1);
    p->target_type = "bit(" + Num(bits) + ")";
    p->select_expr = "LPAD(BIN(" + qcol + "+0)," + Num(bits) + ",'0')";
  } else if (n == "char") {
    // CHAR(0) / VARCHAR(0) are legal on MySQL (they hold '' or NULL), not on PostgreSQL.
    p->target_type = "character(" + Num(std::max<int64_t>(1, t.length.value_or(1))) + ")";
    p->transform = ValueTransform::kRejectNul;
  } else if (n == "varchar") {
    p->target_type = "character varying(" + Num(std::max<int64_t>(1, t.length.value_or(255))) + ")";
    p->transform = ValueTransform::kRejectNul;
  } else if (IsOneOf(n, {"tinytext", "text", "mediumtext", "longtext"})) {
    p->target_type = t.is_json ? "jsonb" : "text";
    p->transform = t.is_json ? ValueTransform::kRejectNulInJson : ValueTransform::kRejectNul;
  } else if (n == "json") {
    p->target_type = "jsonb";
    p->transform = ValueTransform::kRejectNulInJson;
    p->notes.push_back(
        "JSON maps to jsonb: equal as JSON, but key order, white space and "
        "duplicate keys are normalized");
  } else if (n == "uuid") {  // MariaDB 10.7+
    p->target_type = "uuid";
  } else if (n == "inet4" || n == "inet6") {  // MariaDB 10.10+ / 10.5+
    p->target_type = "inet";
  } else if (IsOneOf(n, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})) {
    p->target_type = "bytea";
    p->transform = ValueTransform::kBinaryToPgBytea;
  } else if (n == "date") {
    p->target_type = "date";
    p->transform = ValueTransform::kMySqlZeroDateToNull;
    p->notes.push_back("zero dates ('0000-00-00', '2024-00-10') become NULL");
  } else if (n == "datetime") {
    p->target_type = "timestamp" + FractionSuffix(t.precision) + " without time zone";
    p->transform = ValueTransform::kMySqlZeroDateToNull;
    p->notes.push_back("zero dates become NULL");
  } else if (n == "timestamp") {
    // Read in UTC (every session sets time_zone='+00:00') and written with an explicit offset.
    p->target_type = "timestamp" + FractionSuffix(t.precision) + " with time zone";
    p->transform = ValueTransform::kMySqlZeroTimestampToUtc;
    p->notes.push_back("zero timestamps become NULL");
  } else if (n == "time") {
    // MySQL TIME spans -838:59:59..838:59:59; PostgreSQL time only 00:00..24:00.
    p->target_type = "interval" + FractionSuffix(t.precision);
    p->notes.push_back(
        "TIME maps to interval because MySQL TIME holds durations beyond 24 h "
        "and negative values; use change-data-type time for times of day");
  } else if (n == "year") {
    p->target_type = "smallint";
  } else if (n == "enum" || n == "set") {
    p->target_type = "text";
    p->notes.push_back(n == std::string("enum") ? "ENUM values are stored as text"
                                                : "SET values are stored as comma-separated text");
  } else if (IsOneOf(n, {"geometry", "point", "linestring", "polygon", "multipoint",
                         "multilinestring", "multipolygon", "geometrycollection"})) {
    return UnsupportedType(c,
                           "spatial types have no PostgreSQL equivalent without PostGIS "
                           "(change-data-type blob keeps MySQL's internal SRID+WKB bytes)");
  } else {
    return UnsupportedType(c, "no PostgreSQL equivalent");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// PostgreSQL -> MySQL
Status PostgresToMySql(const Column& c, bool in_key, ColumnPlan* p) {
  const ColumnType& t = c.type;
  const std::string& n = t.name;
  const std::string qcol = QuoteIdentifier(Engine::kPostgres, c.name);
  if (t.is_array) {
    p->target_type = "json";
    p->select_expr = "array_to_json(" + qcol + ")::text";
    p->notes.push_back("arrays are stored as JSON arrays");
    return Status::Ok();
  }
  if (!t.enum_values.empty()) {
    std::string list;
    for (const auto& v : t.enum_values) {
      if (!list.empty()) list += ",";
      list += QuoteLiteral(Engine::kMySql, v);
    }
    p->target_type = "enum(" + list + ")";
    return Status::Ok();
  }
  if (n == "smallint") {
    p->target_type = "smallint";
  } else if (n == "integer") {
    p->target_type = "int";
  } else if (n == "bigint") {
    p->target_type = "bigint";
  } else if (n == "oid") {
    p->target_type = "int unsigned";
  } else if (n == "numeric") {
    // DECIMAL(M,D) needs M <= 65, 0 <= D <= 30 and D <= M. PostgreSQL 15 also has a negative
    // scale (numeric(5,-2) holds 9999900: M = 7, D = 0) and a scale above the precision
    // (numeric(3,5) holds 0.00999: M = D = 5).
    const int scale = t.scale.value_or(0);
    const int m =
        t.precision ? (scale < 0 ? *t.precision - scale : std::max(*t.precision, scale)) : 66;
    const int d = std::max(scale, 0);
    if (m <= 65 && d <= 30) {
      p->target_type = "decimal(" + Num(m) + "," + Num(d) + ")";
      p->transform = ValueTransform::kRejectNonFinite;
    } else {
      p->target_type = "decimal(65,30)";
      // MySQL rounds extra fractional digits with only a note, even in strict mode.
      p->transform = ValueTransform::kRejectBeyondMySqlDecimal;
      p->notes.push_back(
          "numeric without a MySQL-sized precision maps to decimal(65,30): values "
          "with more than 35 integer digits or a non-zero digit after the 30th fractional one "
          "are rejected, never rounded");
    }
  } else if (n == "real") {
    p->target_type = "float";
    // PostgreSQL prints the shortest text that round-trips as float4 ("3.4028235e+38"), which
    // MySQL parses as a double above FLT_MAX; the exact value as float8 is accepted.
    p->select_expr = qcol + "::float8";
    p->transform = ValueTransform::kRejectNonFinite;
  } else if (n == "double precision") {
    p->target_type = "double";
    p->transform = ValueTransform::kRejectNonFinite;
  } else if (n == "boolean") {
    p->target_type = "tinyint(1)";
    p->select_expr = qcol + "::int";
  } else if (n == "character") {
    int64_t len = t.length.value_or(1);
    p->target_type = len <= 255 ? "char(" + Num(len) + ")" : "varchar(" + Num(len) + ")";
  } else if (n == "character varying" || n == "text" || n == "name" || n == "citext") {
    if (n == "citext") {
      p->notes.push_back("citext compares case-insensitively; the MySQL column is utf8mb4_bin");
    }
    std::optional<int64_t> len = t.length;
    if (!len && in_key) {
      len = 768;  // InnoDB keys are limited to 3072 bytes = 768 utf8mb4 characters
      p->notes.push_back("unbounded text in a key maps to varchar(768) on MySQL");
    }
    if (len && *len <= 16383) {
      p->target_type = "varchar(" + Num(*len) + ")";
    } else {
      p->target_type = "longtext";
    }
  } else if (n == "bytea") {
    p->target_type = in_key ? "varbinary(3072)" : "longblob";
    p->transform = ValueTransform::kPgByteaToBinary;
  } else if (n == "date") {
    p->target_type = "date";
    p->transform = ValueTransform::kRejectPgSpecialDate;
  } else if (n == "time without time zone") {
    p->target_type = "time(" + Num(t.precision.value_or(6)) + ")";
  } else if (n == "timestamp without time zone") {
    p->target_type = "datetime(" + Num(t.precision.value_or(6)) + ")";
    p->transform = ValueTransform::kRejectPgSpecialDate;
  } else if (n == "timestamp with time zone") {
    // MySQL TIMESTAMP stops in 2038; DATETIME holds the instant as UTC.
    p->target_type = "datetime(" + Num(t.precision.value_or(6)) + ")";
    p->select_expr = "(" + qcol + " AT TIME ZONE 'UTC')";
    p->transform = ValueTransform::kRejectPgSpecialDate;
    p->notes.push_back("timestamptz is stored as UTC in a DATETIME (MySQL has no time zone type)");
  } else if (n == "time with time zone") {
    p->target_type = "varchar(32)";
    p->notes.push_back("timetz is stored as text");
  } else if (n == "interval") {
    p->target_type = "varchar(100)";
    p->notes.push_back("interval is stored as PostgreSQL-style text");
  } else if (n == "json" || n == "jsonb") {
    p->target_type = "json";
  } else if (n == "uuid") {
    p->target_type = "char(36)";
  } else if (n == "bit") {
    int64_t bits = t.length.value_or(1);
    if (bits <= 64) {
      p->target_type = "bit(" + Num(bits) + ")";
      p->load_expr = "CAST(CONV(@v,2,10) AS UNSIGNED)";
    } else {
      p->target_type = "varchar(" + Num(bits) + ")";
      p->notes.push_back("bit strings longer than 64 are stored as text of 0 and 1");
    }
  } else if (n == "bit varying") {
    p->target_type = "varchar(" + Num(t.length.value_or(16383)) + ")";
    p->notes.push_back("bit varying is stored as text of 0 and 1");
  } else if (n == "money") {
    p->target_type = "decimal(19,2)";
    p->select_expr = qcol + "::numeric";
  } else if (IsOneOf(n, {"inet", "cidr"})) {
    p->target_type = "varchar(43)";
  } else if (IsOneOf(n, {"macaddr", "macaddr8"})) {
    p->target_type = "varchar(23)";
  } else if (IsOneOf(n, {"xml", "tsvector", "tsquery", "point", "line", "lseg", "box", "path",
                         "polygon", "circle", "int4range", "int8range", "numrange", "tsrange",
                         "tstzrange", "daterange", "hstore"})) {
    p->target_type = "longtext";
    p->select_expr = qcol + "::text";
    p->notes.push_back(n + " is stored as its PostgreSQL text form");
  } else {
    return UnsupportedType(c, "no MySQL equivalent");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// Same engine: the type text is carried verbatim.
Status SameEngine(const Column& c, Engine engine, ColumnPlan* p) {
  const ColumnType& t = c.type;
  p->target_type = t.full;
  if (engine == Engine::kMySql) {
    if (t.is_json) p->target_type = "json";
    if (t.name == "float") {
      p->select_expr = "CAST(" + QuoteIdentifier(Engine::kMySql, c.name) + " AS DOUBLE)";
    }
    if (t.name == "bit") {
      const std::string qcol = QuoteIdentifier(Engine::kMySql, c.name);
      int64_t bits = t.length.value_or(1);
      p->select_expr = "LPAD(BIN(" + qcol + "+0)," + Num(bits) + ",'0')";
      p->load_expr = "CAST(CONV(@v,2,10) AS UNSIGNED)";
    }
    if (!t.charset.empty() && t.charset != "binary" &&
        IsOneOf(t.name,
                {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"}) &&
        !t.is_json) {
      p->target_type += " CHARACTER SET " + t.charset;
    }
  }
  if (c.default_expr && !c.auto_increment) p->default_expr = c.default_expr;
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// change-data-type with DMS type names.
// `c` is null for an added column, whose value is the rule's expression as it is.
Status OverrideType(const Column* c, Engine source, const TypeOverride& o, Engine target,
                    ColumnPlan* p) {
  const bool pg = target == Engine::kPostgres;
  const std::string& ty = o.type;
  auto len = [&](int64_t dflt) { return Num(o.length.value_or(dflt)); };
  if (ty == "int1")
    p->target_type = pg ? "smallint" : "tinyint";
  else if (ty == "int2")
    p->target_type = "smallint";
  else if (ty == "int4")
    p->target_type = pg ? "integer" : "int";
  else if (ty == "int8")
    p->target_type = "bigint";
  else if (ty == "uint1")
    p->target_type = pg ? "smallint" : "tinyint unsigned";
  else if (ty == "uint2")
    p->target_type = pg ? "integer" : "smallint unsigned";
  else if (ty == "uint4")
    p->target_type = pg ? "bigint" : "int unsigned";
  else if (ty == "uint8")
    p->target_type = pg ? "numeric(20)" : "bigint unsigned";
  else if (ty == "numeric") {
    p->target_type = (pg ? "numeric(" : "decimal(") + Num(o.precision.value_or(38)) + "," +
                     Num(o.scale.value_or(0)) + ")";
  } else if (ty == "real4")
    p->target_type = pg ? "real" : "float";
  else if (ty == "real8")
    p->target_type = pg ? "double precision" : "double";
  else if (ty == "string" || ty == "wstring") {
    p->target_type = o.length ? (pg ? "character varying(" : "varchar(") + len(0) + ")"
                              : (pg ? "text" : "longtext");
  } else if (ty == "clob" || ty == "nclob")
    p->target_type = pg ? "text" : "longtext";
  else if (ty == "blob" || ty == "bytes")
    p->target_type = pg ? "bytea" : "longblob";
  else if (ty == "date")
    p->target_type = "date";
  else if (ty == "time")
    p->target_type = pg ? "time" : "time(6)";
  else if (ty == "datetime")
    p->target_type = pg ? "timestamp(6)" : "datetime(6)";
  else if (ty == "boolean")
    p->target_type = pg ? "boolean" : "tinyint(1)";
  else {
    return Status::InvalidArgument("change-data-type: \"" + ty +
                                   "\" is not a supported DMS data type (int1..int8, uint1..uint8, "
                                   "numeric, real4, real8, string, wstring, clob, nclob, blob, "
                                   "bytes, date, time, datetime, boolean)");
  }
  // Value conversions that follow from the new type: the select expression and transform
  // were chosen for the natural target type.
  if (c != nullptr) {
    const ColumnType& st = c->type;
    const bool to_bytes = ty == "blob" || ty == "bytes";
    const bool source_bytea = source == Engine::kPostgres && st.name == "bytea";
    if (pg && to_bytes) {
      // bytea input is hex (text with NUL keeps every byte); a bytea source already prints it.
      p->transform = source_bytea ? ValueTransform::kNone : ValueTransform::kBinaryToPgBytea;
    } else if (pg && (p->transform == ValueTransform::kBinaryToPgBytea ||
                      p->transform == ValueTransform::kRejectNulInJson)) {
      p->transform = ValueTransform::kRejectNul;
    }
    if (source == Engine::kMySql && st.name == "bit") {
      // The natural mapping reads BIT as a string of 0 and 1; any other type wants the number.
      p->select_expr = "(" + QuoteIdentifier(Engine::kMySql, c->name) + "+0)";
      p->load_expr.clear();
    }
    if (source == Engine::kPostgres && st.name == "bit" && ty.find("int") == std::string::npos &&
        ty != "numeric") {
      p->load_expr.clear();  // CONV(@v,2,10) turns the bit string into a number
    }
    if (pg && ty == "boolean" &&
        (source == Engine::kMySql ? IsMySqlIntegerOrDecimal(st.name) || st.name == "bit"
                                  : IsOneOf(st.name, {"smallint", "integer", "bigint", "numeric",
                                                      "real", "double precision"}))) {
      // MySQL's truth: any non-zero number is true (TINYINT(1) may hold 2 or -1).
      p->select_expr = "(" + p->select_expr + " <> 0)";
    }
    if (pg && ty == "time" && source == Engine::kMySql && st.name == "time") {
      p->transform = ValueTransform::kRejectTimeOutsideDay;
    }
  }
  p->notes.push_back("type changed by change-data-type to " + ty);
  return Status::Ok();
}

}  // namespace

Result<ColumnPlan> PlanColumn(const Column& column, const MappingContext& ctx,
                              const std::optional<TypeOverride>& override_type) {
  ColumnPlan p;
  p.source_name = column.name;
  p.target_name = column.name;
  p.select_expr = QuoteIdentifier(ctx.source, column.name);
  p.nullable = column.nullable;
  p.identity = column.auto_increment;
  p.comment = column.comment;

  Status st;
  if (ctx.source == ctx.target) {
    st = SameEngine(column, ctx.target, &p);
  } else if (ctx.source == Engine::kMySql) {
    st = MySqlToPostgres(column, &p);
  } else {
    st = PostgresToMySql(column, ctx.in_key, &p);
  }
  if (!st.ok()) {
    if (!override_type) return st;
    p.target_type.clear();
  }
  if (override_type) {
    SY_RETURN_IF_ERROR(OverrideType(&column, ctx.source, *override_type, ctx.target, &p));
  }
  if (ctx.source != ctx.target && column.default_expr && !column.auto_increment) {
    p.default_expr = TranslateDefault(column, ctx.source, ctx.target, p, &p.notes);
  }
  if (p.identity && ctx.source != ctx.target) {
    const bool integer_target =
        (p.target_type.find("int") != std::string::npos &&
         p.target_type.find("interval") == std::string::npos) ||
        (ctx.target == Engine::kPostgres && p.target_type.rfind("numeric(", 0) == 0 &&
         p.target_type.find(',') == std::string::npos);
    if (!integer_target) {
      p.identity = false;
      p.notes.push_back("auto-increment dropped: the target type is not an integer");
    }
  }
  return p;
}

}  // namespace switchyard::catalog

namespace switchyard::catalog {

Result<ColumnPlan> PlanAddedColumn(const std::string& name, const std::string& select_expr,
                                   const TypeOverride& type, Engine target) {
  ColumnPlan p;
  p.target_name = name;
  p.select_expr = select_expr;
  SY_RETURN_IF_ERROR(OverrideType(nullptr, target, type, target, &p));
  if (target == Engine::kPostgres && (type.type == "blob" || type.type == "bytes")) {
    p.transform = ValueTransform::kBinaryToPgBytea;
  }
  return p;
}

}  // namespace switchyard::catalog
