// switchyard: the command-line entry point. Dispatches to the subcommands in commands.h.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "app/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    switchyard::app::PrintMainHelp();
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "switchyard " << SWITCHYARD_VERSION << "\n";
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "run") return switchyard::app::RunCommand(args);
  if (command == "status") return switchyard::app::StatusCommand(args);
  if (command == "stop") return switchyard::app::StopCommand(args);
  if (command == "reload") return switchyard::app::ReloadCommand(args);
  if (command == "console") return switchyard::app::ConsoleCommand(args);
  // `switchyard TASK.json`: the console on a terminal, the headless engine otherwise.
  if (command.size() > 5 && command.compare(command.size() - 5, 5, ".json") == 0) {
    args.insert(args.begin(), command);
    return isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) ? switchyard::app::ConsoleCommand(args)
                                                         : switchyard::app::RunCommand(args);
  }
  std::cerr << "switchyard: unknown command \"" << command << "\" (see switchyard --help)\n";
  return 2;
}
