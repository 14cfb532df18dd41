// TableMap: what a TABLE_MAP_EVENT says about one table, parsed from the event bytes.
//
// A TABLE_MAP precedes the ROWS events of each statement and gives the table id they refer to,
// the column types as stored in the binlog, per-type metadata (lengths, precision, fsp...), the
// NULL-ability bitmap and — with binlog_row_metadata=FULL (MySQL 8.0.1+, MariaDB 10.5+) — the
// optional metadata: signedness, charsets/collations, column names, ENUM/SET member strings,
// geometry types and the primary key. The row decoder needs signedness and ENUM/SET strings to
// print values as SELECT does; without optional metadata integers decode as signed and
// ENUM/SET as their numeric index/bitmask (documented in row_decoder.h).
//
// Immutable after parsing; shared by the events that use it (shared_ptr<const TableMap>).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace switchyard::endpoints::mysql::binlog {

// Column type codes as written in TABLE_MAP (enum_field_types).
namespace column_type {
inline constexpr uint8_t kDecimal = 0;  // pre-5.0 DECIMAL, never written by current servers
inline constexpr uint8_t kTiny = 1;
inline constexpr uint8_t kShort = 2;
inline constexpr uint8_t kLong = 3;
inline constexpr uint8_t kFloat = 4;
inline constexpr uint8_t kDouble = 5;
inline constexpr uint8_t kNull = 6;
inline constexpr uint8_t kTimestamp = 7;
inline constexpr uint8_t kLongLong = 8;
inline constexpr uint8_t kInt24 = 9;
inline constexpr uint8_t kDate = 10;
inline constexpr uint8_t kTime = 11;
inline constexpr uint8_t kDateTime = 12;
inline constexpr uint8_t kYear = 13;
inline constexpr uint8_t kNewDate = 14;
inline constexpr uint8_t kVarchar = 15;
inline constexpr uint8_t kBit = 16;
inline constexpr uint8_t kTimestamp2 = 17;
inline constexpr uint8_t kDateTime2 = 18;
inline constexpr uint8_t kTime2 = 19;
inline constexpr uint8_t kJson = 245;
inline constexpr uint8_t kNewDecimal = 246;
inline constexpr uint8_t kEnum = 247;
inline constexpr uint8_t kSet = 248;
inline constexpr uint8_t kTinyBlob = 249;
inline constexpr uint8_t kMediumBlob = 250;
inline constexpr uint8_t kLongBlob = 251;
inline constexpr uint8_t kBlob = 252;
inline constexpr uint8_t kVarString = 253;
inline constexpr uint8_t kString = 254;
inline constexpr uint8_t kGeometry = 255;
}  // namespace column_type

struct ColumnDef {
  uint8_t type = 0;       // as written in TABLE_MAP (CHAR/ENUM/SET all say kString)
  uint8_t real_type = 0;  // kString, kEnum or kSet for kString columns; else == type
  uint16_t meta = 0;      // the raw per-type metadata
  bool nullable = true;

  // Derived from `meta` (0 when not applicable):
  uint32_t max_length = 0;   // VARCHAR/VAR_STRING/CHAR: max bytes; ENUM/SET: pack length
  uint8_t length_bytes = 0;  // BLOB/TEXT/JSON/GEOMETRY: bytes of the length prefix (1-4)
  uint8_t precision = 0;     // NEWDECIMAL
  uint8_t scale = 0;         // NEWDECIMAL
  uint8_t fsp = 0;           // TIME2/DATETIME2/TIMESTAMP2 fractional digits (0-6)
  uint16_t bits = 0;         // BIT(n)

  // From the optional metadata (absent when the server did not log it):
  std::optional<bool> is_unsigned;    // numeric columns
  std::optional<uint32_t> collation;  // character, ENUM and SET columns (63 = binary)
  std::string name;
  std::vector<std::string> members;  // ENUM/SET member strings, in the column's charset
  std::optional<uint32_t> geometry_type;
};

struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string schema;
  std::string table;
  std::vector<ColumnDef> columns;
  struct KeyPart {
    uint32_t column = 0;
    uint32_t prefix = 0;  // 0 = whole column
  };
  std::vector<KeyPart> primary_key;  // empty when not logged or the table has none
  bool has_optional_metadata = false;
};

// True for the types whose signedness the SIGNEDNESS field lists.
bool IsNumericColumn(const ColumnDef& column);
// Which server wrote the TABLE_MAP: the charset fields cover slightly different columns.
enum class ServerFlavor { kMySql, kMariaDb };

// True for the columns the (DEFAULT_|COLUMN_)CHARSET fields list: CHAR, VARCHAR, TEXT/BLOB, and
// on MariaDB also GEOMETRY (a BLOB there, listed with the binary collation).
bool IsCharacterColumn(const ColumnDef& column, ServerFlavor flavor);
// True for ENUM and SET.
bool IsEnumOrSetColumn(const ColumnDef& column);

// Parses a TABLE_MAP event body (header and checksum removed). `post_header_length` comes
// from the FORMAT_DESCRIPTION (8 today; 6 means a 4-byte table id).
Result<TableMap> ParseTableMap(std::string_view body, ServerFlavor flavor,
                               uint8_t post_header_length = 8);

}  // namespace switchyard::endpoints::mysql::binlog
