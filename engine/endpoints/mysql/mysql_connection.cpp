#include "engine/endpoints/mysql/mysql_connection.h"

#include <errmsg.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstring>
#include <mutex>

#include "engine/catalog/identifier.h"
#include "engine/endpoints/mysql/mysql_client.h"
#include "engine/endpoints/mysql/mysql_error.h"

namespace switchyard::endpoints::mysql {
namespace {

// Seconds the server waits on a client that does not read (a slow sink) or write (a slow
// LOAD DATA producer) before it drops the connection. The defaults (30/60 s) are far too short
// for a pipeline whose target is momentarily slower than its source.
constexpr int kNetTimeoutSeconds = 3600;

// Session settings every connection runs; see the header for why each matters.
const char* const kSessionSetup[] = {
    "SET NAMES utf8mb4 COLLATE utf8mb4_bin",
    "SET time_zone = '+00:00'",
    "SET sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
};

}  // namespace

MySqlConnection::MySqlConnection(MYSQL* mysql, std::string where)
    : mysql_(mysql), where_(std::move(where)) {}

MySqlConnection::~MySqlConnection() { mysql_close(mysql_); }

Result<std::unique_ptr<MySqlConnection>> MySqlConnection::Open(const ConnectionParams& params) {
  const ClientOptions options{
      .local_infile = true,
      .client_flags = CLIENT_MULTI_RESULTS | CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS};
  MYSQL* mysql = InitClient(params, options);
  if (mysql == nullptr) return Status::Internal("mysql_init failed: out of memory");
  std::unique_ptr<MySqlConnection> conn(new MySqlConnection(mysql, params.Describe()));
  // Only the batch the bulk loader armed can be read by a LOAD DATA LOCAL (see infile_).
  mysql_set_local_infile_handler(mysql, &InfileInit, &InfileRead, &InfileEnd, &InfileError,
                                 &conn->infile_);
  SY_RETURN_IF_ERROR(ConnectClient(mysql, params, options, "connecting", conn->where_));

  const char* version = mysql_get_server_info(mysql);
  conn->server_version_ = version != nullptr ? version : "";
  conn->is_mariadb_ = conn->server_version_.find("MariaDB") != std::string::npos;

  for (const char* sql : kSessionSetup) {
    SY_RETURN_IF_ERROR(conn->Execute(sql).WithContext("setting up the session"));
  }
  SY_RETURN_IF_ERROR(
      conn->Execute("SET SESSION net_read_timeout = " + std::to_string(kNetTimeoutSeconds) +
                    ", net_write_timeout = " + std::to_string(kNetTimeoutSeconds))
          .WithContext("setting up the session"));
  return conn;
}

Status MySqlConnection::CheckUsable(std::string_view context) const {
  if (!abandoned_) return Status::Ok();
  return Status::ConnectionError(std::string(context) +
                                 ": connection was closed after a cancelled read (" + where_ + ")");
}

unsigned int MySqlConnection::last_errno() const { return mysql_errno(mysql_); }

Status MySqlConnection::LastError(std::string_view context) const {
  unsigned int number = mysql_errno(mysql_);
  if (number == 0) {
    return Status::DatabaseError(std::string(context) + ": unknown MySQL client error (" + where_ +
                                 ")");
  }
  return MySqlErrorStatus(context, number, mysql_error(mysql_), where_);
}

Status MySqlConnection::DrainResults(std::string_view context) {
  while (true) {
    MYSQL_RES* result = mysql_store_result(mysql_);
    if (result != nullptr) {
      mysql_free_result(result);
    } else if (mysql_field_count(mysql_) != 0) {
      return LastError(context);
    }
    int next = mysql_next_result(mysql_);
    if (next > 0) return LastError(context);
    if (next < 0) return Status::Ok();
  }
}

Status MySqlConnection::Execute(const std::string& sql) {
  SY_RETURN_IF_ERROR(CheckUsable("executing a statement"));
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    return LastError("executing a statement");
  }
  return DrainResults("executing a statement");
}

Result<std::vector<SqlRow>> MySqlConnection::Query(const std::string& sql) {
  SY_RETURN_IF_ERROR(CheckUsable("running a query"));
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return LastError("running a query");
  std::vector<SqlRow> rows;
  ResultPtr result(mysql_store_result(mysql_));
  if (result == nullptr) {
    if (mysql_field_count(mysql_) != 0) return LastError("running a query");
  } else {
    unsigned int fields = mysql_num_fields(result.get());
    rows.reserve(mysql_num_rows(result.get()));
    while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
      unsigned long* lengths = mysql_fetch_lengths(result.get());
      SqlRow& out = rows.emplace_back();
      out.reserve(fields);
      for (unsigned int i = 0; i < fields; ++i) {
        if (row[i] == nullptr) {
          out.emplace_back(std::nullopt);
        } else {
          out.emplace_back(std::string(row[i], lengths[i]));
        }
      }
    }
    result.reset();
  }
  // A CALL also returns a status result; read it so the connection is ready again.
  int next;
  while ((next = mysql_next_result(mysql_)) == 0) {
    ResultPtr extra(mysql_store_result(mysql_));
  }
  if (next > 0) return LastError("running a query");
  return rows;
}

Status MySqlConnection::ExecuteBatch(const std::vector<std::string>& statements,
                                     std::vector<int64_t>* counts) {
  constexpr std::string_view kContext = "executing a batch of statements";
  SY_RETURN_IF_ERROR(CheckUsable(kContext));
  if (statements.empty()) return Status::Ok();
  std::string sql;
  for (const std::string& s : statements) {
    if (!sql.empty()) sql += ";\n";
    sql += s;
  }
  // The first statement's error comes from mysql_real_query, a later one's from
  // mysql_next_result; either way the server ran none after it.
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return LastError(kContext);
  while (true) {
    MYSQL_RES* result = mysql_store_result(mysql_);
    if (result == nullptr && mysql_field_count(mysql_) != 0) return LastError(kContext);
    // After mysql_store_result, mysql_affected_rows is the row count of a SELECT too.
    counts->push_back(static_cast<int64_t>(mysql_affected_rows(mysql_)));
    if (result != nullptr) mysql_free_result(result);
    const int next = mysql_next_result(mysql_);
    if (next > 0) return LastError(kContext);
    if (next < 0) break;
  }
  return Status::Ok();
}

Result<ResultPtr> MySqlConnection::QueryUnbuffered(const std::string& sql) {
  SY_RETURN_IF_ERROR(CheckUsable("running a query"));
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return LastError("running a query");
  ResultPtr result(mysql_use_result(mysql_));
  if (result == nullptr) {
    if (mysql_field_count(mysql_) != 0) return LastError("running a query");
    return Status::Internal("running a query: the statement returned no result set");
  }
  return result;
}

std::string MySqlConnection::QuoteIdentifier(const std::string& name) const {
  return catalog::QuoteIdentifier(catalog::Engine::kMySql, name);
}

std::string MySqlConnection::QuoteLiteral(const std::string& value) const {
  std::string out(value.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long length = mysql_real_escape_string(mysql_, out.data() + 1, value.data(),
                                                  static_cast<unsigned long>(value.size()));
  out.resize(length + 1);
  out.push_back('\'');
  return out;
}

Status MySqlConnection::ExecuteLoadData(const std::string& sql, std::string_view data) {
  SY_RETURN_IF_ERROR(CheckUsable("loading data"));
  infile_.data = data;
  infile_.position = 0;
  infile_.armed = true;
  int rc = mysql_real_query(mysql_, sql.data(), sql.size());
  infile_ = InfileFeed{};
  if (rc != 0) return LastError("loading data");
  return DrainResults("loading data");
}

void MySqlConnection::Abandon() {
  if (abandoned_) return;
  abandoned_ = true;
  my_socket fd = mysql_get_socket(mysql_);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

int MySqlConnection::InfileInit(void** handler_data, const char* /*file_name*/, void* user_data) {
  auto* feed = static_cast<InfileFeed*>(user_data);
  *handler_data = feed;
  // The server names the file; we ignore the name and serve only what ExecuteLoadData armed.
  return feed->armed ? 0 : 1;
}

int MySqlConnection::InfileRead(void* handler_data, char* buffer, unsigned int buffer_length) {
  auto* feed = static_cast<InfileFeed*>(handler_data);
  size_t left = feed->data.size() - feed->position;
  size_t n = left < buffer_length ? left : buffer_length;
  std::memcpy(buffer, feed->data.data() + feed->position, n);
  feed->position += n;
  return static_cast<int>(n);
}

void MySqlConnection::InfileEnd(void* /*handler_data*/) {}

int MySqlConnection::InfileError(void* /*handler_data*/, char* message,
                                 unsigned int message_length) {
  std::snprintf(message, message_length, "%s",
                "LOAD DATA LOCAL INFILE refused: this connection only sends data it loads itself");
  return CR_UNKNOWN_ERROR;
}

}  // namespace switchyard::endpoints::mysql
