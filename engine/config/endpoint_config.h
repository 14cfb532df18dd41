// SourceEndpoint / TargetEndpoint of a task file: engine, address, credentials, TLS.
//
// Passwords come from PasswordEnv (an environment variable), PasswordFile (first line of a file;
// a warning when group or others can read it) or Password (a literal: works, but warns). With
// none of them the password stays empty and libpq (~/.pgpass) or the MySQL option files supply
// it. A password never appears in a message: password_source says where it came from.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/catalog/schema.h"
#include "engine/common/secret.h"
#include "engine/common/status.h"
#include "engine/endpoints/endpoint.h"

namespace switchyard::config {

struct EndpointConfig {
  catalog::Engine engine = catalog::Engine::kPostgres;
  std::string engine_name;  // as written, lower case: "mysql", "mariadb", "aurora-postgresql", ...
  std::string server_name;
  int port = 0;               // defaults to 5432 / 3306 when the file has no Port
  std::string database_name;  // required for PostgreSQL, optional for MySQL/MariaDB
  std::string username;
  Secret password;
  std::string password_source;  // "PasswordEnv SRC_PW", "PasswordFile /p", "Password", "" (none)
  endpoints::SslMode ssl_mode = endpoints::SslMode::kNone;
  std::string ssl_root_cert;

  endpoints::ConnectionParams ToConnectionParams() const;
};

// Parses one endpoint object. `path` is "SourceEndpoint" or "TargetEndpoint"; relative
// PasswordFile and SslRootCert paths are resolved against `base_dir`.
Result<EndpointConfig> ParseEndpoint(const nlohmann::json& value, const std::string& path,
                                     const std::string& base_dir,
                                     std::vector<std::string>* warnings);

}  // namespace switchyard::config
