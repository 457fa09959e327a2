// name.cc: the table behind Name (see name.h).
#include "core/name.h"

#include <deque>
#include <mutex>
#include <unordered_map>

namespace leasesim::name_detail {
namespace {

// Entries live in a deque, which never moves them, so their addresses and the views of their
// texts used as keys stay valid as the table grows.
struct Table {
  std::mutex mutex;
  std::deque<Entry> entries;
  std::unordered_map<std::string_view, const Entry*> index;
};

// The one process-wide table (name.h says why). Never destroyed, so that a Name read by another
// static object's destructor at exit still finds its text.
Table& table() {
  static Table* const t = new Table;
  return *t;
}

}  // namespace

const Entry* intern(std::string_view text) {
  if (text.empty()) return nullptr;
  Table& t = table();
  const std::lock_guard<std::mutex> lock(t.mutex);
  if (const auto it = t.index.find(text); it != t.index.end()) return it->second;
  Entry& e = t.entries.emplace_back();
  e.text = std::string(text);
  StateHasher h;
  h.bytes(e.text);
  e.digest = h.digest() | 1;  // never 0, the digest of ""
  t.index.emplace(std::string_view(e.text), &e);
  return &e;
}

const std::string& empty_text() {
  static const std::string* const empty = new std::string;  // never destroyed (see table())
  return *empty;
}

}  // namespace leasesim::name_detail
