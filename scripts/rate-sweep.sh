#!/usr/bin/env bash
# rate-sweep.sh: find the clock-rate ratio at which client-go first gives two leaders and compare
# it with the analytic limit (docs/models/client-go-elector.md section 5,
# model/client_go_bounds.h).
#
# Usage: scripts/rate-sweep.sh [--template FILE] [--from R] [--to R] [--step S] [--seeds N]
#                              [--jobs J] [--lds SECONDS] [--hold SECONDS] [--latency-max SECONDS]
#
# The template is a scenario whose standby clock rate sits on a line marked `# SWEEP`
# (`rate: 1.20   # SWEEP`); every other line is used as is. For each R from --from to --to by
# --step the script writes a variant with that rate, runs it for seeds 1..N with
# `leasesim run --format json`, and records whether singleLeader was violated. It prints one line
# per R, then the first violating R, the analytic limit and their distance in percent.
#
# The analytic limit. With the leader at rate r_L = 1 (the template's incumbent), a candidate at
# rate r_C takes over no earlier than LDS/r_C after it saw the leader's last write, while the
# leader holds on for d + (RP + RD)/r_L (d = response latency of that write). No overlap iff
#     r_C / r_L  <  (LDS - r_C * d) / (RP + RD)                     (spec 5)
# With r_L = 1 the limit ratio r* solves r = (LDS - r*d)/(RP + RD), i.e.
#     r* = LDS / (RP + RD + d)
# which is client_go_bounds' rate_ratio_limit evaluated at r_C = r* without its invisible-renewal
# lag (model/client_go_bounds.h: 6L with RP >= 1s, for an acquisition whose first renewal shares
# its second; the template's leader renews for a minute before the partition, so the steady-state
# limit is the one to compare; with the lag it is 15/12.035 = 1.2464). The defaults (--lds 15,
# --hold 12 = RP + RD, --latency-max 0.005 = the default one-way latency bound) match the
# template: 15/12.005 = 1.24948; at zero latency LDS/(RP + RD) = 1.25.
#
# Environment: LEASESIM (default: build/leasesim next to this script's repo).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
leasesim="${LEASESIM:-$repo/build/leasesim}"
template="$repo/scenarios/client-go/rate-sweep-template.yaml"
from=1.00 to=1.60 step=0.01 seeds=10 jobs=2
lds=15 hold=12 latency_max=0.005

while [[ $# -gt 0 ]]; do
  case "$1" in
    --template) template="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    --to) to="$2"; shift 2 ;;
    --step) step="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --lds) lds="$2"; shift 2 ;;
    --hold) hold="$2"; shift 2 ;;
    --latency-max) latency_max="$2"; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "rate-sweep.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

command -v jq >/dev/null || { echo "rate-sweep.sh: needs jq (apt-get install -y jq)" >&2; exit 2; }
[[ -x "$leasesim" ]] || { echo "rate-sweep.sh: no leasesim at $leasesim (build it or set LEASESIM)" >&2; exit 2; }
grep -q '# SWEEP' "$template" || { echo "rate-sweep.sh: $template has no line marked '# SWEEP'" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The rates, as exact decimals (awk prints them with the step's number of decimals).
decimals="$(awk -v s="$step" 'BEGIN { n = split(s, p, "."); print (n > 1 ? length(p[2]) : 0) }')"
mapfile -t rates < <(awk -v a="$from" -v b="$to" -v s="$step" -v d="$decimals" \
  'BEGIN { n = int((b - a) / s + 0.5); for (i = 0; i <= n; i++) printf "%.*f\n", d, a + i * s }')

# One variant per rate; one job per (rate, seed).
for r in "${rates[@]}"; do
  sed -E "s/^([[:space:]]*)rate:[[:space:]]*[0-9.]+([[:space:]]*# SWEEP.*)$/\1rate: $r\2/" "$template" > "$work/rate-$r.yaml"
  grep -q "rate: $r" "$work/rate-$r.yaml" || { echo "rate-sweep.sh: could not set rate $r" >&2; exit 2; }
done
for r in "${rates[@]}"; do for s in $(seq 1 "$seeds"); do echo "$r $s"; done; done |
  xargs -P "$jobs" -n 2 sh -c '
    out="$("$0" run "$1/rate-$2.yaml" --seed "$3" --format json 2>/dev/null)"; rc=$?
    if [ $rc -gt 1 ]; then echo "$2 $3 error"; exit 0; fi
    v="$(printf "%s" "$out" | jq -r "if (.violated | index(\"singleLeader\")) then \"violated\" else \"holds\" end")"
    echo "$2 $3 $v"' "$leasesim" "$work" > "$work/results"

if grep -q ' error$' "$work/results"; then
  echo "rate-sweep.sh: leasesim failed on:" >&2; grep ' error$' "$work/results" >&2; exit 3
fi

limit="$(awk -v l="$lds" -v h="$hold" -v d="$latency_max" 'BEGIN { printf "%.5f", l / (h + d) }')"
limit0="$(awk -v l="$lds" -v h="$hold" 'BEGIN { printf "%.5f", l / h }')"

echo "template: $template"
echo "seeds per rate: $seeds   (singleLeader violated in k of $seeds seeds)"
printf '%-8s %s\n' "R" "violating seeds"
first=""
for r in "${rates[@]}"; do
  k="$(awk -v r="$r" '$1 == r && $3 == "violated"' "$work/results" | wc -l)"
  printf '%-8s %s/%s\n' "$r" "$k" "$seeds"
  if [[ -z "$first" && "$k" -gt 0 ]]; then first="$r"; fi
done
echo
echo "analytic limit r* = LDS / (RP + RD + d) = $lds / ($hold + $latency_max) = $limit   (zero latency: $limit0)"
if [[ -z "$first" ]]; then
  echo "first violating R: none in [$from, $to]"
else
  awk -v f="$first" -v l="$limit" -v s="$step" 'BEGIN {
    printf "first violating R: %s   (%+.2f%% from the analytic limit; resolution of the sweep: %s)\n", f, (f - l) / l * 100, s }'
fi
