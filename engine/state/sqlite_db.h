// Thin RAII over the SQLite C API for the state store: a connection, cached prepared statements
// and transactions. Values only ever go in through Bind*; SQL text is constant.
//
// Not thread-safe on its own: StateStore serialises every use behind its mutex.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::state {

// A prepared statement. Reset (bindings cleared) on construction by SqliteDb::Prepare and by
// the caller's next Prepare of the same SQL; Step() walks the rows.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Bind by 1-based index. Text is copied by SQLite (SQLITE_TRANSIENT).
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& BindNull(int index);
  // NULL for nullopt or an empty string (our "unset" times and messages).
  Statement& BindOptionalText(int index, std::string_view text);

  // SQLITE_ROW -> true, SQLITE_DONE -> false; anything else -> error with the SQLite message.
  Result<bool> Step();
  // Runs a statement that returns no rows.
  Status Run();

  int64_t ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }
  double ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }
  // "" for NULL.
  std::string ColumnText(int column) const;
  bool ColumnIsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

  void Reset();

 private:
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  // flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, or SQLITE_OPEN_READONLY.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, int flags);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs constant SQL (pragmas, migration scripts); may hold several statements.
  Status Exec(const char* sql);
  // The cached statement for this SQL text, reset with bindings cleared. The reference stays
  // valid for the lifetime of the SqliteDb; only one user at a time (the store's mutex).
  Result<Statement*> Prepare(const char* sql);

  int64_t Changes() const { return sqlite3_changes64(db_); }
  int64_t LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* raw() const { return db_; }
  std::string ErrorMessage() const { return sqlite3_errmsg(db_); }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Keyed by SQL text; statements are prepared once and reused (SQLITE_PREPARE_PERSISTENT).
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless Commit() succeeded.
// IMMEDIATE takes the write lock up front, so a transaction never fails half-way with BUSY.
class Transaction {
 public:
  explicit Transaction(SqliteDb* db) : db_(db) {}  // not owned
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin();
  Status Commit();

 private:
  SqliteDb* db_;
  bool open_ = false;
};

}  // namespace switchyard::state
