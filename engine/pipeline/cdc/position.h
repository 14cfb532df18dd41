// Parsing and ordering of source positions (change_event.h SourcePosition). Pure functions.
//
// PostgreSQL LSNs "X/Y" compare as the 64-bit number (X << 32) | Y. MySQL binlog positions
// "base.NNNNNN:offset" compare by file sequence number, then offset; two positions in
// differently named binlog series (another server, renamed log_bin) cannot be ordered and are
// an error, never a guess.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::pipeline::cdc {

struct ParsedPosition {
  enum class Kind { kPgLsn, kBinlog };
  Kind kind = Kind::kPgLsn;
  uint64_t lsn = 0;          // kPgLsn
  std::string binlog_base;   // kBinlog: "binlog" of "binlog.000012"
  uint64_t file_number = 0;  // kBinlog: 12
  uint64_t offset = 0;       // kBinlog: 4711
  std::string gtid;          // kBinlog: optional text after the first space
};

Result<ParsedPosition> ParsePosition(std::string_view text);

// -1 if a < b, 0 if equal, 1 if a > b; InvalidArgument when either does not parse or the two
// cannot be ordered (an LSN against a binlog position, different binlog base names).
Result<int> ComparePositions(std::string_view a, std::string_view b);

}  // namespace switchyard::pipeline::cdc
