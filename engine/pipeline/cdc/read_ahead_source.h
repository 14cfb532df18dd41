// ReadAheadSource: a ChangeSource that reads its inner source on a thread of its own, a bounded
// number of transactions ahead of the apply loop, so that receiving and decoding the next
// transactions overlaps applying the last ones (a single thread spent about a fifth of a
// PostgreSQL backlog drain reading, with the target idle meanwhile).
//
// Order: the owner sees exactly what the inner source delivers, in the order it was read:
// transactions, errors, and the calls the inner stream makes to its schema-change and
// table-ended handlers from inside its Next. Such a call is queued like a transaction and run
// on the owner's thread when the owner's Next (or NextIfReady) reaches it, after the
// transactions read before it, while the reader waits for its result: handlers run on the
// owner's thread at the point of the stream where they did without read-ahead.
//
// Plans: the inner stream reads the plans while it decodes. The owner changes them only (a) in
// a handler call, while the reader waits for it, or (b) between Hold() and Release(), which keep
// the reader between two reads; PlansChanged() must be called inside such a hold. Hold() fails
// (returns false) when a handler call is waiting in the queue: the reader is inside the inner
// Next then, and the owner must take the queue up to that call first (read on, and try again).
//
// Feedback: Confirm() records the position; the reader passes it on between reads, so it never
// waits behind the apply. KeepAlive() has nothing to do: the reader keeps the source alive
// itself, also while it waits (queue full, a handler call, a hold).
//
// Memory: at most `max_transactions` transactions and about `max_bytes` of values wait in the
// queue (one transaction always fits); their changes are charged to the SpillSpace as before.
//
// Threads: one owner thread calls everything but Abandon (any thread). The reader starts at the
// first Next/NextIfReady/Hold, so handlers and the spill space must be set before that.
// Destruction stops the reader (aborting a handler call it waits for) and passes on the last
// confirmed position.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/pipeline/cdc/change_source.h"

namespace switchyard::pipeline::cdc {

class ReadAheadSource : public ChangeSource {
 public:
  ReadAheadSource(std::unique_ptr<ChangeSource> inner, size_t max_transactions, int64_t max_bytes);
  ~ReadAheadSource() override;
  ReadAheadSource(const ReadAheadSource&) = delete;
  ReadAheadSource& operator=(const ReadAheadSource&) = delete;

  // Waits up to half a second for a transaction; nullopt when none came.
  Result<std::optional<SourceTransaction>> Next() override { return Take(kWait); }
  Result<std::optional<SourceTransaction>> NextIfReady() override {
    return Take(std::chrono::milliseconds(0));
  }
  Status Confirm(const SourcePosition& position) override;
  void SetSchemaChangeHandler(SchemaChangeHandler handler) override;
  void SetTableEndedHandler(TableEndedHandler handler) override;
  Status PlansChanged() override;
  void SetSpillSpace(SpillSpace* space) override { inner_->SetSpillSpace(space); }
  Status KeepAlive() override { return Status::Ok(); }
  void Abandon() override { inner_->Abandon(); }
  bool Hold() override;
  void Release() override;

  // Called on the reader thread for each transaction as it is read, before it is queued (the
  // metrics of what was received from the source: the owner sees it later). Set before the
  // reader starts; must not block.
  using ReadObserver = std::function<void(const SourceTransaction&)>;
  void SetReadObserver(ReadObserver observer) { on_read_ = std::move(observer); }

 private:
  static constexpr std::chrono::milliseconds kWait{500};

  struct Item {
    std::optional<SourceTransaction> txn;  // a transaction; or
    Status error;                          // the inner source failed (not OK); or
    std::function<void()> call;            // a handler call (sets *done once run)
    std::shared_ptr<bool> done;
    int64_t bytes = 0;
  };

  Result<std::optional<SourceTransaction>> Take(std::chrono::milliseconds timeout);
  void StartReader();  // mu_ held
  void Run();
  // On the reader thread, inside the inner Next: queues `fn` for the owner and waits for it.
  Status CallOnOwner(std::function<void()> fn);
  bool Full() const {
    return queued_transactions_ > 0 &&
           (queued_transactions_ >= max_transactions_ || queued_bytes_ >= max_bytes_);
  }

  const std::unique_ptr<ChangeSource> inner_;
  const size_t max_transactions_;
  const int64_t max_bytes_;
  SchemaChangeHandler on_schema_change_;
  TableEndedHandler on_table_ended_;
  ReadObserver on_read_;

  std::mutex mu_;
  std::condition_variable cv_;  // every change of the state below
  std::deque<Item> items_;
  size_t queued_transactions_ = 0;
  int64_t queued_bytes_ = 0;
  std::optional<SourcePosition> confirm_;  // to pass on
  bool stop_ = false;
  bool started_ = false;
  bool reader_done_ = false;   // the reader thread has ended (after an error, or stop_)
  bool between_reads_ = true;  // the reader is not inside the inner Next
  bool call_waiting_ = false;  // the reader waits inside the inner Next for a handler call
  bool hold_ = false;
  bool remap_ = false;  // PlansChanged asked of the reader
  std::optional<Status> remap_result_;
  std::thread reader_;
};

}  // namespace switchyard::pipeline::cdc
