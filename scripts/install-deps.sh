#!/usr/bin/env bash
# Installs the Debian packages the build, tests and demo need, when missing.
# As root it runs apt-get; otherwise it prints the command to run and fails.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libcjson-dev libmicrohttpd-dev libssl-dev
  swig lua5.4 liblua5.4-dev
  python3-dev python3-pytest python3-venv python3-setuptools python3-wheel python3-pip
  openssl valgrind clang-14 libclang-rt-14-dev abigail-tools binutils
  nginx-light python3-requests python3-boto3 wrk python3-uvloop python3-flask
  libhiredis-dev redis-server python3-celery python3-redis
  python3-mypy python3-aiohttp python3-httpx
  chromium chromium-driver python3-selenium firefox-esr
  ${SE_EXTRA_PACKAGES:-}
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages. Run as root:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
