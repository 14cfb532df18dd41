// switchyard: the command-line entry point. Dispatches to the subcommands in commands.h.
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
  std::cerr << "switchyard: unknown command \"" << command << "\" (see switchyard --help)\n";
  return 2;
}
