// The `:` command line: parsing and Tab completion, pure and thread-safe. ConsoleApp decides
// what a parsed command does (destructive ones open the same confirm dialog as their keys).
//   :reload SCHEMA.TABLE   :suspend SCHEMA.TABLE   :resume SCHEMA.TABLE   (or just TABLE when
//                                                   the name is unique)
//   :stop   :theme NAME   :retry ID   :resolve ID   :export   :q / :quit
//   :overview :tables :exceptions :logs :runbooks :messages :help
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace switchyard::tui {

struct ParsedCommandLine {
  std::string verb;      // "reload", "theme", "tables", ... (aliases resolved: "q" -> "quit")
  std::string argument;  // "" when none
};

// The verbs, in completion order.
const std::vector<std::string>& CommandVerbs();

// InvalidArgument with a message for the status line ("unknown command \"relod\"",
// "reload needs a table: :reload SCHEMA.TABLE").
Result<ParsedCommandLine> ParseCommandLine(std::string_view text);

// What Tab offers for `text` (the line without the colon): verbs for the first word; table
// names for reload/suspend/resume; theme names for theme. Sorted, unique.
std::vector<std::string> CompletionCandidates(std::string_view text,
                                              const std::vector<std::string>& tables,
                                              const std::vector<std::string>& themes);

// The line after Tab: the single candidate (plus a space after a verb that takes an
// argument), or the candidates' longest common prefix; `text` unchanged when none.
std::string Complete(std::string_view text, const std::vector<std::string>& candidates);

}  // namespace switchyard::tui
