// MySQL's binary JSON (the storage format of the JSON type, also used in the binlog) turned
// into JSON text the way MySQL prints it for `SELECT col`: `{"a": 1, "b": [true, null]}` with
// ", " and ": " separators, keys in stored order, strings escaped, DECIMAL and temporal
// opaque values as MySQL prints them, other opaque values as "base64:typeNN:...".
//
// MariaDB never writes this format (its JSON is LONGTEXT); only MySQL 5.7+/8 sources need it.
// Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::endpoints::mysql::binlog {

// Replaces `out` with the JSON text of `bytes`; an empty value is JSON null (as MySQL reads it).
Status JsonBinaryToText(std::string_view bytes, std::string& out);

}  // namespace switchyard::endpoints::mysql::binlog
