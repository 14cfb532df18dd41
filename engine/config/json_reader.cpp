#include "engine/config/json_reader.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace switchyard::config {

std::string JoinPath(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string IndexPath(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

std::string DescribeJson(const nlohmann::json& value) {
  constexpr size_t kMaxChars = 80;
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      if (s.size() <= kMaxChars) return value.dump();
      return nlohmann::json(s.substr(0, kMaxChars)).dump() + "...";
    }
    default:
      return value.dump();
  }
}

Status NotA(std::string_view path, const nlohmann::json& value, std::string_view expected) {
  return Status::InvalidArgument(std::string(path) + ": " + DescribeJson(value) + " is not " +
                                 std::string(expected));
}

Status Missing(std::string_view path, std::string_view expected) {
  return Status::InvalidArgument(std::string(path) + ": missing (expected " +
                                 std::string(expected) + ")");
}

Status PathError(std::string_view path, std::string_view message) {
  return Status::InvalidArgument(std::string(path) + ": " + std::string(message));
}

Result<nlohmann::json> ParseJsonText(const std::string& text, const std::string& source_name) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    std::string what = e.what();
    const std::string tag = "] ";
    size_t pos = what.find(tag);
    if (pos != std::string::npos) what = what.substr(pos + tag.size());
    return Status::InvalidArgument(source_name + ": invalid JSON: " + what);
  }
}

Result<std::string> ReadTextFile(const std::string& file, const std::string& json_path) {
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    int err = errno != 0 ? errno : ENOENT;
    return PathError(json_path, "cannot read " + file + ": " + std::strerror(err));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    int err = errno != 0 ? errno : EIO;
    return PathError(json_path, "cannot read " + file + ": " + std::strerror(err));
  }
  return buf.str();
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  if (base_dir.back() == '/') return base_dir + path;
  return base_dir + "/" + path;
}

namespace {

std::string RangeText(int64_t min, int64_t max) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (min == kMin && max == kMax) return "an integer";
  if (max == kMax) return "an integer >= " + std::to_string(min);
  return "an integer between " + std::to_string(min) + " and " + std::to_string(max);
}

}  // namespace

Result<int64_t> IntFromJson(const nlohmann::json& v, std::string_view path, int64_t min,
                            int64_t max) {
  std::optional<int64_t> parsed;
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      parsed.reset();
    } else {
      parsed = v.get<int64_t>();
    }
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) parsed = static_cast<int64_t>(d);
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) parsed = n;
  }
  if (!parsed || *parsed < min || *parsed > max) return NotA(path, v, RangeText(min, max));
  return *parsed;
}

Result<ObjectReader> ObjectReader::Open(const nlohmann::json& value, std::string path) {
  if (!value.is_object()) return NotA(path, value, "an object");
  return ObjectReader(value, std::move(path));
}

bool ObjectReader::Has(std::string_view key) const {
  return object_->find(std::string(key)) != object_->end();
}

const nlohmann::json* ObjectReader::Get(std::string_view key) {
  read_.emplace(key);
  auto it = object_->find(std::string(key));
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

Status ObjectReader::GetString(std::string_view key, std::string* out, Need need,
                               std::string_view expected) {
  const nlohmann::json* v = Get(key);
  if (v == nullptr) {
    if (need == Need::kRequired) return Missing(PathOf(key), expected);
    return Status::Ok();
  }
  if (!v->is_string()) return NotA(PathOf(key), *v, expected);
  *out = v->get<std::string>();
  return Status::Ok();
}

Status ObjectReader::GetBool(std::string_view key, bool* out, Need need) {
  const nlohmann::json* v = Get(key);
  if (v == nullptr) {
    if (need == Need::kRequired) return Missing(PathOf(key), "true or false");
    return Status::Ok();
  }
  if (!v->is_boolean()) return NotA(PathOf(key), *v, "true or false");
  *out = v->get<bool>();
  return Status::Ok();
}

Status ObjectReader::GetInt(std::string_view key, int64_t min, int64_t max, int64_t* out,
                            Need need) {
  const nlohmann::json* v = Get(key);
  if (v == nullptr) {
    if (need == Need::kRequired) return Missing(PathOf(key), RangeText(min, max));
    return Status::Ok();
  }
  Result<int64_t> n = IntFromJson(*v, PathOf(key), min, max);
  if (!n.ok()) return n.status();
  *out = *n;
  return Status::Ok();
}

Status ObjectReader::GetInt(std::string_view key, int min, int max, int* out, Need need) {
  int64_t wide = *out;
  SY_RETURN_IF_ERROR(GetInt(key, int64_t{min}, int64_t{max}, &wide, need));
  *out = static_cast<int>(wide);
  return Status::Ok();
}

std::vector<std::string> ObjectReader::Keys() const {
  std::vector<std::string> keys;
  for (auto it = object_->begin(); it != object_->end(); ++it) keys.push_back(it.key());
  return keys;
}

std::vector<std::string> ObjectReader::UnreadKeys() const {
  std::vector<std::string> keys;
  for (auto it = object_->begin(); it != object_->end(); ++it) {
    if (read_.find(it.key()) == read_.end()) keys.push_back(it.key());
  }
  return keys;
}

void ObjectReader::WarnUnknownKeys(std::vector<std::string>* warnings) const {
  for (const auto& key : UnreadKeys()) warnings->push_back(PathOf(key) + ": unknown key, ignored");
}

}  // namespace switchyard::config
