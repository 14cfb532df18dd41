#include "app/cli_args.h"

namespace switchyard::app {

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                             const std::set<std::string>& with_value,
                             const std::set<std::string>& flags) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out.help = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      out.positional.push_back(a);
      continue;
    }
    std::string name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    if (flags.count(name)) {
      if (inline_value) return Status::InvalidArgument(name + " takes no value");
      out.options[name] = "";
    } else if (with_value.count(name)) {
      if (!inline_value) {
        if (i + 1 >= args.size()) return Status::InvalidArgument(name + " needs a value");
        value = args[++i];
      }
      out.options[name] = value;
    } else {
      return Status::InvalidArgument("unknown option " + name + " (see --help)");
    }
  }
  return out;
}

}  // namespace switchyard::app
