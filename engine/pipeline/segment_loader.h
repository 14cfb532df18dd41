// SegmentLoader: copies one segment (a key range or a whole table) from a source snapshot to
// the target, in transactions of `commit_rate` rows.
//
// The calling thread reads; a second thread converts values and writes, so reading and writing
// overlap. Memory is bounded by two batches in flight. Values a column transform rejects are
// handed to the error callback, which applies DataErrorPolicy; a statement the target rejects
// ends the segment with that server message (the transaction since the last commit is rolled
// back, earlier commits stay and are cleaned up by a reload).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>

#include "engine/endpoints/endpoint.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline {

struct SegmentCallbacks {
  // After each target commit, with the rows it made durable.
  std::function<void(int64_t rows)> on_committed;
  // A row a transform rejected. Return OK to skip the row and go on, an error to stop the
  // segment with it. `row` holds the row's values by column name (long values cut short).
  std::function<Status(const Status& error, nlohmann::json row)> on_data_error;
};

class SegmentLoader {
 public:
  // Borrows the connections; they must outlive the loader and be used by no one else meanwhile.
  SegmentLoader(endpoints::SnapshotReader& reader, endpoints::BulkLoader& loader, int commit_rate)
      : reader_(reader), loader_(loader), commit_rate_(commit_rate < 1 ? 1 : commit_rate) {}

  // Loads rows matching the plan's filter and the segment's condition. Returns the rows
  // committed through `callbacks.on_committed` as it goes; the Status says how it ended.
  Status Load(const TablePlan& plan, const Segment& segment, const SegmentCallbacks& callbacks,
              std::stop_token stop);

 private:
  Status LoadConverted(const TablePlan& plan, const endpoints::ReadSpec& spec,
                       const SegmentCallbacks& callbacks, std::stop_token stop);
  Status LoadPassthrough(const TablePlan& plan, const endpoints::ReadSpec& spec,
                         const SegmentCallbacks& callbacks, std::stop_token stop);

  endpoints::SnapshotReader& reader_;
  endpoints::BulkLoader& loader_;
  const int commit_rate_;
};

// The source WHERE condition for a segment: the table filter AND the segment range.
std::string SegmentWhere(const TablePlan& plan, const Segment& segment);
endpoints::LoadSpec MakeLoadSpec(const TablePlan& plan);

}  // namespace switchyard::pipeline
