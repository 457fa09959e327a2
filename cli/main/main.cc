// main.cc: the leasesim executable (subcommands are wired in cli/).
int main() { return 0; }
