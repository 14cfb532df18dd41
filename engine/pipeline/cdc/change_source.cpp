#include "engine/pipeline/cdc/change_source.h"

namespace switchyard::pipeline::cdc {
namespace {

// Far below any sensible wal_sender_timeout (PostgreSQL: 60 s by default); a status update is
// a few bytes.
constexpr auto kKeepAliveEvery = std::chrono::seconds(1);

}  // namespace

KeepAliveTicker::KeepAliveTicker(ChangeSource* source) {
  thread_ = std::thread([this, source] {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, kKeepAliveEvery, [&] { return stop_; })) {
      lock.unlock();
      (void)source->KeepAlive();
      lock.lock();
    }
  });
}

KeepAliveTicker::~KeepAliveTicker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace switchyard::pipeline::cdc
