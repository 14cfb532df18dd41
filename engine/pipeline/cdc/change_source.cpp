#include "engine/pipeline/cdc/change_source.h"

namespace switchyard::pipeline::cdc {
namespace {

// Far below any sensible wal_sender_timeout (PostgreSQL: 60 s by default); a status update is
// a few bytes.
constexpr auto kKeepAliveEvery = std::chrono::seconds(1);

}  // namespace

KeepAliveTicker::KeepAliveTicker(ChangeSource* source) {
  thread_ = std::thread([this, source] { Run(source); });
}

KeepAliveTicker::~KeepAliveTicker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void KeepAliveTicker::Arm() {
  {
    std::lock_guard lock(mu_);
    armed_ = true;
    ++epoch_;
  }
  wake_.notify_all();
}

void KeepAliveTicker::Disarm() {
  std::unique_lock lock(mu_);
  armed_ = false;
  wake_.notify_all();
  wake_.wait(lock, [&] { return !busy_; });
}

void KeepAliveTicker::Run(ChangeSource* source) {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (!armed_) {
      wake_.wait(lock, [&] { return stop_ || armed_; });
      continue;
    }
    // A full interval of one Scope: a Scope that closes (and a new one that opens) meanwhile
    // restarts the wait instead of sending at once.
    const uint64_t epoch = epoch_;
    if (wake_.wait_for(lock, kKeepAliveEvery,
                       [&] { return stop_ || !armed_ || epoch_ != epoch; })) {
      continue;
    }
    busy_ = true;
    lock.unlock();
    (void)source->KeepAlive();
    lock.lock();
    busy_ = false;
    wake_.notify_all();
  }
}

}  // namespace switchyard::pipeline::cdc
