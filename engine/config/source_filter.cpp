// Source filters (selection rule "filters") as a WHERE condition in the source dialect. Every
// identifier and literal goes through catalog::QuoteIdentifier / QuoteLiteral; values stay
// string literals, which both engines compare against numeric and temporal columns by
// converting the literal.
#include "engine/catalog/identifier.h"
#include "engine/config/table_mappings.h"

namespace switchyard::config {
namespace {

std::string ConditionSql(const FilterCondition& c, const std::string& column,
                         catalog::Engine engine) {
  auto lit = [&](const std::string& v) { return catalog::QuoteLiteral(engine, v); };
  using Op = FilterCondition::Operator;
  switch (c.op) {
    case Op::kLte:
      return column + " <= " + lit(c.value);
    case Op::kGte:
      return column + " >= " + lit(c.value);
    case Op::kEq:
      return column + " = " + lit(c.value);
    case Op::kNotEq:
      return column + " <> " + lit(c.value);
    case Op::kBetween:
      return column + " BETWEEN " + lit(c.start_value) + " AND " + lit(c.end_value);
    case Op::kNotBetween:
      return column + " NOT BETWEEN " + lit(c.start_value) + " AND " + lit(c.end_value);
    case Op::kNull:
      return column + " IS NULL";
    case Op::kNotNull:
      return column + " IS NOT NULL";
  }
  return "FALSE";
}

}  // namespace

std::string FiltersToSql(const std::vector<SourceFilter>& filters, catalog::Engine engine) {
  std::string out;
  for (const auto& f : filters) {
    const std::string column = catalog::QuoteIdentifier(engine, f.column_name);
    std::string one;
    for (const auto& c : f.conditions) {
      if (!one.empty()) one += " OR ";
      one += ConditionSql(c, column, engine);
    }
    if (!out.empty()) out += " AND ";
    out += "(" + one + ")";
  }
  return out;
}

}  // namespace switchyard::config
