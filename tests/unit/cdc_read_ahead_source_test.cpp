// ReadAheadSource: order, handler calls on the owner's thread, holds, the queue's bound,
// feedback and shutdown, over a scripted inner source (the end-to-end behaviour runs in every
// CDC integration test, where each session reads through it).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/pipeline/cdc/read_ahead_source.h"

namespace switchyard::pipeline::cdc {
namespace {

using namespace std::chrono_literals;

// What the scripted source's Next does at one step: deliver a transaction at `position`, call
// the schema-change handler (a Relation message would), or fail.
struct Step {
  enum Kind { kTxn, kSchemaCall, kFail } kind;
  int position = 0;
};

// What the scripted source saw; shared, so that it outlives the source.
struct EventLog {
  std::mutex mu;
  std::vector<std::string> events;
};

class ScriptedSource : public ChangeSource {
 public:
  explicit ScriptedSource(std::vector<Step> script,
                          std::shared_ptr<EventLog> log = std::make_shared<EventLog>())
      : script_(std::move(script)), log_(std::move(log)) {}

  Result<std::optional<SourceTransaction>> Next() override {
    for (;;) {
      size_t i = next_++;
      if (i >= script_.size()) {
        std::this_thread::sleep_for(5ms);  // nothing more: an idle stream
        return std::optional<SourceTransaction>();
      }
      const Step& step = script_[i];
      if (step.kind == Step::kFail) return Status::ConnectionError("source went away");
      if (step.kind == Step::kSchemaCall) {
        auto kept = schema_(0, {"id"}, SchemaChangePoint());
        Record("handler returned " +
               std::string(kept.ok() ? (*kept ? "true" : "false") : kept.status().ToString()));
        if (!kept.ok()) return kept.status();
        continue;
      }
      Record("read " + std::to_string(step.position));
      SourceTransaction t;
      t.commit_position.text = "0/" + std::to_string(step.position);
      return std::optional<SourceTransaction>(std::move(t));
    }
  }
  Status Confirm(const SourcePosition& position) override {
    Record("confirm " + position.text);
    return Status::Ok();
  }
  void SetSchemaChangeHandler(SchemaChangeHandler handler) override {
    schema_ = std::move(handler);
  }
  void SetTableEndedHandler(TableEndedHandler) override {}
  Status PlansChanged() override {
    Record(std::this_thread::get_id() == owner_ ? "remap on the owner" : "remap on the reader");
    return Status::Ok();
  }
  void SetSpillSpace(SpillSpace*) override {}

  std::vector<std::string> events() {
    std::lock_guard lock(log_->mu);
    return log_->events;
  }
  size_t steps_taken() const { return next_.load(); }
  const std::thread::id owner_ = std::this_thread::get_id();

 private:
  void Record(std::string e) {
    std::lock_guard lock(log_->mu);
    log_->events.push_back(std::move(e));
  }

  std::vector<Step> script_;
  std::atomic<size_t> next_{0};
  SchemaChangeHandler schema_;
  std::shared_ptr<EventLog> log_;
};

// The next transaction from `source`, waiting for it (up to a few seconds).
std::string NextPosition(ReadAheadSource& source) {
  for (int i = 0; i < 20; ++i) {
    auto t = source.Next();
    if (!t.ok()) return t.status().ToString();
    if (*t) return (*t)->commit_position.text;
  }
  return "nothing";
}

TEST(ReadAheadSource, HandlerCallsRunOnTheOwnerAfterTheTransactionsReadBeforeThem) {
  auto owned = std::make_unique<ScriptedSource>(
      std::vector<Step>{{Step::kTxn, 1}, {Step::kTxn, 2}, {Step::kSchemaCall}, {Step::kTxn, 3}});
  ScriptedSource* inner = owned.get();
  ReadAheadSource source(std::move(owned), 10, 1 << 20);
  std::vector<std::string> seen;  // on the owner's side
  source.SetSchemaChangeHandler(
      [&](size_t, const std::vector<std::string>&, const SchemaChangePoint&) -> Result<bool> {
        EXPECT_EQ(std::this_thread::get_id(), inner->owner_);
        seen.push_back("handler");
        return false;
      });
  seen.push_back(NextPosition(source));
  seen.push_back(NextPosition(source));
  seen.push_back(NextPosition(source));  // runs the handler on the way
  EXPECT_EQ(seen, (std::vector<std::string>{"0/1", "0/2", "handler", "0/3"}));
  // The reader waited for the handler's answer before it read on.
  const auto events = inner->events();
  ASSERT_GE(events.size(), 4u);
  EXPECT_EQ(events[2], "handler returned false");
  EXPECT_EQ(events[3], "read 3");
}

TEST(ReadAheadSource, AHoldWaitsForAHandlerCallToBeTakenAndRemapsOnTheReader) {
  auto owned = std::make_unique<ScriptedSource>(
      std::vector<Step>{{Step::kTxn, 1}, {Step::kSchemaCall}, {Step::kTxn, 2}});
  ScriptedSource* inner = owned.get();
  ReadAheadSource source(std::move(owned), 10, 1 << 20);
  source.SetSchemaChangeHandler([&](size_t, const std::vector<std::string>&,
                                    const SchemaChangePoint&) -> Result<bool> { return true; });
  ASSERT_EQ(NextPosition(source), "0/1");
  // The reader is now inside the inner Next, waiting for the handler call in the queue.
  while (inner->events().size() < 1 || inner->steps_taken() < 2) std::this_thread::sleep_for(1ms);
  EXPECT_FALSE(source.Hold());
  ASSERT_EQ(NextPosition(source), "0/2");  // takes the call, then the transaction after it
  ASSERT_TRUE(source.Hold());
  const size_t steps = inner->steps_taken();
  EXPECT_TRUE(source.PlansChanged().ok());
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(inner->steps_taken(), steps) << "the reader read on during a hold";
  source.Release();
  const auto events = inner->events();
  EXPECT_NE(std::find(events.begin(), events.end(), "remap on the reader"), events.end());
}

TEST(ReadAheadSource, TheQueueIsBoundedAndConfirmsReachTheSourceFromTheReader) {
  std::vector<Step> script;
  for (int i = 1; i <= 20; ++i) script.push_back({Step::kTxn, i});
  auto owned = std::make_unique<ScriptedSource>(script);
  ScriptedSource* inner = owned.get();
  ReadAheadSource source(std::move(owned), 3, 1 << 20);
  ASSERT_EQ(NextPosition(source), "0/1");
  std::this_thread::sleep_for(100ms);
  // 1 taken, 3 queued: the reader stops there.
  EXPECT_EQ(inner->steps_taken(), 4u);
  ASSERT_TRUE(source.Confirm({"0/1"}).ok());
  for (int i = 2; i <= 20; ++i) ASSERT_EQ(NextPosition(source), "0/" + std::to_string(i));
  std::this_thread::sleep_for(50ms);
  const auto events = inner->events();
  EXPECT_NE(std::find(events.begin(), events.end(), "confirm 0/1"), events.end());
}

TEST(ReadAheadSource, AnErrorArrivesAfterTheTransactionsReadBeforeIt) {
  auto owned = std::make_unique<ScriptedSource>(
      std::vector<Step>{{Step::kTxn, 1}, {Step::kFail}, {Step::kTxn, 2}});
  ReadAheadSource source(std::move(owned), 10, 1 << 20);
  ASSERT_EQ(NextPosition(source), "0/1");
  auto t = source.Next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kConnectionError);
}

TEST(ReadAheadSource, DestructionCancelsAHandlerCallNobodyTakesAndPassesOnTheLastConfirm) {
  auto log = std::make_shared<EventLog>();
  auto owned = std::make_unique<ScriptedSource>(
      std::vector<Step>{{Step::kTxn, 1}, {Step::kSchemaCall}, {Step::kTxn, 2}}, log);
  ScriptedSource* inner = owned.get();
  {
    ReadAheadSource source(std::move(owned), 10, 1 << 20);
    source.SetSchemaChangeHandler([&](size_t, const std::vector<std::string>&,
                                      const SchemaChangePoint&) -> Result<bool> { return true; });
    ASSERT_EQ(NextPosition(source), "0/1");
    while (inner->steps_taken() < 2) std::this_thread::sleep_for(1ms);
    // The reader waits for the handler call, which the owner never takes; the confirm waits
    // for the reader.
    ASSERT_TRUE(source.Confirm({"0/1"}).ok());
  }
  std::lock_guard lock(log->mu);
  EXPECT_NE(std::find(log->events.begin(), log->events.end(), "confirm 0/1"), log->events.end());
  EXPECT_EQ(std::find(log->events.begin(), log->events.end(), "read 2"), log->events.end());
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
