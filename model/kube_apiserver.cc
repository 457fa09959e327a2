// kube_apiserver.cc: the identity lease heartbeat and its garbage collector (see the header;
// upstream functions are named where their rule is implemented).
#include "model/kube_apiserver.h"

#include "core/check.h"
#include "model/apiserver_identity.h"

namespace leasesim {

std::string kube_apiserver_implied_lease(KubeApiserverConfig& config, const std::string& process_name) {
  if (config.hostname.empty()) config.hostname = process_name;
  // With the controller the process elects on its lock; the identity lease is bound apart.
  return config.coordinated_leader_election ? std::string(kCleLockLeaseKey) : identity_lease_key(config.hostname);
}

void kube_apiserver_bind_leases(KubeApiserverConfig& config, const std::function<LeaseId(const std::string&)>& intern) {
  if (config.coordinated_leader_election) config.identity_lease = intern(identity_lease_key(config.hostname));
}

bool identity_lease_expired(const Lease& lease, WallInstant now) {
  // isLeaseExpired: a lease without renewTime or leaseDurationSeconds is invalid and expired;
  // otherwise renewTime + duration must lie strictly before the collector's time.Now().
  const LeaseSpec& s = lease.spec;
  if (!s.renew_time || !s.lease_duration_seconds) return true;
  return *s.renew_time + seconds(*s.lease_duration_seconds) < now;
}

// labelAPIServerHeartbeatFunc: the identity and hostname labels, set (not merely added) on
// every create and update. os.Hostname cannot fail here, so the hook always succeeds.
class KubeApiserver::LabelHook final : public LeaseHeartbeatHooks {
 public:
  explicit LabelHook(const std::string& hostname) : hostname_(hostname) {}
  bool post_process(Lease& lease, const Now& /*now*/) const override {
    const auto identity = lease.labels.find(std::string(kIdentityLabelKey));
    const auto host = lease.labels.find(std::string(kHostnameLabelKey));
    const bool current = identity != lease.labels.end() && identity->second == kIdentityLabelValue &&
                         host != lease.labels.end() && host->second == hostname_;
    if (current) return true;  // the usual case: the cached object already carries them
    Labels::Map map = lease.labels.map();
    map[std::string(kIdentityLabelKey)] = std::string(kIdentityLabelValue);
    map[std::string(kHostnameLabelKey)] = hostname_;
    lease.labels = Labels(std::move(map));
    return true;
  }

 private:
  const std::string& hostname_;
};

namespace {

LeaseHeartbeatConfig heartbeat_config(LeaseId lease, const KubeApiserverConfig& config, const Name& holder) {
  LeaseHeartbeatConfig h;
  h.lease = lease;
  h.holder_identity = holder;
  h.lease_duration_seconds = config.identity_lease_duration_seconds;
  h.renew_interval = config.identity_lease_renew_interval;
  h.request_timeout = config.request_timeout;
  h.timer_base = KubeApiserver::kHeartbeatTimerBase;
  h.tag = KubeApiserver::kHeartbeatTag;
  return h;
}

}  // namespace

KubeApiserver::KubeApiserver(LeaseId lease, KubeApiserverConfig config, uint64_t start_nonce)
    : settings_(Settings{config, Name(identity_lease_name(config.hostname) + "_" + holder_uuid(start_nonce))}),
      lease_(config.identity_lease.value_or(lease)),
      heartbeat_(heartbeat_config(lease_, config, settings_->holder)) {
  LS_CHECK(!config.hostname.empty(), "kube-apiserver needs a hostname (the loader fills in the process name)");
  LS_CHECK(config.coordinated_leader_election == config.identity_lease.has_value(),
           "a coordinated kube-apiserver has its identity lease bound apart (kube_apiserver_bind_leases)");
  if (config.coordinated_leader_election) cle_.emplace(config.hostname, lease, start_nonce);
}

void KubeApiserver::on_start(const Now& now, Effects& out) {
  // The post-start hooks start both controllers together.
  heartbeat_.start(now, LabelHook(config().hostname), out);
  if (config().gc) gc_pass_start(out);
  // server.go's start-kube-apiserver-coordinated-leader-election-controller hook.
  if (cle_) cle_->on_start(now, out);
}

void KubeApiserver::on_timer(TimerId timer, const Now& now, Effects& out) {
  if (heartbeat_.owns_timer(timer)) {
    heartbeat_.on_timer(timer, now, LabelHook(config().hostname), out);
    return;
  }
  if (cle_ && cle_->owns_timer(timer)) {
    cle_->on_timer(timer, now, out);
    return;
  }
  LS_CHECK(timer == kGcTimer, "kube-apiserver has timers 1 to 3");
  if (gc_phase_ == GcPhase::Idle) gc_pass_start(out);
}

void KubeApiserver::on_response(const ApiResponse& response, const Now& now, Effects& out) {
  if (heartbeat_.owns_tag(response.tag)) {
    heartbeat_.on_response(response, now, LabelHook(config().hostname), out);
    return;
  }
  if (cle_ && cle_->owns_tag(response.tag)) {
    cle_->on_response(response, now, out);
    return;
  }
  if (response.tag != kGcTag) return;
  switch (gc_phase_) {
    case GcPhase::Listing:
      if (response.verb != Verb::List) return;
      // The informer cache: refreshed by a successful LIST, kept as it was otherwise.
      if (response.result == ApiResult::Ok) cache_ = response.items;
      gc_cursor_ = 0;
      gc_next(now, out);
      return;
    case GcPhase::Getting:
      if (response.verb != Verb::Get) return;
      // gc: "double check latest lease from apiserver before deleting".
      if (response.result == ApiResult::Ok && response.object && identity_lease_expired(*response.object, now.wall)) {
        gc_phase_ = GcPhase::Deleting;
        gc_send(Verb::Delete, gc_current_, out);
        return;
      }
      // Fresh again, NotFound (another collector got there first) or an error: next lease.
      gc_next(now, out);
      return;
    case GcPhase::Deleting:
      if (response.verb != Verb::Delete) return;
      // Deleted, NotFound ("gone already") or an error (logged upstream): next lease.
      gc_next(now, out);
      return;
    case GcPhase::Off:
    case GcPhase::Idle:
    case GcPhase::Stopped:
      return;
  }
}

void KubeApiserver::on_stop(const Now& now, Effects& out) {
  // The stop channel closes every loop; upstream does not delete the identity lease. The
  // controller's lock, without ReleaseOnCancel, stops leading at once.
  if (cle_) cle_->on_stop(now, out);
  heartbeat_.stop(out);
  if (gc_phase_ != GcPhase::Off) {
    gc_phase_ = GcPhase::Stopped;
    out.cancel_timer(kGcTimer);
  }
  out.note(NoteKind::Exited, lease_);
}

void KubeApiserver::gc_pass_start(Effects& out) {
  gc_phase_ = GcPhase::Listing;
  ApiRequest list;
  list.tag = kGcTag;
  list.verb = Verb::List;
  list.lease = lease_;
  list.selector = Labels{{std::string(kIdentityLabelKey), std::string(kIdentityLabelValue)}};
  list.list_namespace = Name(std::string(kIdentityLeaseNamespace));
  list.timeout = config().request_timeout;
  out.call(std::move(list));
}

void KubeApiserver::gc_next(const Now& now, Effects& out) {
  // gc: "evaluate lease from cache", with time.Now() read for each lease.
  while (gc_cursor_ < cache_.size()) {
    const Lease& cached = cache_[gc_cursor_++];
    if (!identity_lease_expired(cached, now.wall)) continue;
    gc_current_ = cached.id;
    gc_phase_ = GcPhase::Getting;
    gc_send(Verb::Get, cached.id, out);
    return;
  }
  // The pass is over: wait.Until waits gcPeriod from here.
  gc_phase_ = GcPhase::Idle;
  out.set_timer(kGcTimer, config().gc_period);
}

void KubeApiserver::gc_send(Verb verb, LeaseId lease, Effects& out) {
  ApiRequest request;
  request.tag = kGcTag;
  request.verb = verb;
  request.lease = lease;
  request.timeout = config().request_timeout;
  // Delete: metav1.DeleteOptions{} carries no preconditions (delete_precondition_rv stays 0).
  out.call(std::move(request));
}

template <class H>
void KubeApiserver::hash_into(H& h, const HashFrame& frame) const {
  // The configuration and holder are the incarnation's; a World hashes the model in its
  // process's place, and the holder enters through the leases that carry it.
  heartbeat_.hash_into(h, frame);
  h.u64(static_cast<uint64_t>(gc_phase_) | (static_cast<uint64_t>(gc_current_) << 8) |
        (static_cast<uint64_t>(gc_cursor_) << 40));
  h.u64(cache_.size());
  for (const Lease& l : cache_) l.hash_into(h, frame);
  if (cle_) cle_->hash_into(h, frame);
}

template void KubeApiserver::hash_into(Hasher&, const HashFrame&) const;
template void KubeApiserver::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
