#include "engine/endpoints/postgres/pg_error.h"

namespace switchyard::endpoints::postgres {

StatusCode CodeForSqlState(std::string_view sqlstate, bool connection_bad) {
  if (connection_bad) return StatusCode::kConnectionError;
  if (sqlstate.size() != 5) return StatusCode::kDatabaseError;
  std::string_view cls = sqlstate.substr(0, 2);
  if (cls == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return StatusCode::kConnectionError;
  }
  if (cls == "22" || sqlstate == "23502") return StatusCode::kDataError;
  return StatusCode::kDatabaseError;
}

bool IsRowLevelSqlState(std::string_view sqlstate) {
  return sqlstate.size() == 5 && (sqlstate.substr(0, 2) == "22" || sqlstate.substr(0, 2) == "23");
}

std::string TrimRight(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

std::string DescribeError(const PGconn* conn, const PGresult* result) {
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (primary == nullptr) {
    const char* text = result != nullptr ? PQresultErrorMessage(result) : "";
    if ((text == nullptr || *text == '\0') && conn != nullptr) text = PQerrorMessage(conn);
    std::string out = TrimRight(text != nullptr ? text : "");
    return out.empty() ? "unknown libpq error" : out;
  }
  std::string out = primary;
  if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) {
    out += " (SQLSTATE ";
    out += state;
    out += ")";
  }
  auto add = [&](const char* label, int field) {
    const char* value = PQresultErrorField(result, field);
    if (value == nullptr || *value == '\0') return;
    out += "; ";
    out += label;
    out += ": ";
    out += TrimRight(value);
  };
  add("DETAIL", PG_DIAG_MESSAGE_DETAIL);
  add("HINT", PG_DIAG_MESSAGE_HINT);
  add("CONTEXT", PG_DIAG_CONTEXT);
  return out;
}

Status ErrorStatus(const PGconn* conn, const PGresult* result, std::string_view what,
                   std::string_view describe, bool row_level_is_data) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view sqlstate = state != nullptr ? state : "";
  bool bad = conn != nullptr && PQstatus(conn) == CONNECTION_BAD;
  StatusCode code = CodeForSqlState(sqlstate, bad);
  if (row_level_is_data && !bad && IsRowLevelSqlState(sqlstate)) code = StatusCode::kDataError;
  std::string message(what);
  message += ": ";
  message += DescribeError(conn, result);
  message += " [";
  message += describe;
  message += "]";
  return Status(code, std::move(message));
}

}  // namespace switchyard::endpoints::postgres
