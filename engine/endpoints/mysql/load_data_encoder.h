// The text format MySqlBulkLoader feeds to LOAD DATA LOCAL INFILE, and the statement that
// reads it.
//
// Format: fields separated by TAB, rows ended by LF, ESCAPED BY '\'. NULL is \N; backslash,
// TAB, LF, CR and NUL are escaped (\\ \t \n \r \0), every other byte is written as is, so
// arbitrary binary values (NUL bytes, invalid UTF-8, megabytes long) round-trip exactly.
#pragma once

#include <string>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/row_batch.h"

namespace switchyard::endpoints::mysql {

// Appends every row of `batch` to `out`. The caller reuses `out` between batches so its
// capacity is kept; nothing is allocated per row.
void EncodeLoadData(const RowBatch& batch, std::string& out);

// LOAD DATA LOCAL INFILE ... INTO TABLE <schema>.<table> for `spec`: columns in order, and for
// each non-empty spec.load_exprs[i] a user variable @v<i> in the column list plus
// `<column> = <expr with @v replaced by @v<i>>` in the SET clause. The file is read as utf8mb4
// so the server converts text into each column's own charset (latin1 columns included);
// binary columns receive the bytes unchanged. InvalidArgument when load_exprs has the wrong
// size or there are no columns.
Result<std::string> BuildLoadDataStatement(const LoadSpec& spec);

}  // namespace switchyard::endpoints::mysql
