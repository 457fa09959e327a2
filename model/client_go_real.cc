// client_go_real.cc: the World's handle on a client-go-real helper (see the header).
#include "model/client_go_real.h"

#include <utility>

#include "core/check.h"

namespace leasesim {

std::optional<ClientGoRealConfig> read_client_go_real_config(ConfigReader& reader, Duration* quiesce) {
  // The timings are client-go-elector's, read by the same function so both models take the same
  // values (the differential test runs one scenario with either model).
  auto timings = read_client_go_config(reader, quiesce);
  auto helper = reader.string("helper");
  if (!timings || reader.failed()) return std::nullopt;
  ClientGoRealConfig config;
  config.timings = *timings;
  if (helper) {
    if (helper->empty()) {
      reader.error("helper", "must name a program (omit the key for the built-in client-go-real helper)");
      return std::nullopt;
    }
    config.helper = *helper;
  }
  return config;
}

ClientGoReal::ClientGoReal(std::string identity, LeaseId lease, ClientGoRealConfig config, uint64_t seed)
    : state_(std::make_shared<State>()) {
  state_->identity = std::move(identity);
  state_->lease = lease;
  state_->config = std::move(config);
  state_->seed = seed;
}

void ClientGoReal::on_start(const Now& now, Effects& out) {
  State& s = *state_;
  LS_CHECK(!s.session, "on_start called twice");
  LS_CHECK(s.config.factory != nullptr, "client-go-real started without a helper factory (the command line injects it)");
  ExternalStart start;
  start.identity = s.identity;
  start.lease = s.lease;
  start.seed = s.seed;
  start.now = now;
  start.timings = s.config.timings;
  start.helper = s.config.helper;
  auto [session, reply] = s.config.factory->start(start);
  s.session = std::move(session);
  s.helper_at = now.mono;
  apply(std::move(reply), now, out);
}

void ClientGoReal::on_timer(TimerId timer, const Now& now, Effects& out) {
  LS_CHECK(timer == kWakeTimer, "client-go-real got an unknown timer id");
  catch_up(now, out);
  arm_wake(now, out);
}

void ClientGoReal::catch_up(const Now& now, Effects& out, bool force) {
  State& s = *state_;
  // Everything the helper did up to this instant, in the order it did it; after a give-up, only
  // once the World has given the client its timeout (see awaiting_timeout).
  if (force) s.awaiting_timeout = 0;
  while (!s.queued.empty() && s.queued.front().at <= now.mono && s.awaiting_timeout == 0) {
    const ExternalEvent e = std::move(s.queued.front());
    s.queued.pop_front();
    emit(e, out);
  }
}

void ClientGoReal::on_response(const ApiResponse& response, const Now& now, Effects& out) {
  State& s = *state_;
  // An answer to a request the helper gave up (its CancelCall's Timeout) reaches nobody.
  if (s.awaiting_timeout != 0 && response.tag == s.awaiting_timeout) {
    // The World's timeout for the request the helper gave up: what the helper did next follows.
    s.awaiting_timeout = 0;
    catch_up(now, out);
    arm_wake(now, out);
    return;
  }
  // The helper's events of this very instant come first (the wake timer may be due with it).
  catch_up(now, out);
  if (s.outstanding.erase(response.tag) == 0 || s.finished) return;
  LS_CHECK(s.queued.empty() && s.helper_at == now.mono, "a response reached a helper that is not at the World's instant");
  apply(s.session->respond(response.tag, response), now, out);
}

void ClientGoReal::on_stop(const Now& now, Effects& out) {
  State& s = *state_;
  // A stop between a give-up and its timeout: the helper's events of this instant go first.
  catch_up(now, out, /*force=*/true);
  if (s.finished) return;
  LS_CHECK(s.queued.empty() && s.helper_at == now.mono, "a stop reached a helper that is not at the World's instant");
  apply(s.session->stop(), now, out);
}

void ClientGoReal::advance_to(LocalInstant target, const Now& now, Effects& out) {
  State& s = *state_;
  // A helper with queued events stands at their instant, which the World has not reached yet.
  if (!s.session || s.finished || !s.queued.empty() || target <= s.helper_at) return;
  apply(s.session->advance(target), now, out);
}

void ClientGoReal::apply(ExternalReply reply, const Now& now, Effects& out) {
  State& s = *state_;
  LS_CHECK(reply.at >= s.helper_at, "the helper's clock went backwards");
  s.helper_at = reply.at;
  for (ExternalEvent& e : reply.events) {
    LS_CHECK(e.at >= now.mono && e.at <= reply.at, "a helper event outside the instants it covered");
    if (e.at == now.mono && s.queued.empty() && s.awaiting_timeout == 0) emit(e, out);
    else s.queued.push_back(std::move(e));
  }
  arm_wake(now, out);
}

void ClientGoReal::arm_wake(const Now& now, Effects& out) {
  const State& s = *state_;
  if (!s.queued.empty() && s.awaiting_timeout == 0) out.set_timer(kWakeTimer, s.queued.front().at - now.mono);
}

void ClientGoReal::emit(const ExternalEvent& e, Effects& out) {
  State& s = *state_;
  ++s.events;
  switch (e.kind) {
    case ExternalEvent::Kind::Request: {
      ApiRequest request;
      request.tag = e.id;
      request.verb = e.verb;
      request.lease = s.lease;
      if (e.body) {
        request.body = *e.body;
        request.body->id = s.lease;
      }
      // No World timeout: the helper's own contexts decide when its client gives up.
      s.outstanding.insert(e.id);
      out.call(std::move(request));
      return;
    }
    case ExternalEvent::Kind::GiveUp:
      if (s.outstanding.erase(e.id) != 0) {
        out.cancel_call(e.id);
        // The per-request timeout is, for the model, the World's own timeout: the `timeout` line
        // comes before what the client does next. A context that ended abandons the call, and
        // what follows goes on in the same reaction, as the model's CancelCall does.
        if (e.detail == "timeout") s.awaiting_timeout = e.id;
      }
      return;
    case ExternalEvent::Kind::Note:
      switch (e.note) {
        case NoteKind::StartedLeading: s.acting = true; break;
        case NoteKind::StoppedLeading: s.acting = false; break;
        case NoteKind::ObservedLeader: s.leader = e.detail == s.identity; break;
        case NoteKind::Exited:
        case NoteKind::Crashed: s.finished = true; break;
      }
      out.note(e.note, s.lease, e.detail);
      return;
  }
}

}  // namespace leasesim
