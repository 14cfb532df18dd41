// ISO-8601 UTC timestamps with milliseconds ("2024-05-01T12:34:56.789Z"): the one time format of
// the log file and the state store, so both sort as text and read the same to a person.
//
// Free functions, no state: safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard::logging {

using TimePoint = std::chrono::system_clock::time_point;

// "2024-05-01T12:34:56.789Z". Sub-millisecond precision is truncated.
std::string FormatIsoUtc(TimePoint time);
// FormatIsoUtc(now).
std::string NowIsoUtc();
// Parses what FormatIsoUtc writes; also accepts no fraction, or 1-9 fraction digits, with or
// without the trailing "Z". Returns nullopt for anything else.
std::optional<TimePoint> ParseIsoUtc(std::string_view text);

}  // namespace switchyard::logging
