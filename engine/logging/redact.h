// Secret masking for text and JSON that leave the process's memory (log lines, the state store).
//
// Defense in depth only: passwords live in `Secret` and never reach a message on purpose. These
// functions catch the accidents — a connection string in an error message, a CREATE ROLE echoed
// by a server, a row whose column is called "password". They over-mask rather than under-mask.
// Free functions, no state: safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace switchyard::logging {

// The mask that replaces a secret value.
inline constexpr std::string_view kRedacted = "***";

// Masks, case-insensitively:
//   key=value / key: value / "key": "value" for keys containing password, passwd, pwd, secret,
//     token, api_key or apikey (so also PGPASSWORD=, --password=, db_password: ...);
//   PASSWORD '...'                       (PostgreSQL CREATE/ALTER ROLE)
//   IDENTIFIED BY '...', IDENTIFIED WITH plugin BY|AS '...', IDENTIFIED BY PASSWORD '...' (MySQL)
//   scheme://user:password@host          (URIs; the user name is kept)
// Text without any of the trigger words is returned unchanged without running a regex.
std::string RedactSecrets(std::string_view text);

// True if an object key names a secret: contains password, passwd, pwd, secret, token, api_key
// or apikey, case-insensitively.
bool LooksLikeSecretKey(std::string_view key);

// Removes, recursively through objects and arrays, every object member whose key
// LooksLikeSecretKey. Returns how many members were removed.
int DropSecretKeys(nlohmann::json& value);

}  // namespace switchyard::logging
