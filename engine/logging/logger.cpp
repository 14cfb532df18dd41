#include "engine/logging/logger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/logging/private_dir.h"
#include "engine/logging/redact.h"

namespace switchyard::logging {
namespace {

uint64_t CurrentThreadId() {
  thread_local const uint64_t tid = static_cast<uint64_t>(::syscall(SYS_gettid));
  return tid;
}

// Writes all of `data`, retrying short writes and EINTR. One call per line keeps lines whole
// (O_APPEND makes each write(2) land at the end atomically).
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

constexpr std::string_view kReservedKeys[] = {"time", "severity", "component",
                                              "task", "thread",   "message"};

bool IsReserved(std::string_view key) {
  for (auto reserved : kReservedKeys) {
    if (key == reserved) return true;
  }
  return false;
}

// Redacts string values recursively (keys that look like secrets are dropped separately).
void RedactStrings(nlohmann::json& value) {
  if (value.is_string()) {
    value = RedactSecrets(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (auto& element : value) RedactStrings(element);
  }
}

}  // namespace

Logger::Logger(LoggerOptions options)
    : options_(std::move(options)), mirror_to_stderr_(options_.mirror_to_stderr) {
  for (auto& rank : min_rank_) rank.store(SeverityRank(options_.default_severity));
}

Logger::~Logger() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<Logger>> Logger::Open(LoggerOptions options) {
  if (options.max_files < 1) return Status::InvalidArgument("Logger: max_files must be >= 1");
  if (options.max_file_bytes == 0) {
    return Status::InvalidArgument("Logger: max_file_bytes must be > 0");
  }
  std::unique_ptr<Logger> logger(new Logger(std::move(options)));
  if (!logger->options_.state_dir.empty()) SY_RETURN_IF_ERROR(logger->OpenFile());
  return logger;
}

Status Logger::OpenFile() {
  const std::string dir = options_.state_dir + "/logs";
  SY_RETURN_IF_ERROR(CreatePrivateDirectories(dir));
  file_path_ = dir + "/switchyard.log";
  std::lock_guard lock(mu_);
  fd_ = ::open(file_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    return Status::IoError("cannot open log file " + file_path_ + ": " + std::strerror(errno));
  }
  struct stat st {};
  file_size_ = ::fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  return Status::Ok();
}

bool Logger::ShouldLog(Severity severity, Component component) const {
  const auto index = static_cast<size_t>(component);
  if (index >= kComponentCount) return true;
  return SeverityRank(severity) <= min_rank_[index].load(std::memory_order_relaxed);
}

void Logger::SetComponentSeverity(Component component, Severity severity) {
  const auto index = static_cast<size_t>(component);
  if (index < kComponentCount) min_rank_[index].store(SeverityRank(severity));
}

void Logger::SetAllSeverities(Severity severity) {
  for (auto& rank : min_rank_) rank.store(SeverityRank(severity));
}

Severity Logger::ComponentSeverity(Component component) const {
  const auto index = static_cast<size_t>(component);
  const int rank = index < kComponentCount ? min_rank_[index].load() : 2;
  switch (rank) {
    case 0:
      return Severity::kError;
    case 1:
      return Severity::kWarning;
    case 3:
      return Severity::kDebug;
    case 4:
      return Severity::kDetailedDebug;
    default:
      return Severity::kInfo;
  }
}

Status Logger::ApplyLogComponents(const nlohmann::json& log_components) {
  if (!log_components.is_array()) {
    return Status::InvalidArgument("Logging.LogComponents must be an array of {Id, Severity}");
  }
  std::vector<std::pair<Component, Severity>> parsed;
  for (const auto& item : log_components) {
    if (!item.is_object() || !item.contains("Id") || !item["Id"].is_string()) {
      return Status::InvalidArgument("Logging.LogComponents: each entry needs a string \"Id\"");
    }
    SY_ASSIGN_OR_RETURN(Component component, ParseComponent(item["Id"].get<std::string>()));
    Severity severity = Severity::kDefault;
    if (item.contains("Severity")) {
      if (!item["Severity"].is_string()) {
        return Status::InvalidArgument("Logging.LogComponents: \"Severity\" must be a string");
      }
      SY_ASSIGN_OR_RETURN(severity, ParseSeverity(item["Severity"].get<std::string>()));
    }
    parsed.emplace_back(component, severity);
  }
  for (const auto& [component, severity] : parsed) SetComponentSeverity(component, severity);
  return Status::Ok();
}

void Logger::SetMirrorToStderr(bool enabled) { mirror_to_stderr_.store(enabled); }

std::string Logger::FormatJsonLine(const LogEntry& entry, std::string_view task_id,
                                   bool full_severity_names) {
  nlohmann::ordered_json line;
  line["time"] = FormatIsoUtc(entry.time);
  line["severity"] =
      full_severity_names ? SeverityName(entry.severity) : SeverityLetter(entry.severity);
  line["component"] = ComponentName(entry.component);
  line["task"] = task_id;
  line["thread"] = entry.thread;
  line["message"] = entry.message;
  if (entry.fields.is_object()) {
    for (const auto& [key, value] : entry.fields.items()) {
      line[IsReserved(key) ? "field." + key : key] = value;
    }
  }
  // Row values may hold bytes that are not UTF-8: replace them rather than throw.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string Logger::FormatHumanLine(const LogEntry& entry) {
  std::string line = FormatIsoUtc(entry.time);
  line += ' ';
  line += SeverityLetter(entry.severity);
  line += ' ';
  line += ComponentName(entry.component);
  line += ": ";
  line += entry.message;
  if (entry.fields.is_object()) {
    for (const auto& [key, value] : entry.fields.items()) {
      line += ' ';
      line += key;
      line += '=';
      line += value.is_string()
                  ? value.get<std::string>()
                  : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  line += '\n';
  return line;
}

void Logger::Log(Severity severity, Component component, std::string_view message,
                 nlohmann::json fields) {
  if (!ShouldLog(severity, component)) return;
  LogEntry entry;
  entry.time = std::chrono::system_clock::now();
  entry.severity = severity;
  entry.component = component;
  entry.thread = CurrentThreadId();
  entry.message = RedactSecrets(message);
  if (fields.is_object()) {
    DropSecretKeys(fields);
    RedactStrings(fields);
    entry.fields = std::move(fields);
  }

  std::lock_guard lock(mu_);
  entry.seq = next_seq_++;
  // Formatting inside the lock keeps the file in seq order; it is a few microseconds.
  if (fd_ >= 0)
    WriteToFileLocked(FormatJsonLine(entry, options_.task_id, options_.full_severity_names));
  if (mirror_to_stderr_.load(std::memory_order_relaxed) && options_.mirror_fd >= 0) {
    if (!WriteAll(options_.mirror_fd, FormatHumanLine(entry))) write_errors_.fetch_add(1);
  }
  if (options_.ring_capacity > 0) {
    if (ring_.size() >= options_.ring_capacity) ring_.pop_front();
    ring_.push_back(std::move(entry));
  }
}

void Logger::WriteToFileLocked(const std::string& line) {
  if (file_size_ > 0 && file_size_ + line.size() > options_.max_file_bytes) RotateLocked();
  if (fd_ < 0 || !WriteAll(fd_, line)) {
    write_errors_.fetch_add(1);
    return;
  }
  file_size_ += line.size();
}

void Logger::RotateLocked() {
  ::close(fd_);
  fd_ = -1;
  if (options_.max_files > 1) {
    // switchyard.log.(N-2) -> .(N-1) ... .1 -> .2, then the live file -> .1. The rename onto
    // the oldest name replaces it, which is how the oldest file is dropped.
    for (int i = options_.max_files - 2; i >= 1; --i) {
      const std::string from = file_path_ + "." + std::to_string(i);
      const std::string to = file_path_ + "." + std::to_string(i + 1);
      if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) write_errors_.fetch_add(1);
    }
    if (::rename(file_path_.c_str(), (file_path_ + ".1").c_str()) != 0) write_errors_.fetch_add(1);
  }
  const int flags =
      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (options_.max_files > 1 ? 0 : O_TRUNC);
  fd_ = ::open(file_path_.c_str(), flags, 0600);
  if (fd_ < 0) write_errors_.fetch_add(1);
  file_size_ = 0;
}

std::vector<LogEntry> Logger::Recent(size_t max) const {
  std::lock_guard lock(mu_);
  const size_t count = std::min(max, ring_.size());
  return std::vector<LogEntry>(ring_.end() - static_cast<std::ptrdiff_t>(count), ring_.end());
}

std::vector<LogEntry> Logger::Since(uint64_t after_seq, size_t max) const {
  std::lock_guard lock(mu_);
  std::vector<LogEntry> out;
  for (const auto& entry : ring_) {
    if (entry.seq <= after_seq) continue;
    if (out.size() >= max) break;
    out.push_back(entry);
  }
  return out;
}

}  // namespace switchyard::logging
