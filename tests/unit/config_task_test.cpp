// The task file: endpoints, passwords, file:// references, error shapes and warnings.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "engine/config/task_config.h"

namespace switchyard::config {
namespace {

using nlohmann::json;

const std::string kDataDir = std::string(SWITCHYARD_SOURCE_DIR) + "/tests/data";

json MinimalTask() {
  return json::parse(R"({
    "ReplicationTaskIdentifier": "orders-to-pg",
    "MigrationType": "full-load",
    "SourceEndpoint": {"EngineName": "mysql", "ServerName": "db1", "Username": "u"},
    "TargetEndpoint": {"EngineName": "postgres", "ServerName": "db2", "DatabaseName": "app",
                       "Username": "v"},
    "TableMappings": {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "1",
      "object-locator": {"schema-name": "app", "table-name": "%"}, "rule-action": "include"}]}
  })");
}

Result<TaskConfig> Parse(const json& doc, const std::string& base_dir = "") {
  return ParseTaskJson(doc.dump(), base_dir);
}

std::string ErrorOf(const json& doc) {
  auto r = Parse(doc);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

int CountContaining(const std::vector<std::string>& v, const std::string& needle) {
  int n = 0;
  for (const auto& s : v) n += s.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

TEST(TaskConfig, MinimalTaskParsesWithDefaultsAndNoWarnings) {
  auto r = Parse(MinimalTask());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->identifier, "orders-to-pg");
  EXPECT_EQ(r->migration_type, MigrationType::kFullLoad);
  EXPECT_EQ(r->source.engine, catalog::Engine::kMySql);
  EXPECT_EQ(r->source.port, 3306);
  EXPECT_EQ(r->target.port, 5432);
  EXPECT_TRUE(r->source.database_name.empty());
  EXPECT_TRUE(r->source.password.empty());
  EXPECT_EQ(r->source.password_source, "");
  EXPECT_EQ(r->settings.full_load.target_table_prep_mode, TargetTablePrepMode::kDropAndCreate);
  EXPECT_EQ(r->settings.full_load.max_full_load_sub_tasks, 8);
  EXPECT_EQ(r->settings.full_load.commit_rate, 10000);
  EXPECT_EQ(r->settings.error_behavior.data_error_policy, DataErrorPolicy::kLogError);
  EXPECT_EQ(r->settings.error_behavior.table_error_policy, TableErrorPolicy::kSuspendTable);
  EXPECT_EQ(r->switchyard.secondary_objects, SwitchyardSettings::SecondaryObjects::kAfterFullLoad);
  EXPECT_EQ(r->switchyard.auto_split_row_threshold, 5000000);
  EXPECT_TRUE(r->warnings.empty()) << r->warnings[0];
  EXPECT_TRUE(r->table_mappings.SelectsTable("app", "orders"));
}

TEST(TaskConfig, EngineAliasesMapToTheTwoFamilies) {
  for (auto [name, engine] :
       {std::pair<const char*, catalog::Engine>{"mariadb", catalog::Engine::kMySql},
        {"aurora", catalog::Engine::kMySql},
        {"postgresql", catalog::Engine::kPostgres},
        {"aurora-postgresql", catalog::Engine::kPostgres}}) {
    json doc = MinimalTask();
    doc["SourceEndpoint"]["EngineName"] = name;
    doc["SourceEndpoint"]["DatabaseName"] = "app";
    auto r = Parse(doc);
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().message();
    EXPECT_EQ(r->source.engine, engine) << name;
    EXPECT_EQ(r->source.engine_name, name);
  }
}

TEST(TaskConfig, ToConnectionParamsCarriesEveryField) {
  json doc = MinimalTask();
  doc["TargetEndpoint"]["Port"] = 6543;
  doc["TargetEndpoint"]["SslMode"] = "verify-ca";
  doc["TargetEndpoint"]["SslRootCert"] = "ca.pem";
  auto r = Parse(doc, "/etc/sy");
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto p = r->target.ToConnectionParams();
  EXPECT_EQ(p.engine, catalog::Engine::kPostgres);
  EXPECT_EQ(p.host, "db2");
  EXPECT_EQ(p.port, 6543);
  EXPECT_EQ(p.database, "app");
  EXPECT_EQ(p.user, "v");
  EXPECT_EQ(p.ssl_mode, endpoints::SslMode::kVerifyCa);
  EXPECT_EQ(p.ssl_root_cert, "/etc/sy/ca.pem");
}

TEST(TaskConfigErrors, InvalidJsonNamesTheSourceAndLineAndColumn) {
  auto r = ParseTaskJson("{\n  \"ReplicationTaskIdentifier\": \"x\",\n  oops\n}", "");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("task file: invalid JSON"), std::string::npos);
  EXPECT_NE(r.status().message().find("line 3, column"), std::string::npos) << r.status().message();
}

TEST(TaskConfigErrors, InvalidJsonInAFileNamesTheFile) {
  const std::string path = ::testing::TempDir() + "/bad_task.json";
  std::ofstream(path) << "{\"a\": [1, 2,]}";
  auto r = LoadTaskFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind(path + ": invalid JSON: parse error at line 1", 0), 0u)
      << r.status().message();
}

TEST(TaskConfigErrors, MissingRequiredKeysSayWhatWasExpected) {
  json doc = MinimalTask();
  doc["TargetEndpoint"].erase("ServerName");
  EXPECT_EQ(ErrorOf(doc), "TargetEndpoint.ServerName: missing (expected a host name)");

  doc = MinimalTask();
  doc.erase("MigrationType");
  EXPECT_EQ(ErrorOf(doc),
            "MigrationType: missing (expected one of full-load, cdc, full-load-and-cdc)");

  doc = MinimalTask();
  doc.erase("SourceEndpoint");
  EXPECT_EQ(ErrorOf(doc), "SourceEndpoint: missing (expected an endpoint object)");

  doc = MinimalTask();
  doc["TargetEndpoint"].erase("DatabaseName");
  EXPECT_EQ(ErrorOf(doc), "TargetEndpoint.DatabaseName: missing (expected a database name)");

  doc = MinimalTask();
  doc.erase("TableMappings");
  EXPECT_EQ(ErrorOf(doc).rfind("TableMappings: missing (expected", 0), 0u);
}

TEST(TaskConfigErrors, BadPortIsNamedWithTheValueAndTheRange) {
  json doc = MinimalTask();
  doc["SourceEndpoint"]["Port"] = "abc";
  EXPECT_EQ(ErrorOf(doc), "SourceEndpoint.Port: \"abc\" is not an integer between 1 and 65535");
  doc["SourceEndpoint"]["Port"] = 70000;
  EXPECT_EQ(ErrorOf(doc), "SourceEndpoint.Port: 70000 is not an integer between 1 and 65535");
  doc["SourceEndpoint"]["Port"] = 3306.5;
  EXPECT_EQ(ErrorOf(doc), "SourceEndpoint.Port: 3306.5 is not an integer between 1 and 65535");
  doc["SourceEndpoint"]["Port"] = "3307";  // digits in a string are accepted
  auto r = Parse(doc);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source.port, 3307);
}

TEST(TaskConfigErrors, BadEnumValuesListTheAllowedOnes) {
  json doc = MinimalTask();
  doc["MigrationType"] = "full_load";
  EXPECT_EQ(ErrorOf(doc),
            "MigrationType: \"full_load\" is not one of full-load, cdc, full-load-and-cdc");
  doc = MinimalTask();
  doc["SourceEndpoint"]["EngineName"] = "oracle";
  EXPECT_EQ(ErrorOf(doc),
            "SourceEndpoint.EngineName: \"oracle\" is not one of mysql, mariadb, aurora, "
            "postgres, postgresql, aurora-postgresql");
  doc = MinimalTask();
  doc["TargetEndpoint"]["SslMode"] = "verify";
  EXPECT_EQ(ErrorOf(doc),
            "TargetEndpoint.SslMode: \"verify\" is not one of none, require, verify-ca, "
            "verify-full");
}

TEST(TaskConfigErrors, WrongTypesAreNamed) {
  json doc = MinimalTask();
  doc["SourceEndpoint"]["ServerName"] = 12;
  EXPECT_EQ(ErrorOf(doc), "SourceEndpoint.ServerName: 12 is not a host name");
  doc = MinimalTask();
  doc["TargetEndpoint"] = json::array();
  EXPECT_EQ(ErrorOf(doc), "TargetEndpoint: an array is not an object");
  doc = MinimalTask();
  doc["TableMappings"] = 5;
  EXPECT_EQ(ErrorOf(doc), "TableMappings: 5 is not an object or a \"file://path\" reference");
  EXPECT_EQ(ParseTaskJson("[1]", "").status().message(),
            "task file: an array is not a task (expected a JSON object)");
}

TEST(TaskConfigErrors, IdentifierFollowsDmsRules) {
  json doc = MinimalTask();
  doc["ReplicationTaskIdentifier"] = "orders--pg";
  EXPECT_EQ(ErrorOf(doc).rfind("ReplicationTaskIdentifier: \"orders--pg\" is not a valid task "
                               "identifier",
                               0),
            0u);
}

TEST(TaskConfigErrors, UnreadableFileReferenceNamesPathAndOsError) {
  json doc = MinimalTask();
  doc["TableMappings"] = "file://nope/mappings.json";
  EXPECT_EQ(ErrorOf(doc),
            "TableMappings: cannot read nope/mappings.json: No such file or directory");
}

TEST(TaskConfigErrors, InvalidJsonInAReferencedFileNamesThatFile) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/broken_mappings.json") << "{\"rules\": [\n}";
  json doc = MinimalTask();
  doc["TableMappings"] = "file://broken_mappings.json";
  auto r = Parse(doc, dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("broken_mappings.json: invalid JSON: parse error at line 2"),
            std::string::npos)
      << r.status().message();
}

TEST(TaskConfigPasswords, UnsetPasswordEnvIsAnError) {
  ::unsetenv("SY_TEST_UNSET_PW");
  json doc = MinimalTask();
  doc["SourceEndpoint"]["PasswordEnv"] = "SY_TEST_UNSET_PW";
  EXPECT_EQ(ErrorOf(doc),
            "SourceEndpoint.PasswordEnv: environment variable SY_TEST_UNSET_PW is not set");
}

TEST(TaskConfigPasswords, PasswordEnvIsReadAndOnlyItsNameIsRecorded) {
  ::setenv("SY_TEST_PW", "s3cr3t-env", 1);
  json doc = MinimalTask();
  doc["SourceEndpoint"]["PasswordEnv"] = "SY_TEST_PW";
  auto r = Parse(doc);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->source.password.Reveal(), "s3cr3t-env");
  EXPECT_EQ(r->source.password_source, "PasswordEnv SY_TEST_PW");
  EXPECT_EQ(r->source.ToConnectionParams().password.Reveal(), "s3cr3t-env");
}

TEST(TaskConfigPasswords, LiteralPasswordWorksWarnsOnceAndIsNeverEchoed) {
  json doc = MinimalTask();
  doc["TargetEndpoint"]["Password"] = "hunter2-literal";
  auto r = Parse(doc);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->target.password.Reveal(), "hunter2-literal");
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0].rfind("TargetEndpoint.Password: a literal password", 0), 0u);
  for (const auto& w : r->warnings) EXPECT_EQ(w.find("hunter2"), std::string::npos);

  doc["TargetEndpoint"]["Password"] = 123456789;
  std::string error = ErrorOf(doc);
  EXPECT_EQ(error, "TargetEndpoint.Password: is not a string (value not shown)");
  EXPECT_EQ(error.find("123456789"), std::string::npos);
}

TEST(TaskConfigPasswords, TwoPasswordSourcesAreAnErrorThatShowsNoValue) {
  ::setenv("SY_TEST_PW", "s3cr3t-env", 1);
  json doc = MinimalTask();
  doc["SourceEndpoint"]["PasswordEnv"] = "SY_TEST_PW";
  doc["SourceEndpoint"]["Password"] = "hunter2-literal";
  std::string error = ErrorOf(doc);
  EXPECT_EQ(error,
            "SourceEndpoint: PasswordEnv and Password are both set (expected at most one of "
            "PasswordEnv, PasswordFile, Password)");
  EXPECT_EQ(error.find("hunter2"), std::string::npos);
  EXPECT_EQ(error.find("s3cr3t"), std::string::npos);
}

TEST(TaskConfigPasswords, PasswordFileReadsTheFirstLineAndWarnsWhenOthersCanRead) {
  std::string dir = ::testing::TempDir();
  if (dir.back() == '/') dir.pop_back();
  const std::string file = dir + "/sy_pw_file";
  std::ofstream(file) << "file-secret\r\nsecond line\n";
  ::chmod(file.c_str(), 0600);
  json doc = MinimalTask();
  doc["SourceEndpoint"]["PasswordFile"] = "sy_pw_file";  // relative to the task file
  auto r = Parse(doc, dir);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->source.password.Reveal(), "file-secret");
  EXPECT_EQ(r->source.password_source, "PasswordFile " + dir + "/sy_pw_file");
  EXPECT_TRUE(r->warnings.empty());

  ::chmod(file.c_str(), 0644);
  r = Parse(doc, dir);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("readable by group or others (mode 0644)"), std::string::npos);
  EXPECT_EQ(r->warnings[0].find("file-secret"), std::string::npos);
}

TEST(TaskConfigPasswords, MissingPasswordFileNamesPathAndOsError) {
  json doc = MinimalTask();
  doc["SourceEndpoint"]["PasswordFile"] = "/nonexistent/pw";
  EXPECT_EQ(ErrorOf(doc),
            "SourceEndpoint.PasswordFile: cannot read /nonexistent/pw: No such file or directory");
}

TEST(TaskConfigWarnings, UnknownAndUnimplementedKeysWarnExactlyOnceEach) {
  json doc = MinimalTask();
  doc["Colour"] = "blue";
  doc["SourceEndpoint"]["Hostname"] = "x";
  doc["SourceEndpoint"]["ExtraConnectionAttributes"] = "a=b";
  doc["CdcStartPosition"] = "mysql-bin.000024:373";
  doc["SwitchyardSettings"] = {{"Turbo", true}};
  doc["ReplicationTaskSettings"] = json::parse(R"({
    "ChangeProcessingTuning": {"StatementCacheSize": 50, "Bogus": 1},
    "FullLoadSettings": {"CommitRate": 5000, "TransactionConsistencyTimeout": 60},
    "TTSettings": {"EnableTT": false},
    "NotADmsSection": {}
  })");
  auto r = Parse(doc);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& w = r->warnings;
  EXPECT_EQ(CountContaining(w, "Colour: unknown key, ignored"), 1);
  EXPECT_EQ(CountContaining(w, "SourceEndpoint.Hostname: unknown key, ignored"), 1);
  EXPECT_EQ(CountContaining(w, "SourceEndpoint.ExtraConnectionAttributes: not implemented yet"), 1);
  EXPECT_EQ(CountContaining(w, "CdcStartPosition: not implemented yet, ignored"), 1);
  EXPECT_EQ(CountContaining(w, "SwitchyardSettings.Turbo: unknown key, ignored"), 1);
  EXPECT_EQ(CountContaining(w,
                            "ReplicationTaskSettings.ChangeProcessingTuning.StatementCacheSize:"
                            " not implemented yet, ignored"),
            1);
  EXPECT_EQ(CountContaining(w, "ReplicationTaskSettings.ChangeProcessingTuning.Bogus: unknown key"),
            1);
  EXPECT_EQ(CountContaining(w, "FullLoadSettings.TransactionConsistencyTimeout: not implemented"),
            1);
  EXPECT_EQ(CountContaining(w, "FullLoadSettings.CommitRate"), 0);  // implemented
  EXPECT_EQ(CountContaining(w, "ReplicationTaskSettings.TTSettings: not implemented yet"), 1);
  EXPECT_EQ(CountContaining(w, "ReplicationTaskSettings.NotADmsSection: unknown key"), 1);
  EXPECT_EQ(w.size(), 10u);
  EXPECT_EQ(r->settings.full_load.commit_rate, 5000);
}

TEST(TaskConfigFiles, SampleTaskLoadsWithReferencedDmsFiles) {
  ::setenv("SY_TEST_SRC_PW", "sample-secret", 1);
  auto r = LoadTaskFile(kDataDir + "/config/task-orders.json");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->task_file, kDataDir + "/config/task-orders.json");
  EXPECT_EQ(r->migration_type, MigrationType::kFullLoadAndCdc);
  EXPECT_EQ(r->source.password.Reveal(), "sample-secret");
  EXPECT_EQ(r->target.ssl_mode, endpoints::SslMode::kVerifyFull);
  EXPECT_EQ(r->target.ssl_root_cert, kDataDir + "/config/certs/root.crt");
  EXPECT_EQ(r->switchyard.secondary_objects, SwitchyardSettings::SecondaryObjects::kDeferred);
  EXPECT_EQ(r->switchyard.auto_split_row_threshold, 1000000);
  EXPECT_EQ(r->switchyard.auto_split_segments, 8);
  EXPECT_TRUE(r->settings.validation.enable_validation);
  EXPECT_TRUE(r->table_mappings.SelectsTable("Test", "Customers"));
  EXPECT_FALSE(r->table_mappings.SelectsTable("Test", "DMSLog"));
  for (const auto& w : r->warnings) EXPECT_EQ(w.find("sample-secret"), std::string::npos);
}

TEST(TaskConfigFiles, DocumentsGivenAsJsonStringsAreAccepted) {
  // DescribeReplicationTasks returns TableMappings and settings as JSON text.
  json doc = MinimalTask();
  doc["TableMappings"] = doc["TableMappings"].dump();
  doc["ReplicationTaskSettings"] = R"({"FullLoadSettings": {"MaxFullLoadSubTasks": 4}})";
  auto r = Parse(doc);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->settings.full_load.max_full_load_sub_tasks, 4);
  EXPECT_TRUE(r->table_mappings.SelectsTable("app", "t"));
}

TEST(TaskConfig, TargetSchemaSettingMovesEveryTableUnlessASchemaRuleRenames) {
  json doc = MinimalTask();
  doc["ReplicationTaskSettings"] = {{"TargetMetadata", {{"TargetSchema", "landing"}}}};
  auto r = Parse(doc);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->warnings.empty());
  catalog::Table t;
  t.schema = "app";
  t.name = "orders";
  std::vector<std::string> warnings;
  auto mapped = r->MapTables({t}, &warnings);
  ASSERT_TRUE(mapped.ok()) << mapped.status().message();
  ASSERT_EQ(mapped->size(), 1u);
  EXPECT_EQ((*mapped)[0].target_schema, "landing");
  EXPECT_EQ((*mapped)[0].target_table, "orders");
}

}  // namespace
}  // namespace switchyard::config
