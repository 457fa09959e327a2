// Node scenarios built in code for tests: one or more node-lifecycle-controller replicas on
// kube-system/kube-controller-manager and `kubelets` kubelets named node-0.., as the scenario
// loader would build them from a file.
#pragma once

#include <memory>
#include <string>

#include "sim/scenario.h"

namespace leasesim::testing {

inline std::shared_ptr<Scenario> node_scenario(int kubelets, int controllers, Duration duration,
                                               LatencyRange latency = LatencyRange{}) {
  auto s = std::make_shared<Scenario>();
  s->name = "node-test";
  s->duration = duration;
  s->api_server.latency = latency;
  const LeaseId kcm = s->lease_id("kube-system/kube-controller-manager");
  for (int i = 0; i < controllers; ++i) {
    ProcessSpec p;
    p.name = p.identity = controllers == 1 ? "kcm" : "kcm-" + std::to_string(i);
    NodeLifecycleConfig c;
    c.elector.preset = "kube-controller-manager";
    p.model = c;
    p.lease = kcm;
    s->processes.push_back(p);
  }
  for (int i = 0; i < kubelets; ++i) {
    ProcessSpec p;
    p.name = p.identity = "node-" + std::to_string(i);
    KubeletConfig k;
    k.node = static_cast<NodeId>(s->node_names.size());
    p.model = k;
    p.lease = s->lease_id("kube-node-lease/" + p.name);
    s->node_names.push_back(p.name);
    s->node_pods.push_back(k.pods);
    s->processes.push_back(p);
  }
  return s;
}

inline uint32_t kubelet_proc(int controllers, int node) { return static_cast<uint32_t>(controllers + node); }

inline FaultSpec process_fault(FaultType type, uint32_t proc, Duration at, std::optional<Duration> window = {}) {
  FaultSpec f;
  f.type = type;
  f.at = at;
  f.for_ = window;
  f.target = FaultTarget{FaultTarget::Kind::Process, proc};
  return f;
}

}  // namespace leasesim::testing
