// The engine's change model: what a change stream (PostgreSQL pgoutput, MySQL binlog) hands to
// the applier. Decoders translate engine-specific events into these; the applier knows nothing
// about where they came from.
//
// Values are in the TablePlan's target column order and in the same canonical text form the
// full-load reader produces for that column's select_expr, so each column's ValueTransform and
// MySQL load_expr apply unchanged. Plain data: no ownership beyond the members, no threads.
#pragma once

#include <chrono>
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

// An engine-native position, compared by cdc::ComparePositions (position.h):
//   PostgreSQL: the commit's end LSN, "0/16B3748";
//   MySQL/MariaDB: "binlog.000012:4711" (the position after the commit event), optionally
//   followed by one space and the GTID (set) for information: "binlog.000012:4711 0-1-42".
struct SourcePosition {
  std::string text;
};

struct SourceTransaction {
  SourcePosition commit_position;
  std::chrono::system_clock::time_point commit_time;
  std::vector<RowChange> changes;
};

}  // namespace switchyard::pipeline::cdc
