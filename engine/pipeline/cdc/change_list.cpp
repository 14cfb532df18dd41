#include "engine/pipeline/cdc/change_list.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

#include "engine/common/unique_fd.h"

namespace switchyard::pipeline::cdc {
namespace {

// What a change costs in memory, roughly: the structs plus heap-allocated value bytes.
int64_t EstimateBytes(const RowChange& c) {
  int64_t bytes = sizeof(RowChange);
  for (const auto* values : {&c.before, &c.after}) {
    bytes += static_cast<int64_t>(values->capacity() * sizeof(ChangeValue));
    for (const auto& v : *values) {
      if (v.bytes.capacity() > 15) bytes += static_cast<int64_t>(v.bytes.capacity());
    }
  }
  return bytes;
}

// Spill file format, per change: op u8, table u32, then before and after as
// count u32 + (kind u8, length u32, bytes) per value. Native byte order: the file never
// leaves this process.
template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

void PutValues(std::string* out, const std::vector<ChangeValue>& values) {
  Put<uint32_t>(out, static_cast<uint32_t>(values.size()));
  for (const auto& v : values) {
    Put<uint8_t>(out, static_cast<uint8_t>(v.kind));
    Put<uint32_t>(out, static_cast<uint32_t>(v.bytes.size()));
    out->append(v.bytes);
  }
}

class Reader {
 public:
  explicit Reader(const std::string& data) : data_(data) {}
  template <typename T>
  T Get() {
    if (at_ + sizeof(T) > data_.size()) throw SpillReadError("spill chunk is truncated");
    T v;
    std::memcpy(&v, data_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string Bytes(size_t n) {
    if (at_ + n > data_.size()) throw SpillReadError("spill chunk is truncated");
    std::string out = data_.substr(at_, n);
    at_ += n;
    return out;
  }
  std::vector<ChangeValue> Values() {
    std::vector<ChangeValue> out(Get<uint32_t>());
    for (auto& v : out) {
      v.kind = static_cast<ChangeValue::Kind>(Get<uint8_t>());
      v.bytes = Bytes(Get<uint32_t>());
    }
    return out;
  }
  bool done() const { return at_ == data_.size(); }

 private:
  const std::string& data_;
  size_t at_ = 0;
};

}  // namespace

struct ChangeList::Chunk {
  size_t first = 0;  // list index of the chunk's first change
  size_t count = 0;
  int64_t bytes = 0;            // estimated memory of `rows` when loaded
  std::vector<RowChange> rows;  // the changes, unless spilled and not cached
  bool spilled = false;
  bool cached = false;             // spilled, and loaded back into `rows`
  int64_t offset = 0, length = 0;  // where in the file, once spilled
};

struct ChangeList::State {
  SpillSpace* space = nullptr;  // null: memory only, never charged
  SpillSpace::Stage stage = SpillSpace::Stage::kSource;
  std::vector<Chunk> chunks;
  std::string path;
  UniqueFd fd;
  int64_t file_end = 0;
  std::deque<size_t> cache;  // indices of cached chunks, oldest first
  int64_t value_bytes = 0;   // see ChangeList::value_bytes()

  void Charge(int64_t changes, int64_t bytes) {
    if (space != nullptr) space->ChargeResident(stage, changes, bytes);
  }
  void ChargeDisk(int64_t changes) {
    if (space != nullptr) space->ChargeDisk(stage, changes);
  }

  // Gives back everything charged and removes the file.
  void Release() {
    for (auto& c : chunks) {
      if (!c.spilled) Charge(-static_cast<int64_t>(c.count), -c.bytes);
      if (c.spilled) ChargeDisk(-static_cast<int64_t>(c.count));
      if (c.cached && space != nullptr) space->ChargeResident(stage, 0, -c.bytes);
    }
    chunks.clear();
    cache.clear();
    value_bytes = 0;
    if (fd.get() >= 0) {
      fd.reset();
      unlink(path.c_str());
    }
    file_end = 0;
  }

  Status WriteChunk(Chunk& c) {
    if (fd.get() < 0) {
      path = space->NewFilePath();
      UniqueFd opened(open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
      if (opened.get() < 0) {
        return Status::IoError("cannot create spill file " + path + ": " + std::strerror(errno));
      }
      fd.reset(opened.release());
    }
    std::string data;
    for (const auto& r : c.rows) {
      Put<uint8_t>(&data, static_cast<uint8_t>(r.op));
      Put<uint32_t>(&data, static_cast<uint32_t>(r.table));
      PutValues(&data, r.before);
      PutValues(&data, r.after);
    }
    for (size_t done = 0; done < data.size();) {
      const ssize_t n = pwrite(fd.get(), data.data() + done, data.size() - done,
                               static_cast<off_t>(file_end + static_cast<int64_t>(done)));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return Status::IoError("cannot write spill file " + path + " (is " + space->dir() +
                               " full?): " + std::strerror(errno));
      }
      done += static_cast<size_t>(n);
    }
    c.offset = file_end;
    c.length = static_cast<int64_t>(data.size());
    file_end += c.length;
    c.spilled = true;
    c.rows.clear();
    c.rows.shrink_to_fit();
    Charge(-static_cast<int64_t>(c.count), -c.bytes);
    ChargeDisk(static_cast<int64_t>(c.count));
    return Status::Ok();
  }

  void LoadChunk(Chunk& c) {
    std::string data(static_cast<size_t>(c.length), '\0');
    for (size_t done = 0; done < data.size();) {
      const ssize_t n = pread(fd.get(), data.data() + done, data.size() - done,
                              static_cast<off_t>(c.offset + static_cast<int64_t>(done)));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        throw SpillReadError("cannot read spilled changes back from " + path + ": " +
                             (n == 0 ? std::string("file is shorter than written")
                                     : std::string(std::strerror(errno))));
      }
      done += static_cast<size_t>(n);
    }
    Reader in(data);
    c.rows.resize(c.count);
    for (auto& r : c.rows) {
      r.op = static_cast<ChangeOp>(in.Get<uint8_t>());
      r.table = in.Get<uint32_t>();
      r.before = in.Values();
      r.after = in.Values();
    }
    if (!in.done()) throw SpillReadError("spill chunk in " + path + " has trailing bytes");
    c.cached = true;
    if (space != nullptr) space->ChargeResident(stage, 0, c.bytes);
  }

  void Evict(Chunk& c) {
    c.rows.clear();
    c.rows.shrink_to_fit();
    c.cached = false;
    if (space != nullptr) space->ChargeResident(stage, 0, -c.bytes);
  }
};

ChangeList::ChangeList() : state_(std::make_unique<State>()) {}

ChangeList::ChangeList(std::initializer_list<RowChange> changes) : ChangeList() {
  for (const auto& c : changes) push_back(c);
}

ChangeList::ChangeList(std::vector<RowChange> changes) : ChangeList() {
  for (auto& c : changes) push_back(std::move(c));
}

ChangeList::ChangeList(SpillSpace* space, SpillSpace::Stage stage) : ChangeList() {
  state_->space = space;
  state_->stage = stage;
}

ChangeList::~ChangeList() {
  if (state_) state_->Release();
}

ChangeList::ChangeList(ChangeList&& other) noexcept
    : state_(std::move(other.state_)), size_(other.size_) {
  other.state_ = std::make_unique<State>();
  other.size_ = 0;
}

ChangeList& ChangeList::operator=(ChangeList&& other) noexcept {
  if (this != &other) {
    state_->Release();
    state_ = std::move(other.state_);
    size_ = other.size_;
    other.state_ = std::make_unique<State>();
    other.size_ = 0;
  }
  return *this;
}

Status ChangeList::Append(RowChange change) {
  auto& chunks = state_->chunks;
  if (chunks.empty() || chunks.back().spilled || chunks.back().count >= kChunkChanges ||
      chunks.back().bytes >= kChunkBytes) {
    Chunk next;
    next.first = size_;
    chunks.push_back(std::move(next));
    // The chunk before is sealed now: write it out if the budget is spent.
    if (chunks.size() > 1 && state_->space != nullptr && state_->space->OverLimit()) {
      SY_RETURN_IF_ERROR(SpillSealedChunks());
    }
  }
  Chunk& tail = chunks.back();
  const int64_t bytes = EstimateBytes(change);
  tail.rows.push_back(std::move(change));
  tail.count += 1;
  tail.bytes += bytes;
  for (const auto* values : {&tail.rows.back().before, &tail.rows.back().after}) {
    for (const auto& v : *values) state_->value_bytes += static_cast<int64_t>(v.bytes.size());
  }
  state_->Charge(1, bytes);
  ++size_;
  return Status::Ok();
}

void ChangeList::push_back(RowChange change) {
  // Without a SpillSpace nothing is ever written, so Append cannot fail.
  Status st = Append(std::move(change));
  if (!st.ok()) throw SpillReadError(st.ToString());
}

Status ChangeList::SpillSealedChunks() {
  auto& chunks = state_->chunks;
  if (state_->space->dir().empty()) return Status::Ok();  // a budget without a place to spill
  for (size_t i = 0; i + 1 < chunks.size(); ++i) {
    if (!chunks[i].spilled) SY_RETURN_IF_ERROR(state_->WriteChunk(chunks[i]));
  }
  return Status::Ok();
}

const ChangeList::Chunk& ChangeList::Resident(size_t index) const {
  Chunk& c = state_->chunks[index];
  if (!c.spilled || c.cached) return c;
  auto& cache = state_->cache;
  while (cache.size() >= kCachedChunks) {
    state_->Evict(state_->chunks[cache.front()]);
    cache.pop_front();
  }
  state_->LoadChunk(c);
  cache.push_back(index);
  return c;
}

const RowChange& ChangeList::operator[](size_t i) const {
  const auto& chunks = state_->chunks;
  auto it = std::upper_bound(chunks.begin(), chunks.end(), i,
                             [](size_t v, const Chunk& c) { return v < c.first; });
  const size_t index = static_cast<size_t>(it - chunks.begin()) - 1;
  const Chunk& c = Resident(index);
  return c.rows[i - c.first];
}

void ChangeList::MarkComplete() {
  if (state_->space == nullptr || state_->stage == SpillSpace::Stage::kTarget) return;
  int64_t resident_changes = 0, resident_bytes = 0, disk = 0;
  for (const auto& c : state_->chunks) {
    if (c.spilled) {
      disk += static_cast<int64_t>(c.count);
      if (c.cached) resident_bytes += c.bytes;
    } else {
      resident_changes += static_cast<int64_t>(c.count);
      resident_bytes += c.bytes;
    }
  }
  SpillSpace* space = state_->space;
  space->ChargeResident(SpillSpace::Stage::kSource, -resident_changes, -resident_bytes);
  space->ChargeDisk(SpillSpace::Stage::kSource, -disk);
  space->ChargeResident(SpillSpace::Stage::kTarget, resident_changes, resident_bytes);
  space->ChargeDisk(SpillSpace::Stage::kTarget, disk);
  state_->stage = SpillSpace::Stage::kTarget;
}

Status ChangeList::Filter(const std::function<bool(const RowChange&)>& keep) {
  ChangeList kept(state_->space, state_->stage);
  for (size_t i = 0; i < size_; ++i) {
    const RowChange& c = (*this)[i];
    if (keep(c)) SY_RETURN_IF_ERROR(kept.Append(c));
  }
  *this = std::move(kept);
  return Status::Ok();
}

int64_t ChangeList::value_bytes() const { return state_->value_bytes; }

int64_t ChangeList::spilled_changes() const {
  int64_t n = 0;
  for (const auto& c : state_->chunks) {
    if (c.spilled) n += static_cast<int64_t>(c.count);
  }
  return n;
}

void ChangeList::clear() {
  state_->Release();
  size_ = 0;
}

}  // namespace switchyard::pipeline::cdc
