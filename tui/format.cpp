#include "tui/format.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace switchyard::tui {

std::string FormatCount(int64_t value) {
  const bool negative = value < 0;
  std::string digits =
      std::to_string(negative ? -(value + 1) + 1ull : static_cast<uint64_t>(value));
  std::string out;
  const int length = static_cast<int>(digits.size());
  for (int index = 0; index < length; ++index) {
    if (index > 0 && (length - index) % 3 == 0) out += ',';
    out += digits[static_cast<size_t>(index)];
  }
  return negative ? "-" + out : out;
}

std::string FormatDuration(int64_t seconds) {
  if (seconds < 0) return "-";
  char buffer[48];
  const int64_t days = seconds / 86400;
  const int64_t hours = seconds / 3600 % 24;
  const int64_t minutes = seconds / 60 % 60;
  const int64_t secs = seconds % 60;
  if (days > 0) {
    std::snprintf(buffer, sizeof buffer, "%lldd%02lldh%02lldm", static_cast<long long>(days),
                  static_cast<long long>(hours), static_cast<long long>(minutes));
  } else if (hours > 0) {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm%02llds", static_cast<long long>(hours),
                  static_cast<long long>(minutes), static_cast<long long>(secs));
  } else if (minutes > 0) {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", static_cast<long long>(minutes),
                  static_cast<long long>(secs));
  } else {
    std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(secs));
  }
  return buffer;
}

std::string FormatDurationCoarse(int64_t seconds) {
  if (seconds < 0) return "-";
  const auto days = static_cast<long long>(seconds / 86400);
  const auto hours = static_cast<long long>(seconds / 3600 % 24);
  const auto minutes = static_cast<long long>(seconds / 60 % 60);
  char buffer[48];
  if (days > 0) {
    std::snprintf(buffer, sizeof buffer, "%lldd%02lldh", days, hours);
  } else if (hours > 0) {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", hours, minutes);
  } else if (minutes > 0) {
    std::snprintf(buffer, sizeof buffer, "%lldm", minutes);
  } else {
    std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(seconds));
  }
  return buffer;
}

std::string FormatBytes(double bytes) {
  if (!std::isfinite(bytes) || bytes < 0) return "-";
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 5) {
    bytes /= 1024;
    ++unit;
  }
  char buffer[32];
  if (unit == 0) {
    std::snprintf(buffer, sizeof buffer, "%.0f B", bytes);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f %s", bytes, kUnits[unit]);
  }
  return buffer;
}

std::string FormatRate(double per_second) {
  if (!std::isfinite(per_second) || per_second < 0) return "-";
  return FormatCount(static_cast<int64_t>(std::llround(per_second)));
}

std::string TimeOfDay(std::string_view iso) {
  if (iso.empty()) return "-";
  if (iso.size() >= 19 && iso[10] == 'T') return std::string(iso.substr(11, 8));
  return std::string(iso);
}

std::string TimeOfDay(logging::TimePoint time) { return TimeOfDay(logging::FormatIsoUtc(time)); }

std::string TimeOfDayMillis(logging::TimePoint time) {
  const std::string iso = logging::FormatIsoUtc(time);
  return iso.size() >= 23 ? iso.substr(11, 12) : iso;
}

int64_t SecondsSince(std::string_view from_iso, logging::TimePoint to) {
  if (from_iso.empty()) return -1;
  const auto from = logging::ParseIsoUtc(from_iso);
  if (!from) return -1;
  return std::chrono::duration_cast<std::chrono::seconds>(to - *from).count();
}

}  // namespace switchyard::tui

namespace switchyard::tui {

std::vector<std::string> WrapText(std::string_view text, int width) {
  std::vector<std::string> lines;
  if (width < 1) return lines;
  // Work in code points so a cut never splits a UTF-8 sequence.
  auto cells = [](std::string_view s) {
    int n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
  };
  size_t start = 0;
  while (start <= text.size()) {
    const size_t newline = text.find('\n', start);
    std::string_view paragraph = text.substr(
        start, newline == std::string_view::npos ? text.size() - start : newline - start);
    std::string line;
    while (!paragraph.empty()) {
      const size_t space = paragraph.find(' ');
      std::string_view word = paragraph.substr(0, space);
      paragraph.remove_prefix(space == std::string_view::npos ? paragraph.size() : space + 1);
      while (cells(word) > width) {  // a word longer than the line: cut it
        if (!line.empty()) {
          lines.push_back(line);
          line.clear();
        }
        size_t cut = 0;
        for (int n = 0; cut < word.size() && n <= width; ++cut) {
          if ((static_cast<unsigned char>(word[cut]) & 0xC0) != 0x80 && ++n > width) break;
        }
        lines.emplace_back(word.substr(0, cut));
        word.remove_prefix(cut);
      }
      if (line.empty()) {
        line = std::string(word);
      } else if (cells(line) + 1 + cells(word) <= width) {
        line += ' ';
        line += word;
      } else {
        lines.push_back(line);
        line = std::string(word);
      }
    }
    lines.push_back(line);
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  return lines;
}

}  // namespace switchyard::tui
