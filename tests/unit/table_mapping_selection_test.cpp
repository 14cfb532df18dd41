// Table mappings: wildcards, selection rules, source filters, rule parsing errors.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/config/table_mappings.h"
#include "engine/config/wildcard.h"

namespace switchyard::config {
namespace {

using nlohmann::json;

catalog::Table MakeTable(std::string schema, std::string name, std::vector<std::string> columns) {
  catalog::Table t;
  t.schema = std::move(schema);
  t.name = std::move(name);
  for (auto& c : columns) {
    catalog::Column col;
    col.name = std::move(c);
    col.type.name = "int";
    t.columns.push_back(std::move(col));
  }
  return t;
}

json Rule(int id, const std::string& action, const std::string& schema, const std::string& table) {
  return {{"rule-type", "selection"},
          {"rule-id", std::to_string(id)},
          {"rule-name", std::to_string(id)},
          {"object-locator", {{"schema-name", schema}, {"table-name", table}}},
          {"rule-action", action}};
}

TableMappings MustParse(const std::vector<json>& rules,
                        std::vector<std::string>* warnings = nullptr) {
  std::vector<std::string> local;
  auto r = TableMappings::Parse(json{{"rules", json(rules)}}, "TableMappings",
                                warnings ? warnings : &local);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : TableMappings();
}

std::string ParseError(const std::vector<json>& rules) {
  std::vector<std::string> warnings;
  auto r = TableMappings::Parse(json{{"rules", json(rules)}}, "TableMappings", &warnings);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(Wildcard, PercentMatchesAnyRunAndUnderscoreOneCharacter) {
  EXPECT_TRUE(WildcardMatch("%", ""));
  EXPECT_TRUE(WildcardMatch("%", "anything"));
  EXPECT_TRUE(WildcardMatch("DMS%", "DMS"));
  EXPECT_TRUE(WildcardMatch("DMS%", "DMS_log"));
  EXPECT_FALSE(WildcardMatch("DMS%", "xDMS"));
  EXPECT_TRUE(WildcardMatch("%log%", "audit_log_2020"));
  EXPECT_TRUE(WildcardMatch("t_", "t1"));
  EXPECT_FALSE(WildcardMatch("t_", "t"));
  EXPECT_FALSE(WildcardMatch("t_", "t12"));
  EXPECT_TRUE(WildcardMatch("order_items", "orderXitems"));  // _ is a wildcard in DMS
  EXPECT_TRUE(WildcardMatch("a%b%c", "aXXbYYc"));
  EXPECT_FALSE(WildcardMatch("a%b%c", "aXXbYY"));
}

TEST(Wildcard, BracketsEscapeAndMakeSetsAndRanges) {
  EXPECT_TRUE(WildcardMatch("order[_]items", "order_items"));
  EXPECT_FALSE(WildcardMatch("order[_]items", "orderXitems"));
  EXPECT_TRUE(WildcardMatch("100[%]", "100%"));
  EXPECT_FALSE(WildcardMatch("100[%]", "1000"));
  EXPECT_TRUE(WildcardMatch("t[ab]", "ta"));
  EXPECT_FALSE(WildcardMatch("t[ab]", "tc"));
  EXPECT_TRUE(WildcardMatch("p[a-d]x", "pcx"));
  EXPECT_FALSE(WildcardMatch("p[a-d]x", "pex"));
  EXPECT_TRUE(WildcardMatch("a[b", "a[b"));  // unclosed bracket is literal
  EXPECT_TRUE(WildcardMatch(EscapeWildcards("we_ird%[x]"), "we_ird%[x]"));
  EXPECT_FALSE(WildcardMatch(EscapeWildcards("we_ird"), "weXird"));
}

TEST(Wildcard, MatchingIsCaseSensitiveAndCountsUtf8Characters) {
  EXPECT_FALSE(WildcardMatch("orders", "Orders"));
  EXPECT_FALSE(WildcardMatch("ORD%", "orders"));
  EXPECT_TRUE(WildcardMatch("b_cher", "bücher"));
  EXPECT_TRUE(WildcardMatch("%😀", "smile😀"));
  EXPECT_FALSE(NamePattern("orders").HasWildcards());
  EXPECT_TRUE(NamePattern("ord%").HasWildcards());
  EXPECT_FALSE(NamePattern("order[_]items").HasWildcards());
}

TEST(Selection, ExcludeAppliesOnTopOfIncludeWhateverTheRuleOrder) {
  // The exclude rule comes first (lower id) but still removes tables from the include.
  auto m = MustParse({Rule(1, "exclude", "app", "tmp%"), Rule(2, "include", "app", "%")});
  EXPECT_TRUE(m.SelectsTable("app", "orders"));
  EXPECT_FALSE(m.SelectsTable("app", "tmp_orders"));
  EXPECT_FALSE(m.SelectsTable("other", "orders"));
}

TEST(Selection, ExplicitSelectsExactlyOneTableEvenWhenExcluded) {
  auto m = MustParse({Rule(1, "include", "app", "%"), Rule(2, "exclude", "app", "tmp%"),
                      Rule(3, "explicit", "app", "tmp_keep")});
  EXPECT_TRUE(m.SelectsTable("app", "tmp_keep"));
  EXPECT_FALSE(m.SelectsTable("app", "tmp_drop"));
  // explicit names are literal: `_` is not a wildcard there.
  auto e = MustParse({Rule(1, "explicit", "app", "order_items")});
  EXPECT_TRUE(e.SelectsTable("app", "order_items"));
  EXPECT_FALSE(e.SelectsTable("app", "orderXitems"));
}

TEST(Selection, NoIncludeRuleSelectsNothing) {
  auto m = MustParse({Rule(1, "exclude", "app", "x")});
  EXPECT_FALSE(m.SelectsTable("app", "orders"));
}

TEST(Selection, ExplicitRuleForAMissingTableIsAnApplyError) {
  auto m = MustParse({Rule(1, "explicit", "app", "missing")});
  std::vector<std::string> warnings;
  auto r = m.Apply({MakeTable("app", "orders", {"id"})}, catalog::Engine::kMySql, &warnings);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "TableMappings.rules[0] (rule-id 1): explicit table app.missing does not exist on the "
            "source");
}

TEST(Selection, LoadOrderSortsHigherFirst) {
  json a = Rule(1, "include", "app", "%");
  json b = Rule(2, "include", "app", "big");
  b["load-order"] = 5;
  auto m = MustParse({a, b});
  std::vector<std::string> warnings;
  auto r = m.Apply({MakeTable("app", "a", {"id"}), MakeTable("app", "big", {"id"}),
                    MakeTable("app", "c", {"id"})},
                   catalog::Engine::kMySql, &warnings);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].source_table, "big");
  EXPECT_EQ((*r)[0].load_order, 5);
  EXPECT_EQ((*r)[1].source_table, "a");
  EXPECT_EQ((*r)[1].load_order, 0);
}

TEST(Selection, WithoutTransformationsEverythingKeepsItsName) {
  auto m = MustParse({Rule(1, "include", "%", "%")});
  std::vector<std::string> warnings;
  auto r =
      m.Apply({MakeTable("app", "Orders", {"Id", "Total"})}, catalog::Engine::kPostgres, &warnings);
  ASSERT_TRUE(r.ok());
  const MappedTable& t = (*r)[0];
  EXPECT_EQ(t.target_schema, "app");
  EXPECT_EQ(t.target_table, "Orders");
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[0].source_name, "Id");
  EXPECT_EQ(t.columns[0].target_name, "Id");
  EXPECT_TRUE(t.filter_sql.empty());
  EXPECT_TRUE(t.primary_key.empty());
  EXPECT_FALSE(t.parallel_load.has_value());
  EXPECT_TRUE(warnings.empty());
}

json FilterRule(const std::string& schema, const std::string& table, json filters) {
  json r = Rule(1, "include", schema, table);
  r["filters"] = std::move(filters);
  return r;
}

TEST(SourceFilters, ConditionsOrWithinAFilterAndFiltersAnd) {
  std::ifstream in(std::string(SWITCHYARD_SOURCE_DIR) +
                   "/tests/data/dms/table-mappings-selection.json");
  std::stringstream buf;
  buf << in.rdbuf();
  std::vector<std::string> warnings;
  auto m = TableMappings::Parse(json::parse(buf.str()), "TableMappings", &warnings);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_TRUE(warnings.empty());
  auto table = MakeTable("Test", "Customers", {"AgencyID", "CreatedAt"});
  auto r =
      m->Apply({table, MakeTable("Test", "DMSLog", {"id"}), MakeTable("Test", "Orders", {"id"})},
               catalog::Engine::kPostgres, &warnings);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].source_table, "Orders");  // load-order 10
  EXPECT_EQ((*r)[1].filter_sql,
            "(\"AgencyID\" = '1' OR \"AgencyID\" BETWEEN '100' AND '199') AND "
            "(\"CreatedAt\" >= '2020-01-01')");
  r = m->Apply({table}, catalog::Engine::kMySql, &warnings);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].filter_sql,
            "(`AgencyID` = '1' OR `AgencyID` BETWEEN '100' AND '199') AND "
            "(`CreatedAt` >= '2020-01-01')");
}

TEST(SourceFilters, EveryOperatorAndOddNamesAndQuotesAreQuotedPerEngine) {
  std::vector<SourceFilter> filters = {
      {"we\"ird`col",
       {{FilterCondition::Operator::kEq, "it's", "", ""},
        {FilterCondition::Operator::kLte, "a\\b", "", ""},
        {FilterCondition::Operator::kGte, "5", "", ""}}},
      {"n", {{FilterCondition::Operator::kNotBetween, "", "1", "9"}}},
      {"x", {{FilterCondition::Operator::kNull, "", "", ""}}},
      {"y", {{FilterCondition::Operator::kNotNull, "", "", ""}}},
      {"z", {{FilterCondition::Operator::kNotEq, "o'k", "", ""}}},
  };
  EXPECT_EQ(FiltersToSql(filters, catalog::Engine::kPostgres),
            "(\"we\"\"ird`col\" = 'it''s' OR \"we\"\"ird`col\" <= 'a\\b' OR "
            "\"we\"\"ird`col\" >= '5') AND (\"n\" NOT BETWEEN '1' AND '9') AND "
            "(\"x\" IS NULL) AND (\"y\" IS NOT NULL) AND (\"z\" <> 'o''k')");
  EXPECT_EQ(FiltersToSql(filters, catalog::Engine::kMySql),
            "(`we\"ird``col` = 'it\\'s' OR `we\"ird``col` <= 'a\\\\b' OR "
            "`we\"ird``col` >= '5') AND (`n` NOT BETWEEN '1' AND '9') AND "
            "(`x` IS NULL) AND (`y` IS NOT NULL) AND (`z` <> 'o\\'k')");
}

TEST(SourceFilters, SteIsAnAliasOfLteAndNumbersAreAccepted) {
  auto m = MustParse(
      {FilterRule("app", "t", json::parse(R"([{"filter-type": "source", "column-name": "id",
                       "filter-conditions": [{"filter-operator": "ste", "value": 100}]}])"))});
  std::vector<std::string> warnings;
  auto r = m.Apply({MakeTable("app", "t", {"id"})}, catalog::Engine::kPostgres, &warnings);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].filter_sql, "(\"id\" <= '100')");
}

TEST(SourceFilters, BadFiltersAreRejected) {
  EXPECT_EQ(ParseError({FilterRule("app", "t", json::parse(R"([{"filter-type": "source",
      "column-name": "id", "filter-conditions": [{"filter-operator": "in", "value": "1"}]}])"))}),
            "TableMappings.rules[0].filters[0].filter-conditions[0].filter-operator: \"in\" is not "
            "one of lte, ste, gte, eq, noteq, between, notbetween, null, notnull");
  EXPECT_EQ(ParseError({FilterRule("app", "t", json::parse(R"([{"filter-type": "source",
      "column-name": "id", "filter-conditions": [{"filter-operator": "between",
      "start-value": "1"}]}])"))}),
            "TableMappings.rules[0].filters[0].filter-conditions[0].end-value: missing (expected "
            "a string or number)");
  EXPECT_EQ(ParseError({FilterRule("app", "t", json::parse(R"([{"filter-type": "source",
      "column-name": "id", "filter-conditions": [{"filter-operator": "noteq", "value": "1"},
      {"filter-operator": "eq", "value": "2"}]}])"))}),
            "TableMappings.rules[0].filters[0].filter-conditions[0].filter-operator: \"noteq\" "
            "must be the only condition of its filter (DMS allows noteq, notbetween and notnull "
            "only alone)");
  EXPECT_EQ(ParseError({FilterRule("app", "%", json::parse(R"([{"filter-type": "source",
      "column-name": "id", "filter-conditions": [{"filter-operator": "eq", "value": "1"}]}])"))}),
            "TableMappings.rules[0].filters: filters need an exact schema-name and table-name "
            "(no %)");
  json exclude = FilterRule("app", "t", json::parse(R"([{"filter-type": "source",
      "column-name": "id", "filter-conditions": [{"filter-operator": "eq", "value": "1"}]}])"));
  exclude["rule-action"] = "exclude";
  EXPECT_EQ(ParseError({exclude}),
            "TableMappings.rules[0].filters: filters are only allowed in include and explicit "
            "rules");
}

TEST(SourceFilters, FilterOnAMissingColumnIsAnApplyError) {
  auto m = MustParse({FilterRule("app", "t", json::parse(R"([{"filter-type": "source",
      "column-name": "nope", "filter-conditions": [{"filter-operator": "null"}]}])"))});
  std::vector<std::string> warnings;
  auto r = m.Apply({MakeTable("app", "t", {"id"})}, catalog::Engine::kMySql, &warnings);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "TableMappings.rules[0].filters[0].column-name: \"nope\" is not a column of app.t");
}

TEST(RuleParsing, UnknownRuleTypeAndActionUseTheMessageShape) {
  json r = Rule(1, "include", "a", "b");
  r["rule-type"] = "selektion";
  EXPECT_EQ(ParseError({r}),
            "TableMappings.rules[0].rule-type: \"selektion\" is not one of selection, "
            "transformation, table-settings, validation");
  EXPECT_EQ(ParseError({Rule(1, "inclde", "a", "b")}),
            "TableMappings.rules[0].rule-action: \"inclde\" is not one of include, exclude, "
            "explicit");
  json t = {{"rule-type", "transformation"},
            {"rule-id", "2"},
            {"rule-name", "2"},
            {"rule-target", "table"},
            {"rule-action", "renam"},
            {"object-locator", {{"schema-name", "a"}, {"table-name", "b"}}}};
  EXPECT_EQ(ParseError({Rule(1, "include", "a", "b"), t}),
            "TableMappings.rules[1].rule-action: \"renam\" is not one of rename, remove-column, "
            "convert-lowercase, convert-uppercase, add-prefix, remove-prefix, replace-prefix, "
            "add-suffix, remove-suffix, replace-suffix, define-primary-key, change-data-type, "
            "add-column, include-column, add-before-image-columns, data-masking-digits-mask, "
            "data-masking-digits-randomize, data-masking-hash-mask");
}

TEST(RuleParsing, RuleIdsAndNamesMayBeNumbersButMustBeUnique) {
  json a = Rule(1, "include", "a", "%");
  a["rule-id"] = 1;
  a["rule-name"] = 1;
  MustParse({a});
  json b = Rule(1, "include", "b", "%");
  b["rule-name"] = "other";
  EXPECT_EQ(ParseError({Rule(1, "include", "a", "%"), b}),
            "TableMappings.rules[1].rule-id: \"1\" is already used by TableMappings.rules[0] "
            "(expected a unique rule-id)");
  json c = Rule(1, "include", "a", "%");
  c["rule-id"] = "one";
  EXPECT_EQ(ParseError({c}), "TableMappings.rules[0].rule-id: \"one\" is not an integer >= 0");
}

TEST(RuleParsing, MissingPiecesAreNamed) {
  json r = Rule(1, "include", "a", "b");
  r["object-locator"].erase("table-name");
  EXPECT_EQ(ParseError({r}),
            "TableMappings.rules[0].object-locator.table-name: missing (expected a table name or "
            "pattern)");
  std::vector<std::string> warnings;
  auto bad = TableMappings::Parse(json::object(), "TableMappings", &warnings);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "TableMappings.rules: missing (expected an array of rules)");
}

TEST(RuleParsing, UnknownKeysAndUnimplementedRulesWarnOnceEach) {
  json r = Rule(1, "include", "a", "%");
  r["colour"] = "red";
  r["object-locator"]["table-type"] = "view";
  json masking = {
      {"rule-type", "transformation"},
      {"rule-id", "2"},
      {"rule-name", "2"},
      {"rule-target", "column"},
      {"rule-action", "data-masking-hash-mask"},
      {"object-locator", {{"schema-name", "a"}, {"table-name", "b"}, {"column-name", "c"}}}};
  json validation = {{"rule-type", "validation"}, {"rule-id", "3"}, {"rule-name", "3"}};
  std::vector<std::string> warnings;
  MustParse({r, masking, validation}, &warnings);
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_EQ(warnings[0],
            "TableMappings.rules[0].object-locator.table-type: views are not "
            "implemented yet; this rule selects tables only");
  EXPECT_EQ(warnings[1], "TableMappings.rules[0].colour: unknown key, ignored");
  EXPECT_EQ(warnings[2],
            "TableMappings.rules[1].rule-action: \"data-masking-hash-mask\" not "
            "implemented yet, rule ignored");
  EXPECT_EQ(warnings[3],
            "TableMappings.rules[2].rule-type: \"validation\" not implemented yet, "
            "rule ignored");
}

}  // namespace
}  // namespace switchyard::config
