#!/usr/bin/env bash
# GETs served from a database, through the real `documents` example (axum) on loopback, driven
# by wrk (issue 10): a 200 (the handler loads document 42 with one SELECT, #[conditional] checks
# it, the body is serialized and sent) against a 304 (the same SELECT and check, no body), on
# PostgreSQL (DATABASE_URL, a schema of its own) and on the example's default SQLite in memory.
# The SELECT is the same in both, so the 304's gain is only the body and its serialization:
# with a database round trip in every request, expect far less than the in-memory 304 gain.
#
#   benches/load_store.sh            # 6 rounds of 3 s per case, alternating
#   benches/load_store.sh --quick    # 1 round of 1 s (CI: proves it runs)
#
# Needs DATABASE_URL (source .ci/postgres.sh); without it only SQLite is measured. The server
# is pinned to CPU 0 and wrk to CPU 1 when there are two; PostgreSQL shares CPU 0's neighbour.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=6
duration=3
if [ "${1:-}" = "--quick" ]; then rounds=1 duration=1; fi

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
pin_server=() pin_wrk=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0) pin_wrk=(taskset -c 1)
fi

cargo build --quiet --profile bench --example documents
binary=target/release/examples/documents

schema=""
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  if [ -n "$schema" ]; then psql -q "$DATABASE_URL" -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# Starts the example on a free port with DATABASE_URL=$1 (empty: the default), sets $base.
start() {
  local out; out=$(mktemp)
  if [ -n "$1" ]; then
    DATABASE_URL="$1" PORT=0 "${pin_server[@]}" "$binary" >"$out" &
  else
    env -u DATABASE_URL PORT=0 "${pin_server[@]}" "$binary" >"$out" &
  fi
  server_pid=$!
  for _ in $(seq 1 100); do
    grep -q 'serving on' "$out" && break
    sleep 0.1
  done
  base=$(sed -n 's/.*serving on \(http:[^ ]*\).*/\1/p' "$out" | head -n 1)
  [ -n "$base" ] || { echo "load_store.sh: the example did not start" >&2; exit 1; }
  curl -sf "$base/documents/42" >/dev/null
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: "1"' "$base/documents/42")" = 304 ] \
    || { echo "load_store.sh: no 304 from $base" >&2; exit 1; }
}

# Requests/s of one wrk run with the given extra arguments.
once() {
  local out; out=$("${pin_wrk[@]}" wrk -t1 -c32 -d"${duration}s" "$@" "$base/documents/42")
  if grep -q 'Socket errors' <<<"$out"; then
    echo "$out" >&2; echo "load_store.sh: socket errors" >&2; exit 1
  fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# One table row: $rounds rounds of 200 and 304, alternating which goes first, so that drift
# (of the machine, of the database) favours neither; the medians.
row() {
  local store=$1 ok=() not_modified=()
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then
      ok+=("$(once)"); not_modified+=("$(once -H 'If-None-Match: "1"')")
    else
      not_modified+=("$(once -H 'If-None-Match: "1"')"); ok+=("$(once)")
    fi
  done
  local a b; a=$(median "${ok[@]}"); b=$(median "${not_modified[@]}")
  awk -v s="$store" -v a="$a" -v b="$b" 'BEGIN { printf "| %s | %.0f | %.0f | %.2fx |\n", s, a, b, b / a }'
}

echo "| store | GET 200 (req/s) | GET 304 (req/s) | 304 / 200 |"
echo "|---|---|---|---|"
start ""
row "SQLite (in memory)"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
if [ -n "${DATABASE_URL:-}" ]; then
  schema="precond_load_$$"
  psql -q "$DATABASE_URL" -c "CREATE SCHEMA $schema"
  separator='?'; case "$DATABASE_URL" in *'?'*) separator='&' ;; esac
  start "${DATABASE_URL}${separator}options=-c%20search_path%3D$schema"
  row "PostgreSQL 15 (loopback)"
else
  echo "load_store.sh: DATABASE_URL not set, PostgreSQL skipped" >&2
fi
