// auditor.cc: see auditor.h.
#include "audit/auditor.h"

#include <algorithm>
#include <array>
#include <deque>
#include <set>
#include <string_view>

#include "core/check.h"

namespace leasesim {

const char* lease_use_name(LeaseUse use) {
  switch (use) {
    case LeaseUse::NodeHeartbeat: return "nodeHeartbeat";
    case LeaseUse::LeaderElection: return "leaderElection";
    case LeaseUse::ApiServerIdentity: return "apiServerIdentity";
    case LeaseUse::Other: return "other";
  }
  return "other";
}

namespace {

// kube-apiserver's identity lease name in kube-system: "apiserver-" and 26 characters of
// lower-case base32 (staging/src/k8s.io/apiserver/pkg/server/config.go, NewConfig). Inputs
// without labels (Metadata-level events, leasesim traces) are recognised by it.
bool identity_lease_name(const std::string& ns, const std::string& name) {
  constexpr std::string_view kPrefix = "apiserver-";
  if (ns != "kube-system" || name.size() != kPrefix.size() + 26 || !name.starts_with(kPrefix)) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(kPrefix.size()), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); });
}

}  // namespace

const char* finding_kind_name(FindingKind kind) {
  switch (kind) {
    case FindingKind::StuckLeader: return "stuckLeader";
    case FindingKind::StaleRenewal: return "staleRenewal";
    case FindingKind::TransitionSpike: return "transitionSpike";
    case FindingKind::TransitionsMismatch: return "transitionsMismatch";
    case FindingKind::OverlappingHolders: return "overlappingHolders";
    case FindingKind::MultipleWriters: return "multipleWriters";
    case FindingKind::HighWriteRate: return "highWriteRate";
  }
  return "?";
}

uint64_t AuditResult::records() const {
  uint64_t n = 0;
  for (const InputStats& s : inputs) n += s.records;
  return n;
}

uint64_t AuditResult::malformed() const {
  uint64_t n = 0;
  for (const InputStats& s : inputs) n += s.malformed;
  return n;
}

uint64_t AuditResult::findings_total() const {
  uint64_t n = findings.size();
  for (const SuppressedFindings& s : suppressed) n += s.count;
  return n;
}

namespace {

std::string secs(Duration d) { return format_seconds(d.ns) + " s"; }

// Histogram of durations at millisecond resolution: exact nearest-rank percentiles on the
// rounded values, memory bounded by the number of distinct milliseconds.
struct MsHistogram {
  std::map<int64_t, uint64_t> counts;
  uint64_t n = 0;
  void add(Duration d) {
    ++counts[(d.ns + 500000) / 1000000];
    ++n;
  }
  std::optional<IntervalStats> stats() const {
    if (n == 0) return std::nullopt;
    IntervalStats s;
    s.count = n;
    s.min_ns = counts.begin()->first * 1000000;
    s.max_ns = counts.rbegin()->first * 1000000;
    auto rank = [&](int percent) {
      const uint64_t r = std::max<uint64_t>(1, (static_cast<uint64_t>(percent) * n + 99) / 100);
      uint64_t seen = 0;
      for (const auto& [ms, c] : counts) {
        seen += c;
        if (seen >= r) return ms * 1000000;
      }
      return counts.rbegin()->first * 1000000;
    };
    s.p50_ns = rank(50);
    s.p99_ns = rank(99);
    return s;
  }
};

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string::npos;
}

bool older_version(const std::string& a, const std::string& b) {
  return all_digits(a) && all_digits(b) && std::stoll(a) < std::stoll(b);
}

std::string holder_text(const std::string& h) { return h.empty() ? "(none)" : h; }

}  // namespace

struct LeaseTrack {
  LeaseRecord rec;
  std::optional<LeaseBody> state;
  std::optional<WallInstant> last_at;
  // Renewals: whose (holder, or "writer USER" for bodyless audit events) and when.
  std::string renew_key;
  std::optional<WallInstant> last_renew_at;
  SourceRef last_renew_ref;
  bool last_renew_sampled = false;  // last_renew_at came from a list snapshot (renewal())
  std::optional<HolderSpan> span;
  MsHistogram renew_ms, latency_ms;
  std::deque<std::pair<WallInstant, SourceRef>> changes;  // holder changes in the last hour
  bool in_spike = false;
  std::array<uint32_t, 60> per_second{};
  int64_t ring_second = 0;
  bool ring_started = false;
  uint64_t ring_sum = 0;
  bool in_high_rate = false;
  std::map<std::pair<std::string, std::string>, WriterRecord> writers;
  std::map<std::pair<std::string, std::string>, std::pair<WallInstant, SourceRef>> first_accepted;  // no deletes
  std::set<std::string> candidates;
  bool acquire_seen = false, transitions_seen = false, strategy_seen = false, identity_label = false;
  std::array<uint64_t, kFindingKinds> kind_counts{};
  std::vector<Finding> findings;
  std::array<uint64_t, kFindingKinds> suppressed{};
  const AuditThresholds* thresholds = nullptr;

  void find(FindingKind kind, WallInstant at, std::optional<WallInstant> until, std::string message,
            std::vector<Evidence> evidence) {
    const int k = static_cast<int>(kind);
    if (kind_counts[k]++ >= kMaxFindingsPerKind) {
      ++suppressed[k];
      return;
    }
    if (evidence.size() > kMaxEvidence) evidence.resize(kMaxEvidence);
    findings.push_back(Finding{kind, rec.key(), at, until, std::move(message), std::move(evidence)});
  }

  // The lease duration judged against; above ten years it is judged as ten years, so instants
  // plus a duration stay within int64 nanoseconds (audit/audit_time.h bounds the years).
  std::optional<Duration> duration() const {
    if (state && state->duration_s && *state->duration_s > 0) return seconds(std::min<int64_t>(*state->duration_s, kTenYears));
    return std::nullopt;
  }
  static constexpr int64_t kTenYears = 10LL * 365 * 86400;

  void close_span(bool open) {
    if (!span) return;
    span->open = open;
    if (rec.holders.size() < kMaxHolderSpans) rec.holders.push_back(*span);
    else ++rec.hidden_holder_spans;
    span.reset();
  }

  void count_write(WallInstant at, SourceRef where) {
    const int64_t sec = floor_div(at.ns, kNanosPerSecond);
    if (!ring_started) {
      ring_started = true;
      ring_second = sec;
    }
    if (sec > ring_second) {
      for (int64_t s = ring_second + 1; s <= std::min(sec, ring_second + 60); ++s) {
        ring_sum -= per_second[static_cast<size_t>(s % 60)];
        per_second[static_cast<size_t>(s % 60)] = 0;
      }
      ring_second = sec;
    }
    ++per_second[static_cast<size_t>(ring_second % 60)];
    ++ring_sum;
    rec.peak_writes_per_minute = std::max(rec.peak_writes_per_minute, ring_sum);
    if (ring_sum > thresholds->max_writes_per_minute && !in_high_rate) {
      in_high_rate = true;
      find(FindingKind::HighWriteRate, at, std::nullopt,
           std::to_string(ring_sum) + " write attempts within 60 s (threshold " +
               std::to_string(thresholds->max_writes_per_minute) + " per minute)",
           {{where, "the write that crossed the threshold"}});
    } else if (ring_sum <= thresholds->max_writes_per_minute) {
      in_high_rate = false;
    }
  }

  // `sampled`: the renewal was seen in a point-in-time list snapshot (kubectl get -o json), so
  // renewals between two snapshots left no record and the gap to the one before is only an
  // upper bound: it is neither a renew interval nor evidence of a stuck or stale leader.
  void renewal(const std::string& key, WallInstant at, SourceRef where, bool sampled = false) {
    const bool gap_known = !sampled && !last_renew_sampled;
    if (renew_key == key && last_renew_at) {
      if (span) {
        span->to = at;
        ++span->renewals;
      }
      const Duration gap = at - *last_renew_at;
      if (gap_known) renew_ms.add(gap);
      if (std::optional<Duration> ld = duration(); ld && gap_known) {
        const __int128 g = static_cast<__int128>(gap.ns) * 100;
        const __int128 stuck = static_cast<__int128>(ld->ns) * thresholds->stuck_percent;
        const __int128 stale = static_cast<__int128>(ld->ns) * thresholds->stale_percent;
        const std::vector<Evidence> ev = {{last_renew_ref, "renewal by " + key},
                                          {where, "next renewal by " + key + ", " + secs(gap) + " later"}};
        if (g > stuck) {
          find(FindingKind::StuckLeader, *last_renew_at + *ld, at,
               key + " did not renew for " + secs(gap) + " (leaseDurationSeconds " + secs(*ld) +
                   ") and nobody took over; it renewed again at the end of the gap",
               ev);
        } else if (g >= stale) {
          find(FindingKind::StaleRenewal, at, std::nullopt,
               "renewal gap of " + secs(gap) + " by " + key + " is " +
                   std::to_string(static_cast<int64_t>(g / ld->ns)) + "% of leaseDurationSeconds " + secs(*ld),
               ev);
        }
      }
    }
    renew_key = key;
    last_renew_at = at;
    last_renew_ref = where;
    last_renew_sampled = sampled;
  }

  void holder_change(const LeaseBody& prev, const std::string& to, WallInstant at, SourceRef where) {
    ++rec.counted_transitions;
    const std::string& from = *prev.holder;
    // transitionSpike over a rolling hour of holder changes.
    changes.emplace_back(at, where);
    while (!changes.empty() && changes.front().first + hours(1) < at) changes.pop_front();
    if (changes.size() > thresholds->spike_per_hour && !in_spike) {
      in_spike = true;
      find(FindingKind::TransitionSpike, at, std::nullopt,
           std::to_string(changes.size()) + " holder changes within one hour (threshold " +
               std::to_string(thresholds->spike_per_hour) + " per hour)",
           {{changes.front().second, "first holder change of the hour"}, {where, "holder change to " + to}});
    } else if (changes.size() <= thresholds->spike_per_hour) {
      in_spike = false;
    }
    // overlappingHolders: taken over while the previous holder's lease was still valid.
    if (!from.empty() && renew_key == from && last_renew_at && prev.duration_s && *prev.duration_s > 1) {
      const Duration ld = seconds(std::min<int64_t>(*prev.duration_s, kTenYears));
      const Duration age = at - *last_renew_at;
      if (age < ld) {
        find(FindingKind::OverlappingHolders, at, *last_renew_at + ld,
             to + " took the lease from " + from + " " + secs(age) + " after " + from +
                 "'s last renewal, within its leaseDurationSeconds " + secs(ld) + ": both may act as leader until " +
                 format_rfc3339_micro(*last_renew_at + ld),
             {{last_renew_ref, "last renewal by " + from}, {where, "write naming " + to + " as holder"}});
      }
    }
    if (span && renew_key == from && last_renew_at) span->to = *last_renew_at;
    close_span(false);
    span = HolderSpan{to, at, at, 0, false};
    renew_key.clear();
  }

  void check_transitions(const LeaseBody& prev, const LeaseBody& cur, bool changed, bool exact, SourceRef where,
                         const std::string& what, WallInstant at) {
    const int64_t tb = prev.transitions.value_or(0);
    const int64_t ta = cur.transitions.value_or(0);
    std::string why;
    if (ta < tb) {
      why = "leaseTransitions decreased from " + std::to_string(tb) + " to " + std::to_string(ta);
    } else if (changed && ta == tb) {
      why = "holderIdentity changed from \"" + *prev.holder + "\" to \"" + *cur.holder +
            "\" but leaseTransitions stayed " + std::to_string(ta);
    } else if (exact && changed && ta != tb + 1) {
      why = "holderIdentity changed from \"" + *prev.holder + "\" to \"" + *cur.holder +
            "\" but leaseTransitions went from " + std::to_string(tb) + " to " + std::to_string(ta) + " (expected " +
            std::to_string(tb + 1) + ")";
    } else if (exact && !changed && ta != tb) {
      why = "leaseTransitions changed from " + std::to_string(tb) + " to " + std::to_string(ta) +
            " without a holder change (holder \"" + *cur.holder + "\")";
    }
    if (why.empty()) return;
    find(FindingKind::TransitionsMismatch, at, std::nullopt, why + (exact ? "" : " (between two observations)"),
         {{where, what}});
  }

  void apply_body(const LeaseBody& b, WallInstant at, SourceRef where, const std::string& what, bool exact,
                  bool sampled = false) {
    rec.bodies = true;
    LeaseBody s = b;
    if (b.partial && state) {
      s = *state;
      if (b.holder) s.holder = b.holder;
      if (b.duration_s) s.duration_s = b.duration_s;
      if (b.acquire) s.acquire = b.acquire;
      if (b.renew) s.renew = b.renew;
      if (b.transitions) s.transitions = b.transitions;
      if (b.strategy) s.strategy = b.strategy;
      if (b.preferred_holder) s.preferred_holder = b.preferred_holder;
      s.resource_version = b.resource_version;
      s.partial = false;
    }
    if (!s.holder) s.holder = state && state->holder ? *state->holder : std::string();
    const std::string& cur = *s.holder;
    if (!cur.empty() && candidates.size() < kMaxCandidates) candidates.insert(cur);
    acquire_seen |= s.acquire.has_value();
    transitions_seen |= s.transitions.has_value();
    strategy_seen |= s.strategy.has_value() || s.preferred_holder.has_value();
    identity_label |= s.identity_label;
    if (s.duration_s) {
      if (rec.duration_s && *rec.duration_s != *s.duration_s && *s.duration_s != 1) rec.duration_changed = true;
      if (*s.duration_s != 1 || !rec.duration_s) rec.duration_s = s.duration_s;
    }
    if (s.acquire) rec.acquire_time = s.acquire;
    if (s.renew) rec.renew_time = s.renew;
    if (s.transitions) {
      if (!rec.transitions_first) rec.transitions_first = s.transitions;
      rec.transitions_last = s.transitions;
    }
    if (state) {
      const LeaseBody prev = *state;
      const bool same_rv = !s.resource_version.empty() && s.resource_version == prev.resource_version;
      const bool same_content = *prev.holder == cur && prev.renew == s.renew && prev.acquire == s.acquire &&
                                prev.transitions == s.transitions && prev.duration_s == s.duration_s;
      if (same_rv || (!exact && same_content)) {
        state = s;
        return;  // the same stored state seen again: no write happened
      }
      const bool changed = !cur.empty() && cur != *prev.holder;
      check_transitions(prev, s, changed, exact, where, what, at);
      state = s;
      if (changed) {
        holder_change(prev, cur, at, where);
      } else if (cur.empty() && !prev.holder->empty()) {
        // Released (client-go writes holderIdentity "" and leaseDurationSeconds 1).
        if (span && last_renew_at) span->to = at;
        close_span(false);
        renew_key.clear();
        last_renew_at.reset();
      }
    } else {
      state = s;
      if (!cur.empty()) span = HolderSpan{cur, at, at, 0, false};
    }
    if (!cur.empty()) renewal(cur, at, where, sampled);
  }
};

Auditor::Auditor(AuditThresholds thresholds) : thresholds_(thresholds) {}
Auditor::~Auditor() = default;

void Auditor::add(Observation&& o) {
  pending_.push(Pending{o.at, seq_++, std::make_shared<Observation>(std::move(o))});
  while (pending_.size() > kReorderWindow) {
    std::shared_ptr<Observation> next = pending_.top().o;
    pending_.pop();
    judge(*next);
  }
}

void Auditor::judge(Observation& o) {
  std::unique_ptr<LeaseTrack>& slot = leases_[o.ns + "/" + o.name];
  if (!slot) {
    slot = std::make_unique<LeaseTrack>();
    slot->rec.ns = o.ns;
    slot->rec.name = o.name;
    slot->rec.first_seen = o.at;
    slot->thresholds = &thresholds_;
  }
  LeaseTrack& L = *slot;
  LeaseRecord& rec = L.rec;
  WallInstant at = o.at;
  if (L.last_at && at < *L.last_at) {
    ++rec.late;
    at = *L.last_at;
  }
  L.last_at = at;
  rec.last_seen = at;
  ++rec.observations;
  if (!start_ || at < *start_) start_ = at;
  if (!end_ || at > *end_) end_ = at;
  if (o.server_latency) L.latency_ms.add(*o.server_latency);
  if (o.kind == ObsKind::Read) {
    ++rec.reads;
    // A read served before a write it is logged after shows an older state: skip its body.
    // resourceVersions are opaque to clients, but the API server's are etcd revisions, so an
    // all-digit value below the current one is an older state.
    if (o.body && L.state && older_version(o.body->resource_version, L.state->resource_version)) return;
    if (o.body)
      L.apply_body(*o.body, at, o.where, o.verb + " showing holder " + holder_text(o.body->holder.value_or("")), false,
                   /*sampled=*/o.verb == "list");
    return;
  }
  WriterRecord& w = L.writers[{o.user, o.agent}];
  if (w.ok + w.failed == 0) {
    w.user = o.user;
    w.agent = o.agent;
    w.first = at;
    w.first_ref = o.where;
  }
  w.last = at;
  L.count_write(at, o.where);
  if (!o.ok) {
    ++w.failed;
    ++rec.failed_writes;
    if (o.body && o.body->holder && !o.body->holder->empty() && L.candidates.size() < kMaxCandidates)
      L.candidates.insert(*o.body->holder);
    return;
  }
  ++w.ok;
  ++rec.writes;
  if (o.verb == "delete") {
    if (L.span && L.last_renew_at) L.span->to = *L.last_renew_at;
    L.close_span(false);
    L.state.reset();
    L.renew_key.clear();
    L.last_renew_at.reset();
    rec.deleted = true;
    return;
  }
  rec.deleted = false;
  L.first_accepted.try_emplace({o.user, o.agent}, at, o.where);
  const std::string who = o.user.empty() ? o.agent : o.user;
  if (o.body) {
    const bool exact = o.complete || (!o.precondition_rv.empty() && L.state && !L.state->resource_version.empty() &&
                                      o.precondition_rv == L.state->resource_version);
    L.apply_body(*o.body, at, o.where, o.verb + " by " + who + " naming holder " + holder_text(o.body->holder.value_or("")),
                 exact);
  } else {
    // Metadata level: who and when only. A renewal is judged per writer, and the stored state's
    // resourceVersion is no longer known, so the next write cannot be proved consecutive.
    L.renewal("writer " + who, at, o.where);
    if (L.state) L.state->resource_version.clear();
  }
}

AuditResult Auditor::finish(std::vector<std::string> files, std::vector<InputStats> inputs) {
  while (!pending_.empty()) {
    std::shared_ptr<Observation> next = pending_.top().o;
    pending_.pop();
    judge(*next);
  }
  // The input watched until its latest record, whatever that record was about.
  for (const InputStats& s : inputs)
    if (s.last_time && (!end_ || *s.last_time > *end_)) end_ = s.last_time;
  AuditResult r;
  r.files = std::move(files);
  r.inputs = std::move(inputs);
  r.thresholds = thresholds_;
  r.observations = seq_;
  r.start = start_;
  r.end = end_;
  for (auto& [key, track] : leases_) {
    LeaseTrack& L = *track;
    LeaseRecord& rec = L.rec;
    // A holder still named at the end whose lease expired long ago: nobody took over.
    if (L.state && L.state->holder && !L.state->holder->empty() && L.renew_key == *L.state->holder &&
        L.last_renew_at && end_) {
      if (std::optional<Duration> ld = L.duration()) {
        const Duration quiet = *end_ - *L.last_renew_at;
        if (static_cast<__int128>(quiet.ns) * 100 > static_cast<__int128>(ld->ns) * thresholds_.stuck_percent) {
          L.find(FindingKind::StuckLeader, *L.last_renew_at + *ld, std::nullopt,
                 *L.state->holder + " is still the holder at the end of the input (" + format_rfc3339_micro(*end_) +
                     ") but last renewed " + secs(quiet) + " before it (leaseDurationSeconds " + secs(*ld) +
                     "); nobody took over",
                 {{L.last_renew_ref, "last renewal by " + *L.state->holder}});
        }
      }
    }
    if (L.span && L.last_renew_at && L.renew_key == L.span->holder) L.span->to = *L.last_renew_at;
    L.close_span(true);
    rec.holder = L.state && L.state->holder ? *L.state->holder : std::string();
    // multipleWriters: accepted writes by different users, or different products of one user.
    std::set<std::string> users, products;
    for (const auto& [k, first] : L.first_accepted) {
      if (!k.first.empty()) users.insert(k.first);
      if (!k.first.empty() && !k.second.empty()) products.insert(k.second);
    }
    if (users.size() > 1 || products.size() > 1) {
      std::vector<std::pair<std::pair<WallInstant, SourceRef>, std::string>> firsts;
      for (const auto& [k, first] : L.first_accepted)
        if (!k.first.empty()) firsts.push_back({first, k.first + (k.second.empty() ? "" : " (" + k.second + ")")});
      std::sort(firsts.begin(), firsts.end(), [](const auto& a, const auto& b) {
        return a.first.first != b.first.first ? a.first.first < b.first.first : a.second < b.second;
      });
      std::vector<Evidence> ev;
      std::string names;
      for (const auto& f : firsts) {
        ev.push_back({f.first.second, "first accepted write by " + f.second});
        names += (names.empty() ? "" : ", ") + f.second;
      }
      L.find(FindingKind::MultipleWriters, firsts[1].first.first, std::nullopt,
             std::to_string(users.size()) + " users and " + std::to_string(products.size()) +
                 " products wrote this lease: " + names + " (a naming collision?)",
             ev);
    }
    for (auto& [k, w] : L.writers) rec.writers.push_back(w);
    rec.candidates.assign(L.candidates.begin(), L.candidates.end());
    rec.renew_interval = L.renew_ms.stats();
    rec.server_latency = L.latency_ms.stats();
    // Use: from the namespace, labels and fields client-go's lock and the components write.
    if (rec.ns == "kube-node-lease") rec.use = LeaseUse::NodeHeartbeat;
    else if (L.identity_label || identity_lease_name(rec.ns, rec.name)) rec.use = LeaseUse::ApiServerIdentity;
    else if (L.acquire_seen || L.transitions_seen || L.strategy_seen) rec.use = LeaseUse::LeaderElection;
    else rec.use = LeaseUse::Other;
    for (Finding& f : L.findings) r.findings.push_back(std::move(f));
    for (int k = 0; k < kFindingKinds; ++k)
      if (L.suppressed[k]) r.suppressed.push_back({rec.key(), static_cast<FindingKind>(k), L.suppressed[k]});
    r.leases.push_back(std::move(rec));
  }
  std::stable_sort(r.findings.begin(), r.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.lease != b.lease) return a.lease < b.lease;
    if (a.at != b.at) return a.at < b.at;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.message < b.message;
  });
  return r;
}

}  // namespace leasesim
