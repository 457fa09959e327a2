// go_helper_build.h: the client-go-real helper for tests. Builds go/client-go-real with `go test
// -c` next to the leasesim binary when the binary is missing or older than a Go source, and
// points LEASESIM_GO_HELPER at it; says why not (no Go, no module proxy) so tests can skip.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace leasesim::testing {

inline std::optional<std::string> client_go_real_helper(std::string* why) {
  namespace fs = std::filesystem;
  const fs::path src = fs::path(LEASESIM_SOURCE_DIR) / "go" / "client-go-real";
  const fs::path bin = fs::path(LEASESIM_BINARY).parent_path() / "client-go-real.test";
  std::error_code ec;
  bool fresh = fs::exists(bin, ec);
  if (fresh) {
    const auto built = fs::last_write_time(bin, ec);
    for (const auto& e : fs::recursive_directory_iterator(src, ec)) {
      const std::string ext = e.path().extension().string();
      if ((ext == ".go" || ext == ".mod" || ext == ".sum") && fs::last_write_time(e.path(), ec) > built) fresh = false;
    }
  }
  if (!fresh) {
    if (std::system("command -v go >/dev/null 2>&1") != 0) {
      *why = "Go is not installed; model client-go-real needs it to build its helper (go/client-go-real)";
      return std::nullopt;
    }
    // Built under a name of its own, then renamed: test processes run in parallel.
    const std::string tmp = bin.string() + ".tmp" + std::to_string(::getpid());
    const std::string cmd = "cd '" + src.string() + "' && go test -c -o '" + tmp + "' . 2>&1";
    FILE* pipe = ::popen(cmd.c_str(), "r");
    std::string log;
    char buf[1024];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) log.append(buf, n);
    if (::pclose(pipe) != 0) {
      *why = "go test -c in go/client-go-real failed (no module proxy or module cache?): " + log.substr(0, 400);
      return std::nullopt;
    }
    fs::rename(tmp, bin, ec);
    if (ec) {
      *why = "cannot place the helper at " + bin.string() + ": " + ec.message();
      return std::nullopt;
    }
  }
  ::setenv("LEASESIM_GO_HELPER", bin.c_str(), 1);
  return bin.string();
}

}  // namespace leasesim::testing
