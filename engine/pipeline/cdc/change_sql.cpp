#include "engine/pipeline/cdc/change_sql.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "engine/catalog/identifier.h"
#include "engine/logging/redact.h"

namespace switchyard::pipeline::cdc {
namespace {

using catalog::Engine;

constexpr size_t kMaxStatementInMessage = 64 * 1024;

bool IsMySqlBinaryType(std::string type) {
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type.rfind("binary", 0) == 0 || type.rfind("varbinary", 0) == 0 ||
         type.find("blob") != std::string::npos;
}

std::string HexLiteral(std::string_view bytes) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "X'";
  out.reserve(bytes.size() * 2 + 3);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  out.push_back('\'');
  return out;
}

std::string ReplaceFieldVariable(const std::string& expr, const std::string& value) {
  std::string out;
  for (size_t i = 0; i < expr.size();) {
    if (expr.compare(i, 2, "@v") == 0) {
      out += value;
      i += 2;
    } else {
      out.push_back(expr[i++]);
    }
  }
  return out;
}

// Appends `value` (column `column`'s) as the next parameter ($n) of `out`.
Status PushParam(const std::string& column, std::optional<std::string> value,
                 endpoints::PipelinedStatement* out) {
  if (value && value->find('\0') != std::string::npos) {
    return Status::Unsupported("column " + column +
                               ": a value with a NUL byte cannot be a text parameter");
  }
  out->params.push_back(std::move(value));
  out->sql += "$" + std::to_string(out->params.size());
  return Status::Ok();
}

}  // namespace

const char* ChangeOpName(ChangeOp op) {
  switch (op) {
    case ChangeOp::kInsert:
      return "insert";
    case ChangeOp::kUpdate:
      return "update";
    case ChangeOp::kDelete:
      return "delete";
    case ChangeOp::kTruncate:
      return "truncate";
  }
  return "change";
}

std::string ClipForMessage(const std::string& s) {
  if (s.size() <= kMaxStatementInMessage) return s;
  return s.substr(0, kMaxStatementInMessage) + "... (" + std::to_string(s.size()) + " bytes)";
}

void SqlText::Add(std::string_view text) {
  run_ += text;
  if (redacting_) shown_ += text;
}

void SqlText::Add(const SqlText& other) {
  run_ += other.run();
  if (redacting_) shown_ += other.shown();
}

void SqlText::AddValue(std::string_view value, bool secret) {
  run_ += value;
  if (redacting_) shown_ += secret ? kRedactedValue : value;
}

ChangeSqlBuilder::ChangeSqlBuilder(const endpoints::SqlSession& session, const TablePlan& plan)
    : session_(session), t_(plan.target), e_(session.engine()) {
  for (const catalog::ColumnPlan& c : t_.columns) {
    const bool secret =
        logging::LooksLikeSecretKey(c.target_name) || logging::LooksLikeSecretKey(c.source_name);
    secret_.push_back(secret);
    redacting_ = redacting_ || secret;
  }
  if (e_ == Engine::kPostgres) {
    // A type name with "*/" in it (a quoted user type) must not end the comment early.
    std::string types;
    for (const catalog::ColumnPlan& c : t_.columns) {
      std::string type = c.target_type;
      for (size_t p = type.find("*/"); p != std::string::npos; p = type.find("*/", p)) {
        type.replace(p, 2, "* /");
      }
      types += (types.empty() ? "" : ", ") + type;
    }
    types_comment_ = "/* " + types + " */ ";
  }
}

std::string ChangeSqlBuilder::Table() const {
  return catalog::QuoteQualified(e_, t_.schema, t_.name);
}

std::string ChangeSqlBuilder::Column(size_t i) const {
  return catalog::QuoteIdentifier(e_, t_.columns[i].target_name);
}

std::vector<std::string> ChangeSqlBuilder::SecretValues(const RowChange& ch) const {
  std::vector<std::string> out;
  for (const auto* image : {&ch.before, &ch.after}) {
    for (size_t i = 0; i < image->size() && i < secret_.size(); ++i) {
      if (secret_[i] && (*image)[i].kind == ChangeValue::kValue) out.push_back((*image)[i].bytes);
    }
  }
  return out;
}

Status ChangeSqlBuilder::Value(size_t i, const ChangeValue& v,
                               std::optional<std::string>* out) const {
  const catalog::ColumnPlan& c = t_.columns[i];
  out->reset();
  if (v.kind == ChangeValue::kUnchanged) {
    return Status::InvalidArgument("column " + c.target_name +
                                   " is an unchanged (TOAST) value where a value is required");
  }
  if (v.kind == ChangeValue::kNull) return Status::Ok();
  if (c.transform == catalog::ValueTransform::kNone) {
    *out = v.bytes;
    return Status::Ok();
  }
  std::string value;
  bool to_null = false;
  Status st = catalog::ApplyValueTransform(c.transform, v.bytes, &value, &to_null);
  if (!st.ok()) {
    const std::string shown =
        secret_[i] ? std::string(kRedactedValue) : ClipForMessage(session_.QuoteLiteral(v.bytes));
    return Status(st.code(), "column " + c.target_name + " value " + shown + ": " + st.message());
  }
  if (!to_null) *out = std::move(value);
  return Status::Ok();
}

Status ChangeSqlBuilder::Render(size_t i, const ChangeValue& v, std::string* sql,
                                bool* is_null) const {
  const catalog::ColumnPlan& c = t_.columns[i];
  std::optional<std::string> value;
  SY_RETURN_IF_ERROR(Value(i, v, &value));
  *is_null = !value.has_value();
  if (*is_null) {
    *sql = "NULL";
    return Status::Ok();
  }
  std::string literal = e_ == Engine::kMySql && IsMySqlBinaryType(c.target_type)
                            ? HexLiteral(*value)
                            : session_.QuoteLiteral(*value);
  *sql = e_ == Engine::kMySql && !c.load_expr.empty() ? ReplaceFieldVariable(c.load_expr, literal)
                                                      : std::move(literal);
  return Status::Ok();
}

Status ChangeSqlBuilder::AddParam(size_t i, const ChangeValue& v,
                                  endpoints::PipelinedStatement* out) const {
  std::optional<std::string> value;
  SY_RETURN_IF_ERROR(Value(i, v, &value));
  return PushParam(t_.columns[i].target_name, std::move(value), out);
}

Status ChangeSqlBuilder::CheckImageSize(const std::vector<ChangeValue>& image) const {
  if (image.size() == t_.columns.size()) return Status::Ok();
  return Status::InvalidArgument("row image has " + std::to_string(image.size()) + " values for " +
                                 std::to_string(t_.columns.size()) + " columns");
}

Status ChangeSqlBuilder::Insert(const std::vector<ChangeValue>& after, SqlText* out) const {
  return InsertRows({&after}, out);
}

Status ChangeSqlBuilder::InsertRows(const std::vector<const std::vector<ChangeValue>*>& rows,
                                    SqlText* out) const {
  std::string cols;
  for (size_t i = 0; i < t_.columns.size(); ++i) cols += (i > 0 ? ", " : "") + Column(i);
  out->Add("INSERT INTO " + Table() + " (" + cols + ") VALUES ");
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& after = *rows[r];
    SY_RETURN_IF_ERROR(CheckImageSize(after));
    out->Add(r > 0 ? ", (" : "(");
    for (size_t i = 0; i < after.size(); ++i) {
      std::string v;
      bool is_null = false;
      SY_RETURN_IF_ERROR(Render(i, after[i], &v, &is_null));
      if (i > 0) out->Add(", ");
      out->AddValue(v, secret_[i]);
    }
    out->Add(")");
  }
  return Status::Ok();
}

Status ChangeSqlBuilder::SetList(const std::vector<ChangeValue>& after, SqlText* out,
                                 bool* any_unchanged) const {
  SY_RETURN_IF_ERROR(CheckImageSize(after));
  *any_unchanged = false;
  bool first = true;
  for (size_t i = 0; i < after.size(); ++i) {
    if (after[i].kind == ChangeValue::kUnchanged) {
      *any_unchanged = true;
      continue;
    }
    std::string v;
    bool is_null = false;
    SY_RETURN_IF_ERROR(Render(i, after[i], &v, &is_null));
    if (!first) out->Add(", ");
    first = false;
    out->Add(Column(i) + " = ");
    out->AddValue(v, secret_[i]);
  }
  return Status::Ok();
}

Status ChangeSqlBuilder::KeyColumns(std::vector<size_t>* cols) const {
  const size_t n = t_.columns.size();
  for (const std::string& k : t_.primary_key) {
    size_t i = 0;
    while (i < n && t_.columns[i].target_name != k) ++i;
    if (i == n) return Status::Internal("primary key column " + k + " is not in the plan");
    cols->push_back(i);
  }
  return Status::Ok();
}

Status ChangeSqlBuilder::KeysIn(const std::vector<const std::vector<ChangeValue>*>& images,
                                SqlText* out) const {
  std::vector<size_t> cols;
  SY_RETURN_IF_ERROR(KeyColumns(&cols));
  if (cols.empty()) return Status::Internal("KeysIn on a table without a primary key");
  if (cols.size() == 1) out->Add(Column(cols[0]) + " IN (");
  for (size_t r = 0; r < images.size(); ++r) {
    SY_RETURN_IF_ERROR(CheckImageSize(*images[r]));
    out->Add(r == 0 ? "" : cols.size() == 1 ? ", " : " OR ");
    if (cols.size() > 1) out->Add("(");
    for (size_t k = 0; k < cols.size(); ++k) {
      std::string v;
      bool is_null = false;
      Status st = Render(cols[k], (*images[r])[cols[k]], &v, &is_null);
      if (!st.ok()) return st.WithContext("key");
      if (cols.size() > 1) out->Add((k > 0 ? " AND " : "") + Column(cols[k]) + " = ");
      out->AddValue(is_null ? "NULL" : v, secret_[cols[k]]);
    }
    if (cols.size() > 1) out->Add(")");
  }
  if (cols.size() == 1) out->Add(")");
  return Status::Ok();
}

Status ChangeSqlBuilder::UpdateRows(const std::vector<size_t>& set,
                                    const std::vector<const std::vector<ChangeValue>*>& rows,
                                    SqlText* out) const {
  if (e_ != Engine::kPostgres) return Status::Internal("UpdateRows is for PostgreSQL targets");
  std::vector<size_t> cols;
  SY_RETURN_IF_ERROR(KeyColumns(&cols));
  if (cols.empty()) return Status::Internal("UpdateRows on a table without a primary key");
  const size_t keys = cols.size();
  cols.insert(cols.end(), set.begin(), set.end());
  auto alias = [](size_t i) { return "sy_" + std::to_string(i); };
  out->Add("UPDATE " + Table() + " AS sy_t SET ");
  for (size_t i = keys; i < cols.size(); ++i)
    out->Add((i > keys ? ", " : "") + Column(cols[i]) + " = sy_v." + alias(i));
  out->Add(" FROM (VALUES ");
  for (size_t r = 0; r < rows.size(); ++r) {
    SY_RETURN_IF_ERROR(CheckImageSize(*rows[r]));
    out->Add(r > 0 ? ", (" : "(");
    for (size_t i = 0; i < cols.size(); ++i) {
      std::string v;
      bool is_null = false;
      SY_RETURN_IF_ERROR(Render(cols[i], (*rows[r])[cols[i]], &v, &is_null));
      if (i > 0) out->Add(", ");
      if (r == 0) out->Add("CAST(");
      out->AddValue(v, secret_[cols[i]]);
      if (r == 0) out->Add(" AS " + t_.columns[cols[i]].target_type + ")");
    }
    out->Add(")");
  }
  out->Add(") AS sy_v(");
  for (size_t i = 0; i < cols.size(); ++i) out->Add((i > 0 ? ", " : "") + alias(i));
  out->Add(") WHERE ");
  for (size_t i = 0; i < keys; ++i)
    out->Add((i > 0 ? " AND " : "") + std::string("sy_t.") + Column(cols[i]) + " = sy_v." +
             alias(i));
  return Status::Ok();
}

Status ChangeSqlBuilder::WhereColumns(const RowChange& ch, std::vector<size_t>* cols,
                                      const std::vector<ChangeValue>** image) const {
  const size_t n = t_.columns.size();
  *image = &ch.before;
  if (!t_.primary_key.empty()) {
    SY_RETURN_IF_ERROR(KeyColumns(cols));
    if (ch.before.empty()) *image = &ch.after;
  } else {
    if (ch.before.size() != n) {
      return Status::InvalidArgument(
          "table without a primary key needs the full old row (REPLICA IDENTITY FULL / "
          "binlog_row_image=FULL) for update and delete");
    }
    for (size_t i = 0; i < n; ++i) cols->push_back(i);
  }
  return CheckImageSize(**image);
}

Status ChangeSqlBuilder::Where(const RowChange& ch, SqlText* out) const {
  std::vector<size_t> cols;
  const std::vector<ChangeValue>* image = nullptr;
  SY_RETURN_IF_ERROR(WhereColumns(ch, &cols, &image));
  bool first = true;
  for (size_t i : cols) {
    if (!first) out->Add(" AND ");
    first = false;
    std::string v;
    bool is_null = false;
    Status st = Render(i, (*image)[i], &v, &is_null);
    if (!st.ok()) return st.WithContext("key");
    if (is_null) {
      out->Add(Column(i) + " IS NULL");
    } else {
      out->Add(Column(i) + " = ");
      out->AddValue(v, secret_[i]);
    }
  }
  return Status::Ok();
}

Status ChangeSqlBuilder::InsertRowsParams(const std::vector<const std::vector<ChangeValue>*>& rows,
                                          endpoints::PipelinedStatement* out) const {
  std::string cols;
  for (size_t i = 0; i < t_.columns.size(); ++i) cols += (i > 0 ? ", " : "") + Column(i);
  out->sql += "INSERT INTO " + Table() + " (" + cols + ") VALUES ";
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& after = *rows[r];
    SY_RETURN_IF_ERROR(CheckImageSize(after));
    out->sql += r > 0 ? ", (" : "(";
    for (size_t i = 0; i < after.size(); ++i) {
      if (i > 0) out->sql += ", ";
      SY_RETURN_IF_ERROR(AddParam(i, after[i], out));
    }
    out->sql += ")";
  }
  return Status::Ok();
}

Status ChangeSqlBuilder::SetListParams(const std::vector<ChangeValue>& after,
                                       endpoints::PipelinedStatement* out,
                                       bool* any_unchanged) const {
  SY_RETURN_IF_ERROR(CheckImageSize(after));
  *any_unchanged = false;
  bool first = true;
  for (size_t i = 0; i < after.size(); ++i) {
    if (after[i].kind == ChangeValue::kUnchanged) {
      *any_unchanged = true;
      continue;
    }
    if (!first) out->sql += ", ";
    first = false;
    out->sql += Column(i) + " = ";
    SY_RETURN_IF_ERROR(AddParam(i, after[i], out));
  }
  return Status::Ok();
}

Status ChangeSqlBuilder::WhereParams(const RowChange& ch,
                                     endpoints::PipelinedStatement* out) const {
  std::vector<size_t> cols;
  const std::vector<ChangeValue>* image = nullptr;
  SY_RETURN_IF_ERROR(WhereColumns(ch, &cols, &image));
  bool first = true;
  for (size_t i : cols) {
    if (!first) out->sql += " AND ";
    first = false;
    // NULL is matched with IS NULL, as in Where(): the null pattern is part of the text.
    std::optional<std::string> value;
    Status st = Value(i, (*image)[i], &value);
    if (!st.ok()) return st.WithContext("key");
    if (!value) {
      out->sql += Column(i) + " IS NULL";
      continue;
    }
    out->sql += Column(i) + " = ";
    SY_RETURN_IF_ERROR(PushParam(t_.columns[i].target_name, std::move(value), out));
  }
  return Status::Ok();
}

}  // namespace switchyard::pipeline::cdc
