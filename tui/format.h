// Numbers, durations, sizes and times as the console prints them. Pure functions, no curses,
// thread-safe. Every function returns ASCII.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/logging/iso_time.h"

namespace switchyard::tui {

// 1234567 -> "1,234,567"; negative numbers keep their sign.
std::string FormatCount(int64_t value);
// A duration in whole seconds: 5 -> "5s", 125 -> "2m05s", 3725 -> "1h02m05s",
// 90000 -> "1d01h00m". Negative -> "-".
std::string FormatDuration(int64_t seconds);
// A projection in whole seconds, to the two largest units (a forecast has no precise
// seconds): 45 -> "45s", 750 -> "12m", 12000 -> "3h20m", 187200 -> "2d04h". Negative -> "-".
std::string FormatDurationCoarse(int64_t seconds);
// Bytes with a binary unit: 512 -> "512 B", 1536 -> "1.5 KiB", 3.2e9 -> "3.0 GiB".
// Negative or NaN -> "-".
std::string FormatBytes(double bytes);
// A rate rounded to a whole number with separators: 12345.6 -> "12,346".
std::string FormatRate(double per_second);
// "12:34:56" from an ISO-8601 UTC time ("2024-05-01T12:34:56.789Z"); "-" when empty; the text
// as is when it is not ISO.
std::string TimeOfDay(std::string_view iso);
// "12:34:56" (UTC) of a time point.
std::string TimeOfDay(logging::TimePoint time);
// "12:34:56.789" (UTC) of a time point.
std::string TimeOfDayMillis(logging::TimePoint time);
// Seconds from `from` (ISO text) to `to`; -1 when `from` is empty or not ISO.
int64_t SecondsSince(std::string_view from_iso, logging::TimePoint to);

}  // namespace switchyard::tui

namespace switchyard::tui {

// `text` broken into lines of at most `width` cells, at spaces where possible (long words are
// cut); embedded newlines start a new line. width < 1 gives no lines.
std::vector<std::string> WrapText(std::string_view text, int width);

}  // namespace switchyard::tui
