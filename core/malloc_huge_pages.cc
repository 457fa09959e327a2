// malloc_huge_pages.cc: see malloc_huge_pages.h.
#include "core/malloc_huge_pages.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#if defined(__linux__) && defined(__GLIBC__)
#include <gnu/libc-version.h>
#include <malloc.h>
#include <unistd.h>
#endif

namespace leasesim {

namespace {
constexpr const char* kTunable = "glibc.malloc.hugetlb";
}  // namespace

std::optional<std::string> huge_pages_tunables(const char* opt_out, const char* tunables, std::string_view thp_modes,
                                               std::string_view glibc_version) {
  if (opt_out != nullptr && std::strcmp(opt_out, "0") == 0) return std::nullopt;
  // Set already, by the user or by the first execution: never a second exec.
  if (tunables != nullptr && std::strstr(tunables, kTunable) != nullptr) return std::nullopt;
  // Only the `madvise` mode needs the advice: `always` gives huge pages without it, `never` never.
  if (thp_modes.find("[madvise]") == std::string_view::npos) return std::nullopt;
  // glibc reads the tunable from 2.35 on; an older one would ignore it (an exec for nothing).
  int major = 0, minor = 0;
  const std::string version(glibc_version);
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2) return std::nullopt;
  if (major < 2 || (major == 2 && minor < 35)) return std::nullopt;
  const std::string old = tunables != nullptr ? tunables : "";
  return (old.empty() ? "" : old + ":") + kTunable + "=1";
}

void use_malloc_huge_pages(char** argv) {
#if defined(__linux__) && defined(__GLIBC__)
  if (argv == nullptr || argv[0] == nullptr) return;
  std::string modes;
  {
    std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
    std::getline(in, modes);
  }
  const char* old = std::getenv("GLIBC_TUNABLES");
  const std::optional<std::string> value =
      huge_pages_tunables(std::getenv("LEASESIM_HUGE_PAGES"), old, modes, gnu_get_libc_version());
  if (!value) return;
  const std::optional<std::string> saved = old != nullptr ? std::optional<std::string>(old) : std::nullopt;
  if (::setenv("GLIBC_TUNABLES", value->c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // Still here: the exec failed (no /proc, say). Run on as before, with the environment as given.
  if (saved) ::setenv("GLIBC_TUNABLES", saved->c_str(), 1);
  else ::unsetenv("GLIBC_TUNABLES");
#else
  (void)argv;
#endif
}

void keep_malloc_memory() {
#if defined(__GLIBC__)
  // 1 GiB: far above any free at the heap's top that a run would want returned. A fixed
  // threshold also ends glibc's sliding of both thresholds after each free of a mapped block.
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
  // 32 MiB is the largest value glibc takes here on a 64-bit machine.
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

}  // namespace leasesim
