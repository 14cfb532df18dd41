// OrderFreeTables reads from the target's catalog whether a table could tell the order of the
// changes inside one target transaction: triggers, foreign keys (either end), unique keys
// besides the primary key, not a table, not there; a keyless table is order-free.
#include <gtest/gtest.h>

#include "engine/pipeline/cdc/order_free_tables.h"
#include "tests/integration/cdc_applier_fixture.h"

namespace switchyard::testing {
namespace {

using namespace cdc_applier;  // NOLINT: the shared fixture

class CdcOrderFreeTables : public CdcApplierFixture {
 protected:
  size_t Plain(const std::string& name) {
    return AddTable(name, {Col("id", "integer", "int", false), Col("v", "text", "longtext")},
                    {"id"});
  }
  std::string Q(const std::string& name) const {
    return catalog::QuoteQualified(engine(), schema_, name);
  }
  std::string Reason(size_t table) {
    OrderFreeTables check(session_.get());
    auto r = check.ReasonNotOrderFree(plans_[table].target);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : "(error)";
  }
};

TEST_P(CdcOrderFreeTables, TheCatalogSaysWhatCouldSeeTheOrder) {
  Open("order_free_check");
  const size_t plain = Plain("plain");
  const size_t triggered = Plain("triggered");
  const size_t parent = Plain("parent");
  const size_t child = Plain("child");
  const size_t unique = Plain("uniq");
  const size_t keyless = AddTable("keyless", {Col("a", "integer", "int")}, {});
  const size_t missing = Plain("missing");
  const size_t view = Plain("a_view");
  Exec("DROP TABLE " + Q("missing"));
  Exec("DROP TABLE " + Q("a_view"));
  Exec("CREATE VIEW " + Q("a_view") + " AS SELECT * FROM " + Q("plain"));
  if (pg()) {
    Exec(
        "CREATE FUNCTION app.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW;"
        " END $$");
    Exec("CREATE TRIGGER t BEFORE UPDATE ON " + Q("triggered") +
         " FOR EACH ROW EXECUTE FUNCTION app.noop()");
  } else {
    Exec("CREATE TRIGGER t BEFORE UPDATE ON " + Q("triggered") + " FOR EACH ROW SET NEW.v = NEW.v");
  }
  Exec("ALTER TABLE " + Q("child") + " ADD CONSTRAINT child_parent FOREIGN KEY (id) REFERENCES " +
       Q("parent") + " (id)");
  Exec("CREATE UNIQUE INDEX uniq_v ON " + Q("uniq") + (pg() ? " (v)" : " (v(10))"));

  EXPECT_EQ(Reason(plain), "");
  EXPECT_EQ(Reason(triggered), "it has triggers");
  EXPECT_EQ(Reason(parent), "foreign keys refer to or from it");
  EXPECT_EQ(Reason(child), "foreign keys refer to or from it");
  EXPECT_EQ(Reason(unique), "it has unique keys besides the primary key");
  EXPECT_EQ(Reason(keyless), "") << "its changes stay in order";
  EXPECT_EQ(Reason(missing), "not found on the target");
  EXPECT_EQ(Reason(view), "not a plain table");

  OrderFreeTables check(session_.get());
  auto all = check.AllOrderFree(plans_, {plain});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(*all);
  all = check.AllOrderFree(plans_, {plain, unique});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_FALSE(*all);
}

INSTANTIATE_TEST_SUITE_P(Targets, CdcOrderFreeTables,
                         ::testing::Values(ApplierCase(Engine::kPostgres),
                                           ApplierCase(Engine::kMySql)),
                         EngineName);

}  // namespace
}  // namespace switchyard::testing
