// `switchyard reload TASK.json --table schema.table`: asks the running engine to load one
// table again while change capture goes on (through the control socket in the state
// directory; the engine takes it between source transactions).
#include <iostream>

#include "app/cli_args.h"
#include "app/commands.h"
#include "engine/control/control_socket.h"
#include "engine/pipeline/task_runner.h"

namespace switchyard::app {

int ReloadCommand(const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args, {"--state-dir", "--table"}, {});
  if (!parsed.ok()) {
    std::cerr << "switchyard reload: " << parsed.status().message() << "\n";
    return 2;
  }
  if (parsed->help) {
    std::cout << "Usage: switchyard reload TASK.json --table SCHEMA.TABLE [--state-dir DIR]\n\n"
                 "Asks the engine running the task to reload one source table (named as on the\n"
                 "source) under a new snapshot, then to apply its changes from that snapshot on:\n"
                 "no gap, nothing twice. The other tables' changes wait on the source meanwhile.\n"
                 "Returns once the engine accepted the request; `switchyard status` shows the\n"
                 "table as \"Table is being reloaded\" until it is done.\n";
    return 0;
  }
  const std::string table = parsed->Get("--table", "");
  const auto dot = table.find('.');
  if (parsed->positional.size() != 1 || dot == std::string::npos || dot == 0 ||
      dot + 1 == table.size()) {
    std::cerr << "switchyard reload: expected TASK.json --table SCHEMA.TABLE (see --help)\n";
    return 2;
  }
  std::string error;
  const std::string id = ReadTaskIdentifier(parsed->positional[0], &error);
  if (id.empty()) {
    std::cerr << "switchyard reload: " << error << "\n";
    return 2;
  }
  const std::string dir = parsed->Get("--state-dir", pipeline::DefaultStateDir(id));
  control::Command command;
  command.kind = control::Command::Kind::kReloadTable;
  command.schema = table.substr(0, dot);
  command.table = table.substr(dot + 1);
  Status st = control::SendControlCommand(dir, command);
  if (!st.ok()) {
    std::cerr << "switchyard reload: " << st.message()
              << (st.code() == StatusCode::kConnectionError ? " (is the task running?)" : "")
              << "\n";
    return 1;
  }
  std::cout << "reload of " << table << " requested from task " << id << "\n";
  return 0;
}

}  // namespace switchyard::app
