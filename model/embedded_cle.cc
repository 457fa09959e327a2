// embedded_cle.cc: see embedded_cle.h.
#include "model/embedded_cle.h"

#include "core/check.h"
#include "model/apiserver_identity.h"

namespace leasesim {

CleControllerConfig EmbeddedCle::lock_config() {
  // run_with_leaderelection.go: LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s, no
  // ReleaseOnCancel; NewFromKubeconfig(..., 10) gives the lock's client a 1 s timeout.
  CleControllerConfig config;
  config.lock.lease_duration = seconds(15);
  config.lock.renew_deadline = seconds(10);
  config.lock.retry_period = seconds(2);
  config.lock.request_timeout = seconds(1);
  config.lock.rejoin_after_loss = true;
  return config;
}

EmbeddedCle::EmbeddedCle(const std::string& hostname, LeaseId lock_lease, uint64_t nonce)
    // A second UUID of this start: uuid.NewUUID() in RunWithLeaderElection is drawn apart from
    // the identity lease's.
    : controller_(hostname + "_" + holder_uuid(avalanche(nonce ^ 0x6c6561646572656cull)), lock_lease, lock_config()) {}

const std::string& EmbeddedCle::identity() const { return controller_.lock().identity(); }

void EmbeddedCle::remap(Effects& out, size_t from, bool stopping) {
  auto& list = out.list();
  for (size_t i = from; i < list.size();) {
    Effect& e = list[i];
    if (auto* t = std::get_if<SetTimer>(&e)) {
      t->id += kTimerBase;
    } else if (auto* c = std::get_if<CancelTimer>(&e)) {
      c->id += kTimerBase;
    } else if (auto* call = std::get_if<Call>(&e)) {
      LS_CHECK((call->request.tag & kTagBit) == 0, "the election controller's tags stay below bit 30");
      call->request.tag |= kTagBit;
    } else if (auto* cancel = std::get_if<CancelCall>(&e)) {
      cancel->tag |= kTagBit;
    } else if (auto* note = std::get_if<Note>(&e)) {
      LS_CHECK(note->kind != NoteKind::Crashed, "the embedded controller's lock rejoins; it never exits");
      if (note->kind == NoteKind::Exited) {
        LS_CHECK(stopping, "the embedded controller exits only when its kube-apiserver stops");
        list.erase(list.begin() + static_cast<ptrdiff_t>(i));
        continue;
      }
    }
    ++i;
  }
}

void EmbeddedCle::on_start(const Now& now, Effects& out) {
  const size_t from = out.list().size();
  controller_.on_start(now, out);
  remap(out, from, false);
}

void EmbeddedCle::on_timer(TimerId timer, const Now& now, Effects& out) {
  LS_CHECK(owns_timer(timer), "not an election-controller timer");
  const size_t from = out.list().size();
  controller_.on_timer(timer - kTimerBase, now, out);
  remap(out, from, false);
}

void EmbeddedCle::on_response(const ApiResponse& response, const Now& now, Effects& out) {
  LS_CHECK(owns_tag(response.tag), "not an election-controller response");
  ApiResponse inner = response;
  inner.tag &= ~kTagBit;
  const size_t from = out.list().size();
  controller_.on_response(inner, now, out);
  remap(out, from, false);
}

void EmbeddedCle::on_stop(const Now& now, Effects& out) {
  const size_t from = out.list().size();
  controller_.on_stop(now, out);
  remap(out, from, true);
}

}  // namespace leasesim
