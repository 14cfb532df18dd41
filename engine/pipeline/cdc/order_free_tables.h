// OrderFreeTables: which target tables cannot tell in what order the changes of one target
// transaction reached them, so that transactional apply may write those changes netted per key
// (net_changes.h: one bulk statement per table and kind) instead of one by one.
//
// Why it is exact: a target transaction covers whole source transactions and commits them at
// once, so no other session sees a state between two of its changes. What could still see the
// order inside it is the target itself: a trigger (it would fire for the net change, not for
// each one), a foreign key (a child row checked before its parent is written), a unique key
// besides the primary key or an exclusion constraint (two rows swapping a value), a rule. A
// table with none of those ends each target transaction exactly as applying the changes in
// source order would: netting reorders changes of different keys and tables only (a keyless
// table's changes keep their order, net_changes.h). Should the target still refuse a netted
// statement (a constraint this check does not know), the applier rolls back and applies in source
// order: slower, never different.
//
// The target catalog is read for a table the first time it is asked about and again once
// kRecheck has passed, so a trigger or key created on a target table while the task runs is
// followed within that time. A table whose answer cannot be read counts as not order-free.
// The first "no" for a table is logged with the reason, once per task run.
//
// One thread; the session is borrowed and must not be in a transaction when asked.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/common/status.h"
#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline::cdc {

class OrderFreeTables {
 public:
  static constexpr std::chrono::seconds kRecheck{30};

  explicit OrderFreeTables(endpoints::SqlSession* target) : target_(target) {}

  // True when every table in `tables` (indexes into `plans`) is order-free. A connection error
  // is returned; any other failure to read the catalog is a "no".
  Result<bool> AllOrderFree(const std::vector<TablePlan>& plans, const std::set<size_t>& tables);

  // Why the target table is not order-free ("" when it is), from its catalog: the checks
  // behind AllOrderFree, uncached.
  Result<std::string> ReasonNotOrderFree(const catalog::TargetTable& table);

 private:
  struct Known {
    bool order_free = false;
    std::chrono::steady_clock::time_point checked;
  };

  endpoints::SqlSession* target_;
  std::map<std::string, Known> known_;  // by quoted target name
  std::set<std::string> logged_;        // target names whose "no" was logged
};

}  // namespace switchyard::pipeline::cdc
