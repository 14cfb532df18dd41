#include "engine/catalog/schema.h"

namespace switchyard::catalog {

const char* EngineName(Engine engine) {
  switch (engine) {
    case Engine::kPostgres:
      return "postgres";
    case Engine::kMySql:
      return "mysql";
  }
  return "unknown";
}

const Column* Table::FindColumn(const std::string& column_name) const {
  for (const auto& c : columns) {
    if (c.name == column_name) return &c;
  }
  return nullptr;
}

}  // namespace switchyard::catalog
