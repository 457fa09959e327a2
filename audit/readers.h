// readers.h: every input format of `leasesim audit`, detected by content, as Observations.
//
// Contract (docs/audit.md "Inputs"):
// - Formats, recognised record by record from what each record says about itself:
//   * Kubernetes audit events, audit.k8s.io/v1 and audit.k8s.io/v1beta1 `Event` (one per line,
//     as the log backend writes them; an `EventList`, as the webhook backend posts, is read item
//     by item). Field names follow k8s.io/apiserver/pkg/apis/audit/v1/types.go (Event,
//     ObjectReference). Only events whose objectRef is resource `leases` in apiGroup
//     `coordination.k8s.io` are about Leases; the rest count as other records. Only stage
//     ResponseComplete or Panic carries an outcome: RequestReceived, ResponseStarted are
//     duplicates and are skipped (counted). A write with a status outside 2xx (409 Conflict, 422,
//     ...) is a failed attempt. Bodies: responseObject when it is a Lease (level
//     RequestResponse), else the requestObject (level Request; a merge patch's body is applied
//     over the previous state; a JSON patch has no usable body). Metadata-level events give
//     who, when, verb and outcome only. A list whose responseObject is a LeaseList is a
//     snapshot of every item.
//   * `kubectl get leases -A -o json`: a List (or LeaseList) of Leases, one snapshot per value.
//   * `kubectl get lease -w -o json`: concatenated Lease objects, or with
//     `--output-watch-events` {"type": ADDED|MODIFIED|DELETED, "object": Lease}.
//   * leasesim's own `--trace` JSON Lines (`lease` lines are committed writes, failed `api`
//     writes are attempts, `api` reads count as reads).
// - A file whose first line is a whole JSON value is read line by line (JSON Lines); otherwise
//   as a stream of concatenated values (audit/json_values.h). In an audit log, a line that does
//   not contain the text "leases" is counted as another resource's record without being
//   parsed (real logs hold every resource); it must still look like one object ('{' ... '}').
// - Malformed records are reported as "FILE:LINE: message" (at most `max_messages` per file,
//   then a count), skipped, and counted; reading goes on.
// - Memory: one record at a time (per input, when several are merged).
// Leaves out: gzip'd logs (decompress first), audit events of other API groups, YAML output.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "audit/observation.h"

namespace leasesim {

struct InputStats {
  std::string file;
  std::string formats;      // e.g. "audit.k8s.io/v1 events", joined with ", " when mixed
  uint64_t records = 0;     // records read (lines or values), including skipped ones
  uint64_t lease_records = 0;
  uint64_t other_records = 0;     // other resources, or trace lines about something else
  uint64_t stage_duplicates = 0;  // audit events of a stage other than ResponseComplete/Panic
  uint64_t malformed = 0;         // skipped, each reported
  // The latest time any record of the input carries (other resources' events and every trace
  // line included): how far the input watched, so a holder that went quiet before it is stuck.
  std::optional<WallInstant> last_time;
};

using ObservationSink = std::function<void(Observation&&)>;

struct ReadOptions {
  uint32_t file_index = 0;
  uint64_t max_messages = 20;
};

// One input read record by record, on demand, so several inputs can be merged in time order.
class RecordReader {
 public:
  RecordReader(std::istream& in, const std::string& file_name, const ReadOptions& options,
               std::vector<std::string>* messages);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // Reads records until at least one more observation is in `out` (one record's worth: a List
  // gives all its items) or the input ends; false when it ended with nothing added.
  bool next(std::deque<Observation>* out);
  const InputStats& stats() const;

 private:
  struct State;
  void finish();
  std::string file_name_;
  std::unique_ptr<State> state_;
  bool finished_ = false;
};

// Reads one input. `messages` receives "FILE:LINE: message" lines (bounded per file).
InputStats read_input(std::istream& in, const std::string& file_name, const ReadOptions& options,
                      const ObservationSink& sink, std::vector<std::string>* messages);

// Reads several inputs at once and hands on their observations merged in time order (ties: the
// earlier input, then input order): the audit logs of several API servers, or rotated files in
// any order. Each input must be roughly in time order itself (the Auditor's reorder window
// absorbs small disorder). File i gets file_index i. Memory: one record per input.
std::vector<InputStats> read_merged(const std::vector<std::istream*>& inputs, const std::vector<std::string>& names,
                                    const ObservationSink& sink, std::vector<std::string>* messages,
                                    uint64_t max_messages = 20);

}  // namespace leasesim
