// A transaction's changes stay in order and intact whether they are held in memory or spilled
// to disk beyond the memory budget, and the budget really bounds what stays resident.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/pipeline/cdc/change_list.h"

namespace switchyard::pipeline::cdc {
namespace {

using Stage = SpillSpace::Stage;

// A change whose values tell its index, with a NULL, an unchanged TOAST value and binary bytes.
RowChange Numbered(size_t i, size_t payload = 100) {
  RowChange c;
  c.op = i % 3 == 0 ? ChangeOp::kInsert : i % 3 == 1 ? ChangeOp::kUpdate : ChangeOp::kDelete;
  c.table = i % 5;
  std::string bytes(payload, 'x');
  bytes[0] = '\0';  // binary-safe
  c.after = {ChangeValue::Value(std::to_string(i)), ChangeValue::Null(), ChangeValue::Unchanged(),
             ChangeValue::Value(bytes)};
  if (c.op != ChangeOp::kInsert) c.before = {ChangeValue::Value("k" + std::to_string(i))};
  return c;
}

void ExpectNumbered(const RowChange& c, size_t i, size_t payload = 100) {
  const RowChange want = Numbered(i, payload);
  ASSERT_EQ(c.op, want.op) << i;
  ASSERT_EQ(c.table, want.table) << i;
  ASSERT_EQ(c.after.size(), want.after.size()) << i;
  for (size_t v = 0; v < want.after.size(); ++v) {
    ASSERT_EQ(c.after[v].kind, want.after[v].kind) << i;
    ASSERT_EQ(c.after[v].bytes, want.after[v].bytes) << i;
  }
  ASSERT_EQ(c.before.size(), want.before.size()) << i;
  if (!want.before.empty()) ASSERT_EQ(c.before[0].bytes, want.before[0].bytes) << i;
}

class ChangeListSpill : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sy-change-list-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  size_t SpillFiles() const {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) n += e.is_regular_file();
    return n;
  }

  std::filesystem::path dir_;
};

TEST_F(ChangeListSpill, WithoutABudgetEverythingStaysInMemory) {
  ChangeList list;
  for (size_t i = 0; i < 10000; ++i) list.push_back(Numbered(i));
  ASSERT_EQ(list.size(), 10000u);
  EXPECT_EQ(list.spilled_changes(), 0);
  size_t i = 0;
  for (const auto& c : list) ExpectNumbered(c, i++);
}

TEST_F(ChangeListSpill, BeyondTheBudgetChangesGoToDiskAndComeBackInOrder) {
  auto space = SpillSpace::Open(dir_.string(), 1 << 20);  // 1 MB
  ASSERT_TRUE(space.ok()) << space.status().ToString();
  const size_t n = 50000;  // ~15 MB of changes
  {
    ChangeList list(space->get(), Stage::kSource);
    int64_t peak = 0;
    for (size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(list.Append(Numbered(i)).ok());
      peak = std::max(peak, (*space)->resident_bytes());
    }
    // The budget plus the chunk being filled and the one just sealed.
    EXPECT_LE(peak, (1 << 20) + 2 * ChangeList::kChunkBytes);
    EXPECT_GT(list.spilled_changes(), int64_t{40000});
    EXPECT_EQ((*space)->disk_changes(Stage::kSource), list.spilled_changes());
    EXPECT_EQ(SpillFiles(), 1u);

    list.MarkComplete();
    EXPECT_EQ((*space)->disk_changes(Stage::kSource), 0);
    EXPECT_EQ((*space)->disk_changes(Stage::kTarget), list.spilled_changes());

    // Forward, then random access that jumps across chunks, then forward again.
    size_t i = 0;
    for (const auto& c : list) ExpectNumbered(c, i++);
    ASSERT_EQ(i, n);
    for (size_t k : {size_t{49999}, size_t{0}, size_t{4096}, size_t{4095}, size_t{20000}}) {
      ExpectNumbered(list[k], k);
    }
    // A window that straddles a chunk boundary stays valid while it is used.
    const RowChange* a = &list[ChangeList::kChunkChanges - 2];
    const RowChange* b = &list[ChangeList::kChunkChanges + 2];
    ExpectNumbered(*a, ChangeList::kChunkChanges - 2);
    ExpectNumbered(*b, ChangeList::kChunkChanges + 2);
    EXPECT_LE((*space)->resident_bytes(),
              int64_t{1 << 20} +
                  static_cast<int64_t>(ChangeList::kCachedChunks + 1) * ChangeList::kChunkBytes);
  }
  // Destroyed: the file is gone and nothing is charged any more.
  EXPECT_EQ(SpillFiles(), 0u);
  EXPECT_EQ((*space)->resident_bytes(), 0);
  EXPECT_EQ((*space)->resident_changes(Stage::kTarget), 0);
  EXPECT_EQ((*space)->disk_changes(Stage::kTarget), 0);
  EXPECT_GT((*space)->spilled_total(), 0);
}

TEST_F(ChangeListSpill, FilterKeepsOrderAcrossSpilledChunks) {
  auto space = SpillSpace::Open(dir_.string(), 1 << 20);
  ASSERT_TRUE(space.ok());
  ChangeList list(space->get(), Stage::kTarget);
  for (size_t i = 0; i < 30000; ++i) ASSERT_TRUE(list.Append(Numbered(i)).ok());
  ASSERT_GT(list.spilled_changes(), 0);
  ASSERT_TRUE(list.Filter([](const RowChange& c) { return c.table != 2; }).ok());
  size_t seen = 0, want = 0;
  for (const auto& c : list) {
    while (want % 5 == 2) ++want;
    ExpectNumbered(c, want++);
    ++seen;
  }
  EXPECT_EQ(seen, 24000u);
  EXPECT_EQ(SpillFiles(), 1u);  // the filtered copy's; the original's is removed
}

TEST_F(ChangeListSpill, ValueBytesCountEveryValueWithoutReadingTheSpillBack) {
  auto space = SpillSpace::Open(dir_.string(), 1 << 20);
  ASSERT_TRUE(space.ok());
  ChangeList list(space->get(), Stage::kTarget);
  int64_t want = 0, want_kept = 0;
  for (size_t i = 0; i < 30000; ++i) {
    const RowChange c = Numbered(i);
    int64_t bytes = 0;
    for (const auto* values : {&c.before, &c.after}) {
      for (const auto& v : *values) bytes += static_cast<int64_t>(v.bytes.size());
    }
    want += bytes;
    if (c.table != 2) want_kept += bytes;
    ASSERT_TRUE(list.Append(c).ok());
  }
  ASSERT_GT(list.spilled_changes(), 0);
  EXPECT_EQ(list.value_bytes(), want);
  ASSERT_TRUE(list.Filter([](const RowChange& c) { return c.table != 2; }).ok());
  EXPECT_EQ(list.value_bytes(), want_kept);
  ChangeList moved = std::move(list);
  EXPECT_EQ(moved.value_bytes(), want_kept);
  EXPECT_EQ(list.value_bytes(), 0);
  moved.clear();
  EXPECT_EQ(moved.value_bytes(), 0);
}

TEST_F(ChangeListSpill, MovedListsKeepTheirFileAndAccounting) {
  auto space = SpillSpace::Open(dir_.string(), 1 << 20);
  ASSERT_TRUE(space.ok());
  ChangeList moved;
  {
    ChangeList list(space->get(), Stage::kSource);
    for (size_t i = 0; i < 20000; ++i) ASSERT_TRUE(list.Append(Numbered(i)).ok());
    moved = std::move(list);
    EXPECT_TRUE(list.empty());
  }
  ASSERT_EQ(moved.size(), 20000u);
  ExpectNumbered(moved[19999], 19999);
  ExpectNumbered(moved[1], 1);
  moved.clear();
  EXPECT_EQ(SpillFiles(), 0u);
  EXPECT_EQ((*space)->resident_bytes(), 0);
}

TEST_F(ChangeListSpill, RowsLargerThanAChunkAreKeptWhole) {
  auto space = SpillSpace::Open(dir_.string(), 1 << 20);
  ASSERT_TRUE(space.ok());
  ChangeList list(space->get(), Stage::kSource);
  const size_t big = 9 << 20;  // one value larger than a chunk
  for (size_t i = 0; i < 4; ++i) ASSERT_TRUE(list.Append(Numbered(i, big)).ok());
  EXPECT_GT(list.spilled_changes(), 0);
  for (size_t i = 0; i < 4; ++i) ExpectNumbered(list[i], i, big);
}

TEST_F(ChangeListSpill, OpeningTheSpaceRemovesFilesLeftByAnEarlierRun) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "changes-1-0.spill") << "left over";
  std::ofstream(dir_ / "keep.txt") << "not ours";
  auto space = SpillSpace::Open(dir_.string(), 1 << 20);
  ASSERT_TRUE(space.ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "changes-1-0.spill"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "keep.txt"));
}

TEST_F(ChangeListSpill, AVanishedSpillFileIsAnErrorNotWrongData) {
  auto space = SpillSpace::Open(dir_.string(), 1 << 20);
  ASSERT_TRUE(space.ok());
  ChangeList list(space->get(), Stage::kSource);
  for (size_t i = 0; i < 20000; ++i) ASSERT_TRUE(list.Append(Numbered(i)).ok());
  ASSERT_GT(list.spilled_changes(), 0);
  // Truncate the file behind the list's back.
  for (const auto& e : std::filesystem::directory_iterator(dir_))
    std::filesystem::resize_file(e.path(), 10);
  EXPECT_THROW((void)list[0], SpillReadError);
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
