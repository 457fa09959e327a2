// replay.cc: see replay.h.
#include "sim/replay.h"

#include <charconv>

namespace leasesim {

const char* choice_kind_name(ChoiceKind kind) {
  switch (kind) {
    case ChoiceKind::Tie: return "tie";
    case ChoiceKind::Latency: return "latency";
    case ChoiceKind::TimerDelay: return "timer";
    case ChoiceKind::Fault: return "fault";
  }
  return "?";
}

std::string format_replay_choice(const ReplayChoice& choice) {
  std::string text = choice_kind_name(choice.kind);
  text += ' ';
  if (choice.kind == ChoiceKind::Tie || choice.kind == ChoiceKind::Fault) {
    text += std::to_string(choice.value);
    text += '/';
    text += std::to_string(choice.arity);
  } else {
    text += format_duration(Duration(choice.value));
  }
  if (!choice.label.empty()) {
    text += " (";
    text += choice.label;
    text += ')';
  }
  return text;
}

namespace {

std::optional<uint64_t> parse_decimal(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// One entry without its label.
std::optional<ReplayChoice> parse_unlabelled_choice(std::string_view text, std::string* error);

}  // namespace

std::optional<ReplayChoice> parse_replay_choice(std::string_view full, std::string* error) {
  // The label: everything between the first " (" and a closing ")" that ends the entry (the
  // value before it has no parentheses, the label may have its own).
  std::string_view text = full;
  std::string label;
  if (const size_t open = full.find(" ("); open != std::string_view::npos) {
    if (full.back() != ')') {
      *error = "a label must be closed by \")\" at the end, in \"" + std::string(full) + "\"";
      return std::nullopt;
    }
    label = std::string(full.substr(open + 2, full.size() - open - 3));
    text = full.substr(0, open);
    if (label.empty()) {
      *error = "empty label \"()\" in \"" + std::string(full) + "\"";
      return std::nullopt;
    }
  }
  std::optional<ReplayChoice> parsed = parse_unlabelled_choice(text, error);
  if (parsed) parsed->label = std::move(label);
  return parsed;
}

namespace {

std::optional<ReplayChoice> parse_unlabelled_choice(std::string_view text, std::string* error) {
  const size_t space = text.find(' ');
  const std::string_view word = text.substr(0, space);
  const std::string_view rest = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  ReplayChoice choice;
  if (word == "tie" || word == "fault") {
    choice.kind = word == "tie" ? ChoiceKind::Tie : ChoiceKind::Fault;
    const size_t slash = rest.find('/');
    const auto index = parse_decimal(rest.substr(0, slash));
    const auto arity = slash == std::string_view::npos ? std::nullopt : parse_decimal(rest.substr(slash + 1));
    if (!index || !arity || *arity < 2 || *arity > UINT32_MAX || *index >= *arity) {
      *error = "expected \"" + std::string(word) + " I/N\" with 0 <= I < N and N >= 2, got \"" + std::string(text) + "\"";
      return std::nullopt;
    }
    choice.value = static_cast<int64_t>(*index);
    choice.arity = static_cast<uint32_t>(*arity);
    return choice;
  }
  if (word == "latency" || word == "timer") {
    choice.kind = word == "latency" ? ChoiceKind::Latency : ChoiceKind::TimerDelay;
    std::string problem;
    const auto d = parse_duration(rest, false, &problem);
    if (!d) {
      *error = "in \"" + std::string(text) + "\": " + problem;
      return std::nullopt;
    }
    choice.value = d->ns;
    return choice;
  }
  *error = "expected a choice such as \"tie 1/3\", \"latency 5ms\", \"timer 2.4s\" or \"fault 1/3\", got \"" +
           std::string(text) + "\"";
  return std::nullopt;
}

}  // namespace

std::optional<uint8_t> parse_point_names(const std::vector<std::string>& names, std::string* error) {
  uint8_t mask = 0;
  for (const std::string& name : names) {
    if (name == "min") mask |= kPointMin;
    else if (name == "mid") mask |= kPointMid;
    else if (name == "max") mask |= kPointMax;
    else if (name == "critical") mask |= kPointCritical;
    else {
      *error = "unknown range point \"" + name + "\"; expected min, mid, max or critical";
      return std::nullopt;
    }
  }
  if ((mask & (kPointMin | kPointMid | kPointMax)) == 0) {
    *error = "expected at least one of min, mid, max";
    return std::nullopt;
  }
  return mask;
}

std::vector<std::string> point_names(uint8_t mask) {
  std::vector<std::string> out;
  if (mask & kPointMin) out.push_back("min");
  if (mask & kPointMid) out.push_back("mid");
  if (mask & kPointMax) out.push_back("max");
  if (mask & kPointCritical) out.push_back("critical");
  return out;
}

const ReplayChoice* ReplayChooser::take(ChoiceKind kind) {
  // Called only while the script has an entry to offer (pick and draw check scripted() first).
  const ReplayChoice& c = script_[next_];
  if (c.kind != kind) {
    diverged_at_ = next_;
    diverged_reason_ = "entry " + std::to_string(next_) + " \"" + format_replay_choice(c) + "\" is a " +
                       choice_kind_name(c.kind) + " choice, but the run asks for a " + choice_kind_name(kind) + " choice";
    return nullptr;
  }
  return &c;
}

bool ReplayChooser::accept(const ReplayChoice& c, bool fits, const ChoiceSubject& what) {
  if (!fits) {
    diverged_at_ = next_;
    diverged_reason_ = "entry " + std::to_string(next_) + " \"" + format_replay_choice(c) +
                       "\" does not fit the run's choice (another number of alternatives or another range)";
    return false;
  }
  if (!c.label.empty()) {
    const std::string now = what.describe(c.value);
    if (now != c.label) {
      diverged_at_ = next_;
      diverged_reason_ = "entry " + std::to_string(next_) + " \"" + format_replay_choice(c) + "\" decides \"" +
                         c.label + "\", but the run's choice there decides \"" + now + "\"";
      return false;
    }
  }
  ++next_;
  return true;
}

uint32_t ReplayChooser::pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) {
  // Past the script (a plain seeded run has none), every choice is the seed's, decided here
  // without a call: this path runs for every latency of a long run.
  if (!scripted()) return random_.pick(kind, n, what);
  const ReplayChoice* c = take(kind);
  if (c && accept(*c, c->arity == n && c->value >= 0 && c->value < n, what)) return static_cast<uint32_t>(c->value);
  return random_.pick(kind, n, what);
}

int64_t ReplayChooser::draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) {
  if (!scripted()) return random_.draw(kind, lo, hi, what);  // as in pick
  const ReplayChoice* c = take(kind);
  if (c && accept(*c, c->value >= lo && c->value <= hi, what)) return c->value;
  return random_.draw(kind, lo, hi, what);
}

}  // namespace leasesim
