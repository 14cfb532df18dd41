// ConsoleApp's actions that reach beyond the screen: the confirm dialogs for destructive
// commands and what happens when they are confirmed, the command line, export, themes.
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/logging/iso_time.h"
#include "tui/command_line.h"
#include "tui/console_app.h"
#include "tui/format.h"
#include "tui/list_model.h"
#include "tui/theme_curses.h"

namespace switchyard::tui {

using control::Command;

std::string ConsoleApp::TaskId() const {
  return snapshot_->task.identifier.empty() ? options_.task_id : snapshot_->task.identifier;
}

std::vector<std::string> ConsoleApp::TableNames() const {
  std::vector<std::string> names;
  for (const auto& table : snapshot_->tables) names.push_back(QualifiedName(table));
  return names;
}

const state::TableRecord* ConsoleApp::SelectedTable() const {
  const auto rows = VisibleTables(*snapshot_, state_.tables);
  if (rows.empty()) return nullptr;
  return rows[static_cast<size_t>(
      ClampSelection(state_.tables.list.selected, static_cast<int>(rows.size())))];
}

const state::ApplyExceptionRecord* ConsoleApp::SelectedException() const {
  const auto rows = VisibleExceptions(*snapshot_, state_.exceptions);
  if (rows.empty()) return nullptr;
  return rows[static_cast<size_t>(
      ClampSelection(state_.exceptions.selected, static_cast<int>(rows.size())))];
}

const state::TableRecord* ConsoleApp::FindTable(const std::string& name, std::string* error) const {
  // The source's SCHEMA.TABLE first; then the target's (an operator may think in the names
  // they see on the target: `:reload public.orders` for MySQL's shop.orders); then TABLE alone.
  const state::TableRecord* found = nullptr;
  const state::TableRecord* by_target = nullptr;
  int matches = 0;
  int target_matches = 0;
  for (const auto& table : snapshot_->tables) {
    if (QualifiedName(table) == name) return &table;
    if (!table.target_schema.empty() && !table.target_table.empty() &&
        table.target_schema + "." + table.target_table == name) {
      by_target = &table;
      ++target_matches;
    }
    if (table.table_name == name) {
      found = &table;
      ++matches;
    }
  }
  if (target_matches == 1) return by_target;
  if (matches == 1) return found;
  *error = matches > 1 ? "\"" + name + "\" is in several schemas: give SCHEMA.TABLE"
                       : "no table \"" + name + "\" in this task";
  return nullptr;
}

void ConsoleApp::OpenTableDialog(Command::Kind kind, const state::TableRecord& table, Key key) {
  const std::string source = QualifiedName(table);
  const std::string target =
      (table.target_schema.empty() ? table.schema_name : table.target_schema) + "." +
      (table.target_table.empty() ? table.table_name : table.target_table);
  const std::string target_db = snapshot_->target.empty() ? "the target" : snapshot_->target;
  ConfirmDialog dialog;
  Command command;
  command.kind = kind;
  command.schema = table.schema_name;
  command.table = table.table_name;
  switch (kind) {
    case Command::Kind::kReloadTable:
      dialog.title = "Reload table " + source + "?";
      dialog.lines = {"Target table " + target + " on " + target_db +
                          " is TRUNCATED and loaded again from the source table " + source + ".",
                      "Its changes are applied again after the reload. Other tables carry on."};
      // Reloading empties a live table on the target: the most dangerous kind, so the
      // operator types the table's name.
      dialog.required_phrase = table.table_name;
      dialog.choices = {{Key::Named(NamedKey::kEnter), "reload " + source, "confirm"}};
      break;
    case Command::Kind::kSuspendTable:
      dialog.title = "Suspend table " + source + "?";
      dialog.lines = {"Changes to " + source + " stop being applied to " + target + " on " +
                          target_db + " until it is resumed; the target table falls behind.",
                      "Resuming reloads the table to close the gap."};
      dialog.choices = {{ConfirmKeyFor(key), "suspend", "confirm"}};
      break;
    default:
      dialog.title = "Resume table " + source + "?";
      dialog.lines = {"Replication of " + source + " resumes; " + target + " on " + target_db +
                      " is reloaded from the source to close the gap."};
      dialog.choices = {{ConfirmKeyFor(key), "resume", "confirm"}};
      break;
  }
  dialog_ = std::move(dialog);
  pending_command_ = command;
}

void ConsoleApp::OpenExceptionDialog(Command::Kind kind, const state::ApplyExceptionRecord& record,
                                     Key key) {
  const std::string table = record.schema_name + "." + record.table_name;
  const std::string target_db = snapshot_->target.empty() ? "the target" : snapshot_->target;
  ConfirmDialog dialog;
  if (kind == Command::Kind::kRetryApplyException) {
    dialog.title = "Retry apply exception " + std::to_string(record.id) + "?";
    dialog.lines = {
        "The " + record.operation + " on " + table + " is applied again to " + target_db + " now.",
        "Statement: " + record.statement};
    dialog.choices = {{ConfirmKeyFor(key), "retry", "confirm"}};
  } else {
    dialog.title = "Mark apply exception " + std::to_string(record.id) + " resolved?";
    dialog.lines = {"Nothing is applied: the " + record.operation + " on " + table +
                    " is recorded as resolved by an operator."};
    dialog.choices = {{ConfirmKeyFor(key), "mark resolved", "confirm"}};
  }
  Command command;
  command.kind = kind;
  command.schema = record.schema_name;
  command.table = record.table_name;
  command.exception_id = record.id;
  dialog_ = std::move(dialog);
  pending_command_ = command;
}

void ConsoleApp::OpenStopDialog(Key key) {
  (void)key;  // the confirmation is typing the task id, never a single key
  ConfirmDialog dialog;
  const std::string task = TaskId();
  dialog.title = "Stop task " + task + "?";
  dialog.lines = {
      "The engine finishes the transaction in flight, commits it with its "
      "checkpoint, and stops reading " +
          (snapshot_->source.empty() ? std::string("the source") : snapshot_->source) + ".",
      "Nothing is applied to " +
          (snapshot_->target.empty() ? std::string("the target") : snapshot_->target) +
          " until the task runs again; it continues from the checkpoint."};
  dialog.required_phrase = task;
  dialog.choices = {{Key::Named(NamedKey::kEnter), "stop " + task, "confirm"}};
  Command command;
  command.kind = Command::Kind::kStopTask;
  dialog_ = std::move(dialog);
  pending_command_ = command;
}

void ConsoleApp::HandleDialogOutcome(const DialogOutcome& outcome, logging::TimePoint now) {
  if (outcome.kind == DialogOutcome::Kind::kNone) return;
  dialog_.reset();
  std::optional<Command> command = std::move(pending_command_);
  pending_command_.reset();
  if (outcome.kind == DialogOutcome::Kind::kCancel) {
    Notify(ToastLevel::kInfo, "cancelled", now);
    return;
  }
  if (outcome.choice_id == "leave") {
    quit_ = true;
    return;
  }
  if (outcome.choice_id == "stop_quit") {
    Command stop;
    stop.kind = Command::Kind::kStopTask;
    Submit(stop, "stop of task " + TaskId(), now);
    // Attached, the engine stops on its own; in-process the loop waits for the engine thread.
    if (options_.attach) {
      quit_ = true;
    } else {
      quit_after_stop_ = true;
    }
    return;
  }
  if (!command) return;
  std::string what = std::string(control::CommandKindName(command->kind));
  if (!command->table.empty()) what += " of " + command->schema + "." + command->table;
  if (command->exception_id != 0)
    what += " of apply exception " + std::to_string(command->exception_id);
  if (command->kind == Command::Kind::kStopTask) what = "stop of task " + TaskId();
  Submit(*command, what, now);
}

void ConsoleApp::Submit(const Command& command, const std::string& what, logging::TimePoint now) {
  if (sink_ == nullptr) {
    Notify(ToastLevel::kError, what + " not sent: no engine to command", now);
    return;
  }
  const Status sent = sink_->Submit(command);
  if (sent.ok()) {
    Notify(ToastLevel::kInfo, what + " requested", now);
  } else {
    Notify(ToastLevel::kError, what + " failed: " + sent.message(), now);
  }
}

void ConsoleApp::RunCommandLine(const std::string& text, logging::TimePoint now) {
  auto parsed = ParseCommandLine(text);
  if (!parsed.ok()) {
    Notify(ToastLevel::kWarning, parsed.status().message(), now);
    return;
  }
  const std::string& verb = parsed->verb;
  const std::string& arg = parsed->argument;
  auto refuse_readonly = [&]() {
    if (!options_.readonly) return false;
    Notify(ToastLevel::kWarning, "read-only console: :" + verb + " is not available", now);
    return true;
  };
  const Key colon = Key::Char(':');
  if (verb == "reload" || verb == "suspend" || verb == "resume") {
    if (refuse_readonly()) return;
    std::string error;
    const state::TableRecord* table = FindTable(arg, &error);
    if (table == nullptr) {
      Notify(ToastLevel::kWarning, error, now);
      return;
    }
    const auto kind = verb == "reload"    ? Command::Kind::kReloadTable
                      : verb == "suspend" ? Command::Kind::kSuspendTable
                                          : Command::Kind::kResumeTable;
    OpenTableDialog(kind, *table, colon);
  } else if (verb == "stop") {
    if (refuse_readonly()) return;
    OpenStopDialog(colon);
  } else if (verb == "retry" || verb == "resolve") {
    if (refuse_readonly()) return;
    int64_t id = 0;
    try {
      id = std::stoll(arg);
    } catch (...) {
      Notify(ToastLevel::kWarning, "not an apply exception id: " + arg, now);
      return;
    }
    for (const auto& record : snapshot_->apply_exceptions) {
      if (record.id == id) {
        OpenExceptionDialog(verb == "retry" ? Command::Kind::kRetryApplyException
                                            : Command::Kind::kResolveApplyException,
                            record, colon);
        return;
      }
    }
    Notify(ToastLevel::kWarning, "no apply exception " + arg + " on screen", now);
  } else if (verb == "theme") {
    SetTheme(arg, now);
  } else if (verb == "export") {
    ExportExceptions(now);
  } else if (verb == "quit") {
    RequestQuit(now);
  } else if (verb == "help") {
    SwitchView(View::kHelp);
  } else {
    const std::pair<const char*, View> views[] = {
        {"overview", View::kOverview},     {"tables", View::kTables},
        {"exceptions", View::kExceptions}, {"logs", View::kLogs},
        {"runbooks", View::kRunbooks},     {"messages", View::kMessages}};
    for (const auto& [name, view] : views) {
      if (verb == name) SwitchView(view);
    }
  }
}

void ConsoleApp::ExportExceptions(logging::TimePoint now) {
  std::string stamp = logging::FormatIsoUtc(now);
  for (char& c : stamp) {
    if (c == ':') c = '-';
  }
  const std::string dir = options_.export_dir.empty() ? "." : options_.export_dir;
  const std::string path = dir + "/apply-exceptions-" + stamp + ".jsonl";
  std::ofstream out(path);
  for (const auto& record : snapshot_->apply_exceptions) {
    nlohmann::json line = {{"id", record.id},
                           {"time", record.time},
                           {"schema", record.schema_name},
                           {"table", record.table_name},
                           {"operation", record.operation},
                           {"statement", record.statement},
                           {"values", record.values_json},
                           {"error", record.error},
                           {"source_position", record.source_position},
                           {"action", record.action},
                           {"resolved_at", record.resolved_at}};
    out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  out.close();
  if (!out) {
    Notify(ToastLevel::kError, "export failed: cannot write " + path, now);
    return;
  }
  Notify(ToastLevel::kInfo,
         "exported " + std::to_string(snapshot_->apply_exceptions.size()) +
             " apply exceptions to " + path,
         now);
}

void ConsoleApp::SetTheme(const std::string& name, logging::TimePoint now) {
  auto loaded = LoadNamedTheme(name, options_.themes_dir);
  if (!loaded.ok()) {
    Notify(ToastLevel::kError, loaded.status().message(), now);
    return;
  }
  options_.theme = loaded->theme;
  options_.theme_name = name;
  InstallPalette();
  redraw_requested_ = true;
  Notify(ToastLevel::kInfo, "theme " + name, now);
}

}  // namespace switchyard::tui
