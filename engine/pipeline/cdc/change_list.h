// ChangeList: the changes of one source transaction, in order, held in memory while the
// SpillSpace's budget allows and in a spill file beyond it, so that one transaction of
// millions of rows needs no more memory than the budget plus a few chunks.
//
// Layout: chunks of up to kChunkChanges changes or kChunkBytes bytes. Only the chunk being
// appended to always stays resident; a sealed chunk is written to the list's own file (in the
// SpillSpace's dir) when the space is over its limit. Reading a spilled chunk loads it into a
// small cache (kCachedChunks), so a reader moving forward, or looking back within a window of
// a few chunks, reads each chunk once; references returned by operator[] stay valid until
// kCachedChunks other chunks were loaded after theirs.
//
// Errors: a failed spill write is returned by Append. A failed read of a chunk this list wrote
// itself (the file vanished, the disk failed) throws SpillReadError: nothing the caller could
// apply would be right, and the target transaction that was being built must not commit.
//
// The file is removed when the list is destroyed or cleared. Move-only; one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/common/status.h"
#include "engine/pipeline/cdc/row_change.h"
#include "engine/pipeline/cdc/spill_space.h"

namespace switchyard::pipeline::cdc {

class SpillReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ChangeList {
 public:
  static constexpr size_t kChunkChanges = 4096;
  static constexpr int64_t kChunkBytes = 4 << 20;
  // Enough for the applier's multi-row INSERT window (<= 4 MB) across chunk boundaries.
  static constexpr size_t kCachedChunks = 3;

  // Memory only, never spilled (tests, small lists).
  ChangeList();
  ChangeList(std::initializer_list<RowChange> changes);
  ChangeList(std::vector<RowChange> changes);  // NOLINT: implicit, like the vector it replaced
  // Charged to `space` (which must outlive the list) at `stage`.
  ChangeList(SpillSpace* space, SpillSpace::Stage stage);
  ~ChangeList();
  ChangeList(ChangeList&& other) noexcept;
  ChangeList& operator=(ChangeList&& other) noexcept;
  ChangeList(const ChangeList&) = delete;
  ChangeList& operator=(const ChangeList&) = delete;

  // Adds one change at the end; may write sealed chunks to the spill file.
  Status Append(RowChange change);
  // Append for lists that are never spilled (no SpillSpace): cannot fail.
  void push_back(RowChange change);

  size_t size() const { return size_; }
  // The bytes of every value before and after, summed as the changes were added: the size of
  // the transaction's data (metrics, batch limits) without reading spilled chunks back.
  int64_t value_bytes() const;
  bool empty() const { return size_ == 0; }
  const RowChange& operator[](size_t i) const;

  // Moves the list's accounting from the source stage to the target stage: the transaction
  // is complete and waits to be applied.
  void MarkComplete();
  // Keeps only the changes for which `keep` is true, in order.
  Status Filter(const std::function<bool(const RowChange&)>& keep);
  // Changes of this list on disk now (for metrics and tests).
  int64_t spilled_changes() const;
  void clear();

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RowChange;
    using difference_type = std::ptrdiff_t;
    using pointer = const RowChange*;
    using reference = const RowChange&;

    const_iterator() = default;
    const_iterator(const ChangeList* list, size_t i) : list_(list), i_(i) {}
    const RowChange& operator*() const { return (*list_)[i_]; }
    const RowChange* operator->() const { return &(*list_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++i_;
      return before;
    }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }
    bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

   private:
    const ChangeList* list_ = nullptr;
    size_t i_ = 0;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  struct Chunk;
  struct State;

  Status SpillSealedChunks();
  const Chunk& Resident(size_t chunk) const;

  std::unique_ptr<State> state_;
  size_t size_ = 0;
};

}  // namespace switchyard::pipeline::cdc
