// SQL text for one row change of one table, as it runs on the target and as it may be shown.
//
// Values go through the column's ValueTransform and the session's QuoteLiteral (MySQL binary
// columns as X'..' hex, a MySQL load_expr around the literal); identifiers through
// catalog::QuoteIdentifier. When the table has a column whose name looks like a secret
// (logging::LooksLikeSecretKey: "password", "api_token", ...) every statement is built twice:
// `shown` carries the bare token <redacted> instead of that column's values, so apply-exception
// records, logs and error messages never hold them. The token is no SQL literal, so a shown
// statement that contains it fails to parse rather than writing a placeholder.
//
// Plain helpers on the caller's thread; the builder borrows the session (for quoting only) and
// the plan, which must outlive it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/cdc/change_event.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline::cdc {

inline constexpr std::string_view kRedactedValue = "<redacted>";

const char* ChangeOpName(ChangeOp op);  // "insert", "update", "delete", "truncate"

// Cuts a statement for an error message (a 10 MB value is not logged whole).
std::string ClipForMessage(const std::string& s);

// A statement being built: the text to run and, when redacting, the text to show.
class SqlText {
 public:
  explicit SqlText(bool redacting = false) : redacting_(redacting) {}
  void Add(std::string_view text);
  void Add(const SqlText& other);
  // A rendered value; shown as kRedactedValue when `secret`.
  void AddValue(std::string_view value, bool secret);
  const std::string& run() const { return run_; }
  const std::string& shown() const { return redacting_ ? shown_ : run_; }
  bool empty() const { return run_.empty(); }

 private:
  bool redacting_;
  std::string run_;
  std::string shown_;
};

class ChangeSqlBuilder {
 public:
  ChangeSqlBuilder(const endpoints::SqlSession& session, const TablePlan& plan);

  SqlText NewText() const { return SqlText(redacting_); }
  std::string Table() const;
  bool keyless() const { return t_.primary_key.empty(); }
  bool has_secret_columns() const { return redacting_; }
  bool IsSecretColumn(size_t i) const { return secret_[i]; }
  // The raw values of secret-looking columns in either image, to scrub from server messages.
  std::vector<std::string> SecretValues(const RowChange& ch) const;

  // INSERT INTO t (every column) VALUES (...) from a full row image. A kUnchanged value is an
  // InvalidArgument; a value the column's transform rejects keeps the transform's code.
  Status Insert(const std::vector<ChangeValue>& after, SqlText* out) const;
  // One INSERT with a VALUES row per image (the apply fast path's consecutive inserts).
  Status InsertRows(const std::vector<const std::vector<ChangeValue>*>& rows, SqlText* out) const;
  // "c1 = v1, c2 = v2" for every value of `after` that is not kUnchanged (empty text when all
  // are); *any_unchanged tells whether some column was left out.
  Status SetList(const std::vector<ChangeValue>& after, SqlText* out, bool* any_unchanged) const;
  // The condition that identifies the changed row: the primary key, taken from `before` when
  // present, else from `after`; without a primary key every column of `before` (IS NULL for
  // NULLs).
  Status Where(const RowChange& ch, SqlText* out) const;
  // The condition that matches every row whose primary key is in one of `images`:
  // "k IN (v1, v2)" for a one-column key, "(k1 = a AND k2 = b) OR (...)" otherwise. Tables
  // with a primary key only.
  Status KeysIn(const std::vector<const std::vector<ChangeValue>*>& images, SqlText* out) const;
  // PostgreSQL targets, tables with a primary key: one UPDATE of every row in `rows` by key,
  // each setting the columns `set` (plan indexes, no key column) to its values:
  //   UPDATE t AS sy_t SET c = sy_v.sy_1 FROM (VALUES (CAST('1' AS integer), CAST(.. AS ..)),
  //   ('2', ..)) AS sy_v(sy_0, sy_1) WHERE sy_t.k = sy_v.sy_0
  // The first row's casts to the target types type the VALUES columns, so the key comparison
  // uses the index. It reports one row per key found.
  Status UpdateRows(const std::vector<size_t>& set,
                    const std::vector<const std::vector<ChangeValue>*>& rows, SqlText* out) const;

  // PostgreSQL targets: InsertRows, SetList and Where with $n parameters in place of the
  // literals, appended to `out`, for prepared statements (SqlSession::ExecutePipeline). A
  // parameter holds exactly the text the literal would have quoted (after the column's
  // transform; NULL as a null parameter), and the server types it from where it stands just as
  // it types the untyped literal: the column's type, with assignment rules (a too-long varchar
  // fails, a numeric rounds to its scale), so the row gets the same values. Unsupported when a
  // value holds a NUL byte, which a text parameter cannot carry: use the literal statement.
  // Other failures as for the literal versions.
  Status InsertRowsParams(const std::vector<const std::vector<ChangeValue>*>& rows,
                          endpoints::PipelinedStatement* out) const;
  Status SetListParams(const std::vector<ChangeValue>& after, endpoints::PipelinedStatement* out,
                       bool* any_unchanged) const;
  Status WhereParams(const RowChange& ch, endpoints::PipelinedStatement* out) const;
  // A comment naming the target column types, to start every parameterised statement with: a
  // prepared statement keeps the parameter types inferred when it was prepared, so a table
  // planned again with other types must get statements of another text.
  const std::string& TypesComment() const { return types_comment_; }

 private:
  std::string Column(size_t i) const;
  // Plan indexes of the primary key's columns.
  Status KeyColumns(std::vector<size_t>* cols) const;
  // Value `v` of column `i` after its transform; nullopt for NULL.
  Status Value(size_t i, const ChangeValue& v, std::optional<std::string>* out) const;
  // The SQL expression for value `v` of column `i` after its transform; *is_null when NULL.
  Status Render(size_t i, const ChangeValue& v, std::string* sql, bool* is_null) const;
  // Appends value `v` of column `i` as the next parameter ($n) of `out`.
  Status AddParam(size_t i, const ChangeValue& v, endpoints::PipelinedStatement* out) const;
  // The condition on the key (or every column) of `ch`: the columns and the image they are in.
  Status WhereColumns(const RowChange& ch, std::vector<size_t>* cols,
                      const std::vector<ChangeValue>** image) const;
  Status CheckImageSize(const std::vector<ChangeValue>& image) const;

  const endpoints::SqlSession& session_;
  const catalog::TargetTable& t_;
  catalog::Engine e_;
  std::vector<bool> secret_;
  bool redacting_ = false;
  std::string types_comment_;
};

}  // namespace switchyard::pipeline::cdc
