// MariaDB's fixed-binary data types — UUID (10.7+), INET4 (10.10+) and INET6 (10.5+) — from
// the bytes a binlog row image carries to the text `SELECT col` returns.
//
// The TABLE_MAP does not name these types: on the wire they are BINARY(16) / BINARY(4) strings
// (type STRING, binary collation) with trailing 0x00 bytes dropped, like any BINARY(n). Only the
// catalog (information_schema DATA_TYPE "uuid", "inet4", "inet6") tells them apart from a real
// BINARY(n), so the caller that holds the catalog picks the type.
//
// The bytes are the type's in-memory form, the one CAST(col AS BINARY(16)) returns, not the
// in-record (storage) form. For UUID this matters: MariaDB 10.11 stores RFC 4122 UUIDs of
// versions 1-5 with the variant bit set with their five segments in reverse order (node id
// first, so that time-based UUIDs sort by time), and every other UUID as it is; but its binlog
// carries every UUID in canonical byte order (checked against MariaDB 10.11.19: uuid() v1, v4,
// v7, all-zero and all-0xff values arrive unswapped), so no segment is swapped here. Only
// that server was checked; UUID columns of older releases (10.7-10.10) are not covered.
//
// Text forms, as MariaDB prints them:
// - UUID: 8-4-4-4-12 lower-case hex digits;
// - INET4: dotted quad, decimal, no leading zeros;
// - INET6: lower-case hex words without leading zeros, the longest run of zero words (the
//   first one on a tie; a single zero word counts) compressed to "::", and the last 32 bits as
//   a dotted quad for IPv4-compatible (::a.b.c.d, when word 6 is not zero) and IPv4-mapped
//   (::ffff:a.b.c.d) addresses. This is not RFC 5952: "1:0:3:4:5:6:7:8" prints as
//   "1::3:4:5:6:7:8".
//
// Stateless functions, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::endpoints::mysql::binlog {

enum class FixedBinaryType { kUuid, kInet4, kInet6 };

// The fixed-binary type of a MariaDB column by its information_schema DATA_TYPE (any case);
// nullopt for every other type.
std::optional<FixedBinaryType> FixedBinaryTypeOf(std::string_view data_type);

// Bytes of the binary form: 16 for UUID and INET6, 4 for INET4.
size_t FixedBinaryLength(FixedBinaryType type);

// The text of a value whose binary form is `bytes`. Fewer bytes than FixedBinaryLength are
// padded with 0x00 (the binlog drops trailing zero bytes); more are a DataError.
Result<std::string> FixedBinaryToText(FixedBinaryType type, std::string_view bytes);

}  // namespace switchyard::endpoints::mysql::binlog
