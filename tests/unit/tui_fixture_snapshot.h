// A fixed EngineSnapshot for the console's rendering tests: a full-load-and-cdc task one hour
// in, five tables in every state, two minutes of latency history, two apply exceptions and a
// few log lines. Everything derives from a fixed time, so frames are byte-for-byte stable.
#pragma once

#include <memory>

#include "engine/control/engine_snapshot.h"

namespace switchyard::tui::testing {

// 2026-11-21T12:00:00Z: the snapshot's taken_at, and the `now` tests render with.
logging::TimePoint FixtureNow();

std::shared_ptr<const control::EngineSnapshot> FixtureSnapshot();

}  // namespace switchyard::tui::testing
