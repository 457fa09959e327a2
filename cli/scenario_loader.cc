// scenario_loader.cc: scenario files to typed Scenarios (see scenario_loader.h for the contract).
//
// Shape: a Loader walks the yaml-cpp node tree once, field by field, in a fixed order that
// makes later checks possible (leases, then processes, then faults that name processes, then
// properties whose horizon depends on the faults). Every reader reports its own problem and
// returns std::nullopt, so one bad field never hides another.
#include "cli/scenario_loader.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <span>
#include <sstream>

#include "cli/input_limits.h"
#include "cli/text_checks.h"
#include "core/check.h"
#include "core/dns_names.h"
#include "properties/elects_preferred.h"
#include "properties/run.h"
#include "sim/replay.h"

namespace leasesim {
namespace {

constexpr std::string_view kScenarioApiVersion = "leasesim/v1alpha1";
constexpr std::string_view kLeaseApiVersion = "coordination.k8s.io/v1";
constexpr int64_t kMaxCount = 100000;
constexpr size_t kMaxListedTargets = 5;
constexpr std::string_view kLeaderTarget = "leader";

using KeyList = std::span<const std::string_view>;

constexpr std::array<std::string_view, 4> kRootKeys{"apiVersion", "kind", "metadata", "spec"};
constexpr std::array<std::string_view, 2> kMetadataKeys{"name", "description"};
constexpr std::array<std::string_view, 11> kSpecKeys{"seed",      "duration", "startTime",  "apiServer", "leases",
                                                     "processes", "faults",   "properties", "expect",    "bounds",
                                                     "explore"};
constexpr std::array<std::string_view, 2> kApiServerKeys{"latency", "conflictCheck"};
constexpr std::array<std::string_view, 2> kLatencyKeys{"min", "max"};
constexpr std::array<std::string_view, 4> kLeaseKeys{"apiVersion", "kind", "metadata", "spec"};
constexpr std::array<std::string_view, 3> kLeaseMetadataKeys{"name", "namespace", "labels"};
// What `kubectl get lease -o yaml` prints besides name, namespace and labels: accepted so a
// pasted object loads, and ignored because the simulated server assigns its own.
constexpr std::array<std::string_view, 8> kLeaseMetadataIgnored{"creationTimestamp", "resourceVersion", "uid",
                                                                "managedFields",     "ownerReferences", "annotations",
                                                                "generation",        "selfLink"};
constexpr std::array<std::string_view, 7> kLeaseSpecKeys{"holderIdentity", "leaseDurationSeconds", "acquireTime",
                                                         "renewTime",      "leaseTransitions",     "strategy",
                                                         "preferredHolder"};
constexpr std::array<std::string_view, 8> kProcessKeys{"name",   "identity", "model", "lease",
                                                       "config", "clock",    "start", "count"};
constexpr std::array<std::string_view, 2> kClockKeys{"offset", "rate"};
constexpr std::array<std::string_view, 8> kFaultKeys{"at",        "for", "type", "target",
                                                     "direction", "by",  "mode", "latency"};
constexpr std::array<std::string_view, 10> kPropertyKeys{"singleLeader",       "transitionsMatch",
                                                        "failoverWithin",     "eventuallyLeader",
                                                        "electsPreferred",    "noLiveIdentityDeleted",
                                                        "staleIdentityCollectedWithin", "nodeNotReadyWithin",
                                                        "noFalseNotReady", "maxPodEvictions"};
constexpr std::array<std::string_view, 1> kExpectKeys{"violated"};
constexpr std::array<std::string_view, 1> kBoundsKeys{"maxEvents"};
constexpr std::array<std::string_view, 7> kExploreKeys{"depth",        "maxStates",    "horizon",
                                                       "latencyPoints", "jitterPoints", "replay", "faults"};
constexpr std::array<std::string_view, 3> kExploreFaultKeys{"max", "at", "candidates"};
// An injectable fault is a fault entry without "at" (the points give the instants).
constexpr std::array<std::string_view, 7> kCandidateKeys{"for", "type", "target", "direction", "by", "mode", "latency"};
// The property names `expect.violated` may use, in the order the spec lists them.
constexpr std::array<std::string_view, 10> kPropertyNames{"singleLeader",       "failoverWithin",
                                                         "transitionsMatch",   "eventuallyLeader",
                                                         "electsPreferred",    "noLiveIdentityDeleted",
                                                         "staleIdentityCollectedWithin", "nodeNotReadyWithin",
                                                         "noFalseNotReady", "maxPodEvictions"};

template <class T>
struct Named {
  std::string_view name;
  T value;
};

constexpr std::array<Named<FaultType>, 9> kFaultTypes{{{"crash", FaultType::Crash},
                                                       {"restart", FaultType::Restart},
                                                       {"stop", FaultType::Stop},
                                                       {"pause", FaultType::Pause},
                                                       {"partition", FaultType::Partition},
                                                       {"clockJump", FaultType::ClockJump},
                                                       {"apiServerOutage", FaultType::ApiServerOutage},
                                                       {"apiServerSlow", FaultType::ApiServerSlow},
                                                       {"watchStall", FaultType::WatchStall}}};
constexpr std::array<Named<Direction>, 3> kDirections{
    {{"both", Direction::Both}, {"requests", Direction::Requests}, {"responses", Direction::Responses}}};
constexpr std::array<Named<OutageMode>, 2> kOutageModes{
    {{"refuse", OutageMode::Refuse}, {"blackhole", OutageMode::Blackhole}}};

// ---------------------------------------------------------------------------------------------
// Small text helpers.

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string index_path(const std::string& parent, size_t i) { return parent + "[" + std::to_string(i) + "]"; }

template <class Range>
std::string join(const Range& names, std::string_view separator = ", ") {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += separator;
    out += n;
  }
  return out;
}

// Edit distance, for did-you-mean suggestions on short names only.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest candidate within a small distance (at most 2 edits, and at most a third of the
// word, so one-letter names never "match" anything). Ties go to the earlier candidate.
template <class Range>
std::optional<std::string> closest(std::string_view word, const Range& candidates) {
  const size_t limit = std::min<size_t>(2, word.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    const std::string_view candidate(c);
    const size_t bound =
        word.size() > candidate.size() ? word.size() - candidate.size() : candidate.size() - word.size();
    if (bound >= best_distance) continue;
    const size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

template <class Range>
std::string did_you_mean(std::string_view word, const Range& candidates) {
  const auto match = closest(word, candidates);
  return match ? " (did you mean " + quoted(*match) + "?)" : "";
}

// Parses an exact decimal ("1", "1.0001") into parts per billion without floating point.
std::optional<int64_t> parse_rate_ppb(std::string_view text, std::string* error) {
  const std::string shown = quoted(text);
  if (!text.empty() && text.front() == '-') {
    *error = "rate " + shown + " must be greater than 0";
    return std::nullopt;
  }
  size_t i = 0;
  int64_t whole = 0;
  bool any_digit = false;
  constexpr int64_t kMaxWhole = (INT64_MAX - (kRateOne - 1)) / kRateOne;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    whole = whole * 10 + (text[i] - '0');
    any_digit = true;
    if (whole > kMaxWhole) {
      *error = "rate " + shown + " is too large";
      return std::nullopt;
    }
  }
  int64_t fraction = 0;
  int digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      any_digit = true;
      if (digits < 9) {
        fraction = fraction * 10 + (text[i] - '0');
        ++digits;
      } else if (text[i] != '0') {
        *error = "rate " + shown + " has more than 9 decimal places (rates are exact to one part per billion)";
        return std::nullopt;
      }
    }
  }
  if (!any_digit || i != text.size()) {
    *error = "rate " + shown + " is not a decimal number; write e.g. 1.0, or 1.0001 for a clock 100 ppm fast";
    return std::nullopt;
  }
  for (; digits < 9; ++digits) fraction *= 10;
  const int64_t ppb = whole * kRateOne + fraction;
  if (ppb <= 0) {
    *error = "rate " + shown + " must be greater than 0";
    return std::nullopt;
  }
  return ppb;
}

// Parses an exact non-negative decimal ("0.1", "2", "0.55") into a count of 1/scale units
// (scale a power of ten), without floating point; more fraction digits than the scale holds,
// unless they are zeros, are an error rather than a silent rounding.
std::optional<int64_t> parse_scaled_decimal(std::string_view text, int64_t scale, std::string* error) {
  const std::string shown = quoted(text);
  int places = 0;
  for (int64_t s = scale; s > 1; s /= 10) ++places;
  size_t i = 0;
  int64_t whole = 0;
  bool any_digit = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    any_digit = true;
    if (whole > (INT64_MAX / scale - 9) / 10) {
      *error = "number " + shown + " is too large";
      return std::nullopt;
    }
    whole = whole * 10 + (text[i] - '0');
  }
  int64_t fraction = 0;
  int digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      any_digit = true;
      if (digits < places) {
        fraction = fraction * 10 + (text[i] - '0');
        ++digits;
      } else if (text[i] != '0') {
        *error = "number " + shown + " has more than " + std::to_string(places) + " decimal places";
        return std::nullopt;
      }
    }
  }
  if (!any_digit || i != text.size()) {
    *error = "expected a non-negative decimal number such as 0.1, got " + shown;
    return std::nullopt;
  }
  for (; digits < places; ++digits) fraction *= 10;
  return whole * scale + fraction;
}

// Parses a decimal integer (optional leading '-') into [min, max].
enum class IntProblem { None, NotInteger, OutOfRange };
IntProblem parse_integer(std::string_view text, int64_t min, int64_t max, int64_t* out) {
  bool negative = false;
  size_t i = 0;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    i = 1;
  }
  if (i == text.size()) return IntProblem::NotInteger;
  __int128 value = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return IntProblem::NotInteger;
    value = value * 10 + (text[i] - '0');
    if (value > static_cast<__int128>(UINT64_MAX)) return IntProblem::OutOfRange;
  }
  if (negative) value = -value;
  if (value < min || value > max) return IntProblem::OutOfRange;
  *out = static_cast<int64_t>(value);
  return IntProblem::None;
}

std::optional<uint64_t> parse_unsigned(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// A quoted scalar ("15", 'true') is a string in YAML and JSON; only plain scalars are numbers
// and booleans. yaml-cpp marks quoted scalars with the non-specific tag "!".
bool is_plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return (is_plain_scalar(node) ? "" : "the string ") + quoted(node.Scalar());
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

bool has_extension(std::string_view name, std::string_view ext) {
  if (name.size() < ext.size()) return false;
  const std::string_view tail = name.substr(name.size() - ext.size());
  return std::equal(tail.begin(), tail.end(), ext.begin(),
                    [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b; });
}

int one_based(int zero_based) { return zero_based >= 0 ? zero_based + 1 : 0; }

// What a line-level scan of the text tells about documents, independent of yaml-cpp.
struct TextLayout {
  struct Content {
    int line = 0;  // 1-based; 0 = the text has no content
    int column = 0;
    std::string token;
  };
  Content first_content;         // the first character that is not blank, comment or marker
  int second_document_line = 0;  // the `---`/`...` line that starts a second document with content
};

bool is_null_word(std::string_view s) { return s == "null" || s == "Null" || s == "NULL" || s == "~"; }

// A document marker ("---" or "...") is only one at column 0, followed by a blank or the end of
// the line; YAML forbids that sequence inside any scalar, so a line scan finds every one.
TextLayout scan_layout(std::string_view text) {
  TextLayout out;
  bool content_seen = false;
  int pending_marker = 0;  // line of a marker after content, waiting for content of its own
  int line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    ++line_number;
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t body = 0;  // where the content after a marker, or of the whole line, starts
    const bool marker = (line.substr(0, 3) == "---" || line.substr(0, 3) == "...") &&
                        (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
    if (marker) {
      body = 3;
      if (content_seen && pending_marker == 0) pending_marker = line_number;
    }
    if (!marker && !line.empty() && line[0] == '%') continue;  // a directive such as %YAML 1.2
    const size_t first = line.find_first_not_of(" \t", body);
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (pending_marker > 0) {
      out.second_document_line = pending_marker;
      return out;
    }
    content_seen = true;
    if (out.first_content.line == 0) {
      const std::string_view rest = line.substr(first);
      const std::string_view word = rest.substr(0, rest.find_first_of(" \t#"));
      if (!is_null_word(word))
        out.first_content =
            TextLayout::Content{line_number, static_cast<int>(first) + 1, std::string(rest.substr(0, 1))};
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The node tree as the loader sees it.

// A value with where it is (its own mark, or its key's when the value is an empty null) and
// its field path.
struct Item {
  YAML::Node node;
  YAML::Mark mark;
  std::string path;
};

struct Field {
  std::string key;
  YAML::Mark key_mark;
  Item value;
};

// The fields of one mapping, after unknown and duplicate keys were reported.
struct Fields {
  Item self;
  std::vector<Field> entries;

  const Field* field(std::string_view key) const {
    for (const Field& f : entries)
      if (f.key == key) return &f;
    return nullptr;
  }
  const Item* get(std::string_view key) const {
    const Field* f = field(key);
    return f ? &f->value : nullptr;
  }
};

enum class Sign { Any, NonNegative, Positive };


// Where a process name was defined, to explain a duplicate.
struct NameOrigin {
  uint32_t index = 0;      // index into Scenario::processes
  std::string entry_path;  // "spec.processes[3]"
};

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  LoadResult load(std::string_view text);

 private:
  std::optional<YAML::Node> parse_document(std::string_view text);

  // --- diagnostics
  void error_at(const YAML::Mark& mark, const std::string& path, std::string message) {
    errors_.push_back(Diagnostic{file_, one_based(mark.line), one_based(mark.column), path, std::move(message)});
  }
  void error(const Item& item, std::string message) { error_at(item.mark, item.path, std::move(message)); }

  // --- structure
  std::optional<Fields> open_map(const Item& item, KeyList known, KeyList ignored = {});
  std::optional<std::vector<Item>> open_list(const Item& item);
  const Item* require(const Fields& map, std::string_view key);
  Item field_item(const Fields& map, std::string_view key) const;

  // --- scalars
  // Text without control characters; `allow_line_breaks` admits tab and line feed.
  std::optional<std::string> read_string(const Item& item, bool allow_line_breaks = false);
  std::optional<std::string> read_name(const Item& item, std::string_view what);
  std::optional<bool> read_bool(const Item& item);
  std::optional<Duration> read_duration(const Item& item, Sign sign);
  std::optional<int64_t> read_integer(const Item& item, int64_t min, int64_t max, std::string_view range_text);
  std::optional<uint64_t> read_unsigned(const Item& item, bool positive);
  std::optional<int64_t> read_rate(const Item& item);
  std::optional<WallInstant> read_time(const Item& item);
  std::optional<LatencyRange> read_latency(const Item& item);
  bool expect_constant(const Fields& map, std::string_view key, std::string_view wanted);
  template <class T, size_t N>
  std::optional<T> read_enum(const Item& item, const std::array<Named<T>, N>& table, std::string_view what);

  // --- sections
  void load_root(const Item& root);
  void load_metadata(const Item& item);
  void load_spec(const Item& item);
  void load_api_server(const Item& item);
  void load_leases(const Item& item);
  void load_lease(const Item& item);
  std::optional<std::string> load_lease_metadata(const Item& item, Labels* labels);
  void load_lease_spec(const Item& item, LeaseSpec* spec);
  void load_labels(const Item& item, Labels* labels);
  std::optional<LeaseId> read_lease_ref(const Item& item);
  LeaseId intern_lease(const std::string& key);
  void load_processes(const Item& item);
  void load_process(const Item& item);
  class ModelConfigReader;
  std::optional<ParsedConfig> load_model(const Fields& process, const std::string& model);
  void load_clock(const Item& item, ClockSpec* clock);
  void check_process_name(const Item& name_item, const std::string& base, std::optional<int64_t> count);
  void register_processes(const Fields& process, const ProcessSpec& proto, std::optional<int64_t> count);
  void load_faults(const Item& item);
  void load_fault(const Item& item);
  // A fault entry; `candidate`: an injectable one of spec.explore.faults (no "at").
  std::optional<FaultSpec> read_fault(const Item& item, bool candidate);
  void load_explore_faults(const Item& item);
  std::optional<FaultTarget> read_target(const Item& item, FaultType type);
  std::string target_list(bool allow_leader) const;
  void load_properties(const Item& item);
  void check_horizon(const Item& eventually, Duration bound);
  void load_expect(const Item& item);
  bool has_identity_processes() const {
    return declares_identity_ ||
           std::any_of(scenario_.processes.begin(), scenario_.processes.end(),
                       [](const ProcessSpec& p) { return std::holds_alternative<KubeApiserverConfig>(p.model); });
  }
  void load_bounds(const Item& item);
  void load_explore(const Item& item);
  std::optional<uint8_t> read_points(const Item& item);

  bool declares_identity_ = false;  // some process names model kube-apiserver (loaded or not)
  std::string file_;
  std::vector<Diagnostic> errors_;
  Scenario scenario_;
  bool duration_ok_ = true;  // false when spec.duration was invalid: skip checks relative to it
  __int128 jump_total_ = 0;  // sum of |by| over clock jumps (input_limits.h)
  std::optional<Item> failover_auto_;  // spec.properties.failoverWithin when it is "auto"
  std::map<std::string, LeaseId> lease_ids_;
  std::map<std::string, std::string> lease_origins_;  // key -> "spec.leases[i]"
  std::map<std::string, NameOrigin> process_names_;
  std::vector<std::string> first_process_names_;  // file order, for "valid targets" lists
};

// ---------------------------------------------------------------------------------------------
// Structure.

std::optional<Fields> Loader::open_map(const Item& item, KeyList known, KeyList ignored) {
  Fields out{item, {}};
  if (item.node.IsNull()) return out;  // `key:` with nothing after it: an empty mapping
  if (!item.node.IsMap()) {
    error(item, "expected a mapping, got " + describe(item.node));
    return std::nullopt;
  }
  for (auto it = item.node.begin(); it != item.node.end(); ++it) {
    const YAML::Node key = it->first;  // copied: `it->` returns a temporary proxy
    if (!key.IsScalar()) {
      error_at(key.Mark(), item.path, "field names must be strings, got " + describe(key));
      continue;
    }
    const std::string name = key.Scalar();
    if (auto problem = check_scalar(name, false)) {
      error_at(key.Mark(), item.path, "a field name " + *problem);
      continue;
    }
    const std::string path = child_path(item.path, name);
    if (out.field(name)) {
      error_at(key.Mark(), path,
               "duplicate field " + quoted(name) + " (first given at line " +
                   std::to_string(one_based(out.field(name)->key_mark.line)) + ")");
      continue;
    }
    const bool is_known = std::find(known.begin(), known.end(), name) != known.end();
    const bool is_ignored = std::find(ignored.begin(), ignored.end(), name) != ignored.end();
    if (!is_known && !is_ignored) {
      error_at(key.Mark(), path, "unknown field " + quoted(name) + did_you_mean(name, known));
      continue;
    }
    if (is_ignored) continue;
    const YAML::Node value = it->second;
    const YAML::Mark value_mark = value.IsNull() ? key.Mark() : value.Mark();
    out.entries.push_back(Field{name, key.Mark(), Item{value, value_mark, path}});
  }
  return out;
}

std::optional<std::vector<Item>> Loader::open_list(const Item& item) {
  std::vector<Item> out;
  if (item.node.IsNull()) return out;  // `faults:` with nothing after it: an empty list
  if (!item.node.IsSequence()) {
    error(item, "expected a list, got " + describe(item.node));
    return std::nullopt;
  }
  size_t i = 0;
  for (auto it = item.node.begin(); it != item.node.end(); ++it, ++i) {
    const YAML::Node element = *it;
    out.push_back(Item{element, element.IsNull() ? item.mark : element.Mark(), index_path(item.path, i)});
  }
  return out;
}

const Item* Loader::require(const Fields& map, std::string_view key) {
  const Item* found = map.get(key);
  if (!found) error_at(map.self.mark, child_path(map.self.path, key), "required field is missing");
  return found;
}

// An absent optional mapping reads as an empty one positioned at its parent.
Item Loader::field_item(const Fields& map, std::string_view key) const {
  if (const Item* found = map.get(key)) return *found;
  return Item{YAML::Node(YAML::NodeType::Null), map.self.mark, child_path(map.self.path, key)};
}

// ---------------------------------------------------------------------------------------------
// Scalars.

std::optional<std::string> Loader::read_string(const Item& item, bool allow_line_breaks) {
  if (!item.node.IsScalar()) {
    error(item, "expected a string, got " + describe(item.node));
    return std::nullopt;
  }
  if (auto problem = check_scalar(item.node.Scalar(), allow_line_breaks)) {
    error(item, "the string " + *problem);
    return std::nullopt;
  }
  return item.node.Scalar();
}

std::optional<std::string> Loader::read_name(const Item& item, std::string_view what) {
  auto text = read_string(item, false);
  if (text && text->empty()) {
    error(item, std::string(what) + " must not be empty");
    return std::nullopt;
  }
  return text;
}

std::optional<bool> Loader::read_bool(const Item& item) {
  if (is_plain_scalar(item.node)) {
    const std::string& s = item.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  error(item, "expected a boolean (true or false), got " + describe(item.node));
  return std::nullopt;
}

std::optional<Duration> Loader::read_duration(const Item& item, Sign sign) {
  if (!item.node.IsScalar()) {
    error(item, "expected a duration string such as 15s, got " + describe(item.node));
    return std::nullopt;
  }
  std::string problem;
  const std::string& text = item.node.Scalar();
  const auto d = parse_duration(text, sign == Sign::Any, &problem);
  if (!d) {
    error(item, problem);
    return std::nullopt;
  }
  if (sign == Sign::Positive && d->ns <= 0) {
    error(item, "must be greater than zero, got " + quoted(text));
    return std::nullopt;
  }
  if (d->ns > kMaxDuration.ns || d->ns < -kMaxDuration.ns) {
    error(item, "duration " + quoted(text) + " is longer than " + format_duration(kMaxDuration) +
                    " (about 417 days), the most leasesim accepts, so that every instant derived from it fits in "
                    "64-bit nanoseconds");
    return std::nullopt;
  }
  return d;
}

std::optional<int64_t> Loader::read_integer(const Item& item, int64_t min, int64_t max, std::string_view range_text) {
  if (!is_plain_scalar(item.node)) {
    error(item, "expected an integer, got " + describe(item.node));
    return std::nullopt;
  }
  int64_t value = 0;
  switch (parse_integer(item.node.Scalar(), min, max, &value)) {
    case IntProblem::None:
      return value;
    case IntProblem::NotInteger:
      error(item, "expected an integer, got " + describe(item.node));
      break;
    case IntProblem::OutOfRange:
      error(item, "must be " + std::string(range_text) + ", got " + item.node.Scalar());
      break;
  }
  return std::nullopt;
}

std::optional<uint64_t> Loader::read_unsigned(const Item& item, bool positive) {
  const auto value = is_plain_scalar(item.node) ? parse_unsigned(item.node.Scalar()) : std::nullopt;
  if (!value) {
    error(item, "expected an unsigned 64-bit integer, got " + describe(item.node));
    return std::nullopt;
  }
  if (positive && *value == 0) {
    error(item, "must be greater than 0, got 0");
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> Loader::read_rate(const Item& item) {
  if (!item.node.IsScalar()) {
    error(item, "expected a decimal rate such as 1.0001, got " + describe(item.node));
    return std::nullopt;
  }
  std::string problem;
  const auto ppb = parse_rate_ppb(item.node.Scalar(), &problem);
  if (!ppb) {
    error(item, problem);
    return std::nullopt;
  }
  if (*ppb < kMinRatePpb || *ppb > kMaxRatePpb) {
    error(item, "rate " + quoted(item.node.Scalar()) +
                    " is outside 0.1 to 10 (a clock ten times slow or fast is far beyond any real oscillator, and "
                    "the limit keeps every local deadline within 64-bit time)");
    return std::nullopt;
  }
  return ppb;
}

std::optional<WallInstant> Loader::read_time(const Item& item) {
  if (!item.node.IsScalar()) {
    error(item, "expected an RFC 3339 time such as \"2026-01-01T00:00:00Z\", got " + describe(item.node));
    return std::nullopt;
  }
  const std::string& text = item.node.Scalar();
  // The year is checked on the text first (parse_rfc3339 itself refuses years it cannot hold,
  // with a less helpful reason); a text not shaped like a date gets the format message.
  int64_t year = 0;
  const bool dated = text.size() >= 20 && text[4] == '-' &&
                     parse_integer(std::string_view(text).substr(0, 4), 0, 9999, &year) == IntProblem::None;
  if (dated && (year < kMinYear || year > kMaxYear)) {
    error(item, "time " + quoted(text) + " is out of range (years " + std::to_string(kMinYear) + " to " +
                    std::to_string(kMaxYear) + ", so that every instant derived from it fits in 64-bit nanoseconds)");
    return std::nullopt;
  }
  std::string why;
  const auto t = parse_rfc3339(text, &why);
  if (!t) error(item, "expected an RFC 3339 time such as \"2026-01-01T00:00:00Z\", got " + quoted(text) + ": " + why);
  return t;
}

// {min, max}: both required, both >= 0, min <= max.
std::optional<LatencyRange> Loader::read_latency(const Item& item) {
  const auto map = open_map(item, kLatencyKeys);
  if (!map) return std::nullopt;
  const Item* min_item = require(*map, "min");
  const Item* max_item = require(*map, "max");
  const auto min = min_item ? read_duration(*min_item, Sign::NonNegative) : std::nullopt;
  const auto max = max_item ? read_duration(*max_item, Sign::NonNegative) : std::nullopt;
  if (!min || !max) return std::nullopt;
  if (*min > *max) {
    error(item, "min " + format_duration(*min) + " is greater than max " + format_duration(*max));
    return std::nullopt;
  }
  return LatencyRange{*min, *max};
}

// Checks a required field whose value is fixed (apiVersion, kind).
bool Loader::expect_constant(const Fields& map, std::string_view key, std::string_view wanted) {
  const Item* item = require(map, key);
  if (!item) return false;
  const auto text = read_string(*item);
  if (!text) return false;
  if (*text != wanted) {
    error(*item, "expected " + quoted(wanted) + ", got " + quoted(*text));
    return false;
  }
  return true;
}

template <class T, size_t N>
std::optional<T> Loader::read_enum(const Item& item, const std::array<Named<T>, N>& table, std::string_view what) {
  const auto text = read_string(item);
  if (!text) return std::nullopt;
  std::vector<std::string_view> names;
  for (const auto& entry : table) {
    if (entry.name == *text) return entry.value;
    names.push_back(entry.name);
  }
  error(item, "unknown " + std::string(what) + " " + quoted(*text) + did_you_mean(*text, names) +
                  "; expected one of: " + join(names));
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Envelope.

LoadResult Loader::load(std::string_view text) {
  const bool json = has_extension(file_, ".json");
  if (!json && !has_extension(file_, ".yaml") && !has_extension(file_, ".yml")) {
    errors_.push_back(
        Diagnostic{file_, 0, 0, "", "unsupported file extension; scenario files end in .yaml, .yml or .json"});
    return LoadResult{std::nullopt, std::move(errors_)};
  }
  // Text-level checks first (cli/text_checks.h): what the parsers would misread or crash on.
  const bool blank = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
  auto problem = check_text(text);
  if (!problem) problem = check_nesting(text);
  if (!problem && json && !blank) {
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (text[first] != '{' && text[first] != '[')
      problem = TextProblem{1, 1, "file ends in .json but is not JSON (it reads as block-style YAML)"};
    else
      problem = check_json_text(text);
  }
  if (problem) {
    errors_.push_back(Diagnostic{file_, problem->line, problem->column, "", problem->message});
    return LoadResult{std::nullopt, std::move(errors_)};
  }
  const auto root = parse_document(text);
  if (!root) return LoadResult{std::nullopt, std::move(errors_)};
  if (!json && root->Style() == YAML::EmitterStyle::Flow && (root->IsMap() || root->IsSequence()))
    if (auto trailing = check_flow_root_end(text, one_based(root->Mark().line), one_based(root->Mark().column)))
      errors_.push_back(Diagnostic{file_, trailing->line, trailing->column, "", trailing->message});
  if (json && root->IsMap() && root->Style() != YAML::EmitterStyle::Flow)
    error_at(root->Mark(), "", "file ends in .json but is not JSON (it reads as block-style YAML)");
  scenario_.source_path = file_;
  try {
    load_root(Item{*root, root->Mark(), ""});
  } catch (const std::exception& e) {
    // The readers only use non-throwing yaml-cpp calls; this guard keeps the promise that the
    // loader never throws even if that assumption breaks, and says it is our bug.
    error_at(YAML::Mark::null_mark(), "", std::string("internal error while loading (please report): ") + e.what());
  }
  // Sorted by position so the output reads top to bottom; unknown positions go last.
  std::stable_sort(errors_.begin(), errors_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const auto key = [](const Diagnostic& d) { return std::pair(d.line == 0 ? INT_MAX : d.line, d.column); };
    return key(a) < key(b);
  });
  // Checks that need the whole scenario, made here so that `validate` says what `run` would.
  if (errors_.empty() && failover_auto_ && !analytic_failover_bound(scenario_))
    error(*failover_auto_,
          "\"auto\" needs an analytic failover bound, which exists only when every process of the lease runs "
          "client-go-elector, client-go-real or node-lifecycle-controller; give a duration instead");
  if (!errors_.empty()) return LoadResult{std::nullopt, std::move(errors_)};
  return LoadResult{std::move(scenario_), {}};
}

// The one document of the file, or nullopt after reporting why there is none. A second
// document is reported but does not stop loading the first.
std::optional<YAML::Node> Loader::parse_document(std::string_view text) {
  // YAML::Load, not LoadAll: yaml-cpp 0.7's LoadAll loops forever, allocating, on a stray ','
  // at the start of a document, so further documents are found by scanning the text instead.
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    // ParserException and the rest carry the parser's position; the message alone is e.msg.
    error_at(e.mark, "", "syntax error: " + e.msg);
    return std::nullopt;
  } catch (const std::exception& e) {
    error_at(YAML::Mark::null_mark(), "", std::string("syntax error: ") + e.what());
    return std::nullopt;
  }
  const TextLayout layout = scan_layout(text);
  if (root.IsNull()) {
    // A null document is empty only when the text holds nothing but comments, markers and a
    // null word; otherwise yaml-cpp gave up on a token it could not place.
    const TextLayout::Content& c = layout.first_content;
    errors_.push_back(c.line == 0
                          ? Diagnostic{file_, 0, 0, "", "file is empty"}
                          : Diagnostic{file_, c.line, c.column, "", "syntax error: unexpected " + quoted(c.token)});
    return std::nullopt;
  }
  if (layout.second_document_line > 0)
    errors_.push_back(Diagnostic{file_, layout.second_document_line, 1, "",
                                 "a scenario file holds one document; found another one here"});
  return root;
}

void Loader::load_root(const Item& root) {
  if (!root.node.IsMap()) {
    error(root, "expected a Scenario mapping (apiVersion, kind, metadata, spec), got " + describe(root.node));
    return;
  }
  const auto top = open_map(root, kRootKeys);
  if (!top) return;
  expect_constant(*top, "apiVersion", kScenarioApiVersion);
  expect_constant(*top, "kind", "Scenario");
  if (const Item* metadata = require(*top, "metadata")) load_metadata(*metadata);
  if (const Item* spec = require(*top, "spec")) load_spec(*spec);
}

void Loader::load_metadata(const Item& item) {
  const auto map = open_map(item, kMetadataKeys);
  if (!map) return;
  if (const Item* name = require(*map, "name"))
    if (auto text = read_name(*name, "name")) scenario_.name = *text;
  if (const Item* description = map->get("description"))
    if (auto text = read_string(*description, true)) scenario_.description = *text;
}

void Loader::load_spec(const Item& item) {
  const auto spec = open_map(item, kSpecKeys);
  if (!spec) return;
  if (const Item* seed = spec->get("seed"))
    if (auto value = read_unsigned(*seed, false)) scenario_.seed = *value;
  if (const Item* duration = spec->get("duration")) {
    const auto value = read_duration(*duration, Sign::Positive);
    duration_ok_ = value.has_value();
    if (value) scenario_.duration = *value;
  }
  if (const Item* start = spec->get("startTime"))
    if (auto value = read_time(*start)) scenario_.start_time = *value;
  if (const Item* api = spec->get("apiServer")) load_api_server(*api);
  // Order matters from here: lease ids are interned leases-first, faults name processes, and
  // the properties' horizon check needs the faults.
  if (const Item* leases = spec->get("leases")) load_leases(*leases);
  if (const Item* processes = require(*spec, "processes")) load_processes(*processes);
  if (const Item* faults = spec->get("faults")) load_faults(*faults);
  if (const Item* properties = spec->get("properties")) load_properties(*properties);
  if (const Item* expect = spec->get("expect")) load_expect(*expect);
  if (const Item* bounds = spec->get("bounds")) load_bounds(*bounds);
  if (const Item* explore = spec->get("explore")) load_explore(*explore);
}

void Loader::load_api_server(const Item& item) {
  const auto map = open_map(item, kApiServerKeys);
  if (!map) return;
  if (const Item* latency = map->get("latency"))
    if (auto value = read_latency(*latency)) scenario_.api_server.latency = *value;
  if (const Item* check = map->get("conflictCheck"))
    if (auto value = read_bool(*check)) scenario_.api_server.conflict_check = *value;
}

// ---------------------------------------------------------------------------------------------
// Leases.

LeaseId Loader::intern_lease(const std::string& key) {
  // Same numbering as Scenario::lease_id, with a map so 10000 processes stay fast.
  const auto [it, inserted] = lease_ids_.try_emplace(key, static_cast<LeaseId>(scenario_.lease_keys.size()));
  if (inserted) scenario_.lease_keys.push_back(key);
  return it->second;
}

void Loader::load_leases(const Item& item) {
  const auto list = open_list(item);
  if (!list) return;
  for (const Item& lease : *list) load_lease(lease);
}

void Loader::load_lease(const Item& item) {
  const auto map = open_map(item, kLeaseKeys);
  if (!map) return;
  expect_constant(*map, "apiVersion", kLeaseApiVersion);
  expect_constant(*map, "kind", "Lease");
  InitialLease lease;
  std::optional<std::string> key;
  if (const Item* metadata = require(*map, "metadata")) key = load_lease_metadata(*metadata, &lease.labels);
  if (const Item* spec = map->get("spec")) load_lease_spec(*spec, &lease.spec);
  if (!key) return;
  const auto [origin, inserted] = lease_origins_.try_emplace(*key, item.path);
  if (!inserted) {
    error(item, "duplicate lease " + quoted(*key) + " (also defined at " + origin->second + ")");
    return;
  }
  lease.id = intern_lease(*key);
  scenario_.leases.push_back(std::move(lease));
}

// Reads name, namespace and labels; returns "namespace/name" when both are valid.
std::optional<std::string> Loader::load_lease_metadata(const Item& item, Labels* labels) {
  const auto metadata = open_map(item, kLeaseMetadataKeys, kLeaseMetadataIgnored);
  if (!metadata) return std::nullopt;
  if (const Item* labels_item = metadata->get("labels")) load_labels(*labels_item, labels);
  std::optional<std::string> name;
  if (const Item* name_item = require(*metadata, "name")) {
    name = read_string(*name_item);
    if (name && !is_dns_subdomain(*name)) {
      error(*name_item, "invalid Lease name " + quoted(*name) +
                            ": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                            "'-' or '.', and must start and end with an alphanumeric character");
      name.reset();
    }
  }
  std::optional<std::string> name_space = "default";
  if (const Item* ns_item = metadata->get("namespace")) {
    name_space = read_string(*ns_item);
    if (name_space && !is_dns_label(*name_space, 63)) {
      error(*ns_item, "invalid namespace " + quoted(*name_space) +
                          ": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                          "'-', and must start and end with an alphanumeric character");
      name_space.reset();
    }
  }
  if (!name || !name_space) return std::nullopt;
  return *name_space + "/" + *name;
}

void Loader::load_labels(const Item& item, Labels* labels) {
  if (item.node.IsNull()) return;
  if (!item.node.IsMap()) {
    error(item, "expected a mapping of label names to values, got " + describe(item.node));
    return;
  }
  for (auto it = item.node.begin(); it != item.node.end(); ++it) {
    const YAML::Node key = it->first;  // copied: `it->` returns a temporary proxy
    if (!key.IsScalar()) {
      error_at(key.Mark(), item.path, "label names must be strings, got " + describe(key));
      continue;
    }
    if (auto problem = check_scalar(key.Scalar(), false)) {
      error_at(key.Mark(), item.path, "a label name " + *problem);
      continue;
    }
    const std::string path = child_path(item.path, key.Scalar());
    const YAML::Node value = it->second;
    const auto text = read_string(Item{value, value.IsNull() ? key.Mark() : value.Mark(), path});
    if (!text) continue;
    if (!labels->emplace(key.Scalar(), *text))
      error_at(key.Mark(), path, "duplicate label " + quoted(key.Scalar()));
  }
}

// Kubernetes reads a null field as unset, so a null here leaves the field absent.
void Loader::load_lease_spec(const Item& item, LeaseSpec* spec) {
  const auto map = open_map(item, kLeaseSpecKeys);
  if (!map) return;
  auto present = [&](std::string_view key) -> const Item* {
    const Item* found = map->get(key);
    return found && !found->node.IsNull() ? found : nullptr;
  };
  if (const Item* v = present("holderIdentity")) spec->holder_identity = read_string(*v);
  if (const Item* v = present("leaseDurationSeconds")) {
    const auto value = read_integer(*v, INT32_MIN, INT32_MAX, "a 32-bit integer");
    if (value && *value <= 0) error(*v, "must be greater than 0");  // Lease validation: 422
    else if (value && *value > kMaxLeaseDurationSeconds)
      error(*v, "must be at most " + std::to_string(kMaxLeaseDurationSeconds) +
                    " (10000h, the longest duration leasesim accepts), got " + std::to_string(*value));
    if (value) spec->lease_duration_seconds = static_cast<int32_t>(*value);
  }
  // MicroTime fields: the server keeps microseconds, so that is what an initial object holds.
  if (const Item* v = present("acquireTime"))
    if (auto t = read_time(*v)) spec->acquire_time = truncate_to_micros(*t);
  if (const Item* v = present("renewTime"))
    if (auto t = read_time(*v)) spec->renew_time = truncate_to_micros(*t);
  if (const Item* v = present("leaseTransitions")) {
    const auto value = read_integer(*v, INT32_MIN, INT32_MAX, "a 32-bit integer");
    if (value && *value < 0) error(*v, "must be greater than or equal to 0");
    if (value) spec->lease_transitions = static_cast<int32_t>(*value);
  }
  if (const Item* v = present("strategy")) spec->strategy = read_string(*v);
  if (const Item* v = present("preferredHolder")) {
    spec->preferred_holder = read_string(*v);
    if (spec->preferred_holder && !spec->preferred_holder->empty() && spec->strategy.value_or("").empty())
      error(*v, "may only be specified if `strategy` is defined");
  }
}

// "namespace/name", each part a valid Kubernetes name.
std::optional<LeaseId> Loader::read_lease_ref(const Item& item) {
  const auto text = read_string(item);
  if (!text) return std::nullopt;
  const size_t slash = text->find('/');
  const bool shaped = slash != std::string::npos && text->find('/', slash + 1) == std::string::npos;
  if (!shaped || !is_dns_label(std::string_view(*text).substr(0, slash), 63) ||
      !is_dns_subdomain(std::string_view(*text).substr(slash + 1))) {
    error(item, "expected a lease as \"namespace/name\" (e.g. default/example-foo), got " + quoted(*text));
    return std::nullopt;
  }
  return intern_lease(*text);
}

// ---------------------------------------------------------------------------------------------
// Processes.

void Loader::load_processes(const Item& item) {
  const auto list = open_list(item);
  if (!list) return;
  if (list->empty()) {
    error(item, "at least one process is required");
    return;
  }
  for (const Item& process : *list) load_process(process);
}

void Loader::load_process(const Item& item) {
  const auto map = open_map(item, kProcessKeys);
  if (!map) return;
  ProcessSpec proto;
  std::optional<int64_t> count;
  if (const Item* count_item = map->get("count"))
    count = read_integer(*count_item, 1, kMaxCount, "between 1 and " + std::to_string(kMaxCount));
  if (const Item* identity = map->get("identity"))
    if (auto text = read_name(*identity, "identity")) proto.identity = *text;
  const ModelEntry* entry = nullptr;
  if (const Item* model = require(*map, "model")) {
    if (auto name = read_string(*model)) {
      entry = find_model(*name);
      // Declared, even if its config fails below: the identity properties then need no second,
      // misleading "no kube-apiserver process" error.
      if (*name == "kube-apiserver") declares_identity_ = true;
      if (auto parsed = load_model(*map, *name)) {
        proto.model = parsed->config;
        proto.quiesce = parsed->quiesce;
      }
    }
  }
  if (entry && entry->implied_lease) {
    // The model derives its lease and holder itself (register_processes interns the lease).
    for (const char* key : {"lease", "identity"})
      if (const Item* field = map->get(key))
        error(*field, "model " + quoted(std::string(entry->name)) + " takes no " + key + ": field: it derives its " +
                          (std::string(key) == "lease" ? "lease" : "holder identity") + " itself");
  } else if (entry && !entry->default_lease.empty() && !map->get("lease")) {
    proto.lease = intern_lease(std::string(entry->default_lease));
  } else if (const Item* lease = require(*map, "lease")) {
    if (auto id = read_lease_ref(*lease)) proto.lease = *id;
  }
  load_clock(field_item(*map, "clock"), &proto.clock);
  if (const Item* start = map->get("start"))
    if (auto value = read_duration(*start, Sign::NonNegative)) proto.start = *value;
  register_processes(*map, proto, count);
}

// Resolves `model:` and reads `config:` with that model's schema.
// The ConfigReader a model's read function sees (core/config_reader.h): one process entry's
// `config:` mapping, whose unknown keys open_map has already reported.
class Loader::ModelConfigReader final : public ConfigReader {
 public:
  ModelConfigReader(Loader& loader, const Fields& map)
      : loader_(loader), map_(map), errors_before_(loader.errors_.size()) {}

  bool has(std::string_view key) const override { return map_.get(key) != nullptr; }
  std::optional<Duration> duration(std::string_view key) override {
    const Item* v = map_.get(key);
    return v ? loader_.read_duration(*v, Sign::NonNegative) : std::nullopt;
  }
  std::optional<Duration> seconds_or_duration(std::string_view key) override {
    const Item* v = map_.get(key);
    if (!v) return std::nullopt;
    const bool whole = is_plain_scalar(v->node) && !v->node.Scalar().empty() &&
                       std::all_of(v->node.Scalar().begin(), v->node.Scalar().end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!whole) return loader_.read_duration(*v, Sign::NonNegative);
    const int64_t most = kMaxDuration.ns / seconds(1).ns;
    const auto n = loader_.read_integer(*v, 0, most, "between 0 and " + std::to_string(most) + " (seconds)");
    return n ? std::optional<Duration>(seconds(*n)) : std::nullopt;
  }
  std::optional<bool> boolean(std::string_view key) override {
    const Item* v = map_.get(key);
    return v ? loader_.read_bool(*v) : std::nullopt;
  }
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max) override {
    const Item* v = map_.get(key);
    if (!v) return std::nullopt;
    return loader_.read_integer(*v, min, max, "between " + std::to_string(min) + " and " + std::to_string(max));
  }
  std::optional<int64_t> decimal(std::string_view key, int64_t scale) override {
    const Item* v = map_.get(key);
    if (!v) return std::nullopt;
    if (!is_plain_scalar(v->node)) {
      loader_.error(*v, "expected a decimal number such as 0.1, got " + describe(v->node));
      return std::nullopt;
    }
    std::string problem;
    const auto value = parse_scaled_decimal(v->node.Scalar(), scale, &problem);
    if (!value) loader_.error(*v, problem);
    return value;
  }
  std::optional<std::string> string(std::string_view key) override {
    const Item* v = map_.get(key);
    return v ? loader_.read_string(*v) : std::nullopt;
  }
  std::optional<std::string> choice(std::string_view key, std::span<const std::string_view> allowed,
                                    std::string_view what) override {
    const Item* v = map_.get(key);
    if (!v) return std::nullopt;
    auto text = loader_.read_string(*v);
    if (!text) return std::nullopt;
    if (std::find(allowed.begin(), allowed.end(), *text) != allowed.end()) return text;
    loader_.error(*v, "unknown " + std::string(what) + " " + quoted(*text) + did_you_mean(*text, allowed) +
                          "; expected one of: " + join(allowed));
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> string_list(std::string_view key) override {
    const Item* v = map_.get(key);
    if (!v) return std::nullopt;
    const auto items = loader_.open_list(*v);
    if (!items) return std::nullopt;
    std::vector<std::string> out;
    bool ok = true;
    for (const Item& item : *items) {
      if (auto text = loader_.read_string(item)) {
        out.push_back(std::move(*text));
      } else {
        ok = false;
      }
    }
    return ok ? std::optional(std::move(out)) : std::nullopt;
  }
  std::optional<std::map<std::string, std::string>> string_map(std::string_view key) override {
    const Item* v = map_.get(key);
    if (!v) return std::nullopt;
    if (v->node.IsNull()) return std::map<std::string, std::string>{};
    if (!v->node.IsMap()) {
      loader_.error(*v, "expected a mapping of strings, got " + describe(v->node));
      return std::nullopt;
    }
    std::map<std::string, std::string> out;
    bool ok = true;
    for (auto it = v->node.begin(); it != v->node.end(); ++it) {
      const YAML::Node k = it->first;
      const YAML::Node value = it->second;
      const std::string path = k.IsScalar() ? child_path(v->path, k.Scalar()) : v->path;
      if (!k.IsScalar() || !value.IsScalar()) {
        loader_.error_at(k.IsScalar() ? value.Mark() : k.Mark(), path,
                         "expected a string, got " + describe(k.IsScalar() ? value : k));
        ok = false;
        continue;
      }
      if (!out.emplace(k.Scalar(), value.Scalar()).second) {
        loader_.error_at(k.Mark(), path, "duplicate key " + quoted(k.Scalar()));
        ok = false;
      }
    }
    return ok ? std::optional(std::move(out)) : std::nullopt;
  }
  void error(std::string_view key, std::string message) override {
    const Item* field = map_.get(key);
    loader_.error_at(field ? field->mark : map_.self.mark, child_path(map_.self.path, key), std::move(message));
  }
  void error_entry(std::string_view key, std::string_view entry, std::string message) override {
    const Item* field = map_.get(key);
    if (field && field->node.IsMap()) {
      for (auto it = field->node.begin(); it != field->node.end(); ++it) {
        if (!it->first.IsScalar() || it->first.Scalar() != entry) continue;
        loader_.error_at(it->first.Mark(), child_path(field->path, entry), std::move(message));
        return;
      }
    }
    error(key, std::move(message));
  }
  bool failed() const override { return loader_.errors_.size() != errors_before_; }

 private:
  Loader& loader_;
  const Fields& map_;
  size_t errors_before_;
};

std::optional<ParsedConfig> Loader::load_model(const Fields& process, const std::string& model) {
  const Item* model_item = process.get("model");
  const ModelEntry* entry = find_model(model);
  if (!entry) {
    std::vector<std::string_view> implemented, planned, all;
    for (const ModelEntry& e : model_registry()) {
      (e.read ? implemented : planned).push_back(e.name);
      all.push_back(e.name);
    }
    error(*model_item, "unknown model " + quoted(model) + did_you_mean(model, all) + "; expected one of: " +
                           join(implemented) + (planned.empty() ? "" : " (planned: " + join(planned) + ")"));
    return std::nullopt;
  }
  if (!entry->read) {
    error(*model_item, "model " + quoted(model) + " is not implemented yet");
    return std::nullopt;
  }
  const auto map = open_map(field_item(process, "config"), entry->keys);
  if (!map) return std::nullopt;
  ModelConfigReader reader(*this, *map);
  auto parsed = entry->read(reader);
  if (reader.failed()) return std::nullopt;
  LS_CHECK(parsed.has_value(), "model " + model + ": its config reader refused the config without saying why");
  return parsed;
}

void Loader::load_clock(const Item& item, ClockSpec* clock) {
  const auto map = open_map(item, kClockKeys);
  if (!map) return;
  if (const Item* offset = map->get("offset"))
    if (auto d = read_duration(*offset, Sign::Any)) clock->offset = *d;
  if (const Item* rate = map->get("rate"))
    if (auto ppb = read_rate(*rate)) clock->rate_ppb = *ppb;
}

// Names are DNS-1123 labels of at most 63 characters once expanded; "leader" is a fault target.
// An invalid name is still registered afterwards, so faults naming it add no misleading error.
void Loader::check_process_name(const Item& name_item, const std::string& base, std::optional<int64_t> count) {
  const char* rule =
      ": use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 "
      "characters";
  if (!is_dns_label(base, 63)) {
    error(name_item, "invalid process name " + quoted(base) + rule);
    return;
  }
  const std::string longest = count ? base + "-" + std::to_string(*count - 1) : base;
  if (!is_dns_label(longest, 63)) {
    error(name_item, "invalid process name " + quoted(longest) + " after count expansion" + rule);
    return;
  }
  if (base == kLeaderTarget && !count)
    error(name_item, "process name \"leader\" is reserved: fault targets use it for the acting leader");
}

// Expands `count` and records each name, reporting the first collision of this entry.
void Loader::register_processes(const Fields& process, const ProcessSpec& proto, std::optional<int64_t> count) {
  const Item* name_item = require(process, "name");
  if (!name_item) return;
  const auto base = read_name(*name_item, "name");
  if (!base) return;
  const bool expanded = process.get("count") != nullptr;
  if (expanded && !count) return;  // count was invalid and already reported
  const int64_t n = count.value_or(1);
  if (static_cast<int64_t>(scenario_.processes.size()) + n > kMaxProcesses) {
    error(expanded ? *process.get("count") : *name_item,
          "this entry brings the scenario to " + std::to_string(scenario_.processes.size() + n) +
              " processes; at most " + std::to_string(kMaxProcesses) + " are allowed (lower `count`)");
    return;
  }
  check_process_name(*name_item, *base, expanded ? std::optional<int64_t>(n) : std::nullopt);
  const std::string entry_path = process.self.path;
  size_t collisions = 0;
  std::string first_collision;
  for (int64_t k = 0; k < n; ++k) {
    ProcessSpec spec = proto;
    spec.name = expanded ? *base + "-" + std::to_string(k) : *base;
    if (spec.identity.empty()) spec.identity = spec.name;
    const auto index = static_cast<uint32_t>(scenario_.processes.size());
    const auto [it, inserted] = process_names_.try_emplace(spec.name, NameOrigin{index, entry_path});
    if (!inserted) {
      if (collisions++ == 0)
        first_collision = "duplicate process name " + quoted(spec.name) +
                          (expanded ? " (from count expansion of " + quoted(*base) + ")" : "") + ": also used by " +
                          it->second.entry_path;
      continue;
    }
    if (first_process_names_.size() < kMaxListedTargets) first_process_names_.push_back(spec.name);
    if (const ModelEntry& model = model_entry(spec.model); model.implied_lease) {
      spec.lease = intern_lease(model.implied_lease(spec.model, spec.name));
      if (model.bind_leases) model.bind_leases(spec.model, [&](const std::string& key) { return intern_lease(key); });
    }
    if (model_entry(spec.model).runs_node) {
      assign_node(spec.model, static_cast<NodeId>(scenario_.node_names.size()));
      scenario_.node_names.push_back(spec.name);
      const auto* kubelet = std::get_if<KubeletConfig>(&spec.model);
      scenario_.node_pods.push_back(kubelet ? kubelet->pods : 0);
    }
    scenario_.processes.push_back(std::move(spec));
  }
  if (collisions > 1) first_collision += " (and " + std::to_string(collisions - 1) + " more)";
  if (collisions > 0) error(*name_item, first_collision);
}

// ---------------------------------------------------------------------------------------------
// Faults.

bool is_process_fault(FaultType t) { return t != FaultType::ApiServerOutage && t != FaultType::ApiServerSlow; }

bool has_window(FaultType t) {
  return t == FaultType::Pause || t == FaultType::Partition || t == FaultType::ApiServerOutage ||
         t == FaultType::ApiServerSlow || t == FaultType::WatchStall;
}

// Which fault types take each optional field, and the text that says so.
struct FieldRule {
  std::string_view field;
  bool (*applies)(FaultType);
  std::string_view types;
};
constexpr std::array<FieldRule, 6> kFaultFieldRules{{
    {"for", has_window, "pause, partition, apiServerOutage, apiServerSlow and watchStall"},
    {"target", is_process_fault, "crash, restart, stop, pause, partition, clockJump and watchStall"},
    {"direction", [](FaultType t) { return t == FaultType::Partition; }, "partition"},
    {"by", [](FaultType t) { return t == FaultType::ClockJump; }, "clockJump"},
    {"mode", [](FaultType t) { return t == FaultType::ApiServerOutage; }, "apiServerOutage"},
    {"latency", [](FaultType t) { return t == FaultType::ApiServerSlow; }, "apiServerSlow"},
}};

void Loader::load_faults(const Item& item) {
  const auto list = open_list(item);
  if (!list) return;
  for (const Item& fault : *list) load_fault(fault);
}

void Loader::load_fault(const Item& item) {
  if (auto fault = read_fault(item, false)) scenario_.faults.push_back(*fault);
}

std::optional<FaultSpec> Loader::read_fault(const Item& item, bool candidate) {
  const auto map = candidate ? open_map(item, kCandidateKeys) : open_map(item, kFaultKeys);
  if (!map) return std::nullopt;
  const size_t errors_before = errors_.size();
  FaultSpec fault;
  const Item* type_item = require(*map, "type");
  const auto type = type_item ? read_enum(*type_item, kFaultTypes, "fault type") : std::nullopt;
  if (const Item* at = candidate ? nullptr : require(*map, "at")) {
    if (auto d = read_duration(*at, Sign::NonNegative)) {
      fault.at = *d;
      if (duration_ok_ && *d >= scenario_.duration)
        error(*at, "fault at " + format_duration(*d) + " would never happen: the run ends at spec.duration " +
                       format_duration(scenario_.duration));
    }
  }
  if (!type) return std::nullopt;  // without a type, which fields apply is unknown
  const FaultType kind = *type;
  fault.type = kind;
  const std::string type_name = fault_type_name(kind);
  for (const FieldRule& rule : kFaultFieldRules) {
    const Field* present = map->field(rule.field);
    if (present && !rule.applies(kind))
      error_at(present->key_mark, present->value.path,
               "field " + quoted(rule.field) + " is not allowed for fault type " + quoted(type_name) + " (only " +
                   std::string(rule.types) + " take it)");
  }
  // A watch stall must end: its end is the relist that brings the watcher back (the contract's
  // watchStall takes `target` and `for`); the other windowed faults may last to the run's end.
  if (has_window(kind))
    if (const Item* v = kind == FaultType::WatchStall ? require(*map, "for") : map->get("for"))
      if (auto d = read_duration(*v, Sign::Positive)) fault.for_ = *d;
  if (is_process_fault(kind)) {
    if (const Item* v = require(*map, "target"))
      if (auto target = read_target(*v, kind)) fault.target = *target;
  }
  if (kind == FaultType::Partition)
    if (const Item* v = map->get("direction"))
      if (auto d = read_enum(*v, kDirections, "direction")) fault.direction = *d;
  if (kind == FaultType::ClockJump)
    if (const Item* v = require(*map, "by"))
      if (auto d = read_duration(*v, Sign::Any)) {
        fault.by = *d;
        // All jumps together stay within kMaxDuration (input_limits.h); an injectable one may
        // strike on every one of the path's `max` faults.
        const int64_t weight = candidate ? std::max<int64_t>(1, scenario_.explore.faults.max) : 1;
        jump_total_ += static_cast<__int128>(d->ns < 0 ? -d->ns : d->ns) * weight;
        if (jump_total_ > kMaxDuration.ns)
          error(*v, "the clock jumps of this scenario add up to more than " + format_duration(kMaxDuration) +
                        " (counting an injectable jump once per allowed fault), the most leasesim accepts");
      }
  if (kind == FaultType::ApiServerOutage) {
    fault.mode = OutageMode::Blackhole;  // spec section 1: the default mode
    if (const Item* v = map->get("mode"))
      if (auto m = read_enum(*v, kOutageModes, "outage mode")) fault.mode = *m;
  }
  if (kind == FaultType::ApiServerSlow)
    if (const Item* v = require(*map, "latency"))
      if (auto l = read_latency(*v)) fault.latency = *l;
  if (errors_.size() != errors_before) return std::nullopt;
  return fault;
}

std::optional<FaultTarget> Loader::read_target(const Item& item, FaultType type) {
  const auto name = read_string(item);
  if (!name) return std::nullopt;
  const bool allow_leader = type != FaultType::Restart;
  if (*name == kLeaderTarget) {
    if (allow_leader) return FaultTarget{FaultTarget::Kind::Leader, 0};
    error(item, "fault type \"restart\" cannot target \"leader\": a crashed process does not lead; name the process");
    return std::nullopt;
  }
  if (const auto found = process_names_.find(*name); found != process_names_.end())
    return FaultTarget{FaultTarget::Kind::Process, found->second.index};
  std::vector<std::string> names;
  names.reserve(process_names_.size());
  for (const ProcessSpec& p : scenario_.processes) names.push_back(p.name);
  error(item, "unknown fault target " + quoted(*name) + did_you_mean(*name, names) + "; expected " +
                  target_list(allow_leader));
  return std::nullopt;
}

// "\"leader\" or a process name: a, b, c, ... (N more)" with the first names in file order.
std::string Loader::target_list(bool allow_leader) const {
  std::string out = allow_leader ? "\"leader\" or a process name" : "a process name";
  if (scenario_.processes.empty()) return out + " (there are no processes)";
  out += ": " + join(first_process_names_);
  if (scenario_.processes.size() > first_process_names_.size())
    out += ", ... (" + std::to_string(scenario_.processes.size() - first_process_names_.size()) + " more)";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Properties, expectations, bounds.

void Loader::load_properties(const Item& item) {
  const auto map = open_map(item, kPropertyKeys);
  if (!map) return;
  PropertySpec& p = scenario_.properties;
  if (const Item* v = map->get("singleLeader"))
    if (auto b = read_bool(*v)) p.single_leader = *b;
  if (const Item* v = map->get("transitionsMatch"))
    if (auto b = read_bool(*v)) p.transitions_match = *b;
  if (const Item* v = map->get("failoverWithin")) {
    if (v->node.IsScalar() && v->node.Scalar() == "auto") {
      p.failover_within_auto = true;
      failover_auto_ = *v;
    } else if (!v->node.IsScalar()) {
      error(*v, "expected a duration string such as 25s, or \"auto\", got " + describe(v->node));
    } else if (auto d = read_duration(*v, Sign::Positive)) {
      p.failover_within = *d;
    }
  }
  if (const Item* v = map->get("electsPreferred"))
    if (auto b = read_bool(*v)) {
      p.elects_preferred = *b;
      // As for the identity properties: a property with nothing to judge would silently
      // vanish from the verdict. (Only when every process loaded: a coordinated process whose
      // config failed has its own error, and this one would mislead.)
      if (*b && errors_.empty() && coordinated_leases(scenario_).empty())
        error(*v, "electsPreferred judges coordinated leases (client-go-elector processes "
                  "with coordinated: true), and this scenario has none");
    }
  if (const Item* v = map->get("eventuallyLeader")) {
    if (auto d = read_duration(*v, Sign::Positive)) {
      p.eventually_leader = *d;
      check_horizon(*v, *d);
    }
  }
  if (const Item* v = map->get("noLiveIdentityDeleted"))
    if (auto b = read_bool(*v)) p.no_live_identity_deleted = *b;
  if (const Item* v = map->get("staleIdentityCollectedWithin")) {
    if (!has_identity_processes())
      error(*v, "staleIdentityCollectedWithin judges kube-apiserver identity leases, and this scenario has no "
                "kube-apiserver process");
    if (v->node.IsScalar() && v->node.Scalar() == "auto") {
      p.stale_identity_collected_within_auto = true;
    } else if (!v->node.IsScalar()) {
      error(*v, "expected a duration string such as 2h, or \"auto\", got " + describe(v->node));
    } else if (auto d = read_duration(*v, Sign::Positive)) {
      p.stale_identity_collected_within = *d;
    }
  }
  if (const Item* v = map->get("nodeNotReadyWithin")) {
    if (v->node.IsScalar() && v->node.Scalar() == "auto") {
      p.node_not_ready_within_auto = true;
    } else if (!v->node.IsScalar()) {
      error(*v, "expected a duration string such as 70s, or \"auto\", got " + describe(v->node));
    } else if (auto d = read_duration(*v, Sign::Positive)) {
      p.node_not_ready_within = *d;
    }
  }
  if (const Item* v = map->get("noFalseNotReady"))
    if (auto b = read_bool(*v)) p.no_false_not_ready = *b;
  if (const Item* v = map->get("maxPodEvictions"))
    if (auto n = read_integer(*v, 0, INT64_MAX, "a count of pods, 0 or more")) p.max_pod_evictions = *n;
}

// eventuallyLeader needs `bound` of run time after the last fault ends (scenario_loader.h).
void Loader::check_horizon(const Item& eventually, Duration bound) {
  if (!duration_ok_) return;
  Duration last_end{};
  for (const FaultSpec& f : scenario_.faults) {
    const Duration end = f.at + f.for_.value_or(Duration{});
    last_end = std::max(last_end, end);
  }
  const Duration needed = last_end + bound;
  if (needed <= scenario_.duration) return;
  const std::string from = scenario_.faults.empty()
                               ? "counting from 0s (there are no faults)"
                               : "counting from the end of the last fault (" + format_duration(last_end) + ")";
  error(eventually, "eventuallyLeader " + format_duration(bound) + " does not fit in the run: " + from +
                        ", it needs the run to last until " + format_duration(needed) + ", but spec.duration is " +
                        format_duration(scenario_.duration) + "; lengthen spec.duration or shorten eventuallyLeader");
}

bool property_enabled(const PropertySpec& p, std::string_view name) {
  if (name == "singleLeader") return p.single_leader;
  if (name == "transitionsMatch") return p.transitions_match;
  if (name == "failoverWithin") return p.failover_within.has_value() || p.failover_within_auto;
  if (name == "electsPreferred") return p.elects_preferred;
  if (name == "noLiveIdentityDeleted") return p.no_live_identity_deleted;
  if (name == "staleIdentityCollectedWithin")
    return p.stale_identity_collected_within.has_value() || p.stale_identity_collected_within_auto;
  if (name == "nodeNotReadyWithin") return p.node_not_ready_within.has_value() || p.node_not_ready_within_auto;
  if (name == "noFalseNotReady") return p.no_false_not_ready;
  if (name == "maxPodEvictions") return p.max_pod_evictions.has_value();
  return p.eventually_leader.has_value();
}

void Loader::load_expect(const Item& item) {
  const auto map = open_map(item, kExpectKeys);
  if (!map) return;
  scenario_.expect.present = true;
  const Item* violated = map->get("violated");
  if (!violated) return;
  const auto list = open_list(*violated);
  if (!list) return;
  std::set<std::string> names;
  for (const Item& entry : *list) {
    const auto name = read_string(entry);
    if (!name) continue;
    if (std::find(kPropertyNames.begin(), kPropertyNames.end(), *name) == kPropertyNames.end()) {
      error(entry, "unknown property " + quoted(*name) + did_you_mean(*name, kPropertyNames) +
                       "; expected one of: " + join(kPropertyNames));
      continue;
    }
    const bool identity_property = *name == "noLiveIdentityDeleted" || *name == "staleIdentityCollectedWithin";
    if (identity_property && !has_identity_processes()) {
      error(entry, "property " + quoted(*name) +
                       " judges kube-apiserver identity leases, and this scenario has no kube-apiserver process, so "
                       "it can never be violated and the run could never pass");
      continue;
    }
    if (!property_enabled(scenario_.properties, *name)) {
      error(entry, "property " + quoted(*name) +
                       " is not enabled in spec.properties, so it can never be violated and the run could never pass");
      continue;
    }
    names.insert(*name);
  }
  scenario_.expect.violated.assign(names.begin(), names.end());
}

void Loader::load_bounds(const Item& item) {
  const auto map = open_map(item, kBoundsKeys);
  if (!map) return;
  if (const Item* v = map->get("maxEvents"))
    if (auto n = read_unsigned(*v, true)) scenario_.max_events = *n;
}

// spec.explore (sim/scenario.h ExploreSpec): `leasesim check` bounds and a counterexample's
// replay script (sim/replay.h for the text form of a choice).
void Loader::load_explore(const Item& item) {
  const auto map = open_map(item, kExploreKeys);
  if (!map) return;
  ExploreSpec& e = scenario_.explore;
  if (const Item* v = map->get("depth"))
    if (auto n = read_unsigned(*v, true)) e.depth = *n;
  if (const Item* v = map->get("maxStates"))
    if (auto n = read_unsigned(*v, true)) e.max_states = *n;
  if (const Item* v = map->get("horizon"))
    if (auto d = read_duration(*v, Sign::Positive)) e.horizon = *d;
  if (const Item* v = map->get("latencyPoints"))
    if (auto mask = read_points(*v)) e.latency_points = *mask;
  if (const Item* v = map->get("jitterPoints"))
    if (auto mask = read_points(*v)) e.jitter_points = *mask;
  if (const Item* v = map->get("faults")) load_explore_faults(*v);
  if (const Item* v = map->get("replay")) {
    const auto list = open_list(*v);
    if (!list) return;
    for (const Item& entry : *list) {
      const auto text = read_string(entry);
      if (!text) continue;
      std::string problem;
      if (auto choice = parse_replay_choice(*text, &problem)) e.replay.push_back(*choice);
      else error(entry, problem);
    }
  }
}

// spec.explore.faults: up to `max` of the candidates may strike on a path, each at one of the
// instants of `at` (sim/scenario.h ExploreFaults).
void Loader::load_explore_faults(const Item& item) {
  const auto map = open_map(item, kExploreFaultKeys);
  if (!map) return;
  ExploreFaults& f = scenario_.explore.faults;
  if (const Item* v = require(*map, "max"))
    if (auto n = read_unsigned(*v, true)) {
      if (*n > 16) error(*v, "at most 16 injected faults on one path (each multiplies the search)");
      else f.max = static_cast<uint32_t>(*n);
    }
  if (const Item* v = require(*map, "at")) {
    if (const auto list = open_list(*v)) {
      for (const Item& entry : *list) {
        const auto d = read_duration(entry, Sign::NonNegative);
        if (!d) continue;
        if (duration_ok_ && *d >= scenario_.duration)
          error(entry, "fault point at " + format_duration(*d) + " would never happen: the run ends at spec.duration " +
                           format_duration(scenario_.duration));
        else if (!f.at.empty() && *d <= f.at.back())
          error(entry, "fault points must be in increasing order (" + format_duration(*d) + " after " +
                           format_duration(f.at.back()) + ")");
        else
          f.at.push_back(*d);
      }
      if (list->empty()) error(*v, "expected at least one instant");
    }
  }
  if (const Item* v = require(*map, "candidates")) {
    if (const auto list = open_list(*v)) {
      for (const Item& entry : *list)
        if (auto fault = read_fault(entry, true)) f.candidates.push_back(*fault);
      if (list->empty()) error(*v, "expected at least one candidate fault");
    }
  }
}

// A list of range points: [min, max] or [min, mid, max] (any non-empty subset).
std::optional<uint8_t> Loader::read_points(const Item& item) {
  const auto list = open_list(item);
  if (!list) return std::nullopt;
  std::vector<std::string> names;
  for (const Item& entry : *list) {
    const auto text = read_string(entry);
    if (!text) return std::nullopt;
    names.push_back(*text);
  }
  std::string problem;
  const auto mask = parse_point_names(names, &problem);
  if (!mask) error(item, problem);
  return mask;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string Diagnostic::format() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!path.empty()) out += path + ": ";
  return out + message;
}

LoadResult load_scenario_text(std::string_view text, const std::string& filename) {
  return Loader(filename).load(text);
}

LoadResult load_scenario_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return LoadResult{std::nullopt, {Diagnostic{path, 0, 0, "", "is a folder, not a scenario file"}}};
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return LoadResult{std::nullopt,
                      {Diagnostic{path, 0, 0, "", std::string("cannot read file: ") + std::strerror(errno)}}};
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return LoadResult{std::nullopt, {Diagnostic{path, 0, 0, "", "cannot read file"}}};
  return load_scenario_text(content.str(), path);
}

}  // namespace leasesim
