// One row change of the engine's change model (change_event.h has the whole model).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace switchyard::pipeline::cdc {

enum class ChangeOp { kInsert, kUpdate, kDelete, kTruncate };

struct ChangeValue {
  enum Kind {
    kNull,
    kValue,
    // PostgreSQL unchanged TOAST value ('u' in pgoutput): the column must be left as it is on
    // the target, never written as NULL or a placeholder.
    kUnchanged,
  };
  Kind kind = kNull;
  std::string bytes;  // only for kValue

  static ChangeValue Null() { return {kNull, {}}; }
  static ChangeValue Value(std::string b) { return {kValue, std::move(b)}; }
  static ChangeValue Unchanged() { return {kUnchanged, {}}; }
};

struct RowChange {
  ChangeOp op = ChangeOp::kInsert;
  size_t table = 0;  // index into the TablePlans the applier was built with
  // Update/delete: the key (primary-key columns filled, others may be kNull) or the full old
  // row (REPLICA IDENTITY FULL / MySQL FULL row image; required for tables without a primary
  // key). May be empty for an insert, and for an update/delete whose key did not change (the
  // key is then taken from `after`). One entry per target column when not empty.
  std::vector<ChangeValue> before;
  // Insert/update: the new row, one entry per target column. Empty for delete/truncate.
  std::vector<ChangeValue> after;
};

}  // namespace switchyard::pipeline::cdc
