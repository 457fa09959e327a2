#!/usr/bin/env bash
# demo.sh: run one scenario, show the verdict, and say where the outputs are.
#
# Usage: scripts/demo.sh [LEASESIM [SCENARIO [OUT_DIR]]]
#   defaults (relative to the current directory, normally the repo root):
#   build/leasesim scenarios/quickstart.yaml out/quickstart
# Writes OUT_DIR/trace.jsonl (event trace), OUT_DIR/summary.txt (the text report shown) and
# OUT_DIR/summary.json (the same run as JSON). Exits with the run's own status
# (0 = the run passed: every property as the scenario expects), so `make demo` fails otherwise.
set -uo pipefail

leasesim="${1:-build/leasesim}"
scenario="${2:-scenarios/quickstart.yaml}"
out="${3:-out/quickstart}"

[[ -x "$leasesim" ]] || { echo "demo: $leasesim not found or not executable (run 'make build')" >&2; exit 2; }
[[ -f "$scenario" ]] || { echo "demo: scenario $scenario not found" >&2; exit 2; }
mkdir -p "$out"

echo "==> $leasesim run $scenario --trace $out/trace.jsonl --format text"
echo
"$leasesim" run "$scenario" --trace "$out/trace.jsonl" --format text | tee "$out/summary.txt"
rc=${PIPESTATUS[0]}

"$leasesim" run "$scenario" --format json > "$out/summary.json"
rc_json=$?
# The run is deterministic, so both runs must agree; a disagreement is itself a failure.
if (( rc_json != rc )); then
  echo "demo: the --format json run exited $rc_json but the text run exited $rc" >&2
  (( rc == 0 )) && rc=$rc_json
fi

echo
if (( rc == 0 )); then
  echo "==> leasesim exited 0: the run passed (every property as the scenario expects)"
else
  echo "==> leasesim exited $rc: the run FAILED (see the result above)"
fi
echo "==> outputs:"
echo "      trace (JSON lines):  $out/trace.jsonl"
echo "      summary (text):      $out/summary.txt"
echo "      summary (JSON):      $out/summary.json"
exit "$rc"
