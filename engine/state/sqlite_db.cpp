#include "engine/state/sqlite_db.h"

namespace switchyard::state {

Statement& Statement::Bind(int index, std::string_view text) {
  // A default-constructed string_view has a null data(), which SQLite would bind as NULL;
  // text is text, even when empty (BindOptionalText is the way to bind NULL).
  sqlite3_bind_text(stmt_, index, text.data() != nullptr ? text.data() : "",
                    static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::BindOptionalText(int index, std::string_view text) {
  return text.empty() ? BindNull(index) : Bind(index, text);
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  Status status = Status::DatabaseError(std::string("state store: ") + sqlite3_errmsg(db));
  sqlite3_reset(stmt_);
  return status;
}

Status Statement::Run() {
  Result<bool> row = Step();
  Reset();
  if (!row.ok()) return row.status();
  return Status::Ok();
}

std::string Statement::ColumnText(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  // NOMUTEX: the store serialises access itself; one connection is never shared unguarded.
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return Status::IoError("cannot open state database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<SqliteDb>(new SqliteDb(raw));
}

SqliteDb::~SqliteDb() {
  statements_.clear();  // finalize before close
  sqlite3_close(db_);
}

Status SqliteDb::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    return Status::DatabaseError("state store: " + message);
  }
  return Status::Ok();
}

Result<Statement*> SqliteDb::Prepare(const char* sql) {
  auto it = statements_.find(std::string_view(sql));
  if (it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return Status::DatabaseError("state store: cannot prepare statement: " + ErrorMessage());
  }
  auto [inserted, unused] = statements_.emplace(sql, std::make_unique<Statement>(stmt));
  return inserted->second.get();
}

Transaction::~Transaction() {
  if (open_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Begin() {
  SY_ASSIGN_OR_RETURN(Statement * begin, db_->Prepare("BEGIN IMMEDIATE"));
  SY_RETURN_IF_ERROR(begin->Run());
  open_ = true;
  return Status::Ok();
}

Status Transaction::Commit() {
  SY_ASSIGN_OR_RETURN(Statement * commit, db_->Prepare("COMMIT"));
  SY_RETURN_IF_ERROR(commit->Run());
  open_ = false;
  return Status::Ok();
}

}  // namespace switchyard::state
