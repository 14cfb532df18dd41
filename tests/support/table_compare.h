// Value-by-value comparison of a source table and its copy on the target, for the
// full-load correctness tests. Each column is read on both sides with an SQL expression that
// yields a comparable text form, then compared with a rule that knows the type's equivalences
// (decimal trailing zeros, float bit patterns, JSON key order). Row counts alone prove nothing;
// this compares every value of every row.
#pragma once

#include <string>
#include <vector>

#include "engine/endpoints/endpoint.h"

namespace switchyard::testing {

enum class CompareKind {
  kText,            // bytes equal
  kCharPadded,      // CHAR(n): equal after trailing spaces are removed
  kDecimal,         // numbers equal after trailing fractional zeros are removed
  kFloat32,         // equal as float (NaN equals NaN, -0 differs from 0)
  kFloat64,         // equal as double
  kFloat32AnyZero,  // as kFloat32, but -0 equals 0 (MySQL targets cannot store -0)
  kFloat64AnyZero,
  kJson,            // equal as parsed JSON (key order and spacing ignored)
  kZeroDateToNull,  // MySQL date: zero dates on the source must be NULL on the target
};

struct ColumnCompare {
  std::string name;         // for messages
  std::string source_expr;  // SQL on the source yielding the canonical text
  std::string target_expr;  // SQL on the target
  CompareKind kind = CompareKind::kText;
};

struct TableCompare {
  std::string source_from;  // quoted schema.table on the source
  std::string target_from;  // quoted schema.table on the target
  std::vector<ColumnCompare> columns;
  std::string source_order_by;  // ORDER BY list (source dialect): the key, or every column
  std::string target_order_by;
};

// Returns "" when equal, else a description of the first differences (row, column, values).
std::string CompareTables(const endpoints::ConnectionParams& source,
                          const endpoints::ConnectionParams& target, const TableCompare& spec);

}  // namespace switchyard::testing
