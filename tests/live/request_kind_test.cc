// request_kind_test.cc: a live request named as a simulated trace names it (live/request_kind.h).
#include <gtest/gtest.h>

#include <vector>

#include "live/request_kind.h"

namespace leasesim {
namespace {

using Action = RequestPolicy::Action;

TEST(RequestKind, VerbsAndObjectsOfTheLeasePaths) {
  const std::string ns = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
  const auto k = [](const std::string& m, const std::string& t) {
    const RequestKind r = classify_request(m, t);
    return r.verb + " " + r.object;
  };
  EXPECT_EQ(k("GET", ns + "/kcm"), "get kube-system/kcm");
  EXPECT_EQ(k("PUT", ns + "/kcm?timeout=5s"), "update kube-system/kcm");
  EXPECT_EQ(k("PATCH", ns + "/kcm"), "patch kube-system/kcm");
  EXPECT_EQ(k("DELETE", ns + "/kcm"), "delete kube-system/kcm");
  EXPECT_EQ(k("POST", ns), "create leases");
  EXPECT_EQ(k("GET", ns + "?labelSelector=a%3Db"), "list leases");
  EXPECT_EQ(k("GET", ns + "?allowWatchBookmarks=true&watch=true"), "watch leases");
  EXPECT_EQ(k("GET", "/apis/coordination.k8s.io/v1/leases?watch=1"), "watch leases");
  EXPECT_EQ(k("GET", "/apis/coordination.k8s.io/v1/leases"), "list leases");
  // A parameter whose name merely ends in "watch" is not a watch.
  EXPECT_EQ(k("GET", ns + "?nowatch=true"), "list leases");
  EXPECT_EQ(k("POST", ns + "/kcm"), "other kube-system/kcm");
  for (const char* t : {"/version", "/api", "/apis", "/apis/coordination.k8s.io/v1", "/openapi/v3", "/healthz",
                        "/apis/coordination.k8s.io/v1/namespaces/x/pods/y"})
    EXPECT_EQ(k("GET", t), "discovery ") << t;
}

TEST(RequestKind, ResultsUseTheSimulatedTracesWords) {
  struct Case {
    int status;
    Action action;
    const char* result;
  };
  // The network's fate wins over any status: the client never saw one.
  for (const Case& c : std::vector<Case>{{200, Action::Serve, "ok"},          {201, Action::Serve, "ok"},
                                         {404, Action::Serve, "notFound"},    {409, Action::Serve, "conflict"},
                                         {422, Action::Serve, "invalid"},     {400, Action::Serve, "invalid"},
                                         {410, Action::Serve, "expired"},     {503, Action::Serve, "unavailable"},
                                         {302, Action::Serve, "error"},       {0, Action::DropRequest, "timeout"},
                                         {0, Action::DropResponse, "timeout"}, {0, Action::Refuse, "unavailable"}})
    EXPECT_STREQ(live_result(c.status, c.action), c.result) << c.status;
  EXPECT_STREQ(delivery_name(Action::DropResponse), "responseLost");
  EXPECT_STREQ(delivery_name(Action::Serve), "served");
}

}  // namespace
}  // namespace leasesim
