// The text format of COPY (what `COPY ... TO STDOUT` sends and `COPY ... FROM STDIN` reads
// without options): one line per row, fields separated by tabs, NULL spelled \N, and
// backslash escapes for backslash, tab, newline and carriage return (\b \f \v, octal \NNN and
// hex \xHH are also accepted when decoding). Both directions work on raw bytes; no allocation
// per field. Not thread-safe; one encoder per loader.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/endpoints/row_batch.h"

namespace switchyard::endpoints::postgres {

// Appends the fields of one COPY text line (without its trailing '\n') to `batch` as one row of
// batch->columns() fields, unescaped. On error (wrong field count, malformed escape) returns
// kInternal and `batch` may hold a partial row: the caller drops it with TruncateToRows().
Status DecodeCopyTextLine(std::string_view line, RowBatch* batch);

// Encodes RowBatches into COPY text, appended to one buffer that is reused between batches.
class CopyTextEncoder {
 public:
  CopyTextEncoder() = default;
  CopyTextEncoder(const CopyTextEncoder&) = delete;
  CopyTextEncoder& operator=(const CopyTextEncoder&) = delete;

  // Appends every row of `batch`. A NUL byte cannot be stored in PostgreSQL text: the call
  // then returns kDataError naming column_names[column] (or its index when the list is short)
  // and the row index within `batch`, and the buffer is left as it was before the call.
  Status Append(const RowBatch& batch, const std::vector<std::string>& column_names);

  std::string_view data() const { return std::string_view(buffer_.get(), size_); }
  void Clear() { size_ = 0; }

 private:
  void Reserve(size_t capacity);

  std::unique_ptr<char[]> buffer_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace switchyard::endpoints::postgres
