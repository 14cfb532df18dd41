#include <iostream>

#include "app/commands.h"

namespace switchyard::app {

void PrintMainHelp() {
  std::cout << R"(switchyard - move a live PostgreSQL or MySQL/MariaDB database to a new one

Usage:
  switchyard run TASK.json [--start-type TYPE] [--state-dir DIR] [--status-interval SECONDS]
  switchyard status TASK.json [--json] [--errors N] [--state-dir DIR]
  switchyard stop TASK.json [--state-dir DIR] [--timeout SECONDS]
  switchyard reload TASK.json --table SCHEMA.TABLE [--state-dir DIR]
  switchyard console TASK.json [--attach] [--readonly] [--theme NAME] [--state-dir DIR]
  switchyard TASK.json     (the console on a terminal, else the same as run)
  switchyard --help | COMMAND --help
  switchyard --version

Commands:
  run      Run the task headless, printing one JSON status line every few seconds.
           MigrationType full-load: every selected table, then exit. MigrationType cdc:
           apply source changes until stopped; a new run continues after the last one
           applied. full-load-and-cdc: the full load, then CDC from its snapshot. SIGINT/SIGTERM stop gracefully (a second signal exits at once); resume
           an unfinished full load with --start-type resume-processing.
  console  The operations console: runs the task in this process with a live view of
           progress, CDC latency, tables, apply exceptions and logs, and actions (reload,
           suspend, resume, stop) behind confirmations. --attach watches and commands an
           engine started by `switchyard run` instead; --readonly removes every action.
  stop     Stop the engine running the task gracefully and wait until it has exited.
  reload   Ask the running engine to reload one table while change capture goes on.
  status   Show the task's status and per-table statistics from its state store, while
           the engine runs or after. --json prints DMS field names.

The task file is JSON in AWS DMS vocabulary: ReplicationTaskIdentifier, MigrationType,
SourceEndpoint, TargetEndpoint, TableMappings, ReplicationTaskSettings (see README.md).

Exit codes:
  0  success (run: every table completed, or a cdc task stopped on request)
  1  the task failed or stopped before completing
  2  bad input: task file, command line, table mappings or a type that cannot be mapped;
     nothing was written to either database
)";
}

}  // namespace switchyard::app
