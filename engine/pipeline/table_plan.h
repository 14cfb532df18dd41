// TablePlan: everything the full load needs to copy one table, decided before anything on the
// target is touched: the target table (names transformed, types mapped), the source filter,
// and the segments (key ranges) it is loaded in.
#pragma once

#include <string>
#include <vector>

#include "engine/catalog/ddl.h"
#include "engine/catalog/schema.h"
#include "engine/config/task_config.h"
#include "engine/endpoints/endpoint.h"
#include "engine/state/records.h"

namespace switchyard::pipeline {

// One unit of parallel loading: a key range of a table, or the whole table.
struct Segment {
  std::string source_where;  // condition in the source dialect; empty = every row
  std::string target_where;  // the same rows on the target, for clean-up before a reload
  // MySQL partitions this segment reads (parallel-load partitions-auto/-list). The target
  // table is not partitioned, so such a segment's rows cannot be told apart there: cleaning
  // one up means reloading the whole table.
  std::vector<std::string> partitions;

  // Can this segment's rows be removed from the target on their own?
  bool SeparableOnTarget(size_t segment_count) const {
    return partitions.empty() && (segment_count == 1 || !target_where.empty());
  }
  // What the state store remembers to recognise the same split on resume.
  std::string Describe() const;
};

struct TablePlan {
  catalog::Table source;
  catalog::TargetTable target;
  std::string filter_sql;         // from selection-rule source filters, source dialect
  std::vector<Segment> segments;  // at least one
  int load_order = 0;
  // PostgreSQL -> PostgreSQL where no value needs a client-side change: COPY text is handed
  // from source to target unparsed.
  bool passthrough = false;
  std::vector<std::string> notes;  // lossy or surprising mapping choices, for the log
  // CDC only: the source table was dropped or renamed (cdc/source_table_end.h). The streams
  // skip the table from then on, so a table that takes its name later is not mistaken for it;
  // a reload plans it anew from the catalog.
  bool capture_ended = false;

  std::string SourceName() const { return source.schema + "." + source.name; }
  std::string TargetName() const { return target.schema + "." + target.name; }
};

// The plan column by column, as the state store keeps it for the console's table detail.
std::vector<state::ColumnMappingRecord> ColumnMappingOf(const TablePlan& plan);

// Builds the plans for every mapped table. `source` is used for the few queries that size
// key ranges (MIN/MAX of an integer key). Fails with Unsupported/InvalidArgument before
// anything is written when a column cannot be mapped.
Result<std::vector<TablePlan>> BuildTablePlans(const config::TaskConfig& task,
                                               const std::vector<config::MappedTable>& mapped,
                                               const std::vector<catalog::Table>& source_tables,
                                               endpoints::SqlSession& source);

// Segment conditions for DMS `ranges` boundaries over `columns`: N boundaries give N+1 ranges,
// plus one for rows with a NULL in a range column (DMS skips those; we do not).
std::vector<Segment> RangeSegments(catalog::Engine source_engine,
                                   const std::vector<std::string>& source_columns,
                                   catalog::Engine target_engine,
                                   const std::vector<std::string>& target_columns,
                                   const std::vector<std::vector<std::string>>& boundaries,
                                   bool columns_nullable);

}  // namespace switchyard::pipeline
