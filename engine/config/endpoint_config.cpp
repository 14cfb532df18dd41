#include "engine/config/endpoint_config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "engine/config/json_reader.h"

namespace switchyard::config {
namespace {

struct EngineAlias {
  std::string_view name;
  catalog::Engine engine;
};
constexpr EngineAlias kEngines[] = {
    {"mysql", catalog::Engine::kMySql},         {"mariadb", catalog::Engine::kMySql},
    {"aurora", catalog::Engine::kMySql},        {"postgres", catalog::Engine::kPostgres},
    {"postgresql", catalog::Engine::kPostgres}, {"aurora-postgresql", catalog::Engine::kPostgres},
};

// DMS endpoint keys that mean something in DMS but nothing to us yet.
constexpr std::string_view kUnimplementedKeys[] = {
    "EndpointIdentifier",
    "EndpointType",
    "ExtraConnectionAttributes",
    "PostgreSQLSettings",
    "MySQLSettings",
    "CertificateArn",
    "KmsKeyId",
    "SecretsManagerSecretId",
    "SecretsManagerAccessRoleArn",
    "Tags",
};

const EnumNames<endpoints::SslMode> kSslModes = {
    {"none", endpoints::SslMode::kNone},
    {"require", endpoints::SslMode::kRequire},
    {"verify-ca", endpoints::SslMode::kVerifyCa},
    {"verify-full", endpoints::SslMode::kVerifyFull},
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Reads the first line of `file` (without the line break).
Status ReadPasswordFile(const std::string& file, const std::string& json_path, Secret* out,
                        std::vector<std::string>* warnings) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    return PathError(json_path, "cannot read " + file + ": " + std::strerror(errno));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    int err = errno != 0 ? errno : EACCES;
    return PathError(json_path, "cannot read " + file + ": " + std::strerror(err));
  }
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  *out = Secret(std::move(line));
  if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    warnings->push_back(json_path + ": " + file + " is readable by group or others (mode " + mode +
                        "); chmod 600 it");
  }
  return Status::Ok();
}

Status ParsePassword(ObjectReader& r, const std::string& base_dir, EndpointConfig* e,
                     std::vector<std::string>* warnings) {
  constexpr std::string_view kKeys[] = {"PasswordEnv", "PasswordFile", "Password"};
  std::vector<std::string_view> present;
  for (auto key : kKeys) {
    if (r.Has(key) && !r.json().at(std::string(key)).is_null()) present.push_back(key);
  }
  if (present.size() > 1) {
    return PathError(r.path(), std::string(present[0]) + " and " + std::string(present[1]) +
                                   " are both set (expected at most one of PasswordEnv, "
                                   "PasswordFile, Password)");
  }
  std::string env_name;
  SY_RETURN_IF_ERROR(r.GetString("PasswordEnv", &env_name, Need::kOptional,
                                 "the name of an environment variable"));
  std::string file;
  SY_RETURN_IF_ERROR(r.GetString("PasswordFile", &file, Need::kOptional, "a file path"));
  const nlohmann::json* literal = r.Get("Password");
  const std::string_view which = present.empty() ? std::string_view() : present[0];
  if (which == "PasswordEnv") {
    if (env_name.empty()) {
      return PathError(r.PathOf("PasswordEnv"), "\"\" is not the name of an environment variable");
    }
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr) {
      return PathError(r.PathOf("PasswordEnv"), "environment variable " + env_name + " is not set");
    }
    e->password = Secret(value);
    e->password_source = "PasswordEnv " + env_name;
  } else if (which == "PasswordFile") {
    if (file.empty()) return PathError(r.PathOf("PasswordFile"), "\"\" is not a file path");
    const std::string resolved = ResolvePath(base_dir, file);
    SY_RETURN_IF_ERROR(
        ReadPasswordFile(resolved, r.PathOf("PasswordFile"), &e->password, warnings));
    e->password_source = "PasswordFile " + resolved;
  } else if (which == "Password") {
    // Never echo the value, even when it has the wrong type.
    if (!literal->is_string()) {
      return PathError(r.PathOf("Password"), "is not a string (value not shown)");
    }
    e->password = Secret(literal->get<std::string>());
    e->password_source = "Password";
    warnings->push_back(r.PathOf("Password") +
                        ": a literal password in the task file works but is not recommended; "
                        "use PasswordEnv or PasswordFile");
  }
  return Status::Ok();
}

}  // namespace

endpoints::ConnectionParams EndpointConfig::ToConnectionParams() const {
  endpoints::ConnectionParams p;
  p.engine = engine;
  p.host = server_name;
  p.port = port;
  p.database = database_name;
  p.user = username;
  p.password = password;
  p.ssl_mode = ssl_mode;
  p.ssl_root_cert = ssl_root_cert;
  return p;
}

Result<EndpointConfig> ParseEndpoint(const nlohmann::json& value, const std::string& path,
                                     const std::string& base_dir,
                                     std::vector<std::string>* warnings) {
  EndpointConfig e;
  SY_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(value, path));

  std::string expected_engines;
  for (const auto& alias : kEngines) {
    if (!expected_engines.empty()) expected_engines += ", ";
    expected_engines += alias.name;
  }
  const nlohmann::json* engine = r.Get("EngineName");
  if (engine == nullptr) return Missing(r.PathOf("EngineName"), "one of " + expected_engines);
  bool found = false;
  if (engine->is_string()) {
    const std::string name = Lower(engine->get<std::string>());
    for (const auto& alias : kEngines) {
      if (alias.name == name) {
        e.engine = alias.engine;
        e.engine_name = name;
        found = true;
      }
    }
  }
  if (!found) return NotA(r.PathOf("EngineName"), *engine, "one of " + expected_engines);
  const bool is_postgres = e.engine == catalog::Engine::kPostgres;

  SY_RETURN_IF_ERROR(r.GetString("ServerName", &e.server_name, Need::kRequired, "a host name"));
  if (e.server_name.empty()) return PathError(r.PathOf("ServerName"), "\"\" is not a host name");
  e.port = is_postgres ? 5432 : 3306;
  SY_RETURN_IF_ERROR(r.GetInt("Port", 1, 65535, &e.port));
  SY_RETURN_IF_ERROR(r.GetString("DatabaseName", &e.database_name,
                                 is_postgres ? Need::kRequired : Need::kOptional,
                                 "a database name"));
  if (is_postgres && e.database_name.empty()) {
    return PathError(r.PathOf("DatabaseName"), "\"\" is not a database name");
  }
  SY_RETURN_IF_ERROR(r.GetString("Username", &e.username, Need::kRequired, "a user name"));
  SY_RETURN_IF_ERROR(ParsePassword(r, base_dir, &e, warnings));
  SY_RETURN_IF_ERROR(r.GetEnum("SslMode", kSslModes, &e.ssl_mode));
  std::string cert;
  SY_RETURN_IF_ERROR(r.GetString("SslRootCert", &cert, Need::kOptional, "a file path"));
  e.ssl_root_cert = ResolvePath(base_dir, cert);

  for (auto key : kUnimplementedKeys) {
    if (r.Has(key)) {
      r.Get(key);
      warnings->push_back(r.PathOf(key) + ": not implemented yet, ignored");
    }
  }
  r.WarnUnknownKeys(warnings);
  return e;
}

}  // namespace switchyard::config
