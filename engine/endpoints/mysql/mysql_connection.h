// MySqlConnection: one libmariadb connection (an owned MYSQL*) and the SqlSession over it.
//
// Every connection is set up the same way so values cross it unchanged: utf8mb4 with a binary
// collation, time_zone '+00:00' (TIMESTAMP values read and written in UTC), a strict sql_mode
// without NO_ZERO_DATE / NO_BACKSLASH_ESCAPES / ANSI_QUOTES (catalog::QuoteLiteral relies on
// the last two being off) and long net timeouts so a slow consumer does not get cut off.
// Connected with CLIENT_FOUND_ROWS, so an UPDATE counts the rows it matched (as PostgreSQL
// does), not only those whose values changed, and CLIENT_MULTI_STATEMENTS for ExecuteBatch.
//
// LOAD DATA LOCAL INFILE is enabled, but the file the server asks for is never read from disk:
// a memory-only handler serves the bytes given to ExecuteLoadData() and refuses any other
// request, so a hostile server cannot make us send local files.
//
// Threading: one thread at a time. The object must stay at a fixed address (it is handed to
// libmariadb as callback data), hence Open() returns a unique_ptr.
#pragma once

#include <mysql.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/endpoints/endpoint.h"

namespace switchyard::endpoints::mysql {

struct ResultDeleter {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};
// An owned result set. For an unbuffered (mysql_use_result) set, freeing it reads and drops
// the rest of the rows unless the connection was Abandon()ed first.
using ResultPtr = std::unique_ptr<MYSQL_RES, ResultDeleter>;

class MySqlConnection final : public SqlSession {
 public:
  // Connects and applies the session settings above. The password is revealed only for
  // mysql_real_connect; when it is empty the [client] group of the option files is read.
  static Result<std::unique_ptr<MySqlConnection>> Open(const ConnectionParams& params);

  MySqlConnection(const MySqlConnection&) = delete;
  MySqlConnection& operator=(const MySqlConnection&) = delete;
  ~MySqlConnection() override;

  // SqlSession.
  catalog::Engine engine() const override { return catalog::Engine::kMySql; }
  Status Execute(const std::string& sql) override;
  Result<std::vector<SqlRow>> Query(const std::string& sql) override;
  Status ExecuteBatch(const std::vector<std::string>& statements,
                      std::vector<int64_t>* counts) override;
  std::string QuoteIdentifier(const std::string& name) const override;
  std::string QuoteLiteral(const std::string& value) const override;
  std::string ServerVersion() const override { return server_version_; }

  // True for MariaDB servers (their version string says so), false for Oracle MySQL.
  bool is_mariadb() const { return is_mariadb_; }

  // Runs one LOAD DATA LOCAL INFILE statement and serves `data` as the file's contents.
  // Does not look at warnings: the caller does (see LoadWarnings()).
  Status ExecuteLoadData(const std::string& sql, std::string_view data);

  // Sends `sql` and starts an unbuffered result: rows are fetched one by one with
  // mysql_fetch_row(result). A statement without a result set is an error.
  Result<ResultPtr> QueryUnbuffered(const std::string& sql);

  // The error of the last failed call on this connection as a Status ("" context allowed).
  Status LastError(std::string_view context) const;
  unsigned int last_errno() const;

  // Breaks the connection at the socket so an unbuffered result can be freed without reading
  // the rest of a large table. The connection is unusable afterwards (every call returns a
  // connection error); the server ends the statement when its next write fails.
  void Abandon();
  bool abandoned() const { return abandoned_; }

  // The live handle for calls this class does not wrap (mysql_fetch_row...). Non-owning.
  MYSQL* handle() { return mysql_; }
  // Describe() of the params this connection was opened with; safe for messages.
  const std::string& where() const { return where_; }

 private:
  // What the LOCAL INFILE handler serves. Only armed during ExecuteLoadData().
  struct InfileFeed {
    std::string_view data;
    size_t position = 0;
    bool armed = false;
  };
  static int InfileInit(void** handler_data, const char* file_name, void* user_data);
  static int InfileRead(void* handler_data, char* buffer, unsigned int buffer_length);
  static void InfileEnd(void* handler_data);
  static int InfileError(void* handler_data, char* message, unsigned int message_length);

  MySqlConnection(MYSQL* mysql, std::string where);
  Status CheckUsable(std::string_view context) const;
  // Reads and frees every result of the last statement (a CALL may return several).
  Status DrainResults(std::string_view context);

  MYSQL* mysql_;  // owned: mysql_close() in the destructor
  std::string where_;
  std::string server_version_;
  bool is_mariadb_ = false;
  bool abandoned_ = false;
  InfileFeed infile_;
};

}  // namespace switchyard::endpoints::mysql
