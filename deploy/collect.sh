#!/usr/bin/env bash
# collect.sh: copy every shard of deploy/campaign-job.yaml out of its pod and merge the report.
#
# Usage: deploy/collect.sh [JOB_NAME] [SHARDS] [OUT_DIR]   (defaults: leasesim-campaign 4 out/cluster)
# For each completion index it waits until the pod has finished its shard (/results/done), copies
# /results/shard-I with `kubectl cp`, and tells the pod it may exit (/results/collected). Then it
# runs `leasesim report` on the shards (a leasesim binary on PATH, or ./build/leasesim).
# Not run where it was written (no cluster there).
set -euo pipefail
job="${1:-leasesim-campaign}"
shards="${2:-4}"
out="${3:-out/cluster}"
mkdir -p "$out"
for ((i = 0; i < shards; i++)); do
  selector="job-name=$job,batch.kubernetes.io/job-completion-index=$i"
  pod=""
  until [[ -n "$pod" ]] && kubectl exec "$pod" -- test -f /results/done 2>/dev/null; do
    pod="$(kubectl get pods -l "$selector" --field-selector=status.phase=Running -o name | head -n1 | sed 's|^pod/||')"
    sleep 5
  done
  echo "collect: shard $i from pod $pod"
  kubectl cp "$pod:/results/shard-$i" "$out/shard-$i"
  kubectl exec "$pod" -- touch /results/collected
done
leasesim_bin="$(command -v leasesim || echo ./build/leasesim)"
"$leasesim_bin" report "$out"/shard-* --out "$out/report"
