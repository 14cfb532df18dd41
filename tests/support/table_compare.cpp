#include "tests/support/table_compare.h"

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

namespace switchyard::testing {
namespace {

std::string Shorten(const std::optional<std::string>& v) {
  if (!v) return "NULL";
  if (v->size() <= 80) return "'" + *v + "'";
  return "'" + v->substr(0, 60) + "...' (" + std::to_string(v->size()) + " bytes)";
}

std::string NormalizeDecimal(std::string v) {
  if (v.find('.') != std::string::npos && v.find_first_of("eE") == std::string::npos) {
    while (!v.empty() && v.back() == '0') v.pop_back();
    if (!v.empty() && v.back() == '.') v.pop_back();
  }
  if (v == "-0") v = "0";
  if (v.empty()) v = "0";
  return v;
}

bool FloatEqual(const std::string& a, const std::string& b, bool single, bool any_zero = false) {
  auto parse = [](const std::string& s) {
    if (s == "NaN" || s == "nan") return std::nan("");
    if (s == "Infinity" || s == "inf") return HUGE_VAL;
    if (s == "-Infinity" || s == "-inf") return -HUGE_VAL;
    return std::strtod(s.c_str(), nullptr);
  };
  double x = parse(a), y = parse(b);
  if (any_zero && x == 0 && y == 0) return true;
  if (single) {
    float fx = static_cast<float>(x), fy = static_cast<float>(y);
    if (std::isnan(fx) && std::isnan(fy)) return true;
    return std::memcmp(&fx, &fy, sizeof fx) == 0;
  }
  if (std::isnan(x) && std::isnan(y)) return true;
  return std::memcmp(&x, &y, sizeof x) == 0;
}

bool IsZeroDate(const std::string& v) {
  return v.size() >= 10 &&
         (v.compare(0, 4, "0000") == 0 || v.compare(5, 2, "00") == 0 || v.compare(8, 2, "00") == 0);
}

bool ValuesEqual(CompareKind kind, const std::optional<std::string>& s,
                 const std::optional<std::string>& t) {
  if (kind == CompareKind::kZeroDateToNull && s && IsZeroDate(*s)) return !t.has_value();
  if (!s || !t) return s.has_value() == t.has_value();
  switch (kind) {
    case CompareKind::kText:
    case CompareKind::kZeroDateToNull:
      return *s == *t;
    case CompareKind::kCharPadded: {
      auto rtrim = [](std::string v) {
        while (!v.empty() && v.back() == ' ') v.pop_back();
        return v;
      };
      return rtrim(*s) == rtrim(*t);
    }
    case CompareKind::kDecimal:
      return NormalizeDecimal(*s) == NormalizeDecimal(*t);
    case CompareKind::kFloat32:
      return FloatEqual(*s, *t, true);
    case CompareKind::kFloat64:
      return FloatEqual(*s, *t, false);
    case CompareKind::kFloat32AnyZero:
      return FloatEqual(*s, *t, true, true);
    case CompareKind::kFloat64AnyZero:
      return FloatEqual(*s, *t, false, true);
    case CompareKind::kJson: {
      auto a = nlohmann::json::parse(*s, nullptr, false);
      auto b = nlohmann::json::parse(*t, nullptr, false);
      if (a.is_discarded() || b.is_discarded()) return *s == *t;
      return a == b;
    }
  }
  return false;
}

std::string SelectSql(const TableCompare& spec, bool source) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += source ? spec.columns[i].source_expr : spec.columns[i].target_expr;
  }
  sql += " FROM " + (source ? spec.source_from : spec.target_from);
  const std::string& order = source ? spec.source_order_by : spec.target_order_by;
  if (!order.empty()) sql += " ORDER BY " + order;
  return sql;
}

}  // namespace

std::string CompareTables(const endpoints::ConnectionParams& source,
                          const endpoints::ConnectionParams& target, const TableCompare& spec) {
  auto s = endpoints::Connect(source);
  auto t = endpoints::Connect(target);
  if (!s.ok()) return "source connect: " + s.status().ToString();
  if (!t.ok()) return "target connect: " + t.status().ToString();
  auto srows = (*s)->Query(SelectSql(spec, true));
  if (!srows.ok()) return "source query: " + srows.status().ToString();
  auto trows = (*t)->Query(SelectSql(spec, false));
  if (!trows.ok()) return "target query: " + trows.status().ToString();

  std::ostringstream diff;
  int reported = 0;
  if (srows->size() != trows->size()) {
    diff << spec.target_from << ": " << srows->size() << " source rows, " << trows->size()
         << " target rows\n";
    ++reported;
  }
  const size_t n = std::min(srows->size(), trows->size());
  for (size_t r = 0; r < n && reported < 10; ++r) {
    for (size_t c = 0; c < spec.columns.size() && reported < 10; ++c) {
      const auto& sv = (*srows)[r][c];
      const auto& tv = (*trows)[r][c];
      if (!ValuesEqual(spec.columns[c].kind, sv, tv)) {
        diff << spec.target_from << " row " << r << " column " << spec.columns[c].name
             << ": source " << Shorten(sv) << ", target " << Shorten(tv) << "\n";
        ++reported;
      }
    }
  }
  return diff.str();
}

}  // namespace switchyard::testing
