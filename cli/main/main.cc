// main.cc: the leasesim executable; everything lives in cli/ so tests can call it in-process.
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) { return leasesim::leasesim_main(argc, argv, std::cout, std::cerr); }
