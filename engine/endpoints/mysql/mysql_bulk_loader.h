// MySqlBulkLoader: writes RowBatches with LOAD DATA LOCAL INFILE, fed from memory.
//
// One LOAD DATA statement per Write(), all inside the transaction Begin() opens. The session
// runs with foreign_key_checks=0 and unique_checks=0 for load speed.
//
// Failure: LOAD DATA LOCAL turns bad values and duplicate keys into warnings (the server
// cannot stop the client's upload halfway), so Write() reads SHOW WARNINGS and returns
// kDataError quoting the first few. The rows of that statement may already be in the
// transaction (truncated, or skipped): the caller must Abort(). Owns its connection; one
// thread at a time.
#pragma once

#include <memory>
#include <string>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/mysql/mysql_connection.h"

namespace switchyard::endpoints::mysql {

class MySqlBulkLoader final : public BulkLoader {
 public:
  // Connects and applies the load session settings.
  static Result<std::unique_ptr<MySqlBulkLoader>> Open(const ConnectionParams& params);
  explicit MySqlBulkLoader(std::unique_ptr<MySqlConnection> connection)
      : connection_(std::move(connection)) {}

  Status Begin(const LoadSpec& spec) override;
  Status Write(const RowBatch& batch) override;
  Status Commit() override;
  Status Abort() override;
  SqlSession& session() override { return *connection_; }

 private:
  // kDataError listing the first warnings of the last statement, Ok if it left none.
  Status CheckWarnings();

  std::unique_ptr<MySqlConnection> connection_;
  std::string statement_;  // the LOAD DATA statement for the current spec
  std::string table_;      // quoted schema.table, for messages
  size_t columns_ = 0;
  bool in_transaction_ = false;
  std::string buffer_;  // encoded batch, reused so its capacity is kept
};

}  // namespace switchyard::endpoints::mysql
