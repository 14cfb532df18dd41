#include "engine/pipeline/cdc/schema_change.h"

#include <algorithm>

#include "engine/catalog/identifier.h"
#include "engine/logging/log.h"

namespace switchyard::pipeline::cdc {
namespace {

using catalog::Engine;

const catalog::Column* FindSourceColumn(const catalog::Table& t, const std::string& name) {
  for (const auto& c : t.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const catalog::ColumnPlan* FindTargetColumnOf(const TablePlan& plan, const std::string& source) {
  for (const auto& c : plan.target.columns) {
    if (c.source_name == source) return &c;
  }
  return nullptr;
}

Result<bool> TargetHasColumn(endpoints::SqlSession& target, const catalog::TargetTable& t,
                             const std::string& column) {
  SY_ASSIGN_OR_RETURN(
      auto rows, target.Query("SELECT 1 FROM information_schema.columns WHERE table_schema = " +
                              target.QuoteLiteral(t.schema) +
                              " AND table_name = " + target.QuoteLiteral(t.name) +
                              " AND column_name = " + target.QuoteLiteral(column)));
  return !rows.empty();
}

}  // namespace

Result<TablePlan> PlanTableAgain(const config::TaskConfig& task, const TablePlan& old) {
  const auto params = task.source.ToConnectionParams();
  SY_ASSIGN_OR_RETURN(auto reader, endpoints::OpenCatalogReader(params));
  SY_ASSIGN_OR_RETURN(auto tables,
                      reader->ReadTables([&](const std::string& s, const std::string& n) {
                        return s == old.source.schema && n == old.source.name;
                      }));
  if (tables.empty()) {
    return Status::NotFound("the source table " + old.SourceName() + " no longer exists");
  }
  std::vector<std::string> warnings;
  SY_ASSIGN_OR_RETURN(auto mapped, task.MapTables(tables, &warnings));
  if (mapped.empty()) {
    return Status::InvalidArgument("the mappings no longer select " + old.SourceName());
  }
  SY_ASSIGN_OR_RETURN(auto session, endpoints::Connect(params));
  SY_ASSIGN_OR_RETURN(auto plans, BuildTablePlans(task, mapped, tables, *session));
  return std::move(plans.front());
}

namespace {

// The plan of the table as it was at the stream's position: the names in `columns_now`, each
// from the catalog's plan when it has the column, else from the old plan; nullopt when a name
// is in neither (added and dropped again since: its definition is lost).
std::optional<TablePlan> PlanAt(const TablePlan& old, const TablePlan& catalog_now,
                                const std::vector<std::string>& columns_now) {
  TablePlan at = catalog_now;
  at.source.columns.clear();
  at.target.columns.clear();
  for (const auto& name : columns_now) {
    const TablePlan* from = FindSourceColumn(catalog_now.source, name) != nullptr ? &catalog_now
                            : FindSourceColumn(old.source, name) != nullptr       ? &old
                                                                                  : nullptr;
    if (from == nullptr) return std::nullopt;
    at.source.columns.push_back(*FindSourceColumn(from->source, name));
    for (const auto& c : from->target.columns) {
      if (c.source_name == name) at.target.columns.push_back(c);
    }
  }
  for (const auto& c : catalog_now.target.columns) {
    if (c.source_name.empty()) at.target.columns.push_back(c);  // added by a transformation
  }
  return at;
}

}  // namespace

Result<SchemaChangeResult> HandleSchemaChange(const config::TaskConfig& task,
                                              std::vector<TablePlan>& plans, size_t table,
                                              const std::vector<std::string>& columns_now,
                                              endpoints::SqlSession& target) {
  TablePlan& old = plans[table];
  SY_ASSIGN_OR_RETURN(TablePlan catalog_now, PlanTableAgain(task, old));
  auto at = PlanAt(old, catalog_now, columns_now);
  if (!at) {
    old = std::move(catalog_now);
    return SchemaChangeResult{SchemaChangeOutcome::kReloadNeeded,
                              "the columns changed several times before the engine caught up"};
  }
  TablePlan fresh = std::move(*at);
  std::vector<const catalog::Column*> added, dropped;
  std::vector<std::string> retyped;
  for (const auto& c : fresh.source.columns) {
    if (FindSourceColumn(old.source, c.name) == nullptr) added.push_back(&c);
  }
  for (const auto& c : old.source.columns) {
    if (FindSourceColumn(fresh.source, c.name) == nullptr) dropped.push_back(&c);
  }
  for (const auto& c : fresh.target.columns) {
    const catalog::ColumnPlan* before = FindTargetColumnOf(old, c.source_name);
    if (before != nullptr && !c.source_name.empty() && before->target_type != c.target_type)
      retyped.push_back(c.source_name);
  }
  SchemaChangeResult result;
  if (added.empty() && dropped.empty() && retyped.empty()) return result;

  auto names = [](const std::vector<const catalog::Column*>& cs) {
    std::string out;
    for (const auto* c : cs) out += (out.empty() ? "" : ", ") + c->name;
    return out;
  };
  if (!added.empty()) result.description += "added column(s) " + names(added);
  if (!dropped.empty())
    result.description +=
        (result.description.empty() ? "" : "; ") + ("dropped column(s) " + names(dropped));
  if (!retyped.empty()) {
    std::string list;
    for (const auto& r : retyped) list += (list.empty() ? "" : ", ") + r;
    result.description += (result.description.empty() ? "" : "; ") + ("changed type of " + list);
  }

  if (!task.settings.ddl_handling.handle_source_table_altered) {
    if (!dropped.empty()) {
      return Status::Unsupported("columns of " + old.SourceName() + " changed (" +
                                 result.description +
                                 ") and ChangeProcessingDdlHandlingPolicy.HandleSourceTableAltered "
                                 "is false: the target cannot be filled any more");
    }
    SY_LOG(kWarning, Component::kSourceCapture,
           old.SourceName() << ": " << result.description
                            << " on the source; not replicated (HandleSourceTableAltered false)");
    return result;  // kUnchanged: the old plan goes on, the new columns' values are left out
  }

  // What the target cannot follow exactly: reload the table instead.
  std::string reload_why;
  if (!retyped.empty()) reload_why = "a column type changed";
  if (!added.empty() && !dropped.empty()) reload_why = "columns were dropped and added (a rename?)";
  for (const auto* c : added) {
    const catalog::ColumnPlan* plan = FindTargetColumnOf(fresh, c->name);
    if (c->default_expr && (plan == nullptr || !plan->default_expr)) {
      reload_why = "added column " + c->name + " has a default (" + *c->default_expr +
                   ") whose values for existing rows cannot be reproduced on the target";
    }
  }
  // The target names of dropped columns come from the plan they were in.
  std::vector<std::string> dropped_targets;
  for (const auto* c : dropped) {
    const catalog::ColumnPlan* plan = FindTargetColumnOf(old, c->name);
    if (plan != nullptr) dropped_targets.push_back(plan->target_name);
  }
  old = std::move(fresh);
  if (!reload_why.empty()) {
    result.outcome = SchemaChangeOutcome::kReloadNeeded;
    result.description += ": " + reload_why;
    return result;
  }

  const TablePlan& now = old;
  const auto& t = now.target;
  const std::string qualified = catalog::QuoteQualified(t.engine, t.schema, t.name);
  for (const auto& name : dropped_targets) {
    SY_ASSIGN_OR_RETURN(bool exists, TargetHasColumn(target, t, name));
    if (!exists) continue;
    SY_RETURN_IF_ERROR(target.Execute("ALTER TABLE " + qualified + " DROP COLUMN " +
                                      catalog::QuoteIdentifier(t.engine, name)));
  }
  for (const auto* c : added) {
    const catalog::ColumnPlan* plan = FindTargetColumnOf(now, c->name);
    if (plan == nullptr) continue;  // left out by a transformation rule
    SY_ASSIGN_OR_RETURN(bool exists, TargetHasColumn(target, t, plan->target_name));
    if (exists) continue;
    std::string sql = "ALTER TABLE " + qualified + " ADD COLUMN " +
                      catalog::QuoteIdentifier(t.engine, plan->target_name) + " " +
                      plan->target_type;
    if (plan->default_expr) sql += " DEFAULT " + *plan->default_expr;
    SY_RETURN_IF_ERROR(target.Execute(sql));
  }
  result.outcome = SchemaChangeOutcome::kApplied;
  return result;
}

}  // namespace switchyard::pipeline::cdc
