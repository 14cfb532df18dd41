#include "engine/pipeline/cdc/pg_table_watch.h"

#include "engine/logging/log.h"
#include "engine/pipeline/cdc/position.h"

namespace switchyard::pipeline::cdc {

std::vector<PgTableWatch::Finding> PgTableWatch::Poll(const std::vector<TablePlan>& plans,
                                                      const std::string& applied) {
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].capture_ended) continue;
    oids_.erase(i);
    pending_.erase(i);
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ >= interval_) {
    last_ = now;
    Status st = Look(plans);
    if (!st.ok()) {
      SY_LOG(kDebug, Component::kSourceCapture, "watching captured tables: " << st.message());
      session_.reset();
    }
  }
  std::vector<Finding> out;
  if (applied.empty()) return out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto cmp = ComparePositions(applied, it->second.end.position);
    if (cmp.ok() && *cmp >= 0) {
      out.push_back(it->second);
      out.back().end.position += " or earlier";
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

Status PgTableWatch::Look(const std::vector<TablePlan>& plans) {
  if (!session_) {
    SY_ASSIGN_OR_RETURN(session_, endpoints::Connect(task_.source.ToConnectionParams()));
  }
  auto& s = *session_;
  if (!seeded_ && store_ != nullptr) {
    // Only at the session's start: later, a table without an OID here is one planned anew (a
    // reload after its capture ended), whose stored OID is its predecessor's.
    for (size_t i = 0; i < plans.size(); ++i) {
      if (plans[i].capture_ended || oids_.count(i) != 0) continue;
      auto stored = store_->GetSourceOid(plans[i].source.schema, plans[i].source.name);
      if (stored.ok() && !stored->empty()) oids_[i] = *stored;
    }
  }
  seeded_ = true;
  // Names whose OID is not known yet: learn it; a name with no table is gone already.
  std::string unknown, known;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].capture_ended || pending_.count(i) != 0) continue;
    auto oid = oids_.find(i);
    if (oid == oids_.end()) {
      unknown += std::string(unknown.empty() ? "" : ", ") + "(" +
                 s.QuoteLiteral(plans[i].source.schema) + ", " +
                 s.QuoteLiteral(plans[i].source.name) + ")";
    } else {
      known += (known.empty() ? "" : ", ") + s.QuoteLiteral(oid->second) + "::oid";
    }
  }
  if (unknown.empty() && known.empty()) return Status::Ok();
  const std::string from =
      "SELECT c.oid::text, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
      "c.relnamespace WHERE ";
  std::map<std::string, std::pair<std::string, std::string>> by_oid;  // oid -> schema, name
  if (!known.empty()) {
    SY_ASSIGN_OR_RETURN(auto rows, s.Query(from + "c.oid IN (" + known + ")"));
    for (const auto& r : rows) by_oid[r[0].value_or("")] = {r[1].value_or(""), r[2].value_or("")};
  }
  std::map<std::pair<std::string, std::string>, std::string> by_name;  // schema, name -> oid
  if (!unknown.empty()) {
    SY_ASSIGN_OR_RETURN(auto rows, s.Query(from + "(n.nspname, c.relname) IN (" + unknown + ")"));
    for (const auto& r : rows) by_name[{r[1].value_or(""), r[2].value_or("")}] = r[0].value_or("");
  }
  // Read after the catalog: a drop or rename seen above committed before this LSN.
  SY_ASSIGN_OR_RETURN(auto lsn, s.Query("SELECT pg_current_wal_lsn()::text"));
  if (lsn.empty() || !lsn[0][0]) return Status::Internal("pg_current_wal_lsn() returned nothing");
  const std::string at = *lsn[0][0];
  for (size_t i = 0; i < plans.size(); ++i) {
    const TablePlan& p = plans[i];
    if (p.capture_ended || pending_.count(i) != 0) continue;
    Finding f;
    f.table = i;
    f.end.position = at;
    if (auto oid = oids_.find(i); oid != oids_.end()) {
      auto now = by_oid.find(oid->second);
      if (now == by_oid.end()) {
        f.end.kind = SourceTableEnd::Kind::kDropped;
      } else if (now->second != std::pair(p.source.schema, p.source.name)) {
        f.end.kind = SourceTableEnd::Kind::kRenamed;
        f.end.renamed_to = now->second.first + "." + now->second.second;
      } else {
        continue;
      }
    } else if (auto named = by_name.find({p.source.schema, p.source.name});
               named != by_name.end()) {
      oids_[i] = named->second;
      if (store_ != nullptr)
        (void)store_->SetSourceOid(p.source.schema, p.source.name, named->second);
      continue;
    } else {
      f.end.kind = SourceTableEnd::Kind::kGone;
    }
    SY_LOG(kInfo, Component::kSourceCapture,
           p.SourceName() << " is no longer in the source catalog under its name; its capture "
                             "ends once the changes up to "
                          << at << " are applied");
    pending_[i] = std::move(f);
  }
  return Status::Ok();
}

}  // namespace switchyard::pipeline::cdc
