#include "engine/pipeline/cdc/order_free_tables.h"

#include "engine/catalog/identifier.h"
#include "engine/logging/log.h"

namespace switchyard::pipeline::cdc {
namespace {

using catalog::Engine;

// One row: whether it is a plain table, then the number of triggers, of foreign keys to or from
// it, of unique keys and exclusion constraints besides the primary key, of rules.
std::string CatalogSql(Engine e, const catalog::TargetTable& t) {
  const std::string schema = catalog::QuoteLiteral(e, t.schema);
  const std::string name = catalog::QuoteLiteral(e, t.name);
  if (e == Engine::kPostgres) {
    return "SELECT c.relkind = 'r',"
           " (SELECT count(*) FROM pg_trigger g WHERE g.tgrelid = c.oid AND NOT g.tgisinternal),"
           " (SELECT count(*) FROM pg_constraint k WHERE k.contype = 'f'"
           "   AND (k.conrelid = c.oid OR k.confrelid = c.oid)),"
           " (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique"
           "   AND NOT i.indisprimary)"
           " + (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid"
           "   AND k.contype = 'x'),"
           " (SELECT count(*) FROM pg_rewrite r WHERE r.ev_class = c.oid)"
           " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
           " WHERE n.nspname = " +
           schema + " AND c.relname = " + name;
  }
  return "SELECT t.TABLE_TYPE = 'BASE TABLE',"
         " (SELECT COUNT(*) FROM information_schema.TRIGGERS g WHERE g.EVENT_OBJECT_SCHEMA = " +
         schema + " AND g.EVENT_OBJECT_TABLE = " + name +
         "),"
         " (SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS k"
         "   WHERE (k.CONSTRAINT_SCHEMA = " +
         schema + " AND k.TABLE_NAME = " + name + ") OR (k.UNIQUE_CONSTRAINT_SCHEMA = " + schema +
         " AND k.REFERENCED_TABLE_NAME = " + name +
         ")),"
         " (SELECT COUNT(DISTINCT s.INDEX_NAME) FROM information_schema.STATISTICS s"
         "   WHERE s.TABLE_SCHEMA = " +
         schema + " AND s.TABLE_NAME = " + name +
         " AND s.NON_UNIQUE = 0 AND s.INDEX_NAME <> 'PRIMARY'),"
         " 0"
         " FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = " +
         schema + " AND t.TABLE_NAME = " + name;
}

bool True(const std::optional<std::string>& v) {
  return v && (*v == "t" || *v == "1" || *v == "true");
}

bool Positive(const std::optional<std::string>& v) { return v && !v->empty() && *v != "0"; }

}  // namespace

Result<std::string> OrderFreeTables::ReasonNotOrderFree(const catalog::TargetTable& table) {
  auto rows = target_->Query(CatalogSql(target_->engine(), table));
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->front().size() < 5) return std::string("not found on the target");
  const endpoints::SqlRow& r = rows->front();
  if (!True(r[0])) return std::string("not a plain table");
  if (Positive(r[1])) return std::string("it has triggers");
  if (Positive(r[2])) return std::string("foreign keys refer to or from it");
  if (Positive(r[3])) return std::string("it has unique keys besides the primary key");
  if (Positive(r[4])) return std::string("it has rules");
  return std::string();
}

Result<bool> OrderFreeTables::AllOrderFree(const std::vector<TablePlan>& plans,
                                           const std::set<size_t>& tables) {
  const auto now = std::chrono::steady_clock::now();
  bool all = true;
  for (size_t i : tables) {
    if (i >= plans.size()) return false;
    const catalog::TargetTable& t = plans[i].target;
    const std::string name = catalog::QuoteQualified(target_->engine(), t.schema, t.name);
    auto it = known_.find(name);
    if (it == known_.end() || now - it->second.checked >= kRecheck) {
      auto reason = ReasonNotOrderFree(t);
      if (!reason.ok() && reason.status().code() == StatusCode::kConnectionError)
        return reason.status();
      const std::string why = reason.ok() ? *reason : reason.status().message();
      if (!why.empty() && logged_.insert(name).second) {
        SY_LOG(kInfo, Component::kTargetApply,
               "changes to " << plans[i].TargetName()
                             << " are applied one by one in source order: " << why);
      }
      it = known_.insert_or_assign(name, Known{why.empty(), now}).first;
    }
    // Every table is still looked at: the whole set is checked at the same times.
    all = all && it->second.order_free;
  }
  return all;
}

}  // namespace switchyard::pipeline::cdc
