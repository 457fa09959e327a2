#!/usr/bin/env bash
# check-determinism.sh: the same scenario must give the same trace whatever the compiler or
# optimisation level. Builds leasesim four ways (g++ -O0, g++ -O2, clang++ -O0, clang++ -O2),
# each in its own build-det-<variant>/, runs `leasesim run SCENARIO --format json` with each,
# prints every traceHash and fails if any differs (or if the exit statuses differ).
#
# Usage: scripts/check-determinism.sh [SCENARIO [EXTRA RUN ARGS...]]
#   SCENARIO defaults to scenarios/quickstart.yaml; extra arguments (e.g. --seed 7) are passed
#   to every `leasesim run`.
# Environment:
#   JOBS=N            parallel compile jobs (default: nproc)
#   VARIANTS="..."    subset of: gcc-O0 gcc-O2 clang-O0 clang-O2 (default: all four)
#   BUILD_ONLY=1      build the variants and stop (no run, no comparison)
#   LEASESIM_WERROR   passed to CMake (default: ON, as in CMakeLists.txt)
# Exit status: 0 all hashes equal; 1 a mismatch; 2 a build or run failed to produce a hash.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scenario="${1:-scenarios/quickstart.yaml}"
(($# > 0)) && shift
run_args=("$@")
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
read -r -a variants <<<"${VARIANTS:-gcc-O0 gcc-O2 clang-O0 clang-O2}"
werror="${LEASESIM_WERROR:-ON}"

# The scenario path is taken relative to where the script is called from.
if [[ "${BUILD_ONLY:-0}" != 1 ]]; then
  [[ -f "$scenario" ]] || { echo "check-determinism: scenario '$scenario' not found" >&2; exit 2; }
  scenario="$(cd "$(dirname "$scenario")" && pwd)/$(basename "$scenario")"
fi

build_variant() {  # $1 = variant name such as gcc-O2; prints nothing on success
  local variant="$1" compiler opt dir
  case "$variant" in
    gcc-O0) compiler=g++ opt=-O0 ;;
    gcc-O2) compiler=g++ opt=-O2 ;;
    clang-O0) compiler=clang++ opt=-O0 ;;
    clang-O2) compiler=clang++ opt=-O2 ;;
    *) echo "check-determinism: unknown variant '$variant'" >&2; return 1 ;;
  esac
  command -v "$compiler" >/dev/null || { echo "check-determinism: $compiler not found (make deps)" >&2; return 1; }
  dir="$root/build-det-$variant"
  mkdir -p "$dir"
  # Build type "None" adds no flags of its own, so CMAKE_CXX_FLAGS alone sets the level.
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_COMPILER="$compiler" \
    -DCMAKE_CXX_FLAGS="$opt" -DLEASESIM_BUILD_TESTS=OFF -DLEASESIM_BUILD_BENCH=OFF \
    -DLEASESIM_WERROR="$werror" >"$dir/configure.log" 2>&1 \
    || { echo "check-determinism: configure of $variant failed, see $dir/configure.log" >&2; return 1; }
  cmake --build "$dir" --target leasesim -j"$jobs" >"$dir/build.log" 2>&1 \
    || { echo "check-determinism: build of $variant failed, see $dir/build.log" >&2; tail -20 "$dir/build.log" >&2; return 1; }
}

# The first "traceHash" value of a JSON document, string or number, however it is laid out.
trace_hash() {
  tr -d '\n' <"$1" | grep -o '"traceHash"[[:space:]]*:[[:space:]]*\("[^"]*"\|[0-9A-Za-z]*\)' | head -n 1 |
    sed 's/^"traceHash"[[:space:]]*:[[:space:]]*//; s/"//g'
}

declare -A hash status
failed=0
for v in "${variants[@]}"; do
  echo "==> building $v in build-det-$v/"
  if ! build_variant "$v"; then failed=1; continue; fi
  [[ "${BUILD_ONLY:-0}" == 1 ]] && continue

  out="$root/build-det-$v/determinism.json"
  set +e
  "$root/build-det-$v/leasesim" run "$scenario" --format json "${run_args[@]}" >"$out" 2>"$out.stderr"
  status[$v]=$?
  set -e
  hash[$v]="$(trace_hash "$out" || true)"
  if [[ -z "${hash[$v]}" ]]; then
    echo "check-determinism: $v printed no traceHash (exit ${status[$v]}); see $out and $out.stderr" >&2
    failed=1
  fi
done

if [[ "${BUILD_ONLY:-0}" == 1 ]]; then
  ((failed == 0)) && echo "check-determinism: built ${variants[*]}"
  exit $((failed ? 2 : 0))
fi

echo
printf '%-10s %-6s %s\n' variant exit traceHash
for v in "${variants[@]}"; do
  printf '%-10s %-6s %s\n' "$v" "${status[$v]:--}" "${hash[$v]:-(none)}"
done
((failed == 0)) || { echo "check-determinism: FAILED (a variant did not build or gave no hash)" >&2; exit 2; }

first="${variants[0]}"
for v in "${variants[@]}"; do
  if [[ "${hash[$v]}" != "${hash[$first]}" || "${status[$v]}" != "${status[$first]}" ]]; then
    echo "check-determinism: MISMATCH: $v differs from $first on $scenario" >&2
    exit 1
  fi
done
echo "check-determinism: OK: ${#variants[@]} builds agree on traceHash ${hash[$first]} for $scenario"
