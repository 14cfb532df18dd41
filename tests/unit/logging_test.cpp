#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/logging/iso_time.h"
#include "engine/logging/log.h"
#include "engine/logging/log_component.h"
#include "engine/logging/logger.h"
#include "engine/logging/redact.h"

namespace switchyard::logging {
namespace {

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sy_log_XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Options for a logger writing under `state_dir` ("" = ring only), adjusted by `adjust`.
template <typename Adjust = void (*)(LoggerOptions&)>
LoggerOptions Options(
    const std::string& state_dir, Adjust adjust = [](LoggerOptions&) {}) {
  LoggerOptions options;
  options.state_dir = state_dir;
  adjust(options);
  return options;
}

std::unique_ptr<Logger> OpenOrDie(LoggerOptions options) {
  auto logger = Logger::Open(std::move(options));
  EXPECT_TRUE(logger.ok()) << logger.status().ToString();
  return logger.ok() ? std::move(logger).value() : nullptr;
}

TEST(Logger, JsonLinesParseBackWithTheRightFields) {
  TempDir tmp;
  auto logger =
      OpenOrDie(Options(tmp.path(), [](LoggerOptions& o) { o.task_id = "orders-migration"; }));
  ASSERT_NE(logger, nullptr);
  EXPECT_EQ(logger->file_path(), tmp.path() + "/logs/switchyard.log");
  logger->Log(Severity::kInfo, Component::kTargetLoad, "loaded 500 rows",
              {{"table", "public.orders"}, {"rows", 500}, {"message", "collides"}});
  logger->Log(Severity::kWarning, Component::kSourceUnload, "slow read \xff bytes");
  logger->Log(Severity::kError, Component::kTaskManager, "it failed");

  const auto lines = ReadLines(logger->file_path());
  ASSERT_EQ(lines.size(), 3u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_TRUE(ParseIsoUtc(first["time"].get<std::string>()).has_value()) << first["time"];
  EXPECT_EQ(first["time"].get<std::string>().size(), 24u);  // 2024-05-01T12:34:56.789Z
  EXPECT_EQ(first["severity"], "I");
  EXPECT_EQ(first["component"], "TARGET_LOAD");
  EXPECT_EQ(first["task"], "orders-migration");
  EXPECT_TRUE(first["thread"].is_number_unsigned());
  EXPECT_GT(first["thread"].get<uint64_t>(), 0u);
  EXPECT_EQ(first["message"], "loaded 500 rows");
  EXPECT_EQ(first["table"], "public.orders");
  EXPECT_EQ(first["rows"], 500);
  EXPECT_EQ(first["field.message"], "collides");
  // Invalid UTF-8 in a message does not lose the line.
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["severity"], "W");
  EXPECT_EQ(second["component"], "SOURCE_UNLOAD");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["severity"], "E");
}

TEST(Logger, FullSeverityNamesCanBeWrittenInstead) {
  TempDir tmp;
  auto logger =
      OpenOrDie(Options(tmp.path(), [](LoggerOptions& o) { o.full_severity_names = true; }));
  logger->Log(Severity::kWarning, Component::kIo, "disk slow");
  const auto lines = ReadLines(logger->file_path());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["severity"], "LOGGER_SEVERITY_WARNING");
}

TEST(Logger, AppendsToAnExistingLogFile) {
  TempDir tmp;
  {
    auto logger = OpenOrDie(Options(tmp.path()));
    logger->Log(Severity::kInfo, Component::kCommon, "first run");
  }
  auto logger = OpenOrDie(Options(tmp.path()));
  logger->Log(Severity::kInfo, Component::kCommon, "second run");
  EXPECT_EQ(ReadLines(logger->file_path()).size(), 2u);
}

TEST(Logger, EachComponentHasItsOwnMinimumSeverity) {
  auto logger = OpenOrDie(Options(""));  // ring only
  EXPECT_TRUE(logger->ShouldLog(Severity::kInfo, Component::kTargetLoad));
  EXPECT_FALSE(logger->ShouldLog(Severity::kDebug, Component::kTargetLoad));

  logger->SetComponentSeverity(Component::kTargetLoad, Severity::kDebug);
  logger->SetComponentSeverity(Component::kSourceUnload, Severity::kError);
  logger->Log(Severity::kDebug, Component::kTargetLoad, "kept: debug on TARGET_LOAD");
  logger->Log(Severity::kDetailedDebug, Component::kTargetLoad, "dropped: detailed");
  logger->Log(Severity::kDebug, Component::kSorter, "dropped: SORTER is at default");
  logger->Log(Severity::kWarning, Component::kSourceUnload, "dropped: SOURCE_UNLOAD errors only");
  logger->Log(Severity::kError, Component::kSourceUnload, "kept: error");
  const auto entries = logger->Recent(10);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].message, "kept: debug on TARGET_LOAD");
  EXPECT_EQ(entries[1].message, "kept: error");
}

TEST(Logger, AppliesDmsLogComponentsAndRejectsUnknownIdsWithoutChangingAnything) {
  auto logger = OpenOrDie(Options(""));
  auto settings = nlohmann::json::parse(R"([
    {"Id": "TARGET_APPLY", "Severity": "LOGGER_SEVERITY_DETAILED_DEBUG"},
    {"Id": "SOURCE_CAPTURE", "Severity": "LOGGER_SEVERITY_WARNING"},
    {"Id": "SORTER", "Severity": "LOGGER_SEVERITY_DEFAULT"}])");
  ASSERT_TRUE(logger->ApplyLogComponents(settings).ok());
  EXPECT_EQ(logger->ComponentSeverity(Component::kTargetApply), Severity::kDetailedDebug);
  EXPECT_EQ(logger->ComponentSeverity(Component::kSourceCapture), Severity::kWarning);
  EXPECT_EQ(logger->ComponentSeverity(Component::kSorter), Severity::kInfo);
  EXPECT_FALSE(logger->ShouldLog(Severity::kInfo, Component::kSourceCapture));

  auto bad = nlohmann::json::parse(R"([
    {"Id": "TARGET_APPLY", "Severity": "LOGGER_SEVERITY_ERROR"},
    {"Id": "NOT_A_COMPONENT", "Severity": "LOGGER_SEVERITY_DEBUG"}])");
  Status status = logger->ApplyLogComponents(bad);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("NOT_A_COMPONENT"), std::string::npos);
  EXPECT_EQ(logger->ComponentSeverity(Component::kTargetApply), Severity::kDetailedDebug);
}

TEST(Logger, RotationAtTheSizeLimitKeepsNFiles) {
  TempDir tmp;
  constexpr uint64_t kMaxBytes = 2000;
  auto logger = OpenOrDie(Options(tmp.path(), [](LoggerOptions& o) {
    o.max_file_bytes = kMaxBytes;
    o.max_files = 3;
  }));
  for (int i = 0; i < 300; ++i) {
    logger->Log(Severity::kInfo, Component::kTargetLoad, "line " + std::to_string(i));
  }
  const std::string base = logger->file_path();
  ASSERT_TRUE(std::filesystem::exists(base));
  ASSERT_TRUE(std::filesystem::exists(base + ".1"));
  ASSERT_TRUE(std::filesystem::exists(base + ".2"));
  EXPECT_FALSE(std::filesystem::exists(base + ".3"));
  int previous_last = -1;
  for (const std::string& path : {base + ".2", base + ".1", base}) {
    EXPECT_LE(std::filesystem::file_size(path), kMaxBytes) << path;
    const auto lines = ReadLines(path);
    ASSERT_FALSE(lines.empty()) << path;
    // Oldest file first, and lines continue from one file to the next.
    const int first =
        std::stoi(nlohmann::json::parse(lines.front())["message"].get<std::string>().substr(5));
    if (previous_last >= 0) {
      EXPECT_EQ(first, previous_last + 1) << path;
    }
    previous_last =
        std::stoi(nlohmann::json::parse(lines.back())["message"].get<std::string>().substr(5));
  }
  EXPECT_EQ(previous_last, 299);
  EXPECT_EQ(logger->write_errors(), 0u);
}

TEST(Logger, ASingleFileLimitTruncatesInsteadOfRotating) {
  TempDir tmp;
  auto logger = OpenOrDie(Options(tmp.path(), [](LoggerOptions& o) {
    o.max_file_bytes = 500;
    o.max_files = 1;
  }));
  for (int i = 0; i < 50; ++i) logger->Log(Severity::kInfo, Component::kIo, "x");
  EXPECT_LE(std::filesystem::file_size(logger->file_path()), 500u);
  EXPECT_FALSE(std::filesystem::exists(logger->file_path() + ".1"));
}

TEST(RedactSecrets, MasksEveryKnownSecretForm) {
  const std::map<std::string, std::string> cases = {
      {"host=db user=app password=hunter2 dbname=x", "host=db user=app password=*** dbname=x"},
      {"PASSWORD='hunter 2'", "PASSWORD=***"},
      {"pwd=hunter2;server=db", "pwd=***;server=db"},
      {"PGPASSWORD=hunter2 psql", "PGPASSWORD=*** psql"},
      {"--password=hunter2", "--password=***"},
      {R"({"Password": "hunter2", "user": "app"})", R"({"Password": ***, "user": "app"})"},
      {"db_password: hunter2", "db_password: ***"},
      {"api_key=abc123&x=1", "api_key=***&x=1"},
      {"CREATE ROLE app LOGIN PASSWORD 'hun''ter2'", "CREATE ROLE app LOGIN PASSWORD '***'"},
      {"ALTER USER app WITH ENCRYPTED PASSWORD 'hunter2';",
       "ALTER USER app WITH ENCRYPTED PASSWORD '***';"},
      {"CREATE USER 'app'@'%' IDENTIFIED BY 'hunter2'",
       "CREATE USER 'app'@'%' IDENTIFIED BY '***'"},
      {"create user app identified with mysql_native_password by 'hunter2'",
       "create user app identified with mysql_native_password by '***'"},
      {"IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9'",
       "IDENTIFIED BY PASSWORD '***'"},
      {"connect postgresql://app:hunter2@db.example:5432/app failed",
       "connect postgresql://app:***@db.example:5432/app failed"},
      {"mysql://root:p%40ss@127.0.0.1/", "mysql://root:***@127.0.0.1/"},
  };
  for (const auto& [input, expected] : cases) {
    const std::string out = RedactSecrets(input);
    EXPECT_EQ(out, expected) << input;
    EXPECT_EQ(out.find("hunter"), std::string::npos) << out;
  }
}

TEST(RedactSecrets, LeavesOrdinaryTextAlone) {
  for (const char* text :
       {"loaded 500 rows into public.orders", "password authentication failed for user \"app\"",
        "see https://example.com/docs", "postgresql://db.example:5432/app"}) {
    EXPECT_EQ(RedactSecrets(text), text);
  }
}

TEST(RedactSecrets, DropSecretKeysRemovesSecretLookingMembersRecursively) {
  nlohmann::json value = {{"user", "app"},
                          {"Password", "x"},
                          {"nested", {{"client_secret", "y"}, {"n", 1}}},
                          {"list", {{{"Token", "z"}}, 3}}};
  EXPECT_EQ(DropSecretKeys(value), 3);
  EXPECT_EQ(value,
            (nlohmann::json{
                {"user", "app"}, {"nested", {{"n", 1}}}, {"list", {nlohmann::json::object(), 3}}}));
  EXPECT_TRUE(LooksLikeSecretKey("API_KEY"));
  EXPECT_TRUE(LooksLikeSecretKey("passwd"));
  EXPECT_FALSE(LooksLikeSecretKey("username"));
}

TEST(Logger, RedactsMessagesAndFieldsBeforeWriting) {
  TempDir tmp;
  auto logger = OpenOrDie(Options(tmp.path()));
  logger->Log(Severity::kError, Component::kCommunication,
              "cannot connect: host=db password=hunter2",
              {{"uri", "mysql://root:hunter2@db/"}, {"password", "hunter2"}, {"port", 3306}});
  const auto lines = ReadLines(logger->file_path());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find("hunter2"), std::string::npos) << lines[0];
  const auto line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["message"], "cannot connect: host=db password=***");
  EXPECT_EQ(line["uri"], "mysql://root:***@db/");
  EXPECT_FALSE(line.contains("password"));
  EXPECT_EQ(line["port"], 3306);
  EXPECT_EQ(logger->Recent(1)[0].message.find("hunter2"), std::string::npos);
}

TEST(Logger, LinesFromManyThreadsStayWhole) {
  TempDir tmp;
  auto logger =
      OpenOrDie(Options(tmp.path(), [](LoggerOptions& o) { o.max_file_bytes = 1ull << 30; }));
  constexpr int kThreads = 8;
  constexpr int kLines = 400;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLines; ++i) {
        // Some long lines, so a torn write would show.
        const std::string padding(i % 7 == 0 ? 5000 : 10, static_cast<char>('a' + t));
        logger->Log(Severity::kInfo, Component::kTargetLoad, padding, {{"t", t}, {"i", i}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = ReadLines(logger->file_path());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const auto& text : lines) {
    const auto line = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(line.is_discarded()) << text.substr(0, 200);
    const int t = line["t"];
    const int i = line["i"];
    EXPECT_EQ(i, next[t]) << "thread " << t << " lines out of order";
    next[t] = i + 1;
    const std::string& message = line["message"].get_ref<const std::string&>();
    EXPECT_EQ(message, std::string(message.size(), static_cast<char>('a' + t)));
  }
}

TEST(Logger, RingKeepsTheLastEntriesForTheLogsView) {
  auto logger = OpenOrDie(Options("", [](LoggerOptions& o) { o.ring_capacity = 5; }));
  for (int i = 0; i < 8; ++i) {
    logger->Log(Severity::kInfo, Component::kCommon, "entry " + std::to_string(i));
  }
  auto recent = logger->Recent(100);
  ASSERT_EQ(recent.size(), 5u);
  EXPECT_EQ(recent.front().message, "entry 3");
  EXPECT_EQ(recent.back().message, "entry 7");
  EXPECT_EQ(recent.back().seq, 8u);
  auto last_two = logger->Recent(2);
  ASSERT_EQ(last_two.size(), 2u);
  EXPECT_EQ(last_two[0].message, "entry 6");
  auto since = logger->Since(6, 100);
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0].seq, 7u);
  EXPECT_TRUE(logger->Since(8, 100).empty());
}

TEST(Logger, StderrMirrorIsHumanReadableAndCanBeTurnedOff) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto logger = OpenOrDie(Options("", [&](LoggerOptions& o) {
    o.mirror_to_stderr = true;
    o.mirror_fd = fds[1];
  }));
  logger->Log(Severity::kWarning, Component::kTargetApply, "apply slow", {{"table", "t1"}});
  logger->SetMirrorToStderr(false);  // the console takes the terminal
  logger->Log(Severity::kWarning, Component::kTargetApply, "not mirrored");
  ::close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof(buf))) > 0;) out.append(buf, n);
  ::close(fds[0]);
  EXPECT_NE(out.find(" W TARGET_APPLY: apply slow table=t1\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("not mirrored"), std::string::npos);
  EXPECT_EQ(logger->Recent(10).size(), 2u);
}

TEST(Log, MacroGoesThroughTheInstalledLoggerAndSkipsFilteredWork) {
  std::shared_ptr<Logger> logger = OpenOrDie(Options(""));
  InstallLogger(logger);
  const int rows = 500;
  SY_LOG(
      kInfo, Component::kTargetLoad,
      "loaded " << rows << " rows" << SY_FIELD("table", "public.orders") << SY_FIELD("rows", rows));
  int evaluated = 0;
  auto expensive = [&] {
    ++evaluated;
    return "x";
  };
  SY_LOG(kDebug, Component::kTargetLoad, "debug " << expensive());
  InstallLogger(nullptr);

  EXPECT_EQ(evaluated, 0) << "a filtered entry's message was built";
  const auto entries = logger->Recent(10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].message, "loaded 500 rows");
  EXPECT_EQ(entries[0].component, Component::kTargetLoad);
  EXPECT_EQ(entries[0].severity, Severity::kInfo);
  EXPECT_EQ(entries[0].fields["table"], "public.orders");
  EXPECT_EQ(entries[0].fields["rows"], 500);
  EXPECT_EQ(InstalledLogger(), nullptr);
  // Without a logger: INFO and above would go to stderr; DEBUG is filtered.
  EXPECT_TRUE(ShouldLog(Severity::kInfo, Component::kCommon));
  EXPECT_FALSE(ShouldLog(Severity::kDebug, Component::kCommon));
}

TEST(LogComponent, NamesAreTheDmsIdsAndParseBack) {
  for (size_t i = 0; i < kComponentCount; ++i) {
    const auto component = static_cast<Component>(i);
    EXPECT_EQ(*ParseComponent(ComponentName(component)), component);
  }
  EXPECT_STREQ(ComponentName(Component::kTargetLoad), "TARGET_LOAD");
  EXPECT_STREQ(ComponentName(Component::kMetadataManager), "METADATA_MANAGER");
  EXPECT_EQ(*ParseSeverity("LOGGER_SEVERITY_DEFAULT"), Severity::kDefault);
  EXPECT_EQ(*ParseSeverity("debug"), Severity::kDebug);
  EXPECT_EQ(SeverityRank(Severity::kDefault), SeverityRank(Severity::kInfo));
  EXPECT_STREQ(SeverityLetter(Severity::kDetailedDebug), "T");
  EXPECT_FALSE(ParseSeverity("LOUD").ok());
  EXPECT_FALSE(ParseComponent("DISK").ok());
}

TEST(IsoTime, FormatsUtcWithMillisecondsAndParsesBack) {
  const auto time = *ParseIsoUtc("2024-02-29T23:59:58.123Z");
  EXPECT_EQ(FormatIsoUtc(time), "2024-02-29T23:59:58.123Z");
  EXPECT_EQ(FormatIsoUtc(*ParseIsoUtc("2024-01-01T00:00:00")), "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoUtc(*ParseIsoUtc("2024-01-01T00:00:00.123456789Z")),
            "2024-01-01T00:00:00.123Z");
  EXPECT_EQ(FormatIsoUtc(TimePoint{}), "1970-01-01T00:00:00.000Z");
  EXPECT_FALSE(ParseIsoUtc("2024-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(ParseIsoUtc("yesterday").has_value());
  EXPECT_FALSE(ParseIsoUtc("2024-01-01T00:00:00+02:00").has_value());
}

}  // namespace
}  // namespace switchyard::logging
