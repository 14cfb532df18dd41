// Standalone sequences (PostgreSQL sequences not owned by a column) copied to the target after
// the full load, with their current value, so that nextval() on the target continues where
// the source was. Logical replication does not carry sequence values: the cutover must run
// this again once writes on the source have stopped.
#pragma once

#include <string>
#include <vector>

#include "engine/catalog/schema.h"
#include "engine/config/table_mappings.h"
#include "engine/endpoints/endpoint.h"

namespace switchyard::pipeline {

// Creates each sequence on the target (in the target schema its source schema maps to; a
// sequence whose schema has no mapped table is skipped with a log line) and sets its value.
Status CopySequences(const std::vector<catalog::Sequence>& sequences,
                     const std::vector<config::MappedTable>& mapped, endpoints::SqlSession& target);

// The statements for one sequence on `engine`, exposed for tests.
std::vector<std::string> SequenceSql(catalog::Engine engine, const std::string& target_schema,
                                     const catalog::Sequence& sequence);

}  // namespace switchyard::pipeline
