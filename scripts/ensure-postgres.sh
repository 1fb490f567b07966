#!/usr/bin/env bash
# The store's contract tests run against a real PostgreSQL server that the tests start
# themselves (tests/postgres.py); this makes sure its binaries are installed.
set -euo pipefail
if command -v pg_ctl >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing PostgreSQL (Debian package) for the tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
else
  echo "The tests need PostgreSQL's server binaries (pg_ctl, initdb): install PostgreSQL ≥ 13," >&2
  echo "e.g. 'sudo apt-get install postgresql', then run 'make test' again." >&2
  exit 1
fi
