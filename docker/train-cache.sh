#!/usr/bin/env bash
# Training run for the start-up cache of the image (Dockerfile) and of CI (.ci/run):
#   docker/train-cache.sh JAVA JAR CACHE [JVM flags...]
# Starts the gateway once with the given flags, drives the request path (initialize, tools/list, one tools/call
# against a GitLab URL nobody listens on), stops it with SIGTERM, and leaves the cache in CACHE:
#   JDK 25+: an AOT cache (JEP 483/514: classes loaded and linked, plus method profiles) for -XX:AOTCache=CACHE;
#   JDK 17-24: an AppCDS archive for -XX:SharedArchiveFile=CACHE.
# bash only (the image has no curl): HTTP over /dev/tcp. Nothing leaves the machine.
set -euo pipefail
JAVA=$1 JAR=$2 CACHE=$3
shift 3
PORT=${TRAIN_PORT:-3999}
feature=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${feature%%.*}" -ge 25 ]; then
  record=(-XX:AOTCacheOutput="$CACHE")
else
  record=(-XX:ArchiveClassesAtExit="$CACHE")
fi
rm -f "$CACHE"
env -u GITLAB_PERSONAL_ACCESS_TOKEN -u MCP_AUTH_TOKEN -u REDIS_URL -u DATABASE_URL -u GITLAB_INSTANCES \
  HOST=127.0.0.1 PORT="$PORT" GITLAB_API_URL=http://127.0.0.1:9 \
  "$JAVA" "$@" "${record[@]}" -jar "$JAR" serve >/tmp/train-cache.log 2>&1 </dev/null &
pid=$!

# post BODY [SESSION]: prints the response's Mcp-Session-Id header, if any
post() {
  local body=$1 session=${2:-} line sid=""
  exec 3<>"/dev/tcp/127.0.0.1/$PORT"
  printf 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n%sContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$PORT" "${session:+Mcp-Session-Id: $session$'\r\n'}" "${#body}" "$body" >&3
  while IFS= read -r -t 10 line <&3; do
    line=${line%$'\r'}
    case "${line,,}" in mcp-session-id:*) sid=${line#*: } ;; esac
  done
  exec 3<&- 3>&-
  echo "$sid"
}

for _ in $(seq 1 600); do
  kill -0 "$pid" 2>/dev/null || { cat /tmp/train-cache.log >&2; echo "the training run exited" >&2; exit 1; }
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done
sid=$(post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"train","version":"1"}}}')
[ -n "$sid" ] || { kill "$pid"; echo "initialize gave no session" >&2; exit 1; }
post '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$sid" >/dev/null
post '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' "$sid" >/dev/null
post '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_project","arguments":{"project_id":"a/b"}}}' "$sid" >/dev/null
kill "$pid"
wait "$pid" || true
test -s "$CACHE" || { cat /tmp/train-cache.log >&2; echo "no cache written to $CACHE" >&2; exit 1; }
echo "start-up cache: $CACHE ($(stat -c %s "$CACHE") bytes)"
