// TableMappings::Apply: from the source catalog to the MappedTables the pipeline loads.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "engine/config/json_reader.h"
#include "engine/config/table_mappings.h"

namespace switchyard::config {

TransformationRule::ConflictClass TransformationRule::conflict_class() const {
  switch (action) {
    case TransformAction::kRename:
    case TransformAction::kConvertLowercase:
    case TransformAction::kConvertUppercase:
    case TransformAction::kAddPrefix:
    case TransformAction::kRemovePrefix:
    case TransformAction::kReplacePrefix:
    case TransformAction::kAddSuffix:
    case TransformAction::kRemoveSuffix:
    case TransformAction::kReplaceSuffix:
      return ConflictClass::kName;
    case TransformAction::kRemoveColumn:
    case TransformAction::kIncludeColumn:
      return ConflictClass::kColumnSelection;
    case TransformAction::kChangeDataType:
      return ConflictClass::kDataType;
    case TransformAction::kAddColumn:
    case TransformAction::kDefinePrimaryKey:
      return ConflictClass::kOther;
  }
  return ConflictClass::kOther;
}

std::string TransformationRule::Rename(const std::string& name) const {
  auto starts = [](const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; };
  auto ends = [](const std::string& s, const std::string& p) {
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
  };
  std::string out = name;
  switch (action) {
    case TransformAction::kRename:
      return value;
    case TransformAction::kConvertLowercase:
      for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return out;
    case TransformAction::kConvertUppercase:
      for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return out;
    case TransformAction::kAddPrefix:
      return value + name;
    case TransformAction::kRemovePrefix:
      return starts(name, value) ? name.substr(value.size()) : name;
    case TransformAction::kReplacePrefix:
      return starts(name, old_value) ? value + name.substr(old_value.size()) : name;
    case TransformAction::kAddSuffix:
      return name + value;
    case TransformAction::kRemoveSuffix:
      return ends(name, value) ? name.substr(0, name.size() - value.size()) : name;
    case TransformAction::kReplaceSuffix:
      return ends(name, old_value) ? name.substr(0, name.size() - old_value.size()) + value : name;
    default:
      return name;
  }
}

namespace {

using ConflictClass = TransformationRule::ConflictClass;

// Rules that matched an object but lost to a lower rule-id: reported once per rule.
struct Shadowed {
  std::set<std::string> objects;
  std::string first_object;
  int64_t winner_id = 0;
};

class Applier {
 public:
  Applier(const std::vector<TransformationRule>& rules, catalog::Engine engine)
      : rules_(rules), engine_(engine) {}

  // The lowest-rule-id rule with `target` and `cls` for which `matches` holds; the other
  // matching rules are recorded as shadowed on `object`.
  const TransformationRule* Pick(RuleTarget target, ConflictClass cls,
                                 const std::function<bool(const TransformationRule&)>& matches,
                                 const std::string& object) {
    const TransformationRule* winner = nullptr;
    for (size_t i = 0; i < rules_.size(); ++i) {
      const auto& r = rules_[i];
      if (r.target != target || r.conflict_class() != cls || !matches(r)) continue;
      if (winner == nullptr) {
        winner = &r;
        continue;
      }
      Shadowed& s = shadowed_[i];
      if (s.objects.empty()) {
        s.first_object = object;
        s.winner_id = winner->header.rule_id;
      }
      s.objects.insert(object);
    }
    return winner;
  }

  bool ColumnMatches(const TransformationRule& r, const catalog::Table& t,
                     const catalog::Column& c) const {
    return r.schema.Matches(t.schema) && r.table.Matches(t.name) && r.column.Matches(c.name) &&
           (r.data_type_match.empty() || r.data_type_match == DmsTypeOf(engine_, c.type));
  }

  void ReportShadowed(std::vector<std::string>* warnings) const {
    for (const auto& [index, s] : shadowed_) {
      std::string more;
      if (s.objects.size() > 1) more = " (and " + std::to_string(s.objects.size() - 1) + " more)";
      warnings->push_back(rules_[index].header.Describe() + ": not applied to " + s.first_object +
                          more + ": rule-id " + std::to_string(s.winner_id) +
                          " already transforms it (DMS applies one action per object; the "
                          "lower rule-id wins)");
    }
  }

 private:
  const std::vector<TransformationRule>& rules_;
  catalog::Engine engine_;
  std::map<size_t, Shadowed> shadowed_;
};

const catalog::Table* FindTable(const std::vector<catalog::Table>& tables,
                                const std::string& schema, const std::string& name) {
  for (const auto& t : tables) {
    if (t.schema == schema && t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<MappedTable>> TableMappings::Apply(
    const std::vector<catalog::Table>& source_tables, catalog::Engine source_engine,
    std::vector<std::string>* warnings, const std::string& target_schema_override) const {
  for (const auto& rule : selection_) {
    if (rule.action != SelectionRule::Action::kExplicit) continue;
    if (FindTable(source_tables, rule.schema_name, rule.table_name) == nullptr) {
      return Status::InvalidArgument(rule.header.Describe() + ": explicit table " +
                                     rule.schema_name + "." + rule.table_name +
                                     " does not exist on the source");
    }
  }

  Applier applier(transformations_, source_engine);
  std::vector<MappedTable> out;
  for (const auto& t : source_tables) {
    if (!SelectsTable(t.schema, t.name)) continue;
    MappedTable m;
    m.source_schema = t.schema;
    m.source_table = t.name;
    const std::string qualified = t.QualifiedName();

    const auto* schema_rule = applier.Pick(
        RuleTarget::kSchema, ConflictClass::kName,
        [&](const TransformationRule& r) { return r.schema.Matches(t.schema); },
        "schema " + t.schema);
    if (schema_rule != nullptr) {
      m.target_schema = schema_rule->Rename(t.schema);
    } else {
      m.target_schema = target_schema_override.empty() ? t.schema : target_schema_override;
    }
    auto table_matches = [&](const TransformationRule& r) {
      return r.schema.Matches(t.schema) && r.table.Matches(t.name);
    };
    const auto* table_rule =
        applier.Pick(RuleTarget::kTable, ConflictClass::kName, table_matches, "table " + qualified);
    m.target_table = table_rule != nullptr ? table_rule->Rename(t.name) : t.name;

    // Columns: include-column switches the table to "only the included columns".
    bool has_include = false;
    for (const auto& r : transformations_) {
      if (r.action == TransformAction::kIncludeColumn && table_matches(r)) has_include = true;
    }
    for (const auto& c : t.columns) {
      auto column_matches = [&](const TransformationRule& r) {
        return applier.ColumnMatches(r, t, c);
      };
      const std::string object = "column " + qualified + "." + c.name;
      bool keep = !has_include;
      if (const auto* r = applier.Pick(RuleTarget::kColumn, ConflictClass::kColumnSelection,
                                       column_matches, object)) {
        keep = r->action == TransformAction::kIncludeColumn;
      }
      if (!keep) continue;
      MappedColumn mc;
      mc.source_name = c.name;
      mc.target_name = c.name;
      if (const auto* r =
              applier.Pick(RuleTarget::kColumn, ConflictClass::kName, column_matches, object)) {
        mc.target_name = r->Rename(c.name);
      }
      if (const auto* r =
              applier.Pick(RuleTarget::kColumn, ConflictClass::kDataType, column_matches, object)) {
        mc.data_type = r->data_type;
      }
      m.columns.push_back(std::move(mc));
    }
    for (size_t i = 0; i < m.columns.size(); ++i) {
      for (size_t k = 0; k < i; ++k) {
        if (m.columns[k].target_name == m.columns[i].target_name) {
          return Status::InvalidArgument(json_path_ + ": columns " + m.columns[k].source_name +
                                         " and " + m.columns[i].source_name + " of " + qualified +
                                         " are both mapped to target column " +
                                         m.columns[i].target_name);
        }
      }
    }
    for (const auto& r : transformations_) {
      if (r.action != TransformAction::kAddColumn || !table_matches(r)) continue;
      for (const auto& existing : m.columns) {
        if (existing.target_name == r.value) {
          return PathError(r.header.json_path + ".value",
                           DescribeJson(r.value) + " is already a column of " + qualified +
                               " (expected a new column name)");
        }
      }
      MappedColumn mc;
      mc.target_name = r.value;
      mc.data_type = r.data_type;
      if (r.expression) {
        SY_ASSIGN_OR_RETURN(mc.expression_sql, r.expression->ToSql(source_engine, t));
      } else {
        mc.expression_sql = "NULL";
      }
      m.columns.push_back(std::move(mc));
    }

    if (const auto* r = applier.Pick(
            RuleTarget::kTable, ConflictClass::kOther,
            [&](const TransformationRule& rule) {
              return rule.action == TransformAction::kDefinePrimaryKey && table_matches(rule);
            },
            "table " + qualified)) {
      const std::string cpath = r->header.json_path + ".primary-key-def.columns";
      for (size_t i = 0; i < r->primary_key.columns.size(); ++i) {
        const std::string& name = r->primary_key.columns[i];
        const MappedColumn* found = nullptr;
        for (const auto& mc : m.columns) {
          if (mc.target_name == name) found = &mc;
        }
        for (const auto& mc : m.columns) {
          if (found == nullptr && mc.source_name == name) found = &mc;
        }
        if (found == nullptr) {
          return NotA(IndexPath(cpath, i), name, "a column of " + qualified);
        }
        m.primary_key.push_back(found->target_name);
      }
      m.primary_key_name = r->primary_key.name;
      m.primary_key_is_unique_index = r->primary_key.unique_index;
    }

    std::vector<std::string> filters;
    bool has_load_order = false;
    for (const auto& rule : selection_) {
      if (rule.action == SelectionRule::Action::kExclude || !rule.Matches(t.schema, t.name)) {
        continue;
      }
      if (rule.load_order) {
        m.load_order = has_load_order ? std::max(m.load_order, *rule.load_order) : *rule.load_order;
        has_load_order = true;
      }
      if (rule.filters.empty()) continue;
      for (size_t i = 0; i < rule.filters.size(); ++i) {
        if (t.FindColumn(rule.filters[i].column_name) == nullptr) {
          return NotA(IndexPath(rule.header.json_path + ".filters", i) + ".column-name",
                      rule.filters[i].column_name, "a column of " + qualified);
        }
      }
      filters.push_back(FiltersToSql(rule.filters, source_engine));
    }
    for (const auto& f : filters) {
      if (!m.filter_sql.empty()) m.filter_sql += " AND ";
      m.filter_sql += f;
    }
    out.push_back(std::move(m));
  }

  std::map<std::pair<std::string, std::string>, const MappedTable*> targets;
  for (const auto& m : out) {
    auto [it, fresh] = targets.emplace(std::make_pair(m.target_schema, m.target_table), &m);
    if (!fresh) {
      return Status::InvalidArgument(json_path_ + ": source tables " + it->second->source_schema +
                                     "." + it->second->source_table + " and " + m.source_schema +
                                     "." + m.source_table + " are both mapped to target table " +
                                     m.target_schema + "." + m.target_table +
                                     " (DMS cannot map two source tables into one target table)");
    }
  }

  std::set<std::pair<std::string, std::string>> with_parallel_load;
  for (const auto& rule : table_settings_) {
    if (!rule.parallel_load) continue;
    const std::string qualified = rule.schema_name + "." + rule.table_name;
    const catalog::Table* table = FindTable(source_tables, rule.schema_name, rule.table_name);
    if (table == nullptr) {
      return Status::InvalidArgument(rule.header.Describe() + ": parallel-load table " + qualified +
                                     " does not exist on the source");
    }
    auto it = std::find_if(out.begin(), out.end(), [&](const MappedTable& m) {
      return m.source_schema == rule.schema_name && m.source_table == rule.table_name;
    });
    if (it == out.end()) {
      warnings->push_back(rule.header.Describe() + ": table " + qualified +
                          " is not selected, parallel-load ignored");
      continue;
    }
    if (!with_parallel_load.emplace(rule.schema_name, rule.table_name).second) {
      return Status::InvalidArgument(rule.header.Describe() + ": " + qualified +
                                     " already has a parallel-load rule with a lower rule-id");
    }
    const ParallelLoad& p = *rule.parallel_load;
    const bool partitions = p.type == ParallelLoad::Type::kPartitionsAuto ||
                            p.type == ParallelLoad::Type::kPartitionsList;
    if (partitions && source_engine == catalog::Engine::kPostgres) {
      return PathError(rule.header.json_path + ".parallel-load.type",
                       "PostgreSQL sources support only \"ranges\" and \"none\"");
    }
    for (size_t i = 0; i < p.columns.size(); ++i) {
      if (table->FindColumn(p.columns[i]) == nullptr) {
        return NotA(IndexPath(rule.header.json_path + ".parallel-load.columns", i), p.columns[i],
                    "a column of " + qualified);
      }
    }
    it->parallel_load = p;
  }

  std::stable_sort(out.begin(), out.end(), [](const MappedTable& a, const MappedTable& b) {
    if (a.load_order != b.load_order) return a.load_order > b.load_order;
    if (a.source_schema != b.source_schema) return a.source_schema < b.source_schema;
    return a.source_table < b.source_table;
  });
  applier.ReportShadowed(warnings);
  return out;
}

}  // namespace switchyard::config
