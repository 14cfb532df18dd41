#include "engine/endpoints/postgres/pg_catalog_reader.h"

#include <charconv>
#include <unordered_map>

#include "engine/endpoints/postgres/pg_column_type.h"

namespace switchyard::endpoints::postgres {
namespace {

constexpr const char* kTablesSql = R"sql(
SELECT c.oid, n.nspname, c.relname, coalesce(ds.description, ''),
       CASE WHEN c.relkind = 'p' THEN
              (SELECT coalesce(sum(greatest(pc.reltuples, 0)), 0)::bigint
                 FROM pg_partition_tree(c.oid) pt JOIN pg_class pc ON pc.oid = pt.relid
                WHERE pt.isleaf)
            ELSE greatest(c.reltuples, 0)::bigint END,
       CASE WHEN c.relkind = 'p' THEN
              (SELECT coalesce(sum(pg_total_relation_size(pt.relid)), 0)::bigint
                 FROM pg_partition_tree(c.oid) pt WHERE pt.isleaf)
            ELSE coalesce(pg_total_relation_size(c.oid), 0) END
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_description ds
         ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
 ORDER BY n.nspname, c.relname)sql";

constexpr const char* kColumnsSql = R"sql(
SELECT a.attrelid, a.attname, a.atttypmod, format_type(a.atttypid, a.atttypmod),
       CASE WHEN tn.nspname = 'pg_catalog' THEN format_type(t.oid, NULL) ELSE t.typname END,
       et.oid IS NOT NULL,
       CASE WHEN en.nspname = 'pg_catalog' THEN format_type(et.oid, NULL) ELSE et.typname END,
       CASE WHEN t.typtype = 'e' THEN t.oid WHEN et.typtype = 'e' THEN et.oid END,
       a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       coalesce(ds.description, '')
  FROM pg_attribute a
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN pg_type et
         ON et.oid = t.typelem AND t.typsubscript = 'array_subscript_handler'::regproc
  LEFT JOIN pg_namespace en ON en.oid = et.typnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_description ds
         ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass
        AND ds.objsubid = a.attnum
 WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum)sql";

constexpr const char* kEnumsSql = R"sql(
SELECT enumtypid, enumlabel FROM pg_enum
 WHERE enumtypid = ANY($1::oid[])
 ORDER BY enumtypid, enumsortorder)sql";

// One row per key column of each valid index; attname is NULL for an expression column.
constexpr const char* kIndexesSql = R"sql(
SELECT i.indrelid, ic.relname, i.indisunique, i.indisprimary,
       i.indexprs IS NOT NULL OR i.indpred IS NOT NULL OR am.amname <> 'btree',
       pg_get_indexdef(i.indexrelid), a.attname
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
 CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
 WHERE i.indrelid = ANY($1::oid[]) AND i.indisvalid AND k.ord <= i.indnkeyatts
 ORDER BY i.indrelid, ic.relname, k.ord)sql";

// One row per column pair of each foreign key declared on the table itself (conparentid = 0
// skips the per-partition copies PostgreSQL adds for a referenced partitioned table).
constexpr const char* kForeignKeysSql = R"sql(
SELECT c.conrelid, c.conname, c.confupdtype, c.confdeltype, rn.nspname, rc.relname,
       a.attname, ra.attname
  FROM pg_constraint c
  JOIN pg_class rc ON rc.oid = c.confrelid
  JOIN pg_namespace rn ON rn.oid = rc.relnamespace
 CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)
  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
  JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refnum
 WHERE c.contype = 'f' AND c.conparentid = 0 AND c.conrelid = ANY($1::oid[])
 ORDER BY c.conrelid, c.conname, k.ord)sql";

// Text access to one result row.
class Row {
 public:
  Row(const PGresult* result, int row) : result_(result), row_(row) {}
  bool IsNull(int col) const { return PQgetisnull(result_, row_, col) != 0; }
  std::string Text(int col) const {
    return std::string(PQgetvalue(result_, row_, col),
                       static_cast<size_t>(PQgetlength(result_, row_, col)));
  }
  bool Bool(int col) const { return PQgetvalue(result_, row_, col)[0] == 't'; }
  int64_t Int(int col) const {
    const char* text = PQgetvalue(result_, row_, col);
    int64_t value = 0;
    std::from_chars(text, text + PQgetlength(result_, row_, col), value);
    return value;
  }

 private:
  const PGresult* result_;
  int row_;
};

// '{1,2,3}': an oid[] parameter.
std::string OidArray(const std::vector<std::string>& oids) {
  std::string out = "{";
  for (size_t i = 0; i < oids.size(); ++i) {
    if (i > 0) out += ",";
    out += oids[i];
  }
  return out + "}";
}

std::string ReferentialAction(const std::string& code) {
  if (code == "r") return "RESTRICT";
  if (code == "c") return "CASCADE";
  if (code == "n") return "SET NULL";
  if (code == "d") return "SET DEFAULT";
  return "NO ACTION";  // 'a'
}

}  // namespace

PgCatalogReader::PgCatalogReader(std::unique_ptr<PgConnection> connection)
    : connection_(std::move(connection)) {}

// Sequences not owned by a column (serial and identity sequences travel with their table).
constexpr char kSequencesSql[] = R"sql(
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcycle, pg_sequence_last_value(c.oid)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind = 'S'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                    AND d.deptype IN ('a', 'i'))
ORDER BY 1, 2
)sql";

Result<std::vector<catalog::Sequence>> PgCatalogReader::ReadSequences(const TableFilter& filter) {
  SY_ASSIGN_OR_RETURN(PgResult result,
                      connection_->Exec(kSequencesSql, PGRES_TUPLES_OK, "cannot list sequences"));
  std::vector<catalog::Sequence> out;
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    Row row(result.get(), r);
    catalog::Sequence s;
    s.schema = row.Text(0);
    s.name = row.Text(1);
    if (filter && !filter(s.schema, s.name)) continue;
    s.data_type = row.Text(2);
    s.start = row.Int(3);
    s.increment = row.Int(4);
    s.min_value = row.Int(5);
    s.max_value = row.Int(6);
    s.cycle = row.Text(7) == "t";
    if (!row.IsNull(8)) s.last_value = row.Int(8);
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<catalog::Table>> PgCatalogReader::ReadTables(const TableFilter& filter) {
  special_indexes_.clear();
  SY_RETURN_IF_ERROR(connection_->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  auto tables = ReadInTransaction(filter);
  Status ended = connection_->Execute(tables.ok() ? "COMMIT" : "ROLLBACK");
  if (!tables.ok()) return tables.status();
  if (!ended.ok()) return ended;
  return tables;
}

Result<std::vector<catalog::Table>> PgCatalogReader::ReadInTransaction(const TableFilter& filter) {
  std::vector<catalog::Table> tables;
  std::vector<std::string> oids;
  std::unordered_map<std::string, size_t> by_oid;
  {
    SY_ASSIGN_OR_RETURN(PgResult result,
                        connection_->Exec(kTablesSql, PGRES_TUPLES_OK, "cannot list tables"));
    for (int r = 0; r < PQntuples(result.get()); ++r) {
      Row row(result.get(), r);
      catalog::Table table;
      table.schema = row.Text(1);
      table.name = row.Text(2);
      if (filter && !filter(table.schema, table.name)) continue;
      table.comment = row.Text(3);
      table.estimated_rows = row.Int(4);
      table.estimated_bytes = row.Int(5);
      by_oid[row.Text(0)] = tables.size();
      oids.push_back(row.Text(0));
      tables.push_back(std::move(table));
    }
  }
  if (tables.empty()) return tables;
  const std::vector<std::string> oid_param = {OidArray(oids)};

  // Columns; enum types are remembered to fill in their labels afterwards.
  struct ColumnRef {
    size_t table;
    size_t column;
  };
  std::unordered_map<std::string, std::vector<ColumnRef>> enum_columns;
  SY_ASSIGN_OR_RETURN(
      PgResult columns,
      connection_->ExecParams(kColumnsSql, oid_param, PGRES_TUPLES_OK, "cannot read columns"));
  for (int r = 0; r < PQntuples(columns.get()); ++r) {
    Row row(columns.get(), r);
    size_t table_index = by_oid.at(row.Text(0));
    catalog::Table& table = tables[table_index];
    if (!row.IsNull(7)) enum_columns[row.Text(7)].push_back({table_index, table.columns.size()});
    catalog::Column column;
    column.name = row.Text(1);
    PgTypeFacts facts;
    facts.typmod = static_cast<int>(row.Int(2));
    facts.full = row.Text(3);
    facts.name = row.Text(4);
    facts.is_array = row.Bool(5);
    if (facts.is_array) facts.element_name = row.Text(6);
    column.type = MakeColumnType(facts);
    column.nullable = !row.Bool(8);
    if (!row.IsNull(9)) column.default_expr = row.Text(9);
    std::string identity = row.Text(10);
    column.generated = row.Text(11) == "s";
    column.auto_increment = !identity.empty() || (!column.generated && column.default_expr &&
                                                  column.default_expr->rfind("nextval(", 0) == 0);
    column.comment = row.Text(12);
    table.columns.push_back(std::move(column));
  }
  if (!enum_columns.empty()) {
    std::vector<std::string> enum_oids;
    for (const auto& entry : enum_columns) enum_oids.push_back(entry.first);
    SY_ASSIGN_OR_RETURN(PgResult labels,
                        connection_->ExecParams(kEnumsSql, {OidArray(enum_oids)}, PGRES_TUPLES_OK,
                                                "cannot read enum labels"));
    for (int r = 0; r < PQntuples(labels.get()); ++r) {
      Row row(labels.get(), r);
      for (const ColumnRef& ref : enum_columns[row.Text(0)]) {
        tables[ref.table].columns[ref.column].type.enum_values.push_back(row.Text(1));
      }
    }
  }

  SY_ASSIGN_OR_RETURN(
      PgResult indexes,
      connection_->ExecParams(kIndexesSql, oid_param, PGRES_TUPLES_OK, "cannot read indexes"));
  for (int r = 0; r < PQntuples(indexes.get());) {
    Row first(indexes.get(), r);
    catalog::Table& table = tables[by_oid.at(first.Text(0))];
    catalog::Index index;
    index.name = first.Text(1);
    index.unique = first.Bool(2);
    index.primary = first.Bool(3);
    bool special = first.Bool(4);
    std::string definition = first.Text(5);
    for (; r < PQntuples(indexes.get()); ++r) {
      Row row(indexes.get(), r);
      if (row.Text(0) != first.Text(0) || row.Text(1) != index.name) break;
      if (row.IsNull(6))
        special = true;  // an expression column
      else
        index.columns.push_back(row.Text(6));
    }
    if (special && !index.primary) {
      special_indexes_.push_back(
          PgSpecialIndex{table.schema, table.name, index.name, index.unique, definition});
      table.native_indexes.push_back({index.name, definition});
    } else if (index.primary) {
      table.primary_key = std::move(index);
    } else {
      table.indexes.push_back(std::move(index));
    }
  }

  SY_ASSIGN_OR_RETURN(PgResult keys,
                      connection_->ExecParams(kForeignKeysSql, oid_param, PGRES_TUPLES_OK,
                                              "cannot read foreign keys"));
  for (int r = 0; r < PQntuples(keys.get());) {
    Row first(keys.get(), r);
    catalog::Table& table = tables[by_oid.at(first.Text(0))];
    catalog::ForeignKey key;
    key.name = first.Text(1);
    key.on_update = ReferentialAction(first.Text(2));
    key.on_delete = ReferentialAction(first.Text(3));
    key.ref_schema = first.Text(4);
    key.ref_table = first.Text(5);
    for (; r < PQntuples(keys.get()); ++r) {
      Row row(keys.get(), r);
      if (row.Text(0) != first.Text(0) || row.Text(1) != key.name) break;
      key.columns.push_back(row.Text(6));
      key.ref_columns.push_back(row.Text(7));
    }
    table.foreign_keys.push_back(std::move(key));
  }
  return tables;
}

}  // namespace switchyard::endpoints::postgres
