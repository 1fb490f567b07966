#!/usr/bin/env bash
# The API benchmark (bench/api_bench.py) drives load with Debian's wrk.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing wrk (Debian package) for the API benchmark…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
else
  echo "The API benchmark needs wrk: install it (e.g. 'sudo apt-get install wrk'), then run 'make bench' again." >&2
  exit 1
fi
