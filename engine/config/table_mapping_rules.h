// The parsed form of a DMS table-mappings document ({"rules": [...]}), one struct per rule type.
// TableMappings::Parse builds these; Apply (transformations.cpp) reads them. Names in
// object-locators are kept both as written and compiled into NamePatterns.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/expression.h"
#include "engine/config/wildcard.h"

namespace switchyard::config {

struct DataTypeOverride {
  std::string type;  // DMS type name as written: "string", "int4", "numeric", "datetime", ...
  std::optional<int64_t> length;
  std::optional<int> precision, scale;
};

struct ParallelLoad {
  enum class Type { kNone, kRanges, kPartitionsAuto, kPartitionsList };
  Type type = Type::kNone;
  std::vector<std::string> columns;                  // kRanges: source column names
  std::vector<std::vector<std::string>> boundaries;  // kRanges: upper bounds, one per column
  std::vector<std::string> partitions;               // kPartitionsList
};

// What every rule carries for messages and ordering.
struct RuleHeader {
  int64_t rule_id = 0;
  std::string rule_name;
  std::string json_path;  // "TableMappings.rules[3]"
  // "TableMappings.rules[3] (rule-id 4)"
  std::string Describe() const;
};

struct FilterCondition {
  enum class Operator { kLte, kGte, kEq, kNotEq, kBetween, kNotBetween, kNull, kNotNull };
  Operator op = Operator::kEq;
  std::string value;                   // lte, gte, eq, noteq
  std::string start_value, end_value;  // between, notbetween
};

// Conditions inside one filter are ORed; filters of a rule are ANDed.
struct SourceFilter {
  std::string column_name;
  std::vector<FilterCondition> conditions;
};

struct SelectionRule {
  enum class Action { kInclude, kExclude, kExplicit };
  enum class TableType { kTable, kView, kAll };
  RuleHeader header;
  Action action = Action::kInclude;
  std::string schema_name, table_name;  // as written
  NamePattern schema, table;            // kExplicit: literal names, never patterns
  TableType table_type = TableType::kTable;
  std::optional<int> load_order;
  std::vector<SourceFilter> filters;

  bool Matches(const std::string& schema_name_in, const std::string& table_name_in) const;
};

enum class RuleTarget { kSchema, kTable, kColumn };

enum class TransformAction {
  kRename,
  kConvertLowercase,
  kConvertUppercase,
  kAddPrefix,
  kRemovePrefix,
  kReplacePrefix,
  kAddSuffix,
  kRemoveSuffix,
  kReplaceSuffix,
  kRemoveColumn,
  kIncludeColumn,
  kAddColumn,
  kChangeDataType,
  kDefinePrimaryKey,
};

struct PrimaryKeyDef {
  std::string name;
  bool unique_index = false;  // origin "unique-index" (default "primary-key")
  std::vector<std::string> columns;
};

struct TransformationRule {
  RuleHeader header;
  RuleTarget target = RuleTarget::kTable;
  TransformAction action = TransformAction::kRename;
  NamePattern schema, table, column;  // column: only for column targets (not add-column)
  std::string data_type_match;        // object-locator data-type (DMS type name), empty = any
  std::string value;                  // rename / prefix / suffix; add-column: the new column name
  std::string old_value;              // replace-prefix / replace-suffix
  std::optional<DataTypeOverride> data_type;  // change-data-type, add-column
  std::optional<Expression> expression;       // add-column
  PrimaryKeyDef primary_key;                  // define-primary-key

  // Which transformations compete for one object: DMS applies one action per object and the
  // lower rule-id wins, but only among actions that do the same kind of thing.
  enum class ConflictClass { kName, kColumnSelection, kDataType, kOther };
  ConflictClass conflict_class() const;
  // New name for `name` under a naming action.
  std::string Rename(const std::string& name) const;
};

struct TableSettingsRule {
  RuleHeader header;
  std::string schema_name, table_name;  // exact names
  std::optional<ParallelLoad> parallel_load;
};

}  // namespace switchyard::config
