#!/usr/bin/env bash
# Installs the build into a scratch prefix, then checks what a C user outside
# the tree gets: only se_* exported, the example built through pkg-config and
# through find_package, and both sending through all three providers.
set -euo pipefail
build=${1:-build}
root=$PWD
prefix=$(mktemp -d /tmp/sendevent-install.XXXXXX)
work=$(mktemp -d /tmp/sendevent-example.XXXXXX)
emu_pid=
cleanup() {
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null || true
  rm -rf "$prefix" "$work"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null
lib=$(find "$prefix" -name 'libsendevent.so.*.*' | head -n1)
soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
[ "$soname" = "libsendevent.so.0" ] || { echo "unexpected SONAME: $soname"; exit 1; }
others=$(nm -D --defined-only "$lib" | awk '{print $NF}' | grep -v '^se_' || true)
if [ -n "$others" ]; then
  echo "exported symbols other than se_*:"; echo "$others"; exit 1
fi
echo "install: $(nm -D --defined-only "$lib" | wc -l) symbols exported, all se_*; SONAME $soname"
# libcurl is linked, not loaded lazily: SE_LAZY_CURL is for the Python module only
objdump -p "$lib" | grep -q 'NEEDED.*libcurl' || { echo "libsendevent.so does not link libcurl"; exit 1; }
if find "$prefix" -name '*curl_lazy*' | grep -q .; then
  echo "the lazy libcurl stubs were installed"; exit 1
fi
# no curl, cJSON or OpenSSL include or type in the public headers (comments may name libcurl)
if grep -rnE '#[[:space:]]*include[[:space:]]*[<"](curl|cjson|openssl)/|\<(CURL[A-Za-z_]*|cJSON[A-Za-z_]*|EVP_[A-Za-z_]*)\>' \
    "$prefix/include/sendevent"; then
  echo "a public header exposes curl, cJSON or OpenSSL"; exit 1
fi

pcdir=$(dirname "$(find "$prefix" -name sendevent.pc | head -n1)")
export PKG_CONFIG_PATH=$pcdir
export LD_LIBRARY_PATH=$(dirname "$lib")
# the same command as examples/c/Makefile
cc -O2 -Wall -Wextra -Werror "$root/examples/c/send_events.c" $(pkg-config --cflags --libs sendevent) \
  -o "$work/send_events_pkgconfig"
cmake -S "$root/examples/c" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null

"$root/$build/emulator/sendevent-emulator" --port 0 >"$work/emu.out" &
emu_pid=$!
for _ in $(seq 50); do [ -s "$work/emu.out" ] && break; sleep 0.1; done
url=$(head -n1 "$work/emu.out")
"$work/send_events_pkgconfig" "$url"
"$work/cmake/send_events" "$url" >/dev/null
echo "install: example built with pkg-config and with find_package; both sent through all three providers"
