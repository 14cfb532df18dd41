// MySqlSnapshotReader: streams tables under one consistent InnoDB snapshot.
//
// BeginSnapshot opens START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY and records the
// binlog coordinates MariaDB reports for that snapshot (binlog_snapshot_file/_position), which
// is where CDC must start so that nothing is lost or applied twice. Read() streams rows with
// mysql_use_result, so memory stays at about one batch whatever the table size.
//
// Owns its connection; one thread at a time. After a Read() is cancelled the connection is
// closed (the cheapest way to drop an unbuffered result): the snapshot is gone and every later
// call fails with kConnectionError. Open a new reader to go on.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/mysql/mysql_connection.h"

namespace switchyard::endpoints::mysql {

// A binlog position: resume reading at `position` in `file` ("mysql-bin.000042", 1234).
struct BinlogPosition {
  std::string file;
  uint64_t position = 0;
};

class MySqlSnapshotReader final : public SnapshotReader {
 public:
  explicit MySqlSnapshotReader(std::unique_ptr<MySqlConnection> connection)
      : connection_(std::move(connection)) {}
  static Result<std::unique_ptr<MySqlSnapshotReader>> Open(const ConnectionParams& params);

  // `snapshot_id` is ignored (PostgreSQL only).
  Status BeginSnapshot(const std::string& snapshot_id) override;
  Status Read(const ReadSpec& spec, RowSink& sink, std::stop_token stop) override;
  Status EndSnapshot() override;

  // The binlog position consistent with the snapshot, set by BeginSnapshot. nullopt when the
  // server does not report one: binary log disabled, or Oracle MySQL (whose consistent snapshot
  // has no binlog coordinates; it needs FLUSH TABLES WITH READ LOCK, not done here).
  const std::optional<BinlogPosition>& snapshot_position() const { return snapshot_position_; }
  std::string SnapshotPosition() const override {
    return snapshot_position_
               ? snapshot_position_->file + ":" + std::to_string(snapshot_position_->position)
               : "";
  }

  MySqlConnection& connection() { return *connection_; }

 private:
  std::unique_ptr<MySqlConnection> connection_;
  std::optional<BinlogPosition> snapshot_position_;
};

}  // namespace switchyard::endpoints::mysql
