#include "engine/control/log_file_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "engine/common/unique_fd.h"
#include "engine/logging/iso_time.h"
#include "engine/logging/log_component.h"

namespace switchyard::control {
namespace {

std::optional<logging::Severity> ParseSeverityText(const std::string& text) {
  // The file holds DMS letters by default (E W I D T), full names with full_severity_names.
  if (text == "E") return logging::Severity::kError;
  if (text == "W") return logging::Severity::kWarning;
  if (text == "I") return logging::Severity::kInfo;
  if (text == "D") return logging::Severity::kDebug;
  if (text == "T") return logging::Severity::kDetailedDebug;
  auto parsed = logging::ParseSeverity(text);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

using Fd = UniqueFd;

}  // namespace

std::optional<logging::LogEntry> ParseLogLine(std::string_view line) {
  const nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  auto text = [&](const char* key) -> std::string {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto time = logging::ParseIsoUtc(text("time"));
  const auto severity = ParseSeverityText(text("severity"));
  if (!time || !severity || !json.contains("message")) return std::nullopt;
  logging::LogEntry entry;
  entry.time = *time;
  entry.severity = *severity;
  auto component = logging::ParseComponent(text("component"));
  entry.component = component.ok() ? *component : logging::Component::kCommon;
  if (auto it = json.find("thread"); it != json.end() && it->is_number_unsigned()) {
    entry.thread = it->get<uint64_t>();
  }
  entry.message = text("message");
  for (const auto& [key, value] : json.items()) {
    if (key == "time" || key == "severity" || key == "component" || key == "task" ||
        key == "thread" || key == "message") {
      continue;
    }
    entry.fields[key] = value;
  }
  return entry;
}

void LogFileTail::AddLine(std::string_view line) {
  auto entry = ParseLogLine(line);
  if (!entry) return;
  entry->seq = next_seq_++;
  entries_.push_back(std::move(*entry));
  while (entries_.size() > capacity_) entries_.pop_front();
}

void LogFileTail::Poll() {
  Fd fd(open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return;
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (!started_ || st.st_ino != inode_ || size < offset_) {
    // First look, or the file was rotated/replaced: start over (only the tail the first time).
    const bool first = !started_;
    started_ = true;
    inode_ = st.st_ino;
    partial_.clear();
    offset_ = first && size > kInitialBytes ? size - kInitialBytes : 0;
    skip_partial_first_line_ = offset_ > 0;
  }
  if (size == offset_) return;
  std::string chunk(static_cast<size_t>(size - offset_), '\0');
  const ssize_t got = pread(fd.get(), chunk.data(), chunk.size(), static_cast<off_t>(offset_));
  if (got <= 0) return;
  chunk.resize(static_cast<size_t>(got));
  offset_ += static_cast<uint64_t>(got);
  partial_ += chunk;
  size_t start = 0;
  while (true) {
    const size_t newline = partial_.find('\n', start);
    if (newline == std::string::npos) break;
    if (skip_partial_first_line_) {
      skip_partial_first_line_ = false;  // we started mid-line
    } else {
      AddLine(std::string_view(partial_).substr(start, newline - start));
    }
    start = newline + 1;
  }
  partial_.erase(0, start);
}

}  // namespace switchyard::control
