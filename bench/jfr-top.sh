#!/usr/bin/env bash
# Aggregates the CPU samples (jdk.ExecutionSample) of a JFR recording: the top frames, and for each
# sample the first frame of the gateway's own code (dev.gitlabmcp) with the frame it called.
#   bench/jfr-top.sh [-n ROWS] FILE.jfr [FILE.jfr ...]     (ROWS: 25; several files are added up)
set -euo pipefail
rows=25
if [ "${1:-}" = "-n" ]; then rows=$2; shift 2; fi
for file in "$@"; do jfr print --events jdk.ExecutionSample --stack-depth 64 "$file"; done | awk -v rows="$rows" '
  function flush() {
    if (n == 0) return
    total++
    top[frames[1]]++
    own = ""
    for (i = 1; i <= n; i++) if (frames[i] ~ /^dev\.gitlabmcp/) { own = frames[i]; break }
    if (own == "") own = "(no gateway frame: " frames[n] ")"
    ours[own]++
    delete seen
    for (i = 1; i <= n; i++) if (!(frames[i] in seen)) { seen[frames[i]] = 1; incl[frames[i]]++ }
    n = 0
  }
  /stackTrace = \[/ { flush(); inside = 1; next }
  inside && /^[[:space:]]*\]/ { flush(); inside = 0; next }
  inside && /line:/ { f = $1; sub(/\(.*/, "", f); frames[++n] = f; next }
  END {
    flush()
    printf "%d samples\n\nTop frames (self time):\n", total
    for (k in top) printf "%6.1f%%  %s\n", 100 * top[k] / total, k | "sort -rn | head -" rows
    close("sort -rn | head -" rows)
    printf "\nInnermost gateway frame on the stack (inclusive time of our code):\n"
    for (k in ours) printf "%6.1f%%  %s\n", 100 * ours[k] / total, k | "sort -rn | head -" rows
    close("sort -rn | head -" rows)
    printf "\nInclusive time (on the stack at all), every frame:\n"
    for (k in incl) printf "%6.1f%%  %s\n", 100 * incl[k] / total, k | "sort -rn | head -" 3 * rows
    close("sort -rn | head -" 3 * rows)
  }'
