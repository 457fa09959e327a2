// malloc_huge_pages.h: lets glibc's malloc back the whole heap with transparent huge pages.
//
// Contract:
// - use_malloc_huge_pages(argv), called first thing in main(), re-executes the program once
//   (/proc/self/exe, the same arguments) with glibc's tunable `glibc.malloc.hugetlb=1` added to
//   GLIBC_TUNABLES, and returns only when it does not: the tunable or LEASESIM_HUGE_PAGES=0 is
//   already in the environment, the kernel's transparent huge pages are not in `madvise` mode
//   (`always` needs no advice, `never` takes none), the C library is not glibc 2.35 or later,
//   or the exec failed (the environment is then as it was).
// - huge_pages_tunables() is that decision as a pure function, for tests.
// - keep_malloc_memory(), called after it, tells glibc's malloc (mallopt) to keep the memory
//   that is freed rather than give the top of its heap back to the kernel, and to serve blocks
//   of up to 32 MiB from the heap rather than from mappings of their own. Why: a long run grows
//   its heap while vectors of every size are freed and reallocated; with glibc's defaults a
//   free near the top returns pages that the next growth takes back, and each page taken back
//   is zeroed by the kernel again (with huge pages, 2 MiB at a time): a tenth of the simulation
//   thread of a short 65,000-node run went to that (docs/nodes.md, phase 9). The peak size of
//   the heap hardly grows by it (a run gave memory back only to take it again): the 65,000-node
//   hour's peak went from 1,934 to 1,947 MiB with this and the interned trace names together.
//   Without glibc it does nothing.
// - It changes only where memory sits, never a value: every output is the same with it and
//   without it (traceHash included). The variable is inherited by the processes leasesim starts
//   (Go helpers, Python, kubectl), where it does the same or nothing.
// Why: a cluster of thousands of kubelets keeps its processes, models, Leases and pending events
// in hundreds of megabytes read at random places, and with 4 KiB pages nearly every event also
// waits for page-table walks (the TLB covers a few megabytes). The tunable makes malloc advise
// the kernel (madvise MADV_HUGEPAGE) on all the memory it takes, which a program cannot ask of
// glibc once it runs: tunables are read at start. docs/nodes.md, "Huge pages and loads ahead".
// Leaves out: other C libraries and hugetlbfs pages (they need set-up by the administrator).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leasesim {

// The GLIBC_TUNABLES value to execute with, or nothing when the program should run on as it is.
// `opt_out` is LEASESIM_HUGE_PAGES and `tunables` GLIBC_TUNABLES (nullptr: unset), `thp_modes`
// the first line of /sys/kernel/mm/transparent_hugepage/enabled, `glibc_version` what
// gnu_get_libc_version() returns.
std::optional<std::string> huge_pages_tunables(const char* opt_out, const char* tunables, std::string_view thp_modes,
                                               std::string_view glibc_version);

void use_malloc_huge_pages(char** argv);

void keep_malloc_memory();

}  // namespace leasesim
