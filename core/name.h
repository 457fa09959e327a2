// name.h: Name, an immutable interned string: the identities and strategy names a Lease record
// carries, copied many times per simulated step.
//
// Contract:
// - A Name is one pointer to an entry of a process-wide, append-only table of strings (or null
//   for ""), so it is trivially copyable: records and Lease specs that hold Names copy as plain
//   memory, which is most of what the explorer does with them. Two Names are equal iff their
//   texts are (the table holds each text once).
// - Making a Name from text looks the text up in the table under a mutex; that happens when a
//   scenario is loaded, a model is built and a test writes a literal, never while a World steps
//   (models copy the Names they were given). Entries are never freed or moved, so a Name stays
//   valid for the life of the process and may cross threads freely.
// - The table is the one piece of process-wide state in the simulator (docs/architecture.md asks for
//   none): a per-World or per-scenario table would make every Lease carry a pointer to it or
//   every copy pay for a string. It holds texts only, so nothing in it can reach an output but a
//   text that some input named; addresses never do: ordering compares texts, and hashing uses a
//   digest of the text computed when it was interned.
// - Leaves out: removal (the table grows with the distinct texts a process ever names, which
//   is bounded by its inputs).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/hash.h"

namespace leasesim {

namespace name_detail {
struct Entry {
  std::string text;
  uint64_t digest = 0;  // StateHasher digest of the text (never 0 for a non-empty text)
};
// The entry holding `text` (added if new); nullptr for "".
const Entry* intern(std::string_view text);
const std::string& empty_text();
}  // namespace name_detail

class Name {
 public:
  Name() = default;  // ""
  // Implicit, so that a Name is written like the string it stands for.
  Name(std::string_view text) : entry_(name_detail::intern(text)) {}  // NOLINT(google-explicit-constructor)
  Name(const std::string& text) : Name(std::string_view(text)) {}     // NOLINT(google-explicit-constructor)
  Name(const char* text) : Name(std::string_view(text)) {}            // NOLINT(google-explicit-constructor)

  const std::string& str() const { return entry_ ? entry_->text : name_detail::empty_text(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return str(); }    // NOLINT(google-explicit-constructor)
  bool empty() const { return entry_ == nullptr; }
  size_t size() const { return str().size(); }
  // A 64-bit digest of the text, for fingerprints (0 for "").
  uint64_t digest() const { return entry_ ? entry_->digest : 0; }

  friend bool operator==(const Name& a, const Name& b) { return a.entry_ == b.entry_; }
  friend bool operator==(const Name& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const Name& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const Name& a, const char* b) { return a.str() == b; }
  friend std::strong_ordering operator<=>(const Name& a, const Name& b) { return a.str() <=> b.str(); }

 private:
  const name_detail::Entry* entry_ = nullptr;
};

inline std::string operator+(const std::string& a, const Name& b) { return a + b.str(); }
inline std::string operator+(const Name& a, const std::string& b) { return a.str() + b; }
inline std::string operator+(const char* a, const Name& b) { return a + b.str(); }
inline std::string operator+(const Name& a, const char* b) { return a.str() + b; }

// Hashing a Name: its text for the published Hasher, the cached digest of the text for
// fingerprints (one word instead of the text's words).
inline void hash_name(Hasher& h, const Name& n) { h.bytes(n.str()); }
inline void hash_name(StateHasher& h, const Name& n) { h.u64(n.digest()); }

}  // namespace leasesim
