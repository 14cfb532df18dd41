// What every libpq connection of ours shares, ordinary or replication: the session settings
// values are formatted with, the sslmode keyword, and the password scrubber for messages.
#pragma once

#include <libpq-fe.h>

#include <string>

#include "engine/endpoints/endpoint.h"

namespace switchyard::endpoints::postgres {

// One round trip for every setting. Values must read and print the same on every connection:
// standard_conforming_strings for catalog::QuoteLiteral, ISO dates, UTC time stamps (no silent
// shift), shortest exact floats, hex bytea. The walsender formats streamed values with them
// too, so CDC sees what the full load saw.
inline constexpr const char* kSessionSettings =
    "SET standard_conforming_strings = on; "
    "SET DateStyle = 'ISO, YMD'; "
    "SET IntervalStyle = 'postgres'; "
    "SET TimeZone = 'UTC'; "
    "SET extra_float_digits = 1; "
    "SET bytea_output = 'hex'";

// PQconnectdbParams with our keywords (password only when set, so ~/.pgpass and PGPASSFILE
// apply otherwise; `replication` adds replication=database when true), notices silenced.
// Returns the open connection, owned by the caller (PQfinish), or a ConnectionError that
// names `describe` and never the password.
Result<PGconn*> ConnectLibpq(const ConnectionParams& params, bool replication,
                             const std::string& describe);

// libpq's sslmode keyword for our SslMode.
const char* SslModeKeyword(SslMode mode);

// Notices (e.g. "drop cascades to ...") would otherwise be printed to stderr by libpq.
void IgnoreNotice(void*, const char*);

// libpq does not echo passwords in its messages; this is a second line of defence in case a
// future version or a server-side message ever does.
std::string Redact(std::string text, const std::string& secret);

}  // namespace switchyard::endpoints::postgres
