#!/usr/bin/env bash
# failover-seeds.sh: measure fault-to-new-leader times over many seeds and compare them with the
# scenario's failoverWithin bound (the analytic one when the scenario says `failoverWithin: auto`,
# model/client_go_bounds.h, docs/models/client-go-elector.md section 5).
#
# Usage: scripts/failover-seeds.sh [--scenario FILE] [--seeds N] [--first S] [--jobs J]
#   default scenario: scenarios/client-go/leader-crash-1-standby.yaml (15s/10s/2s, leader crash;
#   one standby, so the worst case of the bound is reachable by a single unlucky process)
#   default seeds: 1..1000
#
# For every seed it runs `leasesim run FILE --seed S --format json` and collects each
# `failovers[].faultToLeader` (episodes that ended with a new leader), the ones without a new
# leader, the seeds whose run failed, and the bound from the failoverWithin property's `detail`
# ("bound 23.849999998s (analytic)"). It prints min / p50 / p90 / p99 / max, the bound, max/bound
# and how many episodes exceeded the bound. Exit 1 if any episode exceeded the bound or had no new
# leader, or any run failed; 0 otherwise.
#
# Environment: LEASESIM (default: build/leasesim next to this script's repo).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
leasesim="${LEASESIM:-$repo/build/leasesim}"
scenario="$repo/scenarios/client-go/leader-crash-1-standby.yaml"
seeds=1000 first=1 jobs=2

while [[ $# -gt 0 ]]; do
  case "$1" in
    --scenario) scenario="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --first) first="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "failover-seeds.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

command -v jq >/dev/null || { echo "failover-seeds.sh: needs jq (apt-get install -y jq)" >&2; exit 2; }
[[ -x "$leasesim" ]] || { echo "failover-seeds.sh: no leasesim at $leasesim (build it or set LEASESIM)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One compact JSON line per seed: {seed, rc, passed, bound, episodes: [faultToLeader or null]}.
seq "$first" $((first + seeds - 1)) |
  xargs -P "$jobs" -n 1 sh -c '
    out="$("$0" run "$1" --seed "$2" --format json 2>/dev/null)"; rc=$?
    if [ $rc -gt 1 ]; then echo "{\"seed\": $2, \"rc\": $rc}"; exit 0; fi
    printf "%s" "$out" | jq -c --argjson rc $rc "{seed: .seed, rc: \$rc, passed: .passed,
      bound: ([.properties[] | select(.name == \"failoverWithin\") | .detail][0]),
      episodes: [.failovers[] | .faultToLeader]}"' "$leasesim" "$scenario" > "$work/runs.jsonl"

jq -s -r --arg scenario "$scenario" '
  def pct(p): (length * p | ceil) as $i | .[(if $i < 1 then 0 else $i - 1 end)];
  def secs: tostring | .[0:12];
  (map(select(.rc > 1)) | length) as $errors
  | (map(select(.rc <= 1)) ) as $ok
  | ($ok | map(.bound) | map(select(. != null)) | unique) as $bounds
  | ($bounds[0] // "" | capture("bound (?<v>[0-9.]+)(?<u>ms|s)") // null) as $b
  | (if $b == null then null elif $b.u == "ms" then ($b.v | tonumber) / 1000 else ($b.v | tonumber) end) as $bound
  | ($ok | map(.episodes[]) ) as $all
  | ($all | map(select(. != null)) | sort) as $t
  | ($all | map(select(. == null)) | length) as $noleader
  | "scenario:    \($scenario)",
    "seeds:       \(length) runs (\($errors) failed to run), \($ok | map(select(.passed == false)) | length) runs with properties violated",
    "episodes:    \($t | length) with a new leader, \($noleader) without",
    (if ($t | length) > 0 then
      "faultToLeader (s): min \($t[0] | secs)  p50 \($t | pct(0.5) | secs)  p90 \($t | pct(0.9) | secs)  p99 \($t | pct(0.99) | secs)  max \($t[-1] | secs)"
     else "faultToLeader: no episodes" end),
    "bound:       \(if $bounds == [] then "none (the scenario sets no failoverWithin)" else ($bounds | join(", ")) end)",
    (if $bound != null and ($t | length) > 0 then
      "max / bound: \(($t[-1] / $bound * 10000 | round) / 10000)   (bound exceeds the worst measured by \((($bound / $t[-1] - 1) * 10000 | round) / 100)%)",
      "over bound:  \($t | map(select(. > $bound)) | length) episodes"
     else empty end)
' "$work/runs.jsonl"

# Exit status: 1 if anything went over the bound, had no new leader, or a run failed.
jq -s -e '
  (map(select(.rc > 1)) | length) == 0
  and (map(select(.rc <= 1) | .episodes[] | select(. == null)) | length) == 0
  and (map(select(.rc == 1)) | length) == 0' "$work/runs.jsonl" >/dev/null
