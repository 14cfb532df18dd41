#include "engine/catalog/ddl.h"

#include <algorithm>

#include "engine/catalog/identifier.h"

namespace switchyard::catalog {
namespace {

std::string Q(Engine e, const std::string& name) { return QuoteIdentifier(e, name); }

std::string Qualified(const TargetTable& t) { return QuoteQualified(t.engine, t.schema, t.name); }

// PostgreSQL identity columns must be smallint/integer/bigint; BIGINT UNSIGNED
// AUTO_INCREMENT maps to numeric(20), which gets a sequence of its own instead.
bool NeedsOwnSequence(const TargetTable& t, const ColumnPlan& c) {
  return t.engine == Engine::kPostgres && c.identity && c.target_type.rfind("numeric", 0) == 0;
}

std::string SequenceName(const TargetTable& t, const ColumnPlan& c) {
  return QuoteQualified(t.engine, t.schema, t.name + "_" + c.target_name + "_seq");
}

std::string ColumnList(Engine e, const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) {
    if (!out.empty()) out += ", ";
    out += Q(e, c);
  }
  return out;
}

// MySQL cannot index TEXT/BLOB (and MariaDB's JSON, a LONGTEXT) without a prefix length. The
// type's leading word decides: "enum('text')" is no TEXT.
bool NeedsIndexPrefix(const std::string& target_type) {
  std::string base = target_type.substr(0, target_type.find_first_of("( "));
  std::transform(base.begin(), base.end(), base.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  static const char* kLobs[] = {"tinytext", "text",       "mediumtext", "longtext", "tinyblob",
                                "blob",     "mediumblob", "longblob",   "json"};
  return std::any_of(std::begin(kLobs), std::end(kLobs),
                     [&](const char* lob) { return base == lob; });
}

std::string MySqlIndexColumnList(const TargetTable& t, const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& name : cols) {
    if (!out.empty()) out += ", ";
    out += Q(Engine::kMySql, name);
    for (const auto& c : t.columns) {
      if (c.target_name == name && NeedsIndexPrefix(c.target_type)) out += "(255)";
    }
  }
  return out;
}

// MySQL requires the AUTO_INCREMENT column to lead some index at CREATE TABLE time: the
// primary key when it starts with that column, else the first secondary index that does
// (created inline, so CreateIndexesSql skips it), else a plain KEY named after the column.
struct MySqlIdentityKey {
  const ColumnPlan* column = nullptr;  // none: no AUTO_INCREMENT column
  bool primary = false;
  const Index* index = nullptr;
};

MySqlIdentityKey FindMySqlIdentityKey(const TargetTable& t) {
  MySqlIdentityKey key;
  if (t.engine != Engine::kMySql) return key;
  for (const auto& c : t.columns) {
    if (c.identity) {
      key.column = &c;
      break;
    }
  }
  if (key.column == nullptr) return key;
  const std::string& name = key.column->target_name;
  if (!t.primary_key.empty() && t.primary_key.front() == name) {
    key.primary = true;
    return key;
  }
  for (const auto& idx : t.indexes) {
    if (!idx.columns.empty() && idx.columns.front() == name) {
      key.index = &idx;
      return key;
    }
  }
  return key;
}

// A dollar-quote tag that does not occur in `body`, so no label can end the quoted block.
std::string DollarTag(const std::string& body) {
  std::string tag = "$sy$";
  while (body.find(tag) != std::string::npos) tag.insert(tag.size() - 1, "_");
  return tag;
}

std::string IndexName(const TargetTable& t, const std::string& name) {
  return t.index_name_prefix + name;
}

}  // namespace

std::string CreateSchemaSql(Engine engine, const std::string& schema) {
  if (engine == Engine::kPostgres) return "CREATE SCHEMA IF NOT EXISTS " + Q(engine, schema);
  return "CREATE DATABASE IF NOT EXISTS " + Q(engine, schema) +
         " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
}

std::string DropTableSql(const TargetTable& t) {
  return "DROP TABLE IF EXISTS " + Qualified(t) + (t.engine == Engine::kPostgres ? " CASCADE" : "");
}

std::string TruncateTableSql(const TargetTable& t) { return "TRUNCATE TABLE " + Qualified(t); }

std::vector<std::string> CreateTableSql(const TargetTable& t, bool with_primary_key) {
  const Engine e = t.engine;
  std::vector<std::string> out;
  for (const auto& en : t.enum_types) {
    std::string labels;
    for (const auto& v : en.values) labels += (labels.empty() ? "" : ", ") + QuoteLiteral(e, v);
    // PostgreSQL has no CREATE TYPE IF NOT EXISTS; a type left by an earlier run is reused.
    const std::string body = " BEGIN CREATE TYPE " + QuoteQualified(e, t.schema, en.name) +
                             " AS ENUM (" + labels +
                             "); EXCEPTION WHEN duplicate_object THEN NULL; END ";
    const std::string tag = DollarTag(body);
    out.push_back("DO " + tag + body + tag);
  }
  for (const auto& c : t.columns) {
    if (NeedsOwnSequence(t, c)) {
      out.push_back("CREATE SEQUENCE IF NOT EXISTS " + SequenceName(t, c) + " AS bigint");
    }
  }
  std::string sql = "CREATE TABLE " + Qualified(t) + " (";
  bool first = true;
  for (const auto& c : t.columns) {
    if (!first) sql += ", ";
    first = false;
    sql += Q(e, c.target_name) + " " + c.target_type;
    if (NeedsOwnSequence(t, c)) {
      sql += " DEFAULT nextval(" + QuoteLiteral(e, SequenceName(t, c)) + ")";
    } else if (c.identity && e == Engine::kPostgres) {
      sql += " GENERATED BY DEFAULT AS IDENTITY";
    }
    if (!c.nullable) sql += " NOT NULL";
    if (c.identity && e == Engine::kMySql) sql += " AUTO_INCREMENT";
    if (c.default_expr && !c.identity) sql += " DEFAULT " + *c.default_expr;
    if (e == Engine::kMySql && !c.comment.empty()) sql += " COMMENT " + QuoteLiteral(e, c.comment);
  }
  const MySqlIdentityKey identity_key = FindMySqlIdentityKey(t);
  if (!t.primary_key.empty() && (with_primary_key || identity_key.primary)) {
    sql += ", PRIMARY KEY (" + ColumnList(e, t.primary_key) + ")";
  }
  if (identity_key.index != nullptr) {
    sql += std::string(", ") + (identity_key.index->unique ? "UNIQUE " : "") + "KEY " +
           Q(e, identity_key.index->name) + " (" +
           MySqlIndexColumnList(t, identity_key.index->columns) + ")";
  } else if (identity_key.column != nullptr && !identity_key.primary) {
    sql += ", KEY " + Q(e, identity_key.column->target_name) + " (" +
           Q(e, identity_key.column->target_name) + ")";
  }
  sql += ")";
  if (e == Engine::kMySql) {
    sql += " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    if (!t.comment.empty()) sql += " COMMENT=" + QuoteLiteral(e, t.comment);
  }
  out.push_back(sql);
  if (e == Engine::kPostgres) {
    for (const auto& c : t.columns) {
      if (NeedsOwnSequence(t, c)) {
        out.push_back("ALTER SEQUENCE " + SequenceName(t, c) + " OWNED BY " + Qualified(t) + "." +
                      Q(e, c.target_name));
      }
    }
    if (!t.comment.empty()) {
      out.push_back("COMMENT ON TABLE " + Qualified(t) + " IS " + QuoteLiteral(e, t.comment));
    }
    for (const auto& c : t.columns) {
      if (c.comment.empty()) continue;
      out.push_back("COMMENT ON COLUMN " + Qualified(t) + "." + Q(e, c.target_name) + " IS " +
                    QuoteLiteral(e, c.comment));
    }
  }
  return out;
}

std::string AddPrimaryKeySql(const TargetTable& t) {
  if (t.primary_key.empty()) return "";
  return "ALTER TABLE " + Qualified(t) + " ADD PRIMARY KEY (" +
         ColumnList(t.engine, t.primary_key) + ")";
}

std::vector<std::string> CreateIndexesSql(const TargetTable& t) {
  std::vector<std::string> out;
  const Index* inline_index = FindMySqlIdentityKey(t).index;
  for (const auto& idx : t.indexes) {
    if (&idx == inline_index) continue;  // created with the table
    std::string cols = t.engine == Engine::kMySql ? MySqlIndexColumnList(t, idx.columns)
                                                  : ColumnList(t.engine, idx.columns);
    out.push_back(std::string("CREATE ") + (idx.unique ? "UNIQUE " : "") + "INDEX " +
                  Q(t.engine, IndexName(t, idx.name)) + " ON " + Qualified(t) + " (" + cols + ")");
  }
  out.insert(out.end(), t.native_index_sql.begin(), t.native_index_sql.end());
  return out;
}

std::vector<std::string> CreateForeignKeysSql(const TargetTable& t) {
  std::vector<std::string> out;
  for (const auto& fk : t.foreign_keys) {
    out.push_back("ALTER TABLE " + Qualified(t) + " ADD CONSTRAINT " + Q(t.engine, fk.name) +
                  " FOREIGN KEY (" + ColumnList(t.engine, fk.columns) + ") REFERENCES " +
                  QuoteQualified(t.engine, fk.ref_schema, fk.ref_table) + " (" +
                  ColumnList(t.engine, fk.ref_columns) + ") ON UPDATE " + fk.on_update +
                  " ON DELETE " + fk.on_delete);
  }
  return out;
}

std::vector<std::string> SyncIdentitySql(const TargetTable& t) {
  std::vector<std::string> out;
  if (t.engine != Engine::kPostgres) return out;
  for (const auto& c : t.columns) {
    if (!c.identity) continue;
    const std::string table_lit = QuoteLiteral(t.engine, Qualified(t));
    const std::string col_lit = QuoteLiteral(t.engine, c.target_name);
    const std::string qcol = Q(t.engine, c.target_name);
    // setval(seq, max, true) when rows exist; (seq, 1, false) for an empty table. A numeric(20)
    // column (BIGINT UNSIGNED) may hold more than a sequence can: the sequence is then left at
    // its end, so the next insert fails loudly instead of the load.
    std::string max = "COALESCE(MAX(" + qcol + "), 1)";
    if (NeedsOwnSequence(t, c)) max = "LEAST(" + max + ", 9223372036854775807)";
    out.push_back("SELECT setval(pg_get_serial_sequence(" + table_lit + ", " + col_lit + "), " +
                  max + "::bigint, MAX(" + qcol + ") IS NOT NULL) FROM " + Qualified(t));
  }
  return out;
}

}  // namespace switchyard::catalog
