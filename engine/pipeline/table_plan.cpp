#include "engine/pipeline/table_plan.h"

#include <algorithm>
#include <map>

#include "engine/catalog/identifier.h"
#include "engine/catalog/type_mapping.h"

namespace switchyard::pipeline {
namespace {

using catalog::Engine;

std::string Tuple(Engine e, const std::vector<std::string>& items, bool literals) {
  std::string out = items.size() > 1 ? "(" : "";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += literals ? catalog::QuoteLiteral(e, items[i]) : catalog::QuoteIdentifier(e, items[i]);
  }
  return out + (items.size() > 1 ? ")" : "");
}

std::string NotNullAll(Engine e, const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) {
    if (!out.empty()) out += " AND ";
    out += catalog::QuoteIdentifier(e, c) + " IS NOT NULL";
  }
  return out;
}

std::string AnyNull(Engine e, const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) {
    if (!out.empty()) out += " OR ";
    out += catalog::QuoteIdentifier(e, c) + " IS NULL";
  }
  return "(" + out + ")";
}

// Range i of n: (> boundary[i-1]) and (<= boundary[i]).
std::string RangeCondition(Engine e, const std::vector<std::string>& cols,
                           const std::vector<std::vector<std::string>>& b, size_t i) {
  std::string cond;
  const std::string lhs = Tuple(e, cols, false);
  if (i > 0) cond = lhs + " > " + Tuple(e, b[i - 1], true);
  if (i < b.size()) {
    if (!cond.empty()) cond += " AND ";
    cond += lhs + " <= " + Tuple(e, b[i], true);
  }
  return cond;
}

bool IsIntegerType(const catalog::ColumnType& t) {
  static const char* kNames[] = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"};
  return std::any_of(std::begin(kNames), std::end(kNames),
                     [&](const char* n) { return t.name == n; });
}

catalog::TypeOverride ToTypeOverride(const config::DataTypeOverride& o) {
  return catalog::TypeOverride{o.type, o.length, o.precision, o.scale};
}

// Splits a big table with a single integer primary key into equal key ranges.
Status AutoSplit(const config::TaskConfig& task, endpoints::SqlSession& source, TablePlan* plan,
                 const std::string& source_key, const std::string& target_key) {
  const Engine se = source.engine();
  const std::string q = "SELECT MIN(" + catalog::QuoteIdentifier(se, source_key) + "), MAX(" +
                        catalog::QuoteIdentifier(se, source_key) + ") FROM " +
                        catalog::QuoteQualified(se, plan->source.schema, plan->source.name);
  SY_ASSIGN_OR_RETURN(auto rows, source.Query(q));
  if (rows.empty() || !rows[0][0] || !rows[0][1]) return Status::Ok();
  const long long lo = std::stoll(*rows[0][0]), hi = std::stoll(*rows[0][1]);
  const int n = std::max(2, task.switchyard.auto_split_segments);
  if (hi - lo < n) return Status::Ok();
  std::vector<std::vector<std::string>> bounds;
  for (int i = 1; i < n; ++i) {
    long long b = lo + static_cast<long long>((static_cast<long double>(hi - lo) * i) / n);
    bounds.push_back({std::to_string(b)});
  }
  plan->segments = RangeSegments(se, {source_key}, plan->target.engine, {target_key}, bounds,
                                 /*columns_nullable=*/false);
  plan->notes.push_back("split into " + std::to_string(plan->segments.size()) + " key ranges on " +
                        source_key);
  return Status::Ok();
}

// One segment per MySQL partition (partitions-auto), or per listed partition plus one for
// every partition not listed (partitions-list: DMS loads the named ones in parallel; the rest
// must still arrive).
Status PartitionSegments(const config::ParallelLoad& rule, TablePlan* plan) {
  const auto& all = plan->source.partitions;
  if (all.empty()) {
    plan->notes.push_back(
        "parallel-load partitions: the source table has no partitions (PostgreSQL sources "
        "split by ranges only); loading it whole");
    return Status::Ok();
  }
  std::vector<Segment> segments;
  if (rule.type == config::ParallelLoad::Type::kPartitionsAuto) {
    for (const auto& p : all) segments.push_back(Segment{"", "", {p}});
  } else {
    std::vector<std::string> rest = all;
    for (const auto& p : rule.partitions) {
      auto it = std::find(rest.begin(), rest.end(), p);
      if (std::find(all.begin(), all.end(), p) == all.end()) {
        return Status::InvalidArgument("parallel-load partitions-list on " + plan->SourceName() +
                                       ": partition \"" + p + "\" does not exist");
      }
      if (it != rest.end()) rest.erase(it);
      segments.push_back(Segment{"", "", {p}});
    }
    if (!rest.empty()) segments.push_back(Segment{"", "", rest});
  }
  plan->segments = std::move(segments);
  plan->notes.push_back("loading " + std::to_string(plan->segments.size()) +
                        " partition segment(s) in parallel");
  return Status::Ok();
}

}  // namespace

std::string Segment::Describe() const {
  if (partitions.empty()) return source_where;
  std::string out = "PARTITION (";
  for (size_t i = 0; i < partitions.size(); ++i) out += (i ? ", " : "") + partitions[i];
  return out + ")";
}

std::vector<Segment> RangeSegments(Engine source_engine,
                                   const std::vector<std::string>& source_columns,
                                   Engine target_engine,
                                   const std::vector<std::string>& target_columns,
                                   const std::vector<std::vector<std::string>>& boundaries,
                                   bool columns_nullable) {
  std::vector<Segment> out;
  for (size_t i = 0; i <= boundaries.size(); ++i) {
    Segment s;
    s.source_where = RangeCondition(source_engine, source_columns, boundaries, i);
    s.target_where = RangeCondition(target_engine, target_columns, boundaries, i);
    if (columns_nullable && source_columns.size() > 1) {
      // Row comparisons with a NULL member are never true, but spell it out for readers.
      s.source_where = NotNullAll(source_engine, source_columns) + " AND " + s.source_where;
      s.target_where = NotNullAll(target_engine, target_columns) + " AND " + s.target_where;
    }
    out.push_back(std::move(s));
  }
  if (columns_nullable) {
    Segment nulls;
    nulls.source_where = AnyNull(source_engine, source_columns);
    nulls.target_where = AnyNull(target_engine, target_columns);
    out.push_back(std::move(nulls));
  }
  return out;
}

Result<std::vector<TablePlan>> BuildTablePlans(const config::TaskConfig& task,
                                               const std::vector<config::MappedTable>& mapped,
                                               const std::vector<catalog::Table>& source_tables,
                                               endpoints::SqlSession& source) {
  const Engine source_engine = task.source.engine;
  const Engine target_engine = task.target.engine;
  std::map<std::pair<std::string, std::string>, const catalog::Table*> by_name;
  for (const auto& t : source_tables) by_name[{t.schema, t.name}] = &t;
  std::map<std::pair<std::string, std::string>, const config::MappedTable*> mapped_by_source;
  for (const auto& m : mapped) mapped_by_source[{m.source_schema, m.source_table}] = &m;

  std::vector<TablePlan> plans;
  for (const auto& m : mapped) {
    auto it = by_name.find({m.source_schema, m.source_table});
    if (it == by_name.end()) {
      return Status::NotFound("table " + m.source_schema + "." + m.source_table +
                              " is not in the source catalog");
    }
    TablePlan plan;
    plan.source = *it->second;
    plan.filter_sql = m.filter_sql;
    plan.load_order = m.load_order;
    catalog::TargetTable& t = plan.target;
    t.engine = target_engine;
    t.schema = m.target_schema;
    t.name = m.target_table;
    t.comment = plan.source.comment;

    std::map<std::string, std::string> target_of;  // source column -> target column
    for (const auto& mc : m.columns) {
      if (!mc.source_name.empty()) target_of[mc.source_name] = mc.target_name;
    }
    auto map_columns = [&](const std::vector<std::string>& cols,
                           std::vector<std::string>* out) -> bool {
      for (const auto& c : cols) {
        auto f = target_of.find(c);
        if (f == target_of.end()) return false;
        out->push_back(f->second);
      }
      return true;
    };

    // Keys first: the type of a key column can depend on it (MySQL cannot index LONGTEXT).
    if (!m.primary_key.empty()) {
      t.primary_key = m.primary_key;
      t.primary_key_name = m.primary_key_name;
    } else if (plan.source.primary_key) {
      if (!map_columns(plan.source.primary_key->columns, &t.primary_key)) {
        t.primary_key.clear();
        plan.notes.push_back("primary key not created: one of its columns was removed");
      }
    }
    for (const auto& idx : plan.source.indexes) {
      catalog::Index ti = idx;
      ti.columns.clear();
      if (!map_columns(idx.columns, &ti.columns)) {
        plan.notes.push_back("index " + idx.name + " not created: one of its columns was removed");
        continue;
      }
      t.indexes.push_back(std::move(ti));
    }
    for (const auto& fk : plan.source.foreign_keys) {
      catalog::ForeignKey tf = fk;
      tf.columns.clear();
      auto ref = mapped_by_source.find({fk.ref_schema, fk.ref_table});
      if (ref == mapped_by_source.end() || !map_columns(fk.columns, &tf.columns)) {
        plan.notes.push_back("foreign key " + fk.name +
                             " not created: the referenced table or a "
                             "column is not migrated");
        continue;
      }
      tf.ref_schema = ref->second->target_schema;
      tf.ref_table = ref->second->target_table;
      tf.ref_columns.clear();
      std::map<std::string, std::string> ref_target_of;
      for (const auto& rc : ref->second->columns) ref_target_of[rc.source_name] = rc.target_name;
      bool ok = true;
      for (const auto& c : fk.ref_columns) {
        auto f = ref_target_of.find(c);
        if (f == ref_target_of.end())
          ok = false;
        else
          tf.ref_columns.push_back(f->second);
      }
      if (!ok) continue;
      t.foreign_keys.push_back(std::move(tf));
    }
    auto in_key = [&](const std::string& target_name) {
      if (std::find(t.primary_key.begin(), t.primary_key.end(), target_name) != t.primary_key.end())
        return true;
      for (const auto& idx : t.indexes) {
        if (std::find(idx.columns.begin(), idx.columns.end(), target_name) != idx.columns.end())
          return true;
      }
      return false;
    };

    if (source_engine == Engine::kMySql && target_engine == Engine::kPostgres) {
      t.index_name_prefix = t.name + "_";
    }
    for (const auto& native : plan.source.native_indexes) {
      // The source's own CREATE INDEX text names the source schema and table: replayable
      // only on the same engine under the same names.
      if (source_engine == target_engine && t.schema == plan.source.schema &&
          t.name == plan.source.name) {
        t.native_index_sql.push_back(native.definition);
      } else {
        plan.notes.push_back("index " + native.name + " (" + native.definition +
                             ") not created: it cannot be translated; create it on the target");
      }
    }

    bool passthrough = source_engine == Engine::kPostgres && target_engine == Engine::kPostgres;
    for (const auto& mc : m.columns) {
      std::optional<catalog::TypeOverride> type_override;
      if (mc.data_type) type_override = ToTypeOverride(*mc.data_type);
      catalog::ColumnPlan cp;
      if (mc.source_name.empty()) {
        if (!type_override) {
          return Status::InvalidArgument("add-column " + mc.target_name + " on " +
                                         plan.SourceName() + " needs a data-type");
        }
        SY_ASSIGN_OR_RETURN(
            cp, catalog::PlanAddedColumn(mc.target_name, mc.expression_sql.value_or("NULL"),
                                         *type_override, target_engine));
      } else {
        const catalog::Column* col = plan.source.FindColumn(mc.source_name);
        if (col == nullptr) {
          return Status::NotFound("column " + mc.source_name + " not found in " +
                                  plan.SourceName());
        }
        catalog::MappingContext ctx{source_engine, target_engine, in_key(mc.target_name)};
        auto planned = catalog::PlanColumn(*col, ctx, type_override);
        if (!planned.ok()) return planned.status().WithContext("table " + plan.SourceName());
        cp = std::move(planned).value();
        cp.target_name = mc.target_name;
        if (source_engine == Engine::kPostgres && target_engine == Engine::kPostgres &&
            !col->type.enum_values.empty() && !mc.data_type) {
          // A user enum type lives in a schema: recreate it beside the target table.
          const std::string type_name =
              col->type.is_array ? col->type.element_name : col->type.name;
          cp.target_type = catalog::QuoteQualified(Engine::kPostgres, t.schema, type_name) +
                           (col->type.is_array ? "[]" : "");
          t.enum_types.push_back({type_name, col->type.enum_values});
        }
        if (std::find(t.primary_key.begin(), t.primary_key.end(), mc.target_name) !=
            t.primary_key.end()) {
          cp.nullable = false;  // primary key columns are NOT NULL on every engine
        }
      }
      for (const auto& note : cp.notes) plan.notes.push_back(cp.target_name + ": " + note);
      if (cp.transform != catalog::ValueTransform::kNone || !cp.load_expr.empty())
        passthrough = false;
      t.columns.push_back(std::move(cp));
    }
    plan.passthrough = passthrough;

    // Segments: explicit parallel-load ranges, else automatic split of big tables.
    plan.segments = {Segment{}};
    if (m.parallel_load && m.parallel_load->type == config::ParallelLoad::Type::kRanges) {
      std::vector<std::string> target_cols;
      if (!map_columns(m.parallel_load->columns, &target_cols)) {
        return Status::InvalidArgument("parallel-load on " + plan.SourceName() +
                                       " names a column that is not migrated");
      }
      bool nullable = false;
      for (const auto& c : m.parallel_load->columns) {
        const auto* col = plan.source.FindColumn(c);
        if (col == nullptr) {
          return Status::NotFound("parallel-load column " + c + " not found in " +
                                  plan.SourceName());
        }
        nullable |= col->nullable;
      }
      plan.segments = RangeSegments(source_engine, m.parallel_load->columns, target_engine,
                                    target_cols, m.parallel_load->boundaries, nullable);
    } else if (m.parallel_load &&
               (m.parallel_load->type == config::ParallelLoad::Type::kPartitionsAuto ||
                m.parallel_load->type == config::ParallelLoad::Type::kPartitionsList)) {
      SY_RETURN_IF_ERROR(PartitionSegments(*m.parallel_load, &plan));
    } else if (task.switchyard.auto_split_row_threshold > 0 &&  // 0 disables auto-split
               plan.source.estimated_rows >= task.switchyard.auto_split_row_threshold &&
               plan.source.primary_key && plan.source.primary_key->columns.size() == 1 &&
               t.primary_key.size() == 1) {
      const auto* key = plan.source.FindColumn(plan.source.primary_key->columns[0]);
      if (key != nullptr && IsIntegerType(key->type)) {
        SY_RETURN_IF_ERROR(AutoSplit(task, source, &plan, key->name, t.primary_key[0]));
      }
    }
    plans.push_back(std::move(plan));
  }
  // Higher load-order starts first (DMS); otherwise biggest first, so the longest table does
  // not start last.
  std::stable_sort(plans.begin(), plans.end(), [](const TablePlan& a, const TablePlan& b) {
    if (a.load_order != b.load_order) return a.load_order > b.load_order;
    return a.source.estimated_rows > b.source.estimated_rows;
  });
  return plans;
}

std::vector<state::ColumnMappingRecord> ColumnMappingOf(const TablePlan& plan) {
  std::vector<state::ColumnMappingRecord> out;
  for (const auto& c : plan.target.columns) {
    state::ColumnMappingRecord r;
    r.source_name = c.source_name;
    for (const auto& source : plan.source.columns) {
      if (source.name == c.source_name) r.source_type = source.type.full;
    }
    r.target_name = c.target_name;
    r.target_type = c.target_type;
    for (const auto& note : c.notes) r.note += (r.note.empty() ? "" : "; ") + note;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace switchyard::pipeline
