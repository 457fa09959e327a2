// http_server.cc: see http_server.h. Boost.Beast over blocking Boost.Asio sockets, one thread
// per connection: simple to reason about, and the live mode serves a handful of clients.
#include "live/http_server.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <list>

#include "live/rest_api.h"

namespace leasesim {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

void sleep_for(Duration d) {
  if (d.ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(d.ns));
}

void set_timeouts(tcp::socket& socket, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Whether the peer has closed its side (a held request ends when the client gives up).
bool peer_closed(tcp::socket& socket) {
  char byte;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

}  // namespace

struct HttpServer::Impl {
  LeaseStore& store;
  Policy policy;
  Clock wall_now;
  Logger log;
  HttpServer* owner = nullptr;
  net::io_context io;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  struct Endpoint {
    int client;
    std::string address;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::thread thread;
  };
  std::list<Endpoint> endpoints;
  struct Connection {
    tcp::socket socket;
    std::thread thread;
    std::atomic<bool> done{false};
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
  };
  std::list<std::unique_ptr<Connection>> connections;

  Impl(LeaseStore& s, Policy p, Clock c, Logger l) : store(s), policy(std::move(p)), wall_now(std::move(c)), log(std::move(l)) {}

  RequestPolicy decide(int client) { return policy ? policy(client) : RequestPolicy{}; }

  // Holds a connection while the client's fault lasts (or until the client gives up or the
  // server stops).
  void hold(tcp::socket& socket, int client, RequestPolicy::Action action) {
    while (!stopping.load() && !peer_closed(socket) && decide(client).action == action)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  void reap_finished() {
    std::lock_guard lock(mu);
    for (auto it = connections.begin(); it != connections.end();) {
      if ((*it)->done.load()) {
        if ((*it)->thread.joinable()) (*it)->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }

  void accept_loop(Endpoint* endpoint) {
    while (!stopping.load()) {
      beast::error_code ec;
      tcp::socket socket(io);
      endpoint->acceptor->accept(socket, ec);
      if (ec) {
        if (stopping.load()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      reap_finished();
      if (owner->connections_.load() >= kMaxConnections) {
        socket.close(ec);  // over the limit: refuse this one, keep serving the others
        continue;
      }
      set_timeouts(socket, kIdleSeconds);
      std::lock_guard lock(mu);
      if (stopping.load()) return;
      auto conn = std::make_unique<Connection>(std::move(socket));
      Connection* raw = conn.get();
      owner->connections_.fetch_add(1);
      const int client = endpoint->client;
      const std::string address = endpoint->address;
      raw->thread = std::thread([this, raw, client, address] {
        try {
          serve_connection(raw->socket, client, address);
        } catch (...) {
          // A connection's failure ends that connection only.
        }
        beast::error_code ignored;
        raw->socket.shutdown(tcp::socket::shutdown_both, ignored);
        raw->socket.close(ignored);
        owner->connections_.fetch_sub(1);
        raw->done.store(true);
      });
      connections.push_back(std::move(conn));
    }
  }

  template <class Body>
  void write_answer(tcp::socket& socket, unsigned version, bool keep_alive, int code, const std::string& type,
                    std::string body, beast::error_code& ec) {
    http::response<http::string_body> res{static_cast<http::status>(code), version};
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, "no-cache, private");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    http::write(socket, res, ec);
  }

  void stream_watch(tcp::socket& socket, const WatchPlan& plan, int client, unsigned version) {
    http::response<http::empty_body> res{http::status::ok, version};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-cache, private");
    res.keep_alive(false);
    res.chunked(true);
    http::response_serializer<http::empty_body> serializer{res};
    beast::error_code ec;
    http::write_header(socket, serializer, ec);
    if (ec) return;
    const auto event_object = [&](const nlohmann::json& object) {
      if (!plan.table) return object;
      return lease_table(nlohmann::json::array({object}), object["metadata"].value("resourceVersion", ""), wall_now());
    };
    const auto send = [&](const std::string& line) {
      net::write(socket, http::make_chunk(net::buffer(line)), ec);
      return !ec;
    };
    uint64_t rv = 0;
    if (!plan.from_rv) {
      for (const WatchEvent& e : store.snapshot_events(&rv))
        if (watch_selects(plan, e) && !send(watch_event_line("ADDED", event_object(e.object)))) return;
    } else {
      rv = *plan.from_rv;
    }
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(plan.timeout_seconds);
    auto last_sent = std::chrono::steady_clock::now();
    while (!stopping.load() && std::chrono::steady_clock::now() < end) {
      if (peer_closed(socket)) return;
      const RequestPolicy p = decide(client);
      if (p.action != RequestPolicy::Action::Serve) {
        // Events are held, not lost, while the watcher's responses cannot get through.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      bool gone = false;
      const auto events = store.wait_events(rv, 200, &gone);
      if (gone) {
        send(watch_event_line("ERROR", status_failure(410, "Expired", "too old resource version: " +
                                                                         std::to_string(rv))));
        break;
      }
      for (const WatchEvent& e : events) {
        rv = e.rv;
        if (!watch_selects(plan, e)) continue;
        sleep_for(p.response_delay);
        if (!send(watch_event_line(e.type, event_object(e.object)))) return;
        last_sent = std::chrono::steady_clock::now();
      }
      if (plan.bookmarks && std::chrono::steady_clock::now() - last_sent > std::chrono::seconds(5)) {
        const nlohmann::json bookmark = {{"kind", "Lease"},
                                         {"apiVersion", "coordination.k8s.io/v1"},
                                         {"metadata", {{"resourceVersion", std::to_string(store.resource_version())}}}};
        if (!send(watch_event_line("BOOKMARK", bookmark))) return;
        last_sent = std::chrono::steady_clock::now();
      }
    }
    net::write(socket, http::make_chunk_last(), ec);
  }

  void serve_connection(tcp::socket& socket, int client, const std::string& address) {
    beast::flat_buffer buffer;
    while (!stopping.load()) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kMaxHeaderBytes);
      parser.body_limit(kMaxBodyBytes);
      beast::error_code ec;
      http::read(socket, buffer, parser, ec);
      if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset) return;
      if (ec == http::error::body_limit) {
        write_answer<void>(socket, 11, false, 413,
                           "application/json",
                           status_failure(413, "RequestEntityTooLarge",
                                          "the request body is larger than " + std::to_string(kMaxBodyBytes) + " bytes")
                               .dump(),
                           ec);
        return;
      }
      if (ec == http::error::header_limit) {
        write_answer<void>(socket, 11, false, 431, "application/json",
                           status_failure(431, "RequestHeaderFieldsTooLarge", "request headers are too large").dump(), ec);
        return;
      }
      if (ec) {
        // Garbage that is not HTTP, or a timeout: answer 400 when it was a parse error, then close.
        if (ec.category() == beast::http::make_error_code(http::error::bad_method).category())
          write_answer<void>(socket, 11, false, 400, "application/json",
                             status_failure(400, "BadRequest", "malformed HTTP request: " + ec.message()).dump(), ec);
        return;
      }
      const auto& req = parser.get();
      RequestLog entry{client, std::string(req.method_string()), std::string(req.target()), 0,
                       RequestPolicy::Action::Serve};
      const RequestPolicy p = decide(client);
      entry.action = p.action;
      if (p.action == RequestPolicy::Action::Refuse) {
        if (log) log(entry);
        return;
      }
      if (p.action == RequestPolicy::Action::DropRequest) {
        hold(socket, client, p.action);
        if (log) log(entry);
        return;
      }
      sleep_for(p.request_delay);
      HttpRequestView view{std::string(req.method_string()), std::string(req.target()),
                           std::string(req[http::field::content_type]), std::string(req[http::field::accept]),
                           req.body()};
      RestOutcome outcome = route(store, view, client, wall_now(), address);
      if (auto* plan = std::get_if<WatchPlan>(&outcome)) {
        entry.status = 200;
        if (log) log(entry);
        stream_watch(socket, *plan, client, req.version());
        return;
      }
      HttpAnswer& a = std::get<HttpAnswer>(outcome);
      entry.status = a.code;
      // The fault may have changed while the request was handled; a response partition that
      // began meanwhile drops this answer too.
      const RequestPolicy after = decide(client);
      if (p.action == RequestPolicy::Action::DropResponse || after.action == RequestPolicy::Action::DropResponse) {
        entry.action = RequestPolicy::Action::DropResponse;
        entry.status = 0;
        if (log) log(entry);
        hold(socket, client, RequestPolicy::Action::DropResponse);
        return;
      }
      sleep_for(p.response_delay);
      if (log) log(entry);
      write_answer<void>(socket, req.version(), req.keep_alive(), a.code, a.content_type, std::move(a.body), ec);
      if (ec || !req.keep_alive()) return;
    }
  }
};

HttpServer::HttpServer(LeaseStore& store, Policy policy, Clock wall_now, Logger log)
    : impl_(std::make_unique<Impl>(store, std::move(policy), std::move(wall_now), std::move(log))) {
  impl_->owner = this;
}

HttpServer::~HttpServer() { stop(); }

std::variant<uint16_t, std::string> HttpServer::listen(int client, uint16_t port) {
  beast::error_code ec;
  auto acceptor = std::make_unique<tcp::acceptor>(impl_->io);
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + ec.message();
  const uint16_t bound = acceptor->local_endpoint().port();
  std::lock_guard lock(impl_->mu);
  impl_->endpoints.push_back(Impl::Endpoint{client, "127.0.0.1:" + std::to_string(bound), std::move(acceptor), {}});
  Impl::Endpoint* e = &impl_->endpoints.back();
  e->thread = std::thread([this, e] { impl_->accept_loop(e); });
  return bound;
}

void HttpServer::stop() {
  if (!impl_ || impl_->stopping.exchange(true)) return;
  impl_->store.stop();
  {
    std::lock_guard lock(impl_->mu);
    for (auto& e : impl_->endpoints) {
      beast::error_code ec;
      // shutdown() on the listening socket wakes a thread blocked in accept().
      ::shutdown(e.acceptor->native_handle(), SHUT_RDWR);
      e.acceptor->close(ec);
    }
    for (auto& c : impl_->connections) {
      beast::error_code ec;
      c->socket.shutdown(tcp::socket::shutdown_both, ec);
    }
  }
  for (auto& e : impl_->endpoints)
    if (e.thread.joinable()) e.thread.join();
  std::list<std::unique_ptr<Impl::Connection>> connections;
  {
    std::lock_guard lock(impl_->mu);
    connections.swap(impl_->connections);
  }
  for (auto& c : connections)
    if (c->thread.joinable()) c->thread.join();
}

}  // namespace leasesim
