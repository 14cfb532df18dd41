// Column defaults across engines. A default is carried when it is a literal or the current
// date/time, and the literal goes through the column's ValueTransform, so a default means on
// the target what it meant on the source (a zero date is not carried, bytea hex becomes bytes,
// a MySQL TIMESTAMP literal gets its +00). Anything else (function calls, sequences,
// expressions) is left behind with a note the assessment shows. Same-engine copies keep the
// source text and do not come here. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/catalog/schema.h"
#include "engine/catalog/type_mapping.h"

namespace switchyard::catalog {

// `column.default_expr` as the source prints it (PostgreSQL pg_get_expr(), e.g.
// 'anon'::character varying; MySQL/MariaDB COLUMN_DEFAULT, e.g. 'it\'s', current_timestamp(6))
// in the target dialect for a column already planned as `plan` (target_type and transform set),
// or nullopt with the reason appended to `notes`.
std::optional<std::string> TranslateDefault(const Column& column, Engine source, Engine target,
                                            const ColumnPlan& plan,
                                            std::vector<std::string>* notes);

}  // namespace switchyard::catalog
