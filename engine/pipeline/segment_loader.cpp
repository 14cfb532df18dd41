#include "engine/pipeline/segment_loader.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/pipeline/bounded_queue.h"

namespace switchyard::pipeline {
namespace {

constexpr size_t kBatchBytes = 4 << 20;
constexpr size_t kQueueDepth = 2;
constexpr size_t kMaxValueInErrorRow = 200;

// Reader side of the pipeline: copies each batch into the queue for the writer thread.
class QueueSink : public endpoints::RowSink {
 public:
  explicit QueueSink(BoundedQueue<endpoints::RowBatch>& queue) : queue_(queue) {}
  Status Consume(const endpoints::RowBatch& batch) override {
    if (!queue_.Push(batch)) return Status::Cancelled("the writer stopped");
    return Status::Ok();
  }

 private:
  BoundedQueue<endpoints::RowBatch>& queue_;
};

nlohmann::json RowJson(const TablePlan& plan, const endpoints::RowBatch& batch, size_t row) {
  nlohmann::json j = nlohmann::json::object();
  for (size_t c = 0; c < batch.columns(); ++c) {
    const std::string& name = plan.target.columns[c].target_name;
    if (batch.IsNull(row, c)) {
      j[name] = nullptr;
      continue;
    }
    std::string_view v = batch.Field(row, c);
    std::string text(v.substr(0, kMaxValueInErrorRow));
    // JSON needs valid UTF-8; show anything else as hex.
    bool printable = std::all_of(text.begin(), text.end(), [](char ch) {
      return ch != 0 && (static_cast<unsigned char>(ch) >= 0x20 || ch == '\t' || ch == '\n');
    });
    if (!printable) {
      static const char* kHex = "0123456789abcdef";
      std::string hex = "\\x";
      for (unsigned char ch : text) {
        hex += kHex[ch >> 4];
        hex += kHex[ch & 0xf];
      }
      text = hex;
    }
    if (v.size() > kMaxValueInErrorRow) text += "... (" + std::to_string(v.size()) + " bytes)";
    j[name] = text;
  }
  return j;
}

bool NeedsTransform(const TablePlan& plan) {
  return std::any_of(
      plan.target.columns.begin(), plan.target.columns.end(),
      [](const catalog::ColumnPlan& c) { return c.transform != catalog::ValueTransform::kNone; });
}

// Applies each column's transform into `out`. Rejected rows go to the error callback.
Status TransformBatch(const TablePlan& plan, const endpoints::RowBatch& in,
                      endpoints::RowBatch* out, const SegmentCallbacks& callbacks) {
  const size_t ncols = in.columns();
  out->Reset(ncols);
  std::string value;
  for (size_t r = 0; r < in.rows(); ++r) {
    Status row_error;
    size_t bad_col = 0;
    for (size_t c = 0; c < ncols; ++c) {
      if (in.IsNull(r, c)) {
        out->AppendNull();
        continue;
      }
      const auto t = plan.target.columns[c].transform;
      if (t == catalog::ValueTransform::kNone) {
        out->AppendField(in.Field(r, c));
        continue;
      }
      bool is_null = false;
      Status st = catalog::ApplyValueTransform(t, in.Field(r, c), &value, &is_null);
      if (!st.ok()) {
        row_error = st;
        bad_col = c;
        break;
      }
      if (is_null)
        out->AppendNull();
      else
        out->AppendField(value);
    }
    if (!row_error.ok()) {
      out->TruncateToRows(out->rows());
      Status described =
          row_error.WithContext("column " + plan.target.columns[bad_col].target_name);
      SY_RETURN_IF_ERROR(callbacks.on_data_error(described, RowJson(plan, in, r)));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string SegmentWhere(const TablePlan& plan, const Segment& segment) {
  if (plan.filter_sql.empty()) return segment.source_where;
  if (segment.source_where.empty()) return plan.filter_sql;
  return "(" + plan.filter_sql + ") AND (" + segment.source_where + ")";
}

endpoints::LoadSpec MakeLoadSpec(const TablePlan& plan) {
  endpoints::LoadSpec spec;
  spec.schema = plan.target.schema;
  spec.table = plan.target.name;
  bool any_expr = false;
  for (const auto& c : plan.target.columns) {
    spec.columns.push_back(c.target_name);
    spec.load_exprs.push_back(c.load_expr);
    any_expr |= !c.load_expr.empty();
  }
  if (!any_expr) spec.load_exprs.clear();
  return spec;
}

Status SegmentLoader::Load(const TablePlan& plan, const Segment& segment,
                           const SegmentCallbacks& callbacks, std::stop_token stop) {
  endpoints::ReadSpec spec;
  spec.schema = plan.source.schema;
  spec.table = plan.source.name;
  for (const auto& c : plan.target.columns) spec.select_exprs.push_back(c.select_expr);
  spec.where = SegmentWhere(plan, segment);
  spec.partitions = segment.partitions;
  spec.batch_rows = static_cast<size_t>(std::min(commit_rate_, 10000));
  spec.batch_bytes = kBatchBytes;
  if (plan.passthrough) return LoadPassthrough(plan, spec, callbacks, stop);
  return LoadConverted(plan, spec, callbacks, stop);
}

namespace {

// Runs `read` on the calling thread and a writer thread that pops items from `queue`, writes
// each with `write` (which returns the rows it wrote) and commits every `commit_rate` rows.
// On any failure the queue is cancelled so the other side stops, and the open transaction is
// rolled back; earlier commits stay (the caller's on_committed saw them).
template <typename Item>
Status RunReaderAndWriter(BoundedQueue<Item>& queue, endpoints::BulkLoader& loader,
                          const endpoints::LoadSpec& load_spec, int64_t commit_rate,
                          const SegmentCallbacks& callbacks, std::stop_token stop,
                          const std::function<Status()>& read,
                          const std::function<Result<int64_t>(Item&)>& write) {
  Status writer_status;
  std::jthread writer([&] {
    auto fail = [&](Status st) {
      writer_status = std::move(st);
      queue.Cancel();
      (void)loader.Abort();
    };
    Status st = loader.Begin(load_spec);
    if (!st.ok()) return fail(st);
    int64_t in_txn = 0;
    while (auto item = queue.Pop()) {
      auto wrote = write(*item);
      if (!wrote.ok()) return fail(wrote.status());
      in_txn += *wrote;
      if (in_txn >= commit_rate) {
        if (st = loader.Commit(); !st.ok()) return fail(st);
        callbacks.on_committed(in_txn);
        in_txn = 0;
        if (st = loader.Begin(load_spec); !st.ok()) return fail(st);
      }
    }
    if (stop.stop_requested()) return fail(Status::Cancelled("stop requested"));
    if (st = loader.Commit(); !st.ok()) return fail(st);
    callbacks.on_committed(in_txn);
  });
  Status read_status = read();
  if (read_status.ok()) {
    queue.Close();
  } else {
    queue.Cancel();
  }
  writer.join();
  // The writer's error explains a reader's "the writer stopped"; otherwise the reader's wins.
  if (!writer_status.ok()) return writer_status;
  return read_status;
}

}  // namespace

Status SegmentLoader::LoadConverted(const TablePlan& plan, const endpoints::ReadSpec& spec,
                                    const SegmentCallbacks& callbacks, std::stop_token stop) {
  BoundedQueue<endpoints::RowBatch> queue(kQueueDepth);
  const bool transform = NeedsTransform(plan);
  endpoints::RowBatch converted;  // used by the writer thread only
  return RunReaderAndWriter<endpoints::RowBatch>(
      queue, loader_, MakeLoadSpec(plan), commit_rate_, callbacks, stop,
      [&]() -> Status {
        QueueSink sink(queue);
        return reader_.Read(spec, sink, stop);
      },
      [&](endpoints::RowBatch& batch) -> Result<int64_t> {
        const endpoints::RowBatch* to_write = &batch;
        if (transform) {
          SY_RETURN_IF_ERROR(TransformBatch(plan, batch, &converted, callbacks));
          to_write = &converted;
        }
        if (to_write->rows() == 0) return int64_t{0};
        SY_RETURN_IF_ERROR(loader_.Write(*to_write));
        return static_cast<int64_t>(to_write->rows());
      });
}

Status SegmentLoader::LoadPassthrough(const TablePlan& plan, const endpoints::ReadSpec& spec,
                                      const SegmentCallbacks& callbacks, std::stop_token stop) {
  BoundedQueue<std::string> queue(kQueueDepth * 8);
  return RunReaderAndWriter<std::string>(
      queue, loader_, MakeLoadSpec(plan), commit_rate_, callbacks, stop,
      [&]() -> Status {
        // Coalesce small chunks (libpq hands over one row at a time) into ~256 KB blocks.
        std::string pending;
        auto flush = [&]() -> Status {
          if (pending.empty()) return Status::Ok();
          if (!queue.Push(std::move(pending))) return Status::Cancelled("the writer stopped");
          pending = std::string();
          pending.reserve(300 << 10);
          return Status::Ok();
        };
        pending.reserve(300 << 10);
        SY_RETURN_IF_ERROR(reader_.ReadRaw(
            spec,
            [&](std::string_view chunk) -> Status {
              pending.append(chunk);
              return pending.size() >= (256 << 10) ? flush() : Status::Ok();
            },
            stop));
        return flush();
      },
      [&](std::string& chunk) -> Result<int64_t> {
        SY_RETURN_IF_ERROR(loader_.WriteRaw(chunk));
        // COPY text escapes newlines inside values, so each '\n' ends one row.
        return static_cast<int64_t>(std::count(chunk.begin(), chunk.end(), '\n'));
      });
}

}  // namespace switchyard::pipeline
