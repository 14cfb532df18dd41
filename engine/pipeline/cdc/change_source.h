// ChangeSource: one interface over both change streams (PgChangeStream, MySqlChangeStream) for
// the CDC apply loop (cdc_task.cpp), and the two adapters.
//
// Not thread-safe: one thread at a time, like the streams (ReadAheadSource reads one on a
// thread of its own, and calls KeepAlive there while the apply keeps it from reading).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/status.h"
#include "engine/endpoints/postgres/replication/lsn.h"
#include "engine/pipeline/cdc/change_event.h"
#include "engine/pipeline/cdc/mysql_change_stream.h"
#include "engine/pipeline/cdc/pg_change_stream.h"
#include "engine/pipeline/cdc/spill_space.h"

namespace switchyard::pipeline::cdc {

class ChangeSource {
 public:
  // See PgChangeStream::SetSchemaChangeHandler (MySQL sources pass an empty SchemaChangePoint).
  using SchemaChangeHandler = PgChangeStream::SchemaChangeHandler;

  virtual ~ChangeSource() = default;
  // The next committed transaction, or nullopt when none arrived within a short wait.
  virtual Result<std::optional<SourceTransaction>> Next() = 0;
  // The next transaction if the stream already has it, without waiting; nullopt otherwise.
  virtual Result<std::optional<SourceTransaction>> NextIfReady() {
    return std::optional<SourceTransaction>();
  }
  // After the target committed `position`.
  virtual Status Confirm(const SourcePosition& position) = 0;
  virtual void SetSchemaChangeHandler(SchemaChangeHandler handler) = 0;
  // See PgChangeStream/MySqlChangeStream::SetTableEndedHandler (source_table_end.h).
  virtual void SetTableEndedHandler(TableEndedHandler handler) = 0;
  // The plans changed outside a schema-change call (a table reloaded with a new plan).
  virtual Status PlansChanged() { return Status::Ok(); }
  virtual void SetSpillSpace(SpillSpace* space) = 0;
  // Tells the server the stream is alive without reading from it (PostgreSQL: a standby
  // status update, which keeps wal_sender_timeout away while nothing is read).
  virtual Status KeepAlive() { return Status::Ok(); }
  // Breaks the connection so that a Next() blocked on it returns; from any thread.
  virtual void Abandon() {}
  // Keeps a source that reads on a thread of its own (ReadAheadSource) between two reads until
  // Release(), so that the owner may change the plans it decodes with; false when that cannot
  // be done now (see ReadAheadSource). A source the owner reads itself holds trivially.
  virtual bool Hold() { return true; }
  virtual void Release() {}
};

// Hold()/Release() of a ChangeSource for one scope.
class SourceHold {
 public:
  explicit SourceHold(ChangeSource& source) : source_(source), held_(source.Hold()) {}
  ~SourceHold() {
    if (held_) source_.Release();
  }
  SourceHold(const SourceHold&) = delete;
  SourceHold& operator=(const SourceHold&) = delete;
  bool held() const { return held_; }

 private:
  ChangeSource& source_;
  const bool held_;
};

class PgSource : public ChangeSource {
 public:
  using Lsn = endpoints::postgres::replication::Lsn;

  explicit PgSource(std::unique_ptr<PgChangeStream> stream) : stream_(std::move(stream)) {}
  Result<std::optional<SourceTransaction>> Next() override {
    return stream_->Next(std::chrono::milliseconds(500));
  }
  Result<std::optional<SourceTransaction>> NextIfReady() override {
    return stream_->Next(std::chrono::milliseconds(0));
  }
  Status Confirm(const SourcePosition& position) override {
    SY_ASSIGN_OR_RETURN(Lsn lsn, Lsn::Parse(position.text));
    return stream_->Confirm(lsn);
  }
  void SetSchemaChangeHandler(SchemaChangeHandler handler) override {
    stream_->SetSchemaChangeHandler(std::move(handler));
  }
  void SetTableEndedHandler(TableEndedHandler handler) override {
    stream_->SetTableEndedHandler(std::move(handler));
  }
  Status PlansChanged() override { return stream_->Remap(); }
  void SetSpillSpace(SpillSpace* space) override { stream_->SetSpillSpace(space); }
  Status KeepAlive() override { return stream_->KeepAlive(); }

 private:
  std::unique_ptr<PgChangeStream> stream_;
};

class MySqlSource : public ChangeSource {
 public:
  explicit MySqlSource(std::unique_ptr<MySqlChangeStream> stream) : stream_(std::move(stream)) {}
  Result<std::optional<SourceTransaction>> Next() override { return stream_->Next(); }
  Result<std::optional<SourceTransaction>> NextIfReady() override { return stream_->NextIfReady(); }
  // The binlog has no slot: the checkpoint on the target is the only record.
  Status Confirm(const SourcePosition&) override { return Status::Ok(); }
  void SetSchemaChangeHandler(SchemaChangeHandler handler) override {
    stream_->SetSchemaChangeHandler(
        [handler = std::move(handler)](size_t table, const std::vector<std::string>& columns_now) {
          return handler(table, columns_now, SchemaChangePoint());
        });
  }
  void SetTableEndedHandler(TableEndedHandler handler) override {
    stream_->SetTableEndedHandler(std::move(handler));
  }
  void SetSpillSpace(SpillSpace* space) override { stream_->SetSpillSpace(space); }
  void Abandon() override { stream_->Abandon(); }

 private:
  std::unique_ptr<MySqlChangeStream> stream_;
};

}  // namespace switchyard::pipeline::cdc
