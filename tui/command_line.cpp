#include "tui/command_line.h"

#include <algorithm>
#include <set>

namespace switchyard::tui {
namespace {

bool TakesArgument(std::string_view verb) {
  return verb == "reload" || verb == "suspend" || verb == "resume" || verb == "theme" ||
         verb == "retry" || verb == "resolve";
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

const std::vector<std::string>& CommandVerbs() {
  static const std::vector<std::string> kVerbs = {
      "reload", "suspend",  "resume", "stop",       "theme", "retry",    "resolve",  "export",
      "quit",   "overview", "tables", "exceptions", "logs",  "runbooks", "messages", "help"};
  return kVerbs;
}

Result<ParsedCommandLine> ParseCommandLine(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == ':') text.remove_prefix(1);
  const size_t space = text.find(' ');
  ParsedCommandLine parsed;
  parsed.verb = std::string(text.substr(0, space));
  if (space != std::string_view::npos) parsed.argument = std::string(Trim(text.substr(space)));
  if (parsed.verb == "q" || parsed.verb == "q!") parsed.verb = "quit";
  if (parsed.verb.empty()) return Status::InvalidArgument("empty command (try :help)");
  const auto& verbs = CommandVerbs();
  if (std::find(verbs.begin(), verbs.end(), parsed.verb) == verbs.end()) {
    return Status::InvalidArgument("unknown command \"" + parsed.verb + "\" (Tab completes)");
  }
  if (TakesArgument(parsed.verb) && parsed.argument.empty()) {
    if (parsed.verb == "theme") return Status::InvalidArgument("theme needs a name: :theme light");
    if (parsed.verb == "retry" || parsed.verb == "resolve") {
      return Status::InvalidArgument(parsed.verb + " needs an apply exception id: :" + parsed.verb +
                                     " 12");
    }
    return Status::InvalidArgument(parsed.verb + " needs a table: :" + parsed.verb +
                                   " SCHEMA.TABLE");
  }
  if (!TakesArgument(parsed.verb) && !parsed.argument.empty()) {
    return Status::InvalidArgument(parsed.verb + " takes no argument");
  }
  return parsed;
}

std::vector<std::string> CompletionCandidates(std::string_view text,
                                              const std::vector<std::string>& tables,
                                              const std::vector<std::string>& themes) {
  std::set<std::string> out;
  const size_t space = text.find(' ');
  if (space == std::string_view::npos) {
    for (const std::string& verb : CommandVerbs()) {
      if (verb.rfind(text, 0) == 0) out.insert(verb);
    }
    return {out.begin(), out.end()};
  }
  const std::string verb(text.substr(0, space));
  const std::string_view partial = Trim(text.substr(space));
  const std::vector<std::string>* pool = nullptr;
  if (verb == "reload" || verb == "suspend" || verb == "resume") pool = &tables;
  if (verb == "theme") pool = &themes;
  if (pool == nullptr) return {};
  for (const std::string& name : *pool) {
    if (name.rfind(partial, 0) == 0) out.insert(verb + " " + name);
  }
  // A bare table name also completes ("ord" -> "public.orders").
  if (out.empty() && pool == &tables) {
    for (const std::string& name : *pool) {
      const size_t dot = name.find('.');
      if (dot != std::string::npos && name.compare(dot + 1, partial.size(), partial) == 0) {
        out.insert(verb + " " + name);
      }
    }
  }
  return {out.begin(), out.end()};
}

std::string Complete(std::string_view text, const std::vector<std::string>& candidates) {
  if (candidates.empty()) return std::string(text);
  if (candidates.size() == 1) {
    const std::string& only = candidates.front();
    return TakesArgument(only) ? only + " " : only;
  }
  std::string prefix = candidates.front();
  for (const std::string& candidate : candidates) {
    size_t common = 0;
    while (common < prefix.size() && common < candidate.size() &&
           prefix[common] == candidate[common]) {
      ++common;
    }
    prefix.resize(common);
  }
  return prefix.size() >= text.size() ? prefix : std::string(text);
}

}  // namespace switchyard::tui
