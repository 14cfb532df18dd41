// Decoding WRITE/UPDATE/DELETE_ROWS events (v1: types 23-25, written by MariaDB and MySQL 5.5;
// v2: types 30-32, MySQL 5.6+) into row images of text values, using the event's TABLE_MAP.
//
// Body layout: table id (6 bytes), flags (2), [v2: extra-data length (2, counting itself) and
// the extra data], column count (length-encoded), the columns-present bitmap, for UPDATE a
// second bitmap for the after image; then per row image a NULL bitmap over the *present*
// columns and the packed values of the present, non-NULL columns. UPDATE rows come as
// before/after pairs. Values are formatted by value_decoder.h (SELECT's text).
//
// With binlog_row_image=FULL every column is present. Columns an image does not contain
// (MINIMAL/NOBLOB images) have present[i] == false and value nullopt — callers must not read
// that as NULL.
//
// Stateless functions; the CharsetConverter is the only mutable input (its iconv cache).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/endpoints/mysql/binlog/charset.h"
#include "engine/endpoints/mysql/binlog/table_map.h"

namespace switchyard::endpoints::mysql::binlog {

enum class RowsKind { kWrite, kUpdate, kDelete };

// One row image: one entry per table column, NULL = nullopt.
struct RowImage {
  std::vector<std::optional<std::string>> values;
  std::vector<bool> present;
};

// kWrite: after only; kDelete: before only; kUpdate: both.
struct RowChange {
  std::optional<RowImage> before;
  std::optional<RowImage> after;
};

struct RowsEvent {
  RowsKind kind = RowsKind::kWrite;
  bool v2 = false;
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::shared_ptr<const TableMap> table;  // the TABLE_MAP the rows were decoded with
  std::vector<RowChange> rows;

  // STMT_END_F: the last rows event of its statement (table maps of the statement end here).
  bool statement_end() const { return (flags & 0x01) != 0; }
};

// The table id a rows event refers to, read before its TABLE_MAP is looked up.
Result<uint64_t> PeekRowsTableId(std::string_view body, uint8_t post_header_length);

// Decodes a rows event body (header and checksum removed). `type` is the event type (23-25 or
// 30-32); `post_header_length` is the FORMAT_DESCRIPTION's for that type (8 for v1, 10 for
// v2; 6 means a 4-byte table id). `table` must be the TABLE_MAP with the event's table id.
Result<RowsEvent> DecodeRowsEvent(uint8_t type, std::string_view body, uint8_t post_header_length,
                                  std::shared_ptr<const TableMap> table,
                                  CharsetConverter& charsets);

}  // namespace switchyard::endpoints::mysql::binlog
