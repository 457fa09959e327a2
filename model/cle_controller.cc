// cle_controller.cc: see cle_controller.h ("section N" cites docs/models/coordinated-election.md).
#include "model/cle_controller.h"

#include <algorithm>

#include "core/check.h"

namespace leasesim {

std::optional<CleControllerConfig> read_cle_controller_config(ConfigReader& reader, Duration* quiesce) {
  // The controller's lock: client-go's defaults of 15 s / 10 s / 2 s (server.go starts it with
  // them); it runs Run again after a loss unless `afterLeadershipLoss: exit` asks for the bug.
  CleControllerConfig config;
  config.lock.rejoin_after_loss = true;
  if (auto d = reader.duration("leaseDuration")) config.lock.lease_duration = *d;
  if (auto d = reader.duration("renewDeadline")) config.lock.renew_deadline = *d;
  if (auto d = reader.duration("retryPeriod")) config.lock.retry_period = *d;
  if (auto d = reader.duration("requestTimeout")) config.lock.request_timeout = *d;
  static constexpr std::array<std::string_view, 2> kAfterLoss{"exit", "rejoin"};
  if (auto after = reader.choice("afterLeadershipLoss", kAfterLoss, "afterLeadershipLoss value"))
    config.lock.rejoin_after_loss = *after == "rejoin";
  if (auto d = reader.duration("quiesce")) *quiesce = *d;
  if (reader.failed()) return std::nullopt;
  if (const auto problem = validate(config.lock)) {
    reader.error(problem->field, problem->message);
    return std::nullopt;
  }
  return config;
}

CleControllerCore::CleControllerCore(std::string identity, LeaseId lock_lease, CleControllerConfig config)
    : lock_(std::move(identity), lock_lease, config.lock) {}

void CleControllerCore::on_start(const Now& now, Effects& out) {
  lock_.on_start(now, out);
  next_gc_ = now.mono + kGcPeriod;
  out.set_timer(kPollTimer, kPoll);
}

void CleControllerCore::on_timer(TimerId timer, const Now& now, Effects& out) {
  if (timer != kPollTimer) {
    lock_.on_timer(timer, now, out);
    return;
  }
  if (stopped_) return;
  if (step_ == Step::Idle) tick(now, out);
  else out.set_timer(kPollTimer, kPoll);  // still busy: look again later
}

void CleControllerCore::on_stop(const Now& now, Effects& out) {
  stopped_ = true;
  out.cancel_timer(kPollTimer);
  if (inflight_tag_ != 0) out.cancel_call(inflight_tag_);
  inflight_tag_ = 0;
  step_ = Step::Idle;
  lock_.on_stop(now, out);
}

void CleControllerCore::issue(ApiRequest request, Step step, Effects& out) {
  request.tag = next_tag_;
  next_tag_ = next_tag_ == UINT32_MAX ? (kTagBit | 1) : next_tag_ + 1;
  request.timeout = lock_.config().effective_request_timeout();
  inflight_tag_ = request.tag;
  step_ = step;
  out.call(std::move(request));
}

void CleControllerCore::tick(const Now& /*now*/, Effects& out) {
  // Only the leader of the controller's lock runs the controller (section 5).
  if (!lock_.acting_leader()) {
    out.set_timer(kPollTimer, kPoll);
    return;
  }
  ApiRequest list;
  list.kind = ObjectKind::LeaseCandidate;
  list.verb = Verb::List;
  issue(std::move(list), Step::List, out);
}

CleControllerCore::Target& CleControllerCore::target(LeaseId lease) {
  auto it = std::lower_bound(targets_.begin(), targets_.end(), lease,
                             [](const Target& t, LeaseId id) { return t.lease < id; });
  if (it == targets_.end() || it->lease != lease) it = targets_.insert(it, Target{lease, 0, 0, std::nullopt, false});
  return *it;
}

void CleControllerCore::on_response(const ApiResponse& response, const Now& now, Effects& out) {
  if ((response.tag & kTagBit) == 0) {
    lock_.on_response(response, now, out);
    return;
  }
  if (response.tag != inflight_tag_ || inflight_tag_ == 0) return;
  inflight_tag_ = 0;
  const Step step = step_;
  step_ = Step::Idle;
  const bool ok = response.result == ApiResult::Ok;
  switch (step) {
    case Step::List:
      if (!ok) {
        finish_cycle(out);
        return;
      }
      after_list(response.candidates, now, out);
      return;
    case Step::GetLease:
      if (ok) after_get(response.object, now, out);
      else if (response.result == ApiResult::NotFound) after_get(std::nullopt, now, out);
      else next_target(now, out);
      return;
    case Step::Write:
      if (ok) {
        next_write(now, out);
      } else {
        // reconcileElectionStep returns on the first failed write; look again next poll.
        writes_.clear();
        next_target(now, out);
      }
      return;
    case Step::Idle:
      LS_CHECK(false, "controller response without a call");
  }
}

void CleControllerCore::after_list(const std::vector<LeaseCandidate>& listed, const Now& now, Effects& out) {
  listed_ = listed;
  cycle_targets_.clear();
  for (const LeaseCandidate& c : listed_) cycle_targets_.push_back(c.lease);
  std::sort(cycle_targets_.begin(), cycle_targets_.end());
  cycle_targets_.erase(std::unique(cycle_targets_.begin(), cycle_targets_.end()), cycle_targets_.end());
  std::reverse(cycle_targets_.begin(), cycle_targets_.end());  // popped from the back: LeaseId order
  writes_.clear();
  // leasecandidategc_controller.go: every 30 minutes, delete candidates expired on our clock.
  if (next_gc_ && now.mono >= *next_gc_) {
    next_gc_ = now.mono + kGcPeriod;
    for (const LeaseCandidate& c : listed_) {
      if (!cle_candidate_expired(c, now.wall)) continue;
      ApiRequest del;
      del.kind = ObjectKind::LeaseCandidate;
      del.verb = Verb::Delete;
      del.lease = c.lease;
      del.candidate_name = c.name;
      writes_.push_back(std::move(del));
    }
  }
  if (!writes_.empty()) {
    next_write(now, out);
    return;
  }
  next_target(now, out);
}

void CleControllerCore::next_target(const Now& /*now*/, Effects& out) {
  if (cycle_targets_.empty() || !lock_.acting_leader()) {
    finish_cycle(out);
    return;
  }
  ApiRequest get;
  get.verb = Verb::Get;
  get.lease = cycle_targets_.back();
  issue(std::move(get), Step::GetLease, out);
}

void CleControllerCore::after_get(const std::optional<Lease>& lease, const Now& now, Effects& out) {
  const LeaseId id = cycle_targets_.back();
  cycle_targets_.pop_back();
  // The events upstream's handlers would have queued: a Lease change, or a change of a
  // candidate that is not waiting on an unanswered ping (processCandidate ignores those).
  StateHasher h;
  for (const LeaseCandidate& c : listed_) {
    if (c.lease != id) continue;
    const bool unacked = c.ping_time && (!c.renew_time || *c.renew_time < *c.ping_time);
    if (!unacked) c.hash_into(h);
  }
  const uint64_t seen_candidates = h.digest();
  const uint64_t seen_rv = lease ? lease->resource_version : 0;
  Target& t = target(id);
  const bool changed = !t.reconciled || t.seen_lease_rv != seen_rv || t.seen_candidates != seen_candidates;
  const bool due = t.due && now.mono >= *t.due;
  t.seen_lease_rv = seen_rv;
  t.seen_candidates = seen_candidates;
  if (!changed && !due) {
    next_target(now, out);
    return;
  }
  t.reconciled = true;
  const CleStep step = cle_reconcile_step(id, lease, listed_, now.wall);
  t.due = step.requeue ? std::optional<LocalInstant>(now.mono + *step.requeue) : std::nullopt;
  writes_.clear();
  for (const LeaseCandidate& pinged : step.pings) {
    ApiRequest r;
    r.kind = ObjectKind::LeaseCandidate;
    r.verb = Verb::Update;
    r.lease = pinged.lease;
    r.candidate_name = pinged.name;
    r.candidate_body = pinged;
    writes_.push_back(std::move(r));
  }
  if (step.create || step.update) {
    ApiRequest r;
    r.verb = step.create ? Verb::Create : Verb::Update;
    r.lease = id;
    r.body = step.create ? *step.create : *step.update;
    writes_.push_back(std::move(r));
  }
  next_write(now, out);
}

void CleControllerCore::next_write(const Now& now, Effects& out) {
  if (writes_.empty() || !lock_.acting_leader()) {
    writes_.clear();
    next_target(now, out);
    return;
  }
  ApiRequest r = std::move(writes_.front());
  writes_.erase(writes_.begin());
  issue(std::move(r), Step::Write, out);
}

void CleControllerCore::finish_cycle(Effects& out) {
  cycle_targets_.clear();
  writes_.clear();
  out.set_timer(kPollTimer, kPoll);
}

template <class H>
void CleControllerCore::hash_into(H& h, const HashFrame& f) const {
  lock_.hash_into(h, f);
  h.u64(static_cast<uint64_t>(step_) | (static_cast<uint64_t>(stopped_) << 8) |
        (static_cast<uint64_t>(inflight_tag_ == 0 ? 0 : next_tag_ - inflight_tag_) << 32));
  if (!f.canonical) h.u64(next_tag_);
  h.u64(listed_.size()).u64(cycle_targets_.size()).u64(writes_.size()).u64(targets_.size());
  for (const LeaseCandidate& c : listed_) c.hash_into(h, f);
  for (LeaseId id : cycle_targets_) h.u64(id);
  for (const ApiRequest& r : writes_) {
    h.u64(static_cast<uint64_t>(r.verb) | (static_cast<uint64_t>(r.kind) << 8) | (static_cast<uint64_t>(r.lease) << 32));
    if (r.body) r.body->hash_into(h, f);
    if (r.candidate_body) r.candidate_body->hash_into(h, f);
  }
  for (const Target& t : targets_) {
    h.u64(t.lease | (static_cast<uint64_t>(t.reconciled) << 32) | (static_cast<uint64_t>(t.due.has_value()) << 33));
    h.u64(f.rv(t.seen_lease_rv)).u64(t.seen_candidates);
    if (t.due) h.i64(f.at(*t.due));
  }
  if (next_gc_) h.i64(f.at(*next_gc_));
}

template void CleControllerCore::hash_into(Hasher&, const HashFrame&) const;
template void CleControllerCore::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
