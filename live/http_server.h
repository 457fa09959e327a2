// http_server.h: a real HTTP/1.1 server on loopback that answers the Lease REST API (rest_api.h)
// from a LeaseStore, with faults applied per endpoint.
//
// Contract:
// - listen() opens one endpoint on 127.0.0.1 for one client tag (a process index, or -1 for
//   the shared endpoint that kubectl and tests use), so faults and latency can apply per
//   process: before each request the server asks the Policy what to do for that client now.
// - Policy actions: Serve (after the request delay, handle; after the response delay, answer),
//   DropRequest (the request never reaches the store: the connection is held unanswered while
//   the fault lasts, then closed, as a black hole or a partition of requests looks to a client),
//   DropResponse (the write commits, the answer is held then the connection closed: a
//   partition of responses), Refuse (the connection is closed at once, as a refused
//   connection).
// - Watches stream chunked JSON lines; events are held (not lost) while the watcher's endpoint
//   drops responses, and a watch ends after its timeoutSeconds or when the server stops.
// - Robustness: headers over 64 KiB and bodies over 1 MiB are refused (431/413 Status); a
//   connection idle for 30 s is closed (slow readers and writers cannot pin a thread for
//   long); at most kMaxConnections at once, further ones are closed at accept; every exception
//   on a connection closes that connection only. Bad requests get Status errors.
// - One thread accepts per endpoint and one thread serves each connection (connections are few:
//   a handful of processes and tools); stop() closes everything and joins every thread.
// Leaves out: TLS and authentication (loopback only), HTTP/2, request pipelining beyond
// keep-alive (requests on one connection are served in order).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/time.h"
#include "live/lease_store.h"

namespace leasesim {

struct RequestPolicy {
  enum class Action { Serve, DropRequest, DropResponse, Refuse };
  Action action = Action::Serve;
  Duration request_delay{};
  Duration response_delay{};
};

// What happened to one request, for the trace: who, what, the answer's status (0 when none
// was sent), and the action taken.
struct RequestLog {
  int client = -1;
  std::string method;
  std::string target;
  int status = 0;
  RequestPolicy::Action action = RequestPolicy::Action::Serve;
};

class HttpServer {
 public:
  static constexpr size_t kMaxConnections = 256;
  static constexpr size_t kMaxBodyBytes = 1 << 20;
  static constexpr size_t kMaxHeaderBytes = 64 << 10;
  static constexpr int kIdleSeconds = 30;

  using Policy = std::function<RequestPolicy(int client)>;
  using Clock = std::function<WallInstant()>;
  using Logger = std::function<void(const RequestLog&)>;

  HttpServer(LeaseStore& store, Policy policy, Clock wall_now, Logger log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Opens 127.0.0.1:port (0 = any free port) for `client` and starts accepting; returns the
  // port, or an error message (port in use, ...).
  std::variant<uint16_t, std::string> listen(int client, uint16_t port);
  // Stops accepting, ends every connection and watch, joins every thread. Idempotent.
  void stop();
  size_t open_connections() const { return connections_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<size_t> connections_{0};
};

}  // namespace leasesim
