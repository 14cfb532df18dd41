#include "engine/pipeline/cdc/control_table.h"

#include <cstdio>
#include <ctime>

#include "engine/catalog/ddl.h"
#include "engine/catalog/identifier.h"

namespace switchyard::pipeline::cdc {
namespace {

using catalog::Engine;

std::string StatusTableName(Engine e, const config::ControlTablesSettings& settings) {
  return catalog::QuoteQualified(e, ControlSchema(settings), kStatusTable);
}

}  // namespace

std::string ControlSchema(const config::ControlTablesSettings& settings) {
  return settings.control_schema.empty() ? kDefaultControlSchema : settings.control_schema;
}

std::string FormatUtc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  int64_t secs = us / 1000000;
  int64_t frac = us % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  const std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

Status EnsureControlTable(endpoints::SqlSession& session,
                          const config::ControlTablesSettings& settings) {
  const Engine e = session.engine();
  SY_RETURN_IF_ERROR(session.Execute(catalog::CreateSchemaSql(e, ControlSchema(settings))));
  std::string sql = "CREATE TABLE IF NOT EXISTS " + StatusTableName(e, settings);
  if (e == Engine::kPostgres) {
    sql +=
        " (task_name text PRIMARY KEY, source_position text NOT NULL,"
        " source_commit_time timestamp(6), applied_at timestamp(6) NOT NULL,"
        " transactions_applied bigint NOT NULL DEFAULT 0)";
  } else {
    sql +=
        " (task_name varchar(255) NOT NULL PRIMARY KEY, source_position text NOT NULL,"
        " source_commit_time datetime(6) NULL, applied_at datetime(6) NOT NULL,"
        " transactions_applied bigint NOT NULL DEFAULT 0)"
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
  }
  return session.Execute(sql);
}

namespace {

Result<std::optional<Checkpoint>> SelectCheckpoint(endpoints::SqlSession& session,
                                                   const config::ControlTablesSettings& settings,
                                                   const std::string& task, bool lock) {
  const Engine e = session.engine();
  auto ts = [&](const char* col) {
    return e == Engine::kPostgres ? std::string("to_char(") + col + ", 'YYYY-MM-DD HH24:MI:SS.US')"
                                  : std::string("DATE_FORMAT(") + col + ", '%Y-%m-%d %H:%i:%s.%f')";
  };
  std::string sql = "SELECT source_position, " + ts("source_commit_time") + ", " +
                    ts("applied_at") + ", transactions_applied FROM " +
                    StatusTableName(e, settings) +
                    " WHERE task_name = " + session.QuoteLiteral(task);
  if (lock) sql += " FOR UPDATE";
  SY_ASSIGN_OR_RETURN(auto rows, session.Query(sql));
  if (rows.empty()) return std::optional<Checkpoint>();
  const auto& r = rows.front();
  Checkpoint c;
  c.task_name = task;
  c.position.text = r[0].value_or("");
  c.source_commit_time = r[1].value_or("");
  c.applied_at = r[2].value_or("");
  c.transactions_applied = r[3] ? std::stoll(*r[3]) : 0;
  return std::optional<Checkpoint>(std::move(c));
}

}  // namespace

Result<std::optional<Checkpoint>> ReadCheckpoint(endpoints::SqlSession& session,
                                                 const config::ControlTablesSettings& settings,
                                                 const std::string& task) {
  SY_ASSIGN_OR_RETURN(
      auto exists, session.Query("SELECT 1 FROM information_schema.tables WHERE table_schema = " +
                                 session.QuoteLiteral(ControlSchema(settings)) +
                                 " AND table_name = " + session.QuoteLiteral(kStatusTable)));
  if (exists.empty()) return std::optional<Checkpoint>();
  return SelectCheckpoint(session, settings, task, /*lock=*/false);
}

Result<std::optional<Checkpoint>> LockCheckpoint(endpoints::SqlSession& session,
                                                 const config::ControlTablesSettings& settings,
                                                 const std::string& task) {
  return SelectCheckpoint(session, settings, task, /*lock=*/true);
}

std::string CheckpointIsSql(const endpoints::SqlSession& session,
                            const config::ControlTablesSettings& settings, const std::string& task,
                            const std::string& position) {
  return "SELECT 1 FROM " + StatusTableName(session.engine(), settings) +
         " WHERE task_name = " + session.QuoteLiteral(task) +
         " AND source_position = " + session.QuoteLiteral(position) + " FOR UPDATE";
}

std::string CheckpointUpsertSql(const endpoints::SqlSession& session,
                                const config::ControlTablesSettings& settings,
                                const std::string& task, const SourcePosition& position,
                                std::chrono::system_clock::time_point commit_time,
                                int64_t transactions) {
  const Engine e = session.engine();
  const std::string table = StatusTableName(e, settings);
  std::string sql =
      "INSERT INTO " + table + (e == Engine::kPostgres ? " AS s" : "") +
      " (task_name, source_position, source_commit_time, applied_at, transactions_applied)"
      " VALUES (" +
      session.QuoteLiteral(task) + ", " + session.QuoteLiteral(position.text) + ", " +
      session.QuoteLiteral(FormatUtc(commit_time)) + ", " +
      (e == Engine::kPostgres ? "(now() AT TIME ZONE 'UTC')" : "UTC_TIMESTAMP(6)") + ", " +
      std::to_string(transactions) + ")";
  if (e == Engine::kPostgres) {
    sql +=
        " ON CONFLICT (task_name) DO UPDATE SET source_position = EXCLUDED.source_position,"
        " source_commit_time = EXCLUDED.source_commit_time, applied_at = EXCLUDED.applied_at,"
        " transactions_applied = s.transactions_applied + EXCLUDED.transactions_applied";
  } else {
    sql +=
        " ON DUPLICATE KEY UPDATE source_position = VALUES(source_position),"
        " source_commit_time = VALUES(source_commit_time), applied_at = VALUES(applied_at),"
        " transactions_applied = transactions_applied + VALUES(transactions_applied)";
  }
  return sql;
}

}  // namespace switchyard::pipeline::cdc
