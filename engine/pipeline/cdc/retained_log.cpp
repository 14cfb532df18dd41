#include "engine/pipeline/cdc/retained_log.h"

#include <memory>
#include <string>

#include "engine/pipeline/cdc/control_table.h"
#include "engine/pipeline/cdc/pg_slot.h"
#include "engine/pipeline/cdc/position.h"

namespace switchyard::pipeline::cdc {
namespace {

Result<std::optional<double>> PgRetained(endpoints::SqlSession& source, const std::string& slot) {
  SY_ASSIGN_OR_RETURN(
      auto rows, source.Query("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::text "
                              "FROM pg_replication_slots WHERE slot_name = " +
                              source.QuoteLiteral(slot)));
  if (rows.empty() || !rows[0][0]) return std::optional<double>();
  return std::optional<double>(std::stod(*rows[0][0]));
}

Result<std::optional<double>> BinlogRetained(endpoints::SqlSession& source,
                                             endpoints::SqlSession& target,
                                             const config::TaskConfig& task) {
  SY_ASSIGN_OR_RETURN(auto checkpoint,
                      ReadCheckpoint(target, task.settings.control_tables, task.identifier));
  if (!checkpoint) return std::optional<double>();
  SY_ASSIGN_OR_RETURN(ParsedPosition at, ParsePosition(checkpoint->position.text));
  SY_ASSIGN_OR_RETURN(auto logs, source.Query("SHOW BINARY LOGS"));
  double bytes = 0;
  for (const auto& row : logs) {
    if (!row[0] || !row[1]) continue;
    auto parsed = ParsePosition(*row[0] + ":0");
    if (!parsed.ok() || parsed->binlog_base != at.binlog_base) continue;
    if (parsed->file_number < at.file_number) continue;
    double size = std::stod(*row[1]);
    if (parsed->file_number == at.file_number) size -= static_cast<double>(at.offset);
    bytes += std::max(0.0, size);
  }
  return std::optional<double>(bytes);
}

}  // namespace

std::function<std::optional<double>()> MakeRetainedLogProbe(const config::TaskConfig& task) {
  struct Connections {
    std::unique_ptr<endpoints::SqlSession> source;
    std::unique_ptr<endpoints::SqlSession> target;
  };
  auto connections = std::make_shared<Connections>();
  return [task, connections]() -> std::optional<double> {
    auto& c = *connections;
    if (!c.source) {
      auto s = endpoints::Connect(task.source.ToConnectionParams());
      if (!s.ok()) return std::nullopt;
      c.source = std::move(*s);
    }
    Result<std::optional<double>> result = std::optional<double>();
    if (task.source.engine == catalog::Engine::kPostgres) {
      result = PgRetained(*c.source, ReplicationObjectName(task.identifier));
    } else {
      if (!c.target) {
        auto t = endpoints::Connect(task.target.ToConnectionParams());
        if (!t.ok()) return std::nullopt;
        c.target = std::move(*t);
      }
      result = BinlogRetained(*c.source, *c.target, task);
    }
    if (!result.ok()) {
      c.source.reset();  // reconnect next time
      c.target.reset();
      return std::nullopt;
    }
    return *result;
  };
}

}  // namespace switchyard::pipeline::cdc
