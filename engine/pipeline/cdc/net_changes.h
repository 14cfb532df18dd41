// NetChanges: the net effect of a run of source changes per table and key, for
// BatchApplyEnabled (DMS "batch optimized apply"): an insert followed by updates becomes one
// insert of the final row, updates of one key merge into one, an insert followed by a delete
// vanishes, a delete followed by an insert becomes a replace (delete, then insert).
//
// Only tables with a primary key are netted. A keyless table's changes are kept in source order
// (`ordered`). A TRUNCATE drops what the run held for its table and is kept as `truncate_first`:
// applied first, then the table's net rows from after it. Unchanged TOAST
// values (ChangeValue::kUnchanged) survive merging: a column stays unchanged only when no change
// of the run wrote it.
//
// Add() refuses (kUnsupported) what cannot be netted exactly, and the caller applies the run
// change by change instead: a sequence the source cannot have produced for one key (an insert
// of a key that exists in the run, an update or delete after its delete), and a key-changing
// update whose new row is incomplete (unchanged TOAST values cannot be inserted).
//
// Plain data, no I/O, one thread. Row images are copied: the changes may live in spill chunks
// that are evicted while the run is read.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "engine/common/status.h"
#include "engine/pipeline/cdc/row_change.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline::cdc {

struct NetRow {
  enum class Op { kInsert, kUpdate, kDelete, kReplace };
  Op op = Op::kInsert;
  // kDelete/kReplace: an image holding the key (the key columns are what matter).
  std::vector<ChangeValue> key_image;
  // kInsert/kReplace: the full new row; kUpdate: the new values, kUnchanged where none was
  // written (the key columns always hold the key).
  std::vector<ChangeValue> row;
};

struct NetTable {
  size_t table = 0;  // plan index
  bool truncate_first = false;
  std::vector<NetRow> rows;        // one per key, in the order keys first appeared
  std::vector<RowChange> ordered;  // keyless tables: every change, in source order
};

class NetChanges {
 public:
  // `plans` are borrowed and must outlive this object.
  explicit NetChanges(const std::vector<TablePlan>* plans) : plans_(plans) {}

  Status Add(const RowChange& change);
  // The tables in the order their first change arrived.
  std::vector<NetTable> Take();

  // Source changes added so far, by operation (the counters the caller reports).
  int64_t inserts() const { return inserts_; }
  int64_t updates() const { return updates_; }
  int64_t deletes() const { return deletes_; }
  int64_t truncates() const { return truncates_; }

 private:
  struct TableState {
    NetTable net;
    std::vector<size_t> key_columns;       // empty: keyless, changes kept in order
    std::map<std::string, size_t> by_key;  // encoded key -> index into net.rows
    std::vector<bool> erased;              // per net.rows entry: netted away
  };

  TableState& StateOf(size_t table);
  // The encoded key of `image`; `fallback` supplies key columns that are kUnchanged in it.
  std::string KeyOf(const TableState& s, const std::vector<ChangeValue>& image,
                    const std::vector<ChangeValue>* fallback = nullptr) const;
  Status Insert(TableState& s, const std::string& key, std::vector<ChangeValue> row);
  Status Delete(TableState& s, const std::string& key, const std::vector<ChangeValue>& image);
  Status Update(TableState& s, const std::string& key, const RowChange& change);

  const std::vector<TablePlan>* plans_;
  std::map<size_t, TableState> tables_;
  std::vector<size_t> order_;
  int64_t inserts_ = 0, updates_ = 0, deletes_ = 0, truncates_ = 0;
};

}  // namespace switchyard::pipeline::cdc
