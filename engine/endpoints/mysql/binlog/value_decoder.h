// Decoding one column value of a row image into the text a `SELECT col` over a utf8mb4
// connection with time_zone '+00:00' returns (the text the snapshot reader sees), so snapshot
// rows and change rows look the same to the pipeline.
//
// Formats, by type:
// - integers in decimal, signed or unsigned from the TABLE_MAP signedness (signed when the
//   optional metadata is absent);
// - DECIMAL with exactly `scale` fraction digits (trailing zeros kept), up to 65 digits;
// - FLOAT: the shortest text that reads back as the same float (exact, unlike SELECT, which
//   rounds to 6 significant digits); DOUBLE: the shortest round-trip text in MariaDB's style
//   ("1e300", "0.1"). FLOAT(M,D)/DOUBLE(M,D) lose their fixed decimals: the binlog does not
//   carry D;
// - YEAR as 4 digits ("0000" for 0); DATE "YYYY-MM-DD"; TIME "[-]HH:MM:SS[.f]" (hours may have
//   3 digits); DATETIME "YYYY-MM-DD HH:MM:SS[.f]"; TIMESTAMP as UTC in the DATETIME form; the
//   number of fraction digits is the column's fsp;
// - CHAR/VARCHAR/TEXT/ENUM/SET converted from the column charset to UTF-8 (binary unchanged);
//   ENUM as its member name ("" for index 0), SET as comma-joined members; both as numbers when
//   the TABLE_MAP lacks member strings;
// - BIT as its raw big-endian bytes ((n+7)/8 of them); GEOMETRY as its raw bytes (SRID + WKB);
// - MySQL JSON (binary) as JSON text in MySQL's style; MariaDB JSON is LONGTEXT and arrives as
// text.
#pragma once

#include <string>

#include "engine/common/status.h"
#include "engine/endpoints/mysql/binlog/byte_reader.h"
#include "engine/endpoints/mysql/binlog/charset.h"
#include "engine/endpoints/mysql/binlog/table_map.h"

namespace switchyard::endpoints::mysql::binlog {

// Reads the value of `column` at `in`'s position (the NULL bitmap was already checked) and
// replaces `out` with its text. On error `in` is left at an unspecified position.
Status DecodeValue(const ColumnDef& column, ByteReader& in, CharsetConverter& charsets,
                   std::string& out);

// Exposed for unit tests: the pieces above that work on plain bytes or numbers.
std::string FormatFloat(float value);
std::string FormatDouble(double value);
// `bytes` is the binary DECIMAL of (precision, scale); fails on a short buffer.
Result<std::string> FormatDecimal(std::string_view bytes, int precision, int scale);
size_t DecimalBinarySize(int precision, int scale);

}  // namespace switchyard::endpoints::mysql::binlog
