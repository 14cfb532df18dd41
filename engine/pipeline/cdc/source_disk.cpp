#include "engine/pipeline/cdc/source_disk.h"

#include <arpa/inet.h>
#include <strings.h>
#include <sys/statvfs.h>

#include <cstring>

namespace switchyard::pipeline::cdc {

bool IsLocalHost(std::string_view host) {
  if (host.empty() || host.front() == '/' || host.front() == '@') return true;
  std::string h(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (strcasecmp(h.c_str(), "localhost") == 0) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    // ::ffff:127.x.y.z
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

namespace {

std::string Parent(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

SourceLogDirectories FindSourceLogDirectories(endpoints::SqlSession& source,
                                              const endpoints::ConnectionParams& params) {
  SourceLogDirectories out;
  if (!IsLocalHost(params.host)) {
    out.why_unknown = "the source host " + params.host + " is not this machine";
    return out;
  }
  if (params.engine == catalog::Engine::kPostgres) {
    auto rows = source.Query("SHOW data_directory");
    if (!rows.ok() || rows->empty() || !(*rows)[0][0] || (*rows)[0][0]->empty()) {
      out.why_unknown =
          "the source's data_directory cannot be read (needs superuser or pg_read_all_settings)";
      return out;
    }
    const std::string data = *(*rows)[0][0];
    // pg_wal may be a symlink to a disk of its own; statvfs follows it when this process may
    // look inside the data directory, else the data directory's own file system is the answer.
    out.paths = {data + "/pg_wal", data};
    return out;
  }
  auto rows = source.Query("SELECT @@log_bin_basename, @@datadir");
  if (!rows.ok() || rows->empty()) {
    out.why_unknown = "the source's @@log_bin_basename and @@datadir cannot be read";
    return out;
  }
  const auto& row = (*rows)[0];
  std::string datadir = row.size() > 1 && row[1] ? *row[1] : "";
  while (datadir.size() > 1 && datadir.back() == '/') datadir.pop_back();
  if (row[0] && !row[0]->empty()) {
    const std::string base = *row[0];
    out.paths.push_back(base.front() == '/' ? Parent(base) : Parent(datadir + "/" + base));
  }
  if (!datadir.empty()) out.paths.push_back(datadir);
  if (out.paths.empty()) out.why_unknown = "the source names no binlog or data directory";
  return out;
}

std::optional<double> FreeBytesOfFirst(const std::vector<std::string>& paths,
                                       std::string* measured_path) {
  for (const auto& path : paths) {
    struct statvfs fs {};
    if (path.empty() || statvfs(path.c_str(), &fs) != 0) continue;
    if (measured_path) *measured_path = path;
    return static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
  }
  return std::nullopt;
}

}  // namespace switchyard::pipeline::cdc
