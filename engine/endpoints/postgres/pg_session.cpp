#include "engine/endpoints/postgres/pg_session.h"

#include <vector>

#include "engine/endpoints/postgres/pg_error.h"

namespace switchyard::endpoints::postgres {

Result<PGconn*> ConnectLibpq(const ConnectionParams& params, bool replication,
                             const std::string& describe) {
  std::string port = std::to_string(params.port);
  std::vector<const char*> keys;
  std::vector<const char*> values;
  // Every value must outlive PQconnectdbParams: params' strings, `port` or literals.
  auto add = [&](const char* key, const char* value) {
    if (value == nullptr || *value == '\0') return;
    keys.push_back(key);
    values.push_back(value);
  };
  add("host", params.host.c_str());
  if (params.port > 0) add("port", port.c_str());
  add("dbname", params.database.c_str());
  add("user", params.user.c_str());
  add("password", params.password.Reveal().c_str());  // empty: libpq uses ~/.pgpass, PGPASSFILE
  add("sslmode", SslModeKeyword(params.ssl_mode));
  add("sslrootcert", params.ssl_root_cert.c_str());
  add("application_name", params.application_name.c_str());
  add("client_encoding", "UTF8");
  add("connect_timeout", "30");
  if (replication) add("replication", "database");
  keys.push_back(nullptr);
  values.push_back(nullptr);

  // expand_dbname = 0: a database name is only ever a name, never a conninfo string.
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 0);
  if (conn == nullptr) {
    return Status::ConnectionError("cannot connect to " + describe + ": out of memory");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Redact(TrimRight(PQerrorMessage(conn)), params.password.Reveal());
    PQfinish(conn);
    return Status::ConnectionError("cannot connect to " + describe + ": " + message);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return conn;
}

const char* SslModeKeyword(SslMode mode) {
  switch (mode) {
    case SslMode::kNone:
      return "disable";
    case SslMode::kRequire:
      return "require";
    case SslMode::kVerifyCa:
      return "verify-ca";
    case SslMode::kVerifyFull:
      return "verify-full";
  }
  return "disable";
}

void IgnoreNotice(void*, const char*) {}

std::string Redact(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "********");
  }
  return text;
}

}  // namespace switchyard::endpoints::postgres
