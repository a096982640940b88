#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against a gateway
# that is ALREADY RUNNING on http://127.0.0.1:$PORT/mcp.
#
# Usage:  PORT=3939 .ci/conformance.sh      (or: .ci/conformance.sh 3939)
#         .ci/conformance.sh --install         (install Node and the suite into CONFORMANCE_DIR, run nothing)
# Env:
#   CONFORMANCE_DIR       install dir, gitignored              (default: .ci/.conformance)
#   CONFORMANCE_BASELINE  expected failures (YAML)             (default: .ci/conformance-baseline.yml)
#   CONFORMANCE_SUITE     active|all|pending                   (default: all)
#   CONFORMANCE_SCENARIO  run just this one scenario
#   CONFORMANCE_OUT       results dir, one checks.json per scenario (default: $CONFORMANCE_DIR/results)
#   CONFORMANCE_TIMEOUT   overall timeout in seconds           (default: 900)
#   CONFORMANCE_VERSION   the suite's npm version              (default: 0.1.16)
#   CONFORMANCE_REQUIREMENTS  run a revision's frozen requirement set (e.g. 2026-07-28) instead of a suite
#   CONFORMANCE_REQUIRED  scenarios the baseline may never list, space-separated (default: the 2025 set below)
# The 2025 run uses the defaults; .ci/run's 2026-07-28 step sets the last three, its own directory and baseline.
#
# Exit 0 when every failing scenario is listed in the baseline and every listed one still fails.
# The suite also fails the run for a listed scenario that now passes ("stale baseline"): prune it.
set -euo pipefail

INSTALL_ONLY=""
[ "${1:-}" = "--install" ] && INSTALL_ONLY=1 && shift
PORT="${1:-${PORT:-}}"
[ -n "$PORT" ] || [ -n "$INSTALL_ONLY" ] || { echo "usage: PORT=<port> $0  (or $0 <port>)" >&2; exit 2; }

CONF_VERSION="${CONFORMANCE_VERSION:-0.1.16}"
NODE_VERSION=22.23.3   # the suite needs Node 22 (fs.globSync); the npm package "node" brings it
SDK_VERSION=1.32.2     # the suite depends on ^1.27.1 and ships no lockfile: pin the client it drives
DIR="${CONFORMANCE_DIR:-.ci/.conformance}"
BASELINE="${CONFORMANCE_BASELINE:-.ci/conformance-baseline.yml}"
SUITE="${CONFORMANCE_SUITE:-all}"
OUT="${CONFORMANCE_OUT:-$DIR/results}"
URL="http://127.0.0.1:${PORT}/mcp"   # dns-rebinding-protection only runs against a loopback URL

# Scenarios the gateway must pass: listing one in the baseline would hide a regression.
REQUIRED=(server-initialize ping tools-list server-sse-multiple-streams dns-rebinding-protection logging-set-level)
if [ -n "${CONFORMANCE_REQUIRED:-}" ]; then read -r -a REQUIRED <<<"$CONFORMANCE_REQUIRED"; fi

NODE="$DIR/node_modules/node/bin/node"
CLI="$DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"

# ---- guard the baseline -------------------------------------------------------------------
if [ -f "$BASELINE" ]; then
  for s in "${REQUIRED[@]}"; do
    if grep -Eq "^[[:space:]]*-[[:space:]]*${s}[[:space:]]*(#.*)?$" "$BASELINE"; then
      echo "[conformance] $BASELINE lists required scenario '$s': it must pass, remove it from the baseline" >&2
      exit 1
    fi
  done
fi

# ---- idempotent install -------------------------------------------------------------------
installed_ok() {
  [ -x "$NODE" ] && [ -f "$CLI" ] || return 1
  [ "$("$NODE" --version 2>/dev/null)" = "v${NODE_VERSION}" ] || return 1
  [ "$("$NODE" -p 'require(require("path").resolve(process.argv[1])).version' \
        "$DIR/node_modules/@modelcontextprotocol/conformance/package.json" 2>/dev/null)" = "$CONF_VERSION" ]
}
mkdir -p "$DIR"
if installed_ok; then
  echo "[conformance] using node $("$NODE" --version) and @modelcontextprotocol/conformance@${CONF_VERSION} from $DIR"
else
  command -v npm >/dev/null || { echo "[conformance] npm is required to install the suite" >&2; exit 1; }
  echo "[conformance] installing node@${NODE_VERSION}, @modelcontextprotocol/conformance@${CONF_VERSION}, @modelcontextprotocol/sdk@${SDK_VERSION} into $DIR"
  cat > "$DIR/package.json" <<JSON
{ "name": "ci-conformance", "private": true, "version": "0.0.0",
  "dependencies": {
    "node": "${NODE_VERSION}",
    "@modelcontextprotocol/conformance": "${CONF_VERSION}",
    "@modelcontextprotocol/sdk": "${SDK_VERSION}"
  } }
JSON
  # The "node" package fetches its binary in a preinstall script: scripts must stay enabled.
  ( cd "$DIR" && npm_config_ignore_scripts=false npm install --no-audit --no-fund --loglevel=error )
  installed_ok || { echo "[conformance] install failed: $NODE or $CLI is unusable" >&2; exit 1; }
fi
[ -z "$INSTALL_ONLY" ] || exit 0

# ---- the server must be listening -----------------------------------------------------------
for _ in $(seq 1 60); do
  (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null && break
  sleep 0.5
done
(exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null \
  || { echo "[conformance] nothing listening on 127.0.0.1:${PORT}" >&2; exit 1; }

# ---- run ----------------------------------------------------------------------------------------
args=(server --url "$URL" -o "$OUT")
if [ -n "${CONFORMANCE_SCENARIO:-}" ]; then args+=(--scenario "$CONFORMANCE_SCENARIO")
elif [ -n "${CONFORMANCE_REQUIREMENTS:-}" ]; then args+=(--requirements "$CONFORMANCE_REQUIREMENTS")
else args+=(--suite "$SUITE"); fi
if [ -f "$BASELINE" ]; then
  args+=(--expected-failures "$BASELINE")
else
  echo "[conformance] WARNING: no baseline $BASELINE: every failing scenario fails the run" >&2
fi

rm -rf "$OUT"
mkdir -p "$OUT"
LOG="$OUT/conformance.log"
echo "[conformance] $NODE $CLI ${args[*]}"
set +e
# The suite's tallies ("N passed, N failed") are reworded on screen so they cannot pass for the
# project's test totals, which .ci/run prints last; the raw text stays in $LOG.
timeout "${CONFORMANCE_TIMEOUT:-900}" "$NODE" "$CLI" "${args[@]}" 2>&1 | tee "$LOG" \
  | sed -E 's/([0-9]+) passed, ([0-9]+) failed/\1 checks ok, \2 checks not ok/' 
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 124 ] && echo "[conformance] timed out after ${CONFORMANCE_TIMEOUT:-900} s" >&2
if [ "$rc" -ne 0 ]; then
  echo "[conformance] FAILED (exit $rc). Per-scenario checks: $OUT/server-*/checks.json" >&2
fi
exit "$rc"
