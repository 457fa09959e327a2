// go_helper.cc: see go_helper.h.
#include "live/go_helper.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

extern char** environ;

namespace leasesim {
namespace {

std::optional<Verb> verb_of(const std::string& name) {
  for (Verb v : {Verb::Get, Verb::Create, Verb::Update})
    if (name == verb_name(v)) return v;
  return std::nullopt;
}

int64_t parse_i64(const std::string& text, const std::string& line) {
  size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) throw std::runtime_error("client-go-real helper: bad number in line: " + line);
  return v;
}

// Splits off the first space-separated word of `rest`.
std::string word(std::string& rest) {
  const size_t sp = rest.find(' ');
  std::string w = rest.substr(0, sp);
  rest = sp == std::string::npos ? std::string() : rest.substr(sp + 1);
  return w;
}

class GoHelperSession : public ExternalSession {
 public:
  GoHelperSession(pid_t pid, int fd, std::string name, const std::vector<std::string>* keys, LeaseId lease)
      : pid_(pid), fd_(fd), name_(std::move(name)), keys_(keys), lease_(lease) {}
  ~GoHelperSession() override {
    ::close(fd_);
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }

  ExternalReply advance(LocalInstant target) override { return command("advance " + std::to_string(target.ns)); }
  ExternalReply respond(uint32_t id, const ApiResponse& r) override {
    std::string body = "-";
    if (r.result == ApiResult::Ok && r.object) body = lease_to_wire(*r.object, (*keys_)[r.object->id]);
    return command("respond " + std::to_string(id) + " " + result_name(r.result) + " " + body);
  }
  ExternalReply stop() override { return command("stop"); }

  // The reply to the start (the helper speaks first).
  ExternalReply first() { return read_reply(); }

 private:
  ExternalReply command(const std::string& line) {
    std::string out = line + "\n";
    size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::send(fd_, out.data() + done, out.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error("client-go-real helper " + name_ + " is gone (write: " + std::strerror(errno) + ")");
      done += static_cast<size_t>(n);
    }
    return read_reply();
  }

  std::string read_line() {
    for (;;) {
      const size_t nl = buffer_.find('\n', scanned_);
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        scanned_ = 0;
        return line;
      }
      scanned_ = buffer_.size();
      char chunk[8192];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        throw std::runtime_error("client-go-real helper " + name_ +
                                 " exited in the middle of the protocol (run with LEASESIM_GO_HELPER_STDERR=1 to see why)");
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  ExternalReply read_reply() {
    ExternalReply reply;
    for (;;) {
      const std::string line = read_line();
      std::string rest = line;
      const std::string kind = word(rest);
      if (kind == "at") {
        reply.at = LocalInstant(parse_i64(rest, line));
        return reply;
      }
      ExternalEvent e;
      if (kind == "req") {
        e.kind = ExternalEvent::Kind::Request;
        e.id = static_cast<uint32_t>(parse_i64(word(rest), line));
        e.at = LocalInstant(parse_i64(word(rest), line));
        const auto verb = verb_of(word(rest));
        const std::string key = word(rest);
        if (!verb) throw std::runtime_error("client-go-real helper " + name_ + ": unsupported verb in: " + line);
        if (key != (*keys_)[lease_])
          throw std::runtime_error("client-go-real helper " + name_ + " addressed Lease " + key + ", not its own " +
                                   (*keys_)[lease_] + ": " + line);
        e.verb = *verb;
        if (rest != "-") e.body = lease_from_wire(rest, lease_);
      } else if (kind == "cancel") {
        e.kind = ExternalEvent::Kind::GiveUp;
        e.id = static_cast<uint32_t>(parse_i64(word(rest), line));
        e.at = LocalInstant(parse_i64(word(rest), line));
        e.detail = rest;  // "timeout" (the per-request timeout) or "ctx" (the caller's context ended)
      } else if (kind == "note") {
        e.kind = ExternalEvent::Kind::Note;
        e.at = LocalInstant(parse_i64(word(rest), line));
        const std::string what = word(rest);
        if (what == "started") e.note = NoteKind::StartedLeading;
        else if (what == "stopped") e.note = NoteKind::StoppedLeading;
        else if (what == "leader") e.note = NoteKind::ObservedLeader;
        else if (what == "exit") e.note = NoteKind::Exited;
        else if (what == "crash") e.note = NoteKind::Crashed;
        else throw std::runtime_error("client-go-real helper " + name_ + ": unknown note: " + line);
        e.detail = rest;
      } else {
        throw std::runtime_error("client-go-real helper " + name_ + ": unexpected line: " + line);
      }
      reply.events.push_back(std::move(e));
    }
  }

  pid_t pid_;
  int fd_;
  std::string name_;
  const std::vector<std::string>* keys_;
  LeaseId lease_;
  std::string buffer_;
  size_t scanned_ = 0;
};

}  // namespace

std::string lease_to_wire(const Lease& lease, const std::string& key) {
  nlohmann::json j = nlohmann::json::object();
  const size_t slash = key.find('/');
  j["namespace"] = key.substr(0, slash);
  j["name"] = key.substr(slash + 1);
  if (lease.resource_version) j["rv"] = lease.resource_version;
  if (lease.uid) j["uid"] = lease.uid;
  if (!lease.labels.empty()) j["labels"] = lease.labels.map();
  const LeaseSpec& s = lease.spec;
  if (s.holder_identity) j["holder"] = s.holder_identity->str();
  if (s.lease_duration_seconds) j["lds"] = *s.lease_duration_seconds;
  if (s.acquire_time) j["acquire"] = s.acquire_time->ns;
  if (s.renew_time) j["renew"] = s.renew_time->ns;
  if (s.lease_transitions) j["transitions"] = *s.lease_transitions;
  if (s.strategy) j["strategy"] = s.strategy->str();
  if (s.preferred_holder) j["preferred"] = s.preferred_holder->str();
  return j.dump();
}

Lease lease_from_wire(const std::string& json, LeaseId id) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) throw std::runtime_error("client-go-real helper: a Lease body that is not a JSON object: " + json);
  Lease lease;
  lease.id = id;
  try {
    if (j.contains("rv")) lease.resource_version = j["rv"].get<uint64_t>();
    if (j.contains("uid")) lease.uid = j["uid"].get<uint64_t>();
    if (j.contains("labels")) lease.labels = Labels(j["labels"].get<std::map<std::string, std::string>>());
    LeaseSpec& s = lease.spec;
    if (j.contains("holder")) s.holder_identity = Name(j["holder"].get<std::string>());
    if (j.contains("lds")) s.lease_duration_seconds = j["lds"].get<int32_t>();
    if (j.contains("acquire")) s.acquire_time = WallInstant(j["acquire"].get<int64_t>());
    if (j.contains("renew")) s.renew_time = WallInstant(j["renew"].get<int64_t>());
    if (j.contains("transitions")) s.lease_transitions = j["transitions"].get<int32_t>();
    if (j.contains("strategy")) s.strategy = Name(j["strategy"].get<std::string>());
    if (j.contains("preferred")) s.preferred_holder = Name(j["preferred"].get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("client-go-real helper: bad Lease body (") + e.what() + "): " + json);
  }
  return lease;
}

std::pair<std::unique_ptr<ExternalSession>, ExternalReply> GoHelperFactory::start(const ExternalStart& start) const {
  const std::string helper = start.helper.empty() ? default_helper_ : start.helper;
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw std::runtime_error(std::string("client-go-real: socketpair: ") + std::strerror(errno));

  // The environment: ours, then the protocol's variables (docs/models/client-go-real.md 3.1).
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  const ClientGoConfig& t = start.timings;
  env["GOMAXPROCS"] = "1";
  env["LEASESIM_IDENTITY"] = start.identity;
  env["LEASESIM_LEASE"] = lease_keys_[start.lease];
  env["LEASESIM_SEED"] = std::to_string(static_cast<int64_t>(start.seed >> 1));
  env["LEASESIM_START_MONO_NS"] = std::to_string(start.now.mono.ns);
  env["LEASESIM_START_WALL_NS"] = std::to_string(start.now.wall.ns);
  env["LEASESIM_REQUEST_TIMEOUT_NS"] = std::to_string(t.effective_request_timeout().ns);
  env["LEASESIM_LEASE_DURATION_NS"] = std::to_string(t.lease_duration.ns);
  env["LEASESIM_RENEW_DEADLINE_NS"] = std::to_string(t.renew_deadline.ns);
  env["LEASESIM_RETRY_PERIOD_NS"] = std::to_string(t.retry_period.ns);
  env["LEASESIM_RELEASE_ON_CANCEL"] = t.release_on_cancel ? "1" : "0";
  env["LEASESIM_REJOIN_AFTER_LOSS"] = t.rejoin_after_loss ? "1" : "0";
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args{helper, "-test.run=^TestHelper$"};
  std::vector<char*> argv;
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  const char* keep_stderr = std::getenv("LEASESIM_GO_HELPER_STDERR");
  if (!keep_stderr || std::string(keep_stderr) != "1")
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw std::runtime_error("client-go-real: cannot start helper " + helper + ": " + std::strerror(rc));
  }
  auto session = std::make_unique<GoHelperSession>(pid, fds[0], helper + " (" + start.identity + ")", &lease_keys_,
                                                   start.lease);
  ExternalReply first = session->first();
  return {std::move(session), std::move(first)};
}

}  // namespace leasesim
