// cow_model.h: CowModel<Core>, the part every process model shares whose state lives out of
// line, in one copy-on-write block.
//
// Contract:
// - A process's model slot is a variant as large as its largest model (model/process_model.h),
//   so a model whose state is large (a controller of hundreds of bytes or more) keeps that state,
//   its Core, in a Cow<Core> (core/cow.h) and stays one pointer wide. CowModel holds the block
//   and forwards what every such model does: the four reactions (each makes the block the
//   model's own before it changes it, so copies of a World share it until one of them reacts),
//   the elector's readings the World asks of every leader-elected model, and hashing.
// - Equality and hashing are the Core's (Cow compares values), so World fingerprints are the
//   same as with the Core held inline.
// - Derived models add their own constructor, constants and readings, through core().
// Leaves out: reactions only some models have (on_watch): the derived model forwards those.
#pragma once

#include <optional>

#include "core/cow.h"
#include "core/hash.h"
#include "core/time.h"
#include "model/api.h"
#include "model/effects.h"

namespace leasesim {

template <class CoreT>
class CowModel {
 public:
  using Core = CoreT;

  explicit CowModel(Core core) : core_(std::move(core)) {}

  void on_start(const Now& now, Effects& out) { core_.mut().on_start(now, out); }
  void on_timer(TimerId timer, const Now& now, Effects& out) { core_.mut().on_timer(timer, now, out); }
  void on_response(const ApiResponse& response, const Now& now, Effects& out) {
    core_.mut().on_response(response, now, out);
  }
  void on_stop(const Now& now, Effects& out) { core_.mut().on_stop(now, out); }

  bool is_leader() const { return core_->is_leader(); }
  uint64_t tag_origin() const { return core_->tag_origin(); }
  std::optional<LocalInstant> backdate_floor() const { return core_->backdate_floor(); }

  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const {
    core_->hash_into(h, frame);
  }
  bool operator==(const CowModel&) const = default;

 protected:
  const Core& core() const { return *core_; }
  Core& mut_core() { return core_.mut(); }

 private:
  Cow<Core> core_;
};

}  // namespace leasesim
