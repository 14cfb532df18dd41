#include "engine/endpoints/postgres/pg_column_type.h"

namespace switchyard::endpoints::postgres {
namespace {

constexpr int kVarHeaderSize = 4;               // VARHDRSZ, added to character and numeric typmods
constexpr int kIntervalFullPrecision = 0xFFFF;  // INTERVAL_FULL_PRECISION

void ApplyTypmod(const std::string& base, int typmod, catalog::ColumnType* type) {
  if (typmod < 0) return;
  if (base == "character varying" || base == "character") {
    if (typmod >= kVarHeaderSize) type->length = typmod - kVarHeaderSize;
  } else if (base == "bit" || base == "bit varying") {
    type->length = typmod;
  } else if (base == "numeric") {
    if (typmod < kVarHeaderSize) return;
    int packed = typmod - kVarHeaderSize;
    type->precision = (packed >> 16) & 0xffff;
    // PostgreSQL 15 allows a negative scale: it is an 11-bit signed field.
    type->scale = ((packed & 0x7ff) ^ 1024) - 1024;
  } else if (base == "time without time zone" || base == "time with time zone" ||
             base == "timestamp without time zone" || base == "timestamp with time zone") {
    type->precision = typmod;
  } else if (base == "interval") {
    int precision = typmod & 0xffff;  // the upper half holds the field range (DAY TO SECOND...)
    if (precision != kIntervalFullPrecision) type->precision = precision;
  }
}

}  // namespace

catalog::ColumnType MakeColumnType(const PgTypeFacts& facts) {
  catalog::ColumnType type;
  type.full = facts.full;
  type.is_array = facts.is_array;
  if (facts.is_array) {
    type.element_name = facts.element_name;
    type.name = facts.element_name + "[]";
    ApplyTypmod(facts.element_name, facts.typmod, &type);
  } else {
    type.name = facts.name;
    ApplyTypmod(facts.name, facts.typmod, &type);
  }
  return type;
}

}  // namespace switchyard::endpoints::postgres
