#!/usr/bin/env bash
# make demo: one event through each provider from each face of the project - C, Python, Lua
# and the `sendevent` command (plus a 200-request --batch with its progress line) - against a
# local sendevent-emulator on a free port. No account, key or network is needed.
#
#   scripts/demo.sh [BUILD_DIR]      (default: build; `make build` first)
#
# Environment: PYTHON_VENV (the venv the Python wheel is installed into; default: the first
# build/*/bin/python that can import sendevent), LUA (default lua5.4), CC (default cc).
# Exits non-zero if any send fails or any face cannot run.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${1:-build}
if [ ! -d "$build" ]; then
  echo "demo: build directory '$build' not found; run 'make build' first" >&2
  exit 2
fi
build=$(cd "$build" && pwd)
emulator=$build/emulator/sendevent-emulator
cli=$build/cli/sendevent
LUA=${LUA:-lua5.4}
CC=${CC:-cc}

work=$(mktemp -d "${TMPDIR:-/tmp}/sendevent-demo.XXXXXX")
emu_pid=
cleanup() {
  if [ -n "$emu_pid" ]; then
    kill "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failures=()
fail() {
  echo "demo: FAILED: $*" >&2
  failures+=("$*")
}
section() {
  printf '\n== %s\n' "$*"
}

for f in "$emulator" "$cli"; do
  if [ ! -x "$f" ]; then
    echo "demo: $f is not built; run 'make build' first" >&2
    exit 2
  fi
done

# ---- the emulator ---------------------------------------------------------------------------
"$emulator" --port 0 >"$work/emulator.out" 2>"$work/emulator.err" &
emu_pid=$!
url=
for _ in $(seq 100); do
  url=$(head -n1 "$work/emulator.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  if ! kill -0 "$emu_pid" 2>/dev/null; then
    break
  fi
  sleep 0.05
done
if [ -z "$url" ]; then
  echo "demo: sendevent-emulator did not start:" >&2
  cat "$work/emulator.err" >&2
  exit 1
fi
echo "sendevent-emulator (pid $emu_pid) listening on $url"
echo "credentials: the emulator's defaults (Sinch emulator-key/emulator-secret, Z-API"
echo "emulator-instance/emulator-token, Connect emulator-connection-token)"

# ---- C: examples/c/send_events.c, built against the build tree -----------------------------
section "C  (examples/c/send_events.c, linked to $build/libsendevent.so)"
if "$CC" -O2 -Wall -Wextra examples/c/send_events.c -Ilibcore/include -L"$build" -lsendevent \
  -Wl,-rpath,"$build" -o "$work/send_events"; then
  "$work/send_events" "$url" || fail "C example"
else
  fail "C example did not compile"
fi

# ---- Python: examples/python/*.py with the venv the wheel is installed into ----------------
section "Python  (examples/python/{sinch,zapi,connect}.py)"
venv_python=
if [ -n "${PYTHON_VENV:-}" ]; then
  venv_python=$PYTHON_VENV/bin/python
else
  for p in "$build"/*/bin/python "$root"/build/*/bin/python; do
    if [ -x "$p" ] && "$p" -c 'import sendevent' 2>/dev/null; then
      venv_python=$p
      break
    fi
  done
fi
if [ -z "$venv_python" ] || ! "$venv_python" -c 'import sendevent' 2>/dev/null; then
  fail "Python face not available yet: no venv with the sendevent wheel under $build (run 'make python')"
elif [ ! -f examples/python/sinch.py ]; then
  fail "Python face not available yet: examples/python/ is missing"
else
  echo "interpreter: $venv_python"
  for p in sinch zapi connect; do
    echo "-- examples/python/$p.py"
    "$venv_python" "examples/python/$p.py" "$url" || fail "Python example $p.py"
  done
fi

# ---- Lua: examples/lua/*.lua with the module from the build tree ---------------------------
section "Lua  (examples/lua/{sinch,zapi,connect}.lua)"
lua_dir=$build/bindings/lua
if ! command -v "$LUA" >/dev/null; then
  fail "Lua face not available: $LUA is not installed"
elif ! ls "$lua_dir"/*.so >/dev/null 2>&1; then
  fail "Lua face not available yet: no Lua module in $lua_dir (build the Lua binding)"
elif [ ! -f examples/lua/sinch.lua ]; then
  fail "Lua face not available yet: examples/lua/ is missing"
else
  for p in sinch zapi connect; do
    echo "-- examples/lua/$p.lua"
    LUA_CPATH="$lua_dir/?.so;${LUA_CPATH:-;}" "$LUA" "examples/lua/$p.lua" "$url" ||
      fail "Lua example $p.lua"
  done
fi

# ---- the sendevent command -----------------------------------------------------------------
section "command line  ($cli)"
show() { # prints the command as a user would type it, secrets included (they are demo values)
  printf '$ %s\n' "$*"
}

# Sinch: options as flags
sinch_flags=(--set "base_url=$url" --set "auth_url=$url/oauth2/token" --set project_id=demo-project
  --set key_id=emulator-key --set key_secret=emulator-secret)
sinch_req='{"app_id":"demo-app","recipient":{"contact_id":"demo-contact"},"event":{"composing_event":{}}}'
show sendevent sinch send_event "'$sinch_req'" --set "base_url=$url" ...
"$cli" sinch send_event "$sinch_req" "${sinch_flags[@]}" --output text || fail "sendevent sinch"

# Z-API: the request from a file, options from a config file
cat >"$work/event.json" <<'EOF'
{
  "phone": "120363019502650977-group",
  "event": {"name": "Demo standup", "dateTime": "2024-04-29T09:30:53.309Z", "callLinkType": "video"}
}
EOF
cat >"$work/sendevent.conf" <<EOF
# sendevent options, one KEY=VALUE per line; PROVIDER.KEY applies to one provider
zapi.base_url=$url
zapi.instance_id=emulator-instance
zapi.token=emulator-token
zapi.client_token=emulator-client-token
connect.base_url=$url
EOF
show sendevent zapi send_event @event.json --config sendevent.conf
(cd "$work" && "$cli" zapi send_event @event.json --config sendevent.conf --output text) ||
  fail "sendevent zapi"

# Connect: the token from the environment, the request from standard input
show "echo '{\"ContentType\":\"application/vnd.amazonaws.connect.event.typing\"}' |"
echo "    SENDEVENT_CONNECT_CONNECTION_TOKEN=... sendevent connect send_event - --config sendevent.conf"
echo '{"ContentType":"application/vnd.amazonaws.connect.event.typing"}' |
  SENDEVENT_CONNECT_CONNECTION_TOKEN=emulator-connection-token \
    "$cli" connect send_event - --config "$work/sendevent.conf" --output text ||
  fail "sendevent connect"

# --batch: 200 Connect messages, 16 in flight, results in input order
n=200
for i in $(seq 1 $n); do
  printf '{"ContentType":"text/plain","Content":"demo message %d"}\n' "$i"
done >"$work/batch.jsonl"
show sendevent connect send_message --batch batch.jsonl --concurrency 16 ">results.txt"
batch_cmd=("$cli" connect send_message --batch "$work/batch.jsonl" --concurrency 16
  --config "$work/sendevent.conf" --output text)
export SENDEVENT_CONNECT_CONNECTION_TOKEN=emulator-connection-token
batch_rc=0
if [ -t 2 ] || ! command -v script >/dev/null; then
  "${batch_cmd[@]}" >"$work/results.txt" || batch_rc=$?
else
  # not on a terminal (CI, a pipe): give the command one through script(1), so that the
  # progress line it draws only on terminals still shows in this log
  set +e
  script -qec "$(printf '%q ' "${batch_cmd[@]}") >$(printf '%q' "$work/results.txt")" \
    /dev/null </dev/null | tr '\r' '\n' | grep -v '^ *$' | tail -n 2
  batch_rc=${PIPESTATUS[0]}
  set -e
fi
unset SENDEVENT_CONNECT_CONNECTION_TOKEN
accepted=$(grep -c ' accepted: ' "$work/results.txt" || true)
echo "results.txt: $(wc -l <"$work/results.txt") lines, $accepted accepted; first and last:"
head -n1 "$work/results.txt"
tail -n1 "$work/results.txt"
if [ "$batch_rc" -ne 0 ] || [ "$accepted" -ne "$n" ]; then
  fail "sendevent --batch (exit $batch_rc, $accepted of $n accepted)"
fi

# ---- done ----------------------------------------------------------------------------------
echo
if [ ${#failures[@]} -ne 0 ]; then
  echo "demo: ${#failures[@]} failure(s):" >&2
  printf '  - %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "demo: every face sent through every provider; stopping the emulator (pid $emu_pid)"
