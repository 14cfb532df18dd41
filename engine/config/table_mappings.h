// DMS table mappings: which source tables a task migrates (selection rules with include /
// exclude / explicit, wildcards and source filters), how names, columns and keys change on the
// way (transformation rules) and how a table is split for the full load (table-settings rules).
//
// Parse() checks the document once at start-up; Apply() turns the source catalog into the list
// of MappedTables the pipeline loads. Both are pure: no connection, no state. A TableMappings is
// immutable after Parse and safe to share between threads.
//
// Rule semantics (DMS's, see dms-vocabulary.md section 7):
// - A table is selected when an include or explicit rule matches it and no exclude rule does;
//   an explicit rule (exact names, no wildcards) wins over exclude rules.
// - Transformations match on SOURCE names. One action per object: among rules of the same kind
//   (naming; column removal/inclusion; data type) that match one object, the lowest rule-id is
//   applied and the others are reported once each as a warning.
// - Without transformations a table keeps its schema, name and all columns.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/catalog/schema.h"
#include "engine/common/status.h"
#include "engine/config/table_mapping_rules.h"

namespace switchyard::config {

struct MappedColumn {
  std::string source_name;  // empty for add-column
  std::string target_name;
  std::optional<DataTypeOverride> data_type;  // change-data-type / add-column
  std::optional<std::string> expression_sql;  // add-column: SQL in the SOURCE dialect
};

struct MappedTable {
  std::string source_schema, source_table, target_schema, target_table;
  std::vector<MappedColumn> columns;  // target order, removed columns absent
  // define-primary-key: target column names; empty = keep the source key.
  std::vector<std::string> primary_key;
  std::string primary_key_name;
  bool primary_key_is_unique_index = false;  // primary-key-def origin "unique-index"
  // WHERE condition from the source filters in the source dialect; empty = all rows.
  std::string filter_sql;
  std::optional<ParallelLoad> parallel_load;
  int load_order = 0;  // higher loads first
};

class TableMappings {
 public:
  // `rules_doc` is the {"rules": [...]} object; `json_path` prefixes messages ("TableMappings").
  // Warnings: unknown keys, rule types and actions we parse but do not implement yet.
  static Result<TableMappings> Parse(const nlohmann::json& rules_doc, const std::string& json_path,
                                     std::vector<std::string>* warnings);

  // Include/exclude evaluation only (no filters, no existence checks): the catalog reader's
  // table filter.
  bool SelectsTable(const std::string& schema, const std::string& table) const;

  // The selected tables of `source_tables` with every transformation applied, ordered by
  // load-order (higher first) then source schema and name. Errors: an explicit or table-settings
  // rule naming a table that does not exist, a filter, key or range column that does not exist,
  // two source tables mapped to one target table, two columns with one target name, a bad
  // add-column expression. `target_schema_override` (TargetMetadata.TargetSchema) replaces the
  // source schema for tables no schema rule renames.
  Result<std::vector<MappedTable>> Apply(const std::vector<catalog::Table>& source_tables,
                                         catalog::Engine source_engine,
                                         std::vector<std::string>* warnings,
                                         const std::string& target_schema_override = "") const;

  const std::vector<SelectionRule>& selection_rules() const { return selection_; }
  const std::vector<TransformationRule>& transformation_rules() const { return transformations_; }
  const std::vector<TableSettingsRule>& table_settings_rules() const { return table_settings_; }

 private:
  std::string json_path_;  // "TableMappings", for messages
  // Each sorted by rule-id.
  std::vector<SelectionRule> selection_;
  std::vector<TransformationRule> transformations_;
  std::vector<TableSettingsRule> table_settings_;
};

// WHERE condition for `filters` (ANDed; conditions inside one filter ORed) over columns of the
// source table, identifiers and literals quoted for `engine`. Empty when there are no filters.
std::string FiltersToSql(const std::vector<SourceFilter>& filters, catalog::Engine engine);

// DMS data type of a source column ("int4", "string", "datetime", ...), for object-locator
// data-type matching.
std::string DmsTypeOf(catalog::Engine engine, const catalog::ColumnType& type);
// True for the type names change-data-type / add-column accept.
bool IsDmsTypeName(const std::string& name);

}  // namespace switchyard::config
