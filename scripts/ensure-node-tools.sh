#!/usr/bin/env bash
# The GraphQL-over-HTTP audit suite (npm `graphql-http`, pinned) for tests/api/test_graphql_over_http.py,
# installed once into .cache/node from the npm registry; node (≥ 18) comes from the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
GRAPHQL_HTTP_VERSION=1.23.1
GRAPHQL_VERSION=16.15.0
target=.cache/node
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing node and npm (Debian packages) for the GraphQL-over-HTTP audit…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "The GraphQL-over-HTTP audit needs node and npm: install them (e.g. 'sudo apt-get install nodejs npm'), then run 'make test' again." >&2
    exit 1
  fi
fi
if [ -f "$target/node_modules/graphql-http/package.json" ] \
  && grep -q "\"version\": \"$GRAPHQL_HTTP_VERSION\"" "$target/node_modules/graphql-http/package.json"; then
  exit 0
fi
mkdir -p "$target"
echo "Installing graphql-http@$GRAPHQL_HTTP_VERSION into $target…"
npm install --silent --no-audit --no-fund --prefix "$target" \
  "graphql-http@$GRAPHQL_HTTP_VERSION" "graphql@$GRAPHQL_VERSION" >/dev/null
