#include "engine/endpoints/mysql/mysql_error.h"

#include <errmsg.h>
#include <mysqld_error.h>

namespace switchyard::endpoints::mysql {

bool IsConnectionErrno(unsigned int error_number) {
  switch (error_number) {
    case CR_CONNECTION_ERROR:      // 2002: cannot connect through the socket
    case CR_CONN_HOST_ERROR:       // 2003: cannot connect to host:port
    case CR_SERVER_GONE_ERROR:     // 2006
    case CR_SERVER_LOST:           // 2013
    case CR_SERVER_LOST_EXTENDED:  // 2055
    case ER_CON_COUNT_ERROR:       // 1040: too many connections, retry later
    case ER_SERVER_SHUTDOWN:       // 1053
    case ER_NORMAL_SHUTDOWN:       // 1077
    case ER_GOT_SIGNAL:            // 1078
    case ER_SHUTDOWN_COMPLETE:     // 1079
    case ER_CONNECTION_KILLED:     // 1927 (MariaDB)
    // The server rolled the whole transaction back to break a deadlock, or gave up waiting
    // for a lock: nothing of it stays, so it is retried like a lost connection (the full load
    // cleans and reloads the segment, CDC replays from its checkpoint) instead of failing the
    // table or being taken for a row's fault. Seen with parallel LOAD DATA into one table.
    case ER_LOCK_DEADLOCK:      // 1213
    case ER_LOCK_WAIT_TIMEOUT:  // 1205
      return true;
    default:
      return false;
  }
}

bool IsDataErrno(unsigned int error_number) {
  switch (error_number) {
    case 1048:  // ER_BAD_NULL_ERROR: column cannot be null
    case 1062:  // ER_DUP_ENTRY
    case 1261:  // ER_WARN_TOO_FEW_RECORDS: row does not contain data for all columns
    case 1262:  // ER_WARN_TOO_MANY_RECORDS: row was truncated
    case 1263:  // ER_WARN_NULL_TO_NOTNULL
    case 1264:  // ER_WARN_DATA_OUT_OF_RANGE
    case 1265:  // WARN_DATA_TRUNCATED
    case 1292:  // ER_TRUNCATED_WRONG_VALUE (bad date, bad number)
    case 1366:  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (bad integer / string value)
    case 1367:  // ER_ILLEGAL_VALUE_FOR_TYPE
    case 1406:  // ER_DATA_TOO_LONG
    case 1411:  // ER_WRONG_VALUE_FOR_TYPE
    case 1452:  // ER_NO_REFERENCED_ROW_2 (foreign key)
    case 3140:  // ER_INVALID_JSON_TEXT (MySQL)
    case 4025:  // ER_CONSTRAINT_FAILED (MariaDB CHECK, e.g. json_valid)
      return true;
    default:
      return false;
  }
}

Status MySqlErrorStatus(std::string_view context, unsigned int error_number,
                        std::string_view message, std::string_view where) {
  std::string text;
  text.reserve(context.size() + message.size() + where.size() + 32);
  text.append(context);
  text += ": MySQL error ";
  text += std::to_string(error_number);
  text += ": ";
  text.append(message);
  text += " (";
  text.append(where);
  text += ")";
  if (IsConnectionErrno(error_number)) return Status::ConnectionError(std::move(text));
  if (IsDataErrno(error_number)) return Status::DataError(std::move(text));
  return Status::DatabaseError(std::move(text));
}

}  // namespace switchyard::endpoints::mysql
