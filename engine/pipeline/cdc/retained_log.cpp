#include "engine/pipeline/cdc/retained_log.h"

#include <memory>
#include <string>

#include "engine/logging/log.h"
#include "engine/pipeline/cdc/control_table.h"
#include "engine/pipeline/cdc/pg_slot.h"
#include "engine/pipeline/cdc/position.h"
#include "engine/pipeline/cdc/source_disk.h"

namespace switchyard::pipeline::cdc {
namespace {

Status ReadPgSlot(endpoints::SqlSession& source, const std::string& slot, SourceLogSample* out) {
  SY_ASSIGN_OR_RETURN(
      auto rows,
      source.Query("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::text, "
                   "wal_status, safe_wal_size::text FROM pg_replication_slots WHERE slot_name = " +
                   source.QuoteLiteral(slot)));
  if (rows.empty()) return Status::Ok();
  const auto& row = rows[0];
  if (row[0]) out->retained_bytes = std::stod(*row[0]);
  if (row[1]) out->wal_status = *row[1];
  if (row[2]) out->safe_wal_size = std::stod(*row[2]);
  return Status::Ok();
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

struct ProbeState {
  std::unique_ptr<endpoints::SqlSession> source;
  std::unique_ptr<endpoints::SqlSession> target;
  // Learned once per source connection: where to statvfs.
  std::optional<SourceLogDirectories> directories;
  std::string logged;  // what was last logged about free space, to log changes only
};

void LogOnce(ProbeState& state, const std::string& message) {
  if (state.logged == message) return;
  state.logged = message;
  SY_LOG(kInfo, Component::kSourceCapture, message);
}

void AddDiskFree(ProbeState& state, const config::TaskConfig& task, SourceLogSample* out) {
  const auto params = task.source.ToConnectionParams();
  if (!state.directories) state.directories = FindSourceLogDirectories(*state.source, params);
  std::string measured;
  if (auto free = FreeBytesOfFirst(state.directories->paths, &measured)) {
    out->disk_free_bytes = *free;
    out->disk_free_from = SourceLogSample::DiskFreeFrom::kMeasured;
    LogOnce(state, "source disk free space: measured at " + measured);
    return;
  }
  const std::string why = state.directories->paths.empty()
                              ? state.directories->why_unknown
                              : "statvfs fails here on " + state.directories->paths.front();
  if (task.switchyard.source_disk_free_bytes >= 0) {
    out->disk_free_bytes = static_cast<double>(task.switchyard.source_disk_free_bytes);
    out->disk_free_from = SourceLogSample::DiskFreeFrom::kStated;
    LogOnce(state, "source disk free space: as stated by SwitchyardSettings.SourceDiskFreeBytes (" +
                       why + ")");
    return;
  }
  LogOnce(state, "source disk free space unknown: " + why +
                     "; SwitchyardSettings.SourceDiskFreeBytes can state it");
}

}  // namespace

SourceLogProbe MakeSourceLogProbe(const config::TaskConfig& task) {
  auto state = std::make_shared<ProbeState>();
  return [task, state]() -> SourceLogSample {
    SourceLogSample sample;
    auto& c = *state;
    if (!c.source) {
      auto s = endpoints::Connect(task.source.ToConnectionParams());
      if (!s.ok()) return sample;
      c.source = std::move(*s);
      c.directories.reset();
    }
    Status st = Status::Ok();
    if (task.source.engine == catalog::Engine::kPostgres) {
      st = ReadPgSlot(*c.source, ReplicationObjectName(task.identifier), &sample);
    } else {
      if (!c.target) {
        auto t = endpoints::Connect(task.target.ToConnectionParams());
        if (!t.ok()) return sample;
        c.target = std::move(*t);
      }
      auto retained = BinlogRetained(*c.source, *c.target, task);
      if (retained.ok()) sample.retained_bytes = *retained;
      st = retained.status();
    }
    if (!st.ok()) {
      c.source.reset();  // reconnect next time
      c.target.reset();
      return SourceLogSample{};
    }
    AddDiskFree(c, task, &sample);
    return sample;
  };
}

}  // namespace switchyard::pipeline::cdc
