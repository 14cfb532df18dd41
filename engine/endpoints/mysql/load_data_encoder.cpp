#include "engine/endpoints/mysql/load_data_encoder.h"

#include <array>
#include <cstdint>

#include "engine/catalog/identifier.h"

namespace switchyard::endpoints::mysql {
namespace {

// For each byte: 0 when it is written as is, else the letter that follows the backslash.
constexpr std::array<char, 256> MakeEscapeTable() {
  std::array<char, 256> table{};
  table[static_cast<uint8_t>('\\')] = '\\';
  table[static_cast<uint8_t>('\t')] = 't';
  table[static_cast<uint8_t>('\n')] = 'n';
  table[static_cast<uint8_t>('\r')] = 'r';
  table[0] = '0';
  return table;
}
constexpr std::array<char, 256> kEscape = MakeEscapeTable();

inline void AppendEscaped(std::string_view value, std::string& out) {
  const char* run = value.data();
  const char* const end = run + value.size();
  for (const char* p = run; p < end; ++p) {
    const char letter = kEscape[static_cast<uint8_t>(*p)];
    if (letter == 0) continue;
    out.append(run, static_cast<size_t>(p - run));
    const char pair[2] = {'\\', letter};
    out.append(pair, 2);
    run = p + 1;
  }
  out.append(run, static_cast<size_t>(end - run));
}

bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<uint8_t>(c) >= 0x80;
}

// `expr` with every standalone @v (not @v1, @vx...) replaced by `variable`.
std::string ReplaceFieldVariable(const std::string& expr, const std::string& variable) {
  std::string out;
  out.reserve(expr.size() + 8);
  for (size_t i = 0; i < expr.size(); ++i) {
    if (expr.compare(i, 2, "@v") == 0 && (i + 2 >= expr.size() || !IsIdentifierChar(expr[i + 2]))) {
      out += variable;
      ++i;
      continue;
    }
    out.push_back(expr[i]);
  }
  return out;
}

}  // namespace

void EncodeLoadData(const RowBatch& batch, std::string& out) {
  const size_t rows = batch.rows();
  const size_t columns = batch.columns();
  // Typical data needs no escapes: the bytes, one separator per field and a little slack.
  out.reserve(out.size() + batch.byte_size() + rows * columns * 2 + 64);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns; ++c) {
      if (c > 0) out.push_back('\t');
      if (batch.IsNull(r, c)) {
        out.append("\\N", 2);
      } else {
        AppendEscaped(batch.Field(r, c), out);
      }
    }
    out.push_back('\n');
  }
}

Result<std::string> BuildLoadDataStatement(const LoadSpec& spec) {
  if (spec.columns.empty()) {
    return Status::InvalidArgument("bulk load into " + spec.schema + "." + spec.table +
                                   ": no columns");
  }
  if (!spec.load_exprs.empty() && spec.load_exprs.size() != spec.columns.size()) {
    return Status::InvalidArgument("bulk load into " + spec.schema + "." + spec.table + ": " +
                                   std::to_string(spec.load_exprs.size()) +
                                   " load expressions for " + std::to_string(spec.columns.size()) +
                                   " columns");
  }
  constexpr auto kMy = catalog::Engine::kMySql;
  // The file name is never opened: the connection's handler serves the batch from memory.
  std::string sql = "LOAD DATA LOCAL INFILE 'switchyard-batch' INTO TABLE " +
                    catalog::QuoteQualified(kMy, spec.schema, spec.table) +
                    " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' "
                    "LINES TERMINATED BY '\\n' (";
  std::string set_clause;
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (i > 0) sql += ", ";
    const bool has_expr = !spec.load_exprs.empty() && !spec.load_exprs[i].empty();
    if (!has_expr) {
      sql += catalog::QuoteIdentifier(kMy, spec.columns[i]);
      continue;
    }
    const std::string variable = "@v" + std::to_string(i);
    sql += variable;
    set_clause += set_clause.empty() ? " SET " : ", ";
    set_clause += catalog::QuoteIdentifier(kMy, spec.columns[i]) + " = " +
                  ReplaceFieldVariable(spec.load_exprs[i], variable);
  }
  sql += ")";
  sql += set_clause;
  return sql;
}

}  // namespace switchyard::endpoints::mysql
