// Command-line parsing shared by the subcommands: positional arguments and --flags, with the
// error messages `switchyard` prints before exiting with code 2.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/common/status.h"

namespace switchyard::app {

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--state-dir" -> "DIR"; flags map to ""
  bool help = false;

  bool Has(const std::string& name) const { return options.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
};

// `with_value`: options that take a value ("--state-dir DIR" or "--state-dir=DIR");
// `flags`: options without one. Anything else is an error naming it.
Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                             const std::set<std::string>& with_value,
                             const std::set<std::string>& flags);

}  // namespace switchyard::app
