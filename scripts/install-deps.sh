#!/usr/bin/env bash
# install-deps.sh: install the Debian 12 packages leasesim needs to build, test and benchmark.
#
# Idempotent: each package is checked with dpkg-query and only the missing ones are installed
# (apt-get update runs first, and only when something is missing). Installs as root directly,
# or through `sudo -n` when not root; otherwise it stops and says what to install.
#
# Environment:
#   LEASESIM_SKIP_DEPS=1   do nothing (for machines where the toolchain comes from elsewhere)
set -euo pipefail

# Compilers and build tools, then the libraries found by CMakeLists.txt, tests/ and bench/.
packages=(
  build-essential g++ clang cmake make pkg-config
  libclang-rt-14-dev      # libFuzzer and sanitizer runtimes for clang (fuzz/, tests/fuzz)
  libboost-graph-dev      # Boost.Graph (header-only use), pulls in Boost headers
  nlohmann-json3-dev      # nlohmann_json
  libyaml-cpp-dev         # yaml-cpp
  libcli11-dev            # CLI11
  libgtest-dev            # GTest (tests/)
  libgmock-dev            # GTest::gmock (tests/)
  librapidcheck-dev       # rapidcheck + rapidcheck_gtest (tests/)
  libbenchmark-dev        # Google Benchmark (bench/)
  libfaketime             # serve: clock offset and rate of real processes (LD_PRELOAD)
  curl                    # tests of serve probe the live server
)

if [[ "${LEASESIM_SKIP_DEPS:-0}" == 1 ]]; then
  echo "install-deps: LEASESIM_SKIP_DEPS=1, not checking packages"
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: dpkg-query not found: this script supports Debian 12 (bookworm) only." >&2
  echo "install-deps: install the equivalents of: ${packages[*]}" >&2
  echo "install-deps: (or set LEASESIM_SKIP_DEPS=1 if they are already there)" >&2
  exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: missing: ${missing[*]}"

# Root runs apt-get directly (a fresh container has no sudo); others need passwordless sudo.
if [[ "$(id -u)" == 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  {
    echo "install-deps: error: these packages are missing and I cannot install them"
    echo "install-deps: (not root, and no passwordless sudo). Please run as root:"
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  } >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

# Check again: apt-get can exit 0 yet leave a package unconfigured.
still=()
for pkg in "${missing[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || still+=("$pkg")
done
if ((${#still[@]} > 0)); then
  echo "install-deps: error: still not installed after apt-get: ${still[*]}" >&2
  exit 1
fi
echo "install-deps: installed ${missing[*]}"
