#!/bin/sh
# Benchmark sendevent-emulator with wrk: keep-alive POSTs to each provider's send path.
#
#   bench/emulator/run.sh [path/to/sendevent-emulator]
#
# The binary comes from the argument, else $SE_EMULATOR, else build/emulator/sendevent-emulator.
# Builds nothing. Tunables (environment): DURATION (10s), WRK_THREADS (2), WRK_CONNECTIONS (32),
# EMULATOR_ARGS (extra emulator flags, e.g. "--threads 1"), TARGET (20000 req/s; exit 1 below).
# The emulator runs with --sinch-rate 0: this measures its raw speed, not Sinch's 800/s per
# project (EMULATOR_ARGS come after it, so "--sinch-rate 800" measures the limit's 429s).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-${SE_EMULATOR:-$root/build/emulator/sendevent-emulator}}
duration=${DURATION:-10s}
threads=${WRK_THREADS:-2}
conns=${WRK_CONNECTIONS:-32}
target=${TARGET:-20000}

[ -x "$bin" ] || { echo "run.sh: emulator not found at $bin (build the sendevent-emulator target)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed" >&2; exit 2; }

tmp=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# shellcheck disable=SC2086 # EMULATOR_ARGS is a list of flags
"$bin" --sinch-rate 0 ${EMULATOR_ARGS:-} >"$tmp/url" 2>"$tmp/stderr" &
pid=$!
i=0
while [ ! -s "$tmp/url" ]; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "run.sh: the emulator did not start:" >&2; cat "$tmp/stderr" >&2; exit 1
    fi
    sleep 0.05
done
url=$(head -n 1 "$tmp/url")
config=$(curl -s "$url/_emulator/config" 2>/dev/null || true)
json() { # json <section> <key>: read a credential from /_emulator/config (defaults if no curl)
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]][sys.argv[2]])' "$1" "$2" <<JSON
$config
JSON
}
sinch_auth="Basic $(printf '%s:%s' "$(json sinch key_id)" "$(json sinch key_secret)" | base64 -w0)"

echo "emulator: $url (pid $pid) $(cat /proc/cpuinfo | grep -c ^processor) cpus; wrk -t$threads -c$conns -d$duration"
status=0
for provider in sinch zapi connect; do
    case $provider in
    sinch) set -- "$sinch_auth" ;;
    zapi) set -- "$(json zapi instance_id)" "$(json zapi token)" "$(json zapi client_token)" ;;
    connect) set -- "$(json connect connection_token)" ;;
    esac
    wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$here/post.lua" "$url" -- "$provider" "$@" >"$tmp/$provider.txt"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/$provider.txt")
    p50=$(awk '$1 == "50%" {print $2}' "$tmp/$provider.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$tmp/$provider.txt")
    bad=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$tmp/$provider.txt")
    errs=$(awk '/Socket errors:/ {print $0}' "$tmp/$provider.txt")
    printf '%-8s %10s req/s   p50 %-8s p99 %-8s %s%s\n' "$provider" "$rps" "$p50" "$p99" \
        "${bad:+NON-2XX: $bad }" "${errs:+$errs}"
    if [ -n "$bad" ] || awk -v r="$rps" -v t="$target" 'BEGIN { exit !(r < t) }'; then status=1; fi
done

rss=$(awk '/^VmRSS:/ {print $2, $3}' "/proc/$pid/status" 2>/dev/null || true)
echo "emulator RSS after the run: ${rss:-unknown} (request log capped by --max-records)"
kill "$pid"
wait "$pid" && echo "emulator stopped cleanly" || { echo "emulator exit status $?" >&2; status=1; }
pid=
exit $status
