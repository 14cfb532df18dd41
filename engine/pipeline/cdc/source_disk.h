// The free space of the file system the source keeps its log (WAL, binlog) on, measured from
// this process. SQL cannot tell an ordinary user how full the server's disk is, so it is only
// measured when the source runs on this machine (loopback address, localhost or a Unix socket),
// the server names its directory (PostgreSQL: data_directory, which needs superuser or
// pg_read_all_settings; MySQL/MariaDB: @@log_bin_basename, @@datadir), and statvfs works on it
// here. Anything else is "unknown", never a guess: the operator can state the figure instead
// (SwitchyardSettings.SourceDiskFreeBytes).
//
// Caveat, also in the README: a "local" server inside a container reports a path of its own file
// system; if the same path exists on this host, statvfs measures the host's file system.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/endpoints/endpoint.h"

namespace switchyard::pipeline::cdc {

// True for a host that is this machine: empty (the client library's default Unix socket), a
// socket directory ("/run/postgresql", "@abstract"), "localhost", 127.0.0.0/8, ::1.
bool IsLocalHost(std::string_view host);

// The directories to measure, best first, or why there are none.
struct SourceLogDirectories {
  std::vector<std::string> paths;  // PostgreSQL: <data>/pg_wal, <data>; MySQL: binlog dir, datadir
  std::string why_unknown;         // set when paths is empty
};

// Asks the connected source where its log lives (one query). Never fails: an error (e.g. no
// privilege to read data_directory) becomes why_unknown.
SourceLogDirectories FindSourceLogDirectories(endpoints::SqlSession& source,
                                              const endpoints::ConnectionParams& params);

// Bytes an unprivileged writer may still use on the file system of the first path statvfs
// accepts; nullopt when it accepts none.
std::optional<double> FreeBytesOfFirst(const std::vector<std::string>& paths,
                                       std::string* measured_path = nullptr);

}  // namespace switchyard::pipeline::cdc
