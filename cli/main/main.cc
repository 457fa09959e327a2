// main.cc: the leasesim executable; everything lives in cli/ so tests can call it in-process.
#include <iostream>

#include "cli/commands.h"
#include "core/malloc_huge_pages.h"

int main(int argc, char** argv) {
  leasesim::use_malloc_huge_pages(argv);  // may re-execute the program once (core/malloc_huge_pages.h)
  leasesim::keep_malloc_memory();  // (core/malloc_huge_pages.h)
  return leasesim::leasesim_main(argc, argv, std::cout, std::cerr);
}
