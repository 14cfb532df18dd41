// Turning libmariadb / server error numbers into Switchyard Status codes.
//
// The code says how the caller reacts: kConnectionError (the connection is gone or the server
// is going away: reconnect with backoff), kDataError (one value or row the server refused:
// per-row policy), kDatabaseError (anything else a live server refused).
#pragma once

#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::endpoints::mysql {

// True for client errors that mean the connection is unusable (2002, 2003, 2006, 2013, 2055)
// and server errors that mean it is shutting down or killed our connection.
bool IsConnectionErrno(unsigned int error_number);

// True for server errors about one value or row (out of range, truncated, bad date, bad
// string, too long, NULL into NOT NULL, CHECK constraint, duplicate key...).
bool IsDataErrno(unsigned int error_number);

// "<context>: MySQL error <n>: <message> (<where>)" with the code chosen by the functions
// above. `where` is ConnectionParams::Describe(): never a password.
Status MySqlErrorStatus(std::string_view context, unsigned int error_number,
                        std::string_view message, std::string_view where);

}  // namespace switchyard::endpoints::mysql
