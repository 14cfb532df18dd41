// How libpq failures become Status values: which StatusCode a SQLSTATE maps to, and a one-line
// message built from the server's diagnostic fields. Pure functions, no state.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::endpoints::postgres {

// Connection failures (class 08, 57P01/57P02/57P03, or a dead connection) -> kConnectionError;
// data exceptions (class 22, 23502 not-null) -> kDataError; anything else -> kDatabaseError.
// `connection_bad` is PQstatus() == CONNECTION_BAD at the time of the failure.
StatusCode CodeForSqlState(std::string_view sqlstate, bool connection_bad);

// True for SQLSTATE class 22 (data exception) and 23 (integrity constraint violation): a COPY
// that fails with these failed because of a row, not because of the statement.
bool IsRowLevelSqlState(std::string_view sqlstate);

// "primary (SQLSTATE xxxxx); DETAIL: ...; HINT: ...; CONTEXT: ..." from a failed result, or the
// result's (or, with `result` null, the connection's) libpq error message when the server sent
// no diagnostic fields (e.g. the connection was lost).
std::string DescribeError(const PGconn* conn, const PGresult* result);

// A Status for a failed result: code from CodeForSqlState, message
// "<what>: <DescribeError> [<describe>]". `row_level_is_data` widens kDataError to every
// class 22/23 SQLSTATE (used for COPY, where such a failure is caused by the rows sent).
Status ErrorStatus(const PGconn* conn, const PGresult* result, std::string_view what,
                   std::string_view describe, bool row_level_is_data = false);

// Removes trailing newlines and spaces (libpq messages end with "\n").
std::string TrimRight(std::string text);

}  // namespace switchyard::endpoints::postgres
