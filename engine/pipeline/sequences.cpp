#include "engine/pipeline/sequences.h"

#include <algorithm>
#include <limits>
#include <map>

#include "engine/catalog/identifier.h"
#include "engine/logging/log.h"

namespace switchyard::pipeline {

std::vector<std::string> SequenceSql(catalog::Engine engine, const std::string& target_schema,
                                     const catalog::Sequence& s) {
  using catalog::Engine;
  const std::string name = catalog::QuoteQualified(engine, target_schema, s.name);
  int64_t max_value = s.max_value;
  int64_t min_value = s.min_value;
  if (engine == Engine::kMySql) {
    // MariaDB sequences stop one short of the BIGINT range.
    max_value = std::min<int64_t>(max_value, std::numeric_limits<int64_t>::max() - 1);
    min_value = std::max<int64_t>(min_value, std::numeric_limits<int64_t>::min() + 1);
  }
  std::string create = "CREATE SEQUENCE IF NOT EXISTS " + name;
  if (engine == Engine::kPostgres) create += " AS " + s.data_type;
  create += " INCREMENT BY " + std::to_string(s.increment) + " MINVALUE " +
            std::to_string(min_value) + " MAXVALUE " + std::to_string(max_value) + " START WITH " +
            std::to_string(s.start) +
            (s.cycle ? " CYCLE" : (engine == Engine::kPostgres ? " NO CYCLE" : " NOCYCLE"));
  std::vector<std::string> out{create};
  if (engine == Engine::kPostgres) {
    const std::string lit = catalog::QuoteLiteral(engine, name);
    out.push_back(s.last_value
                      ? "SELECT setval(" + lit + ", " + std::to_string(*s.last_value) + ", true)"
                      : "SELECT setval(" + lit + ", " + std::to_string(s.start) + ", false)");
  } else if (s.last_value) {
    out.push_back("SELECT SETVAL(" + name + ", " + std::to_string(*s.last_value) + ", 1)");
  }
  return out;
}

Status CopySequences(const std::vector<catalog::Sequence>& sequences,
                     const std::vector<config::MappedTable>& mapped,
                     endpoints::SqlSession& target) {
  std::map<std::string, std::string> target_schema_of;
  for (const auto& m : mapped) target_schema_of.emplace(m.source_schema, m.target_schema);
  for (const auto& s : sequences) {
    auto it = target_schema_of.find(s.schema);
    if (it == target_schema_of.end()) {
      SY_LOG(kInfo, Component::kTargetLoad,
             "sequence " << s.schema << "." << s.name
                         << " skipped: no table of its schema is migrated");
      continue;
    }
    for (const auto& sql : SequenceSql(target.engine(), it->second, s)) {
      SY_RETURN_IF_ERROR(target.Execute(sql).WithContext("sequence " + s.schema + "." + s.name));
    }
    SY_LOG(
        kInfo, Component::kTargetLoad,
        "sequence " << s.schema << "." << s.name << " copied at "
                    << (s.last_value ? std::to_string(*s.last_value) : std::string("its start")));
  }
  return Status::Ok();
}

}  // namespace switchyard::pipeline
