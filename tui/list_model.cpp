#include "tui/list_model.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "tui/format.h"

namespace switchyard::tui {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Sort key pieces of a table for one column: numbers compare as numbers, text as text.
struct SortKey {
  int64_t number = 0;
  std::string text;
  bool operator<(const SortKey& other) const {
    return std::tie(number, text) < std::tie(other.number, other.text);
  }
};

SortKey KeyFor(const state::TableRecord& table, TableColumn column) {
  switch (column) {
    case TableColumn::kName:
      return {0, QualifiedName(table)};
    case TableColumn::kState:
      return {static_cast<int64_t>(table.table_state), ""};
    case TableColumn::kFullLoadRows:
      return {table.full_load_rows, ""};
    case TableColumn::kInserts:
      return {table.inserts, ""};
    case TableColumn::kUpdates:
      return {table.updates, ""};
    case TableColumn::kDeletes:
      return {table.deletes, ""};
    case TableColumn::kDdls:
      return {table.ddls, ""};
    case TableColumn::kValidation:
      return {0, table.validation_state};
    case TableColumn::kLastError:
      return {0, table.last_error};
  }
  return {};
}

}  // namespace

const char* ToastLevelName(ToastLevel level) {
  switch (level) {
    case ToastLevel::kInfo:
      return "INFO";
    case ToastLevel::kWarning:
      return "WARN";
    case ToastLevel::kError:
      return "ERROR";
  }
  return "?";
}

std::string QualifiedName(const state::TableRecord& table) {
  return table.schema_name + "." + table.table_name;
}

bool MatchesFilter(std::string_view text, std::string_view filter) {
  bool invert = false;
  if (!filter.empty() && filter.front() == '!') {
    invert = true;
    filter.remove_prefix(1);
  }
  if (filter.empty()) return true;
  const bool found = Lower(text).find(Lower(filter)) != std::string::npos;
  return found != invert;
}

std::vector<const Toast*> VisibleToasts(const std::vector<Toast>& toasts, const ListState& state) {
  std::vector<const Toast*> rows;
  for (auto it = toasts.rbegin(); it != toasts.rend(); ++it) {
    if (MatchesFilter(std::string(ToastLevelName(it->level)) + " " + it->text, state.filter)) {
      rows.push_back(&*it);
    }
  }
  return rows;
}

std::vector<std::string> FilterHelpListing(const std::vector<std::string>& listing,
                                           std::string_view filter) {
  if (filter.empty()) return listing;
  std::vector<std::string> lines;
  const std::string* title = nullptr;  // the current group's, until one of its keys matches
  for (const std::string& line : listing) {
    if (line.empty()) continue;
    if (line.front() != ' ') {
      title = &line;
      continue;
    }
    if (!MatchesFilter(line, filter)) continue;
    if (title != nullptr) {
      if (!lines.empty()) lines.emplace_back();
      lines.push_back(*title);
      title = nullptr;
    }
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> HelpLines(const KeyRegistry& registry, std::string_view filter,
                                   int width) {
  const int room = width - kHelpDescriptionColumn;
  std::vector<std::string> lines;
  for (std::string& line : FilterHelpListing(registry.HelpListing(), filter)) {
    const bool key_line = !line.empty() && line.front() == ' ';
    // Below 20 cells a wrapped description reads worse than a cut one.
    if (!key_line || room < 20 || static_cast<int>(line.size()) <= width) {
      lines.push_back(std::move(line));
      continue;
    }
    const std::string prefix = line.substr(0, kHelpDescriptionColumn);
    // A "[dangerous: asks to confirm]" tag stays on one line: its spaces do not break while
    // wrapping (a control byte stands in for them).
    std::string description = line.substr(kHelpDescriptionColumn);
    bool in_tag = false;
    for (char& c : description) {
      if (c == '[' || c == ']') in_tag = c == '[';
      if (in_tag && c == ' ') c = '\x01';
    }
    bool first = true;
    for (std::string& part : WrapText(description, room)) {
      std::replace(part.begin(), part.end(), '\x01', ' ');
      lines.push_back(
          (first ? prefix : std::string(static_cast<size_t>(kHelpDescriptionColumn), ' ')) + part);
      first = false;
    }
  }
  return lines;
}

const char* TableColumnName(TableColumn column) {
  switch (column) {
    case TableColumn::kName:
      return "Table";
    case TableColumn::kState:
      return "State";
    case TableColumn::kFullLoadRows:
      return "FullLoadRows";
    case TableColumn::kInserts:
      return "Inserts";
    case TableColumn::kUpdates:
      return "Updates";
    case TableColumn::kDeletes:
      return "Deletes";
    case TableColumn::kDdls:
      return "Ddls";
    case TableColumn::kValidation:
      return "ValidationState";
    case TableColumn::kLastError:
      return "LastError";
  }
  return "?";
}

std::vector<const state::TableRecord*> VisibleTables(const control::EngineSnapshot& snapshot,
                                                     const TablesViewState& state) {
  std::vector<const state::TableRecord*> rows;
  for (const auto& table : snapshot.tables) {
    const std::string haystack = QualifiedName(table) + " " + table.target_schema + "." +
                                 table.target_table + " " +
                                 state::TableStateName(table.table_state) + " " + table.last_error;
    if (MatchesFilter(haystack, state.list.filter)) rows.push_back(&table);
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const auto* a, const auto* b) {
    const SortKey ka = KeyFor(*a, state.sort);
    const SortKey kb = KeyFor(*b, state.sort);
    if (ka < kb || kb < ka) return state.reverse ? kb < ka : ka < kb;
    return QualifiedName(*a) < QualifiedName(*b);
  });
  return rows;
}

std::vector<const state::ApplyExceptionRecord*> VisibleExceptions(
    const control::EngineSnapshot& snapshot, const ListState& state) {
  std::vector<const state::ApplyExceptionRecord*> rows;
  for (const auto& record : snapshot.apply_exceptions) {
    const std::string haystack = record.schema_name + "." + record.table_name + " " +
                                 record.operation + " " + record.action + " " + record.error;
    if (MatchesFilter(haystack, state.filter)) rows.push_back(&record);
  }
  return rows;
}

std::vector<const logging::LogEntry*> VisibleLogs(const control::EngineSnapshot& snapshot,
                                                  const LogsViewState& state) {
  std::vector<const logging::LogEntry*> rows;
  const int max_rank = logging::SeverityRank(state.min_severity);
  for (const auto& entry : snapshot.logs) {
    if (logging::SeverityRank(entry.severity) > max_rank) continue;
    if (state.component && entry.component != *state.component) continue;
    rows.push_back(&entry);
  }
  return rows;
}

std::string LogLineText(const logging::LogEntry& entry) {
  std::string line = TimeOfDayMillis(entry.time);
  line += ' ';
  line += logging::SeverityLetter(entry.severity);
  line += ' ';
  line += logging::ComponentName(entry.component);
  line += ' ';
  line += entry.message;
  if (entry.fields.is_object()) {
    for (const auto& [key, value] : entry.fields.items()) {
      line += ' ';
      line += key;
      line += '=';
      line += value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  for (char& c : line) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  return line;
}

int ClampSelection(int selected, int count) {
  if (count <= 0) return 0;
  return std::clamp(selected, 0, count - 1);
}

int FirstVisibleRow(int selected, int count, int visible) {
  if (visible <= 0 || count <= visible) return 0;
  const int top = selected >= visible ? selected - visible + 1 : 0;
  return std::clamp(top, 0, count - visible);
}

}  // namespace switchyard::tui
