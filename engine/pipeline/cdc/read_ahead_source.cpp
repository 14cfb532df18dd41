#include "engine/pipeline/cdc/read_ahead_source.h"

#include <utility>

namespace switchyard::pipeline::cdc {
namespace {

// How often a reader that waits (queue full, a handler call, a hold) keeps the source alive:
// far below any sensible wal_sender_timeout (PostgreSQL: 60 s by default).
constexpr auto kKeepAliveEvery = std::chrono::seconds(1);

}  // namespace

ReadAheadSource::ReadAheadSource(std::unique_ptr<ChangeSource> inner, size_t max_transactions,
                                 int64_t max_bytes)
    : inner_(std::move(inner)), max_transactions_(max_transactions), max_bytes_(max_bytes) {}

ReadAheadSource::~ReadAheadSource() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (reader_.joinable()) {
    inner_->Abandon();  // a MySQL read blocked until the next heartbeat returns at once
    reader_.join();
  }
  // What the target committed last reaches the slot now rather than at the next session.
  if (confirm_) (void)inner_->Confirm(*confirm_);
}

void ReadAheadSource::StartReader() {
  if (started_) return;
  started_ = true;
  reader_ = std::thread([this] { Run(); });
}

Result<std::optional<SourceTransaction>> ReadAheadSource::Take(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  StartReader();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (!items_.empty()) {
      Item item = std::move(items_.front());
      items_.pop_front();
      if (item.txn) {
        --queued_transactions_;
        queued_bytes_ -= item.bytes;
        cv_.notify_all();  // room for the reader
        return std::move(item.txn);
      }
      if (!item.error.ok()) return item.error;
      // A handler call: run here, on the owner's thread, with the lock released (the handler
      // applies, and may Confirm).
      lock.unlock();
      item.call();
      lock.lock();
      *item.done = true;
      cv_.notify_all();
      continue;
    }
    if (reader_done_) {
      return Status::Internal("the change stream's reader ended without an error");
    }
    if (timeout.count() == 0 ||
        !cv_.wait_until(lock, deadline, [&] { return !items_.empty() || reader_done_; })) {
      return std::optional<SourceTransaction>();
    }
  }
}

Status ReadAheadSource::Confirm(const SourcePosition& position) {
  {
    std::lock_guard lock(mu_);
    if (!started_) return inner_->Confirm(position);
    confirm_ = position;  // positions only move forward: the latest one is all that counts
  }
  cv_.notify_all();
  return Status::Ok();
}

void ReadAheadSource::SetSchemaChangeHandler(SchemaChangeHandler handler) {
  on_schema_change_ = std::move(handler);
  inner_->SetSchemaChangeHandler([this](size_t table, const std::vector<std::string>& columns_now,
                                        const SchemaChangePoint& at) -> Result<bool> {
    Result<bool> result = Status::Internal("schema-change handler not run");
    SY_RETURN_IF_ERROR(CallOnOwner([&] { result = on_schema_change_(table, columns_now, at); }));
    return result;
  });
}

void ReadAheadSource::SetTableEndedHandler(TableEndedHandler handler) {
  on_table_ended_ = std::move(handler);
  inner_->SetTableEndedHandler([this](size_t table, const SourceTableEnd& end) -> Status {
    Status result = Status::Internal("table-ended handler not run");
    SY_RETURN_IF_ERROR(CallOnOwner([&] { result = on_table_ended_(table, end); }));
    return result;
  });
}

Status ReadAheadSource::CallOnOwner(std::function<void()> fn) {
  std::unique_lock lock(mu_);
  Item item;
  item.call = std::move(fn);
  item.done = std::make_shared<bool>(false);
  std::shared_ptr<bool> done = item.done;
  items_.push_back(std::move(item));  // past the queue's limits: the owner must get to it
  call_waiting_ = true;
  cv_.notify_all();
  while (!*done && !stop_) {
    if (!cv_.wait_for(lock, kKeepAliveEvery, [&] { return *done || stop_; })) {
      lock.unlock();
      (void)inner_->KeepAlive();  // between two messages of the stream: allowed
      lock.lock();
    }
  }
  call_waiting_ = false;
  cv_.notify_all();
  if (!*done) return Status::Cancelled("change capture stopping");
  return Status::Ok();
}

bool ReadAheadSource::Hold() {
  std::unique_lock lock(mu_);
  StartReader();
  hold_ = true;
  cv_.notify_all();
  cv_.wait(lock, [&] { return between_reads_ || call_waiting_ || reader_done_; });
  if (between_reads_ || reader_done_) return true;
  hold_ = false;  // the owner must take the queue up to the waiting call first
  cv_.notify_all();
  return false;
}

void ReadAheadSource::Release() {
  {
    std::lock_guard lock(mu_);
    hold_ = false;
  }
  cv_.notify_all();
}

Status ReadAheadSource::PlansChanged() {
  std::unique_lock lock(mu_);
  if (!started_ || reader_done_) {
    lock.unlock();
    return inner_->PlansChanged();
  }
  // On the reader's thread, which owns the inner stream, between two reads (the caller holds).
  remap_ = true;
  remap_result_.reset();
  cv_.notify_all();
  cv_.wait(lock, [&] { return remap_result_.has_value() || reader_done_; });
  if (!remap_result_) return Status::Cancelled("change capture stopping");
  return *remap_result_;
}

void ReadAheadSource::Run() {
  std::unique_lock lock(mu_);
  auto fail = [&](Status st) {
    Item item;
    item.error = std::move(st);
    items_.push_back(std::move(item));
  };
  while (!stop_) {
    if (remap_) {
      remap_ = false;
      lock.unlock();
      Status st = inner_->PlansChanged();
      lock.lock();
      remap_result_ = std::move(st);
      cv_.notify_all();
      continue;
    }
    if (confirm_) {
      const SourcePosition position = std::move(*confirm_);
      confirm_.reset();
      lock.unlock();
      Status st = inner_->Confirm(position);
      lock.lock();
      if (!st.ok()) {
        fail(std::move(st));
        break;
      }
      continue;
    }
    if (hold_ || Full()) {
      if (!cv_.wait_for(lock, kKeepAliveEvery,
                        [&] { return stop_ || remap_ || confirm_ || !(hold_ || Full()); })) {
        lock.unlock();
        (void)inner_->KeepAlive();  // a failure shows at the next read
        lock.lock();
      }
      continue;
    }
    between_reads_ = false;
    lock.unlock();
    auto txn = inner_->Next();
    if (txn.ok() && *txn && on_read_) on_read_(**txn);
    lock.lock();
    between_reads_ = true;
    cv_.notify_all();  // a Hold may wait for this
    if (!txn.ok()) {
      if (!stop_) fail(txn.status());
      break;
    }
    if (*txn) {
      Item item;
      item.bytes = (*txn)->changes.value_bytes();
      item.txn = std::move(**txn);
      ++queued_transactions_;
      queued_bytes_ += item.bytes;
      items_.push_back(std::move(item));
      cv_.notify_all();
    }
  }
  reader_done_ = true;
  cv_.notify_all();
}

}  // namespace switchyard::pipeline::cdc
