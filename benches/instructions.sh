#!/usr/bin/env bash
# Instructions per request of the load servers (benches/load_server.rs for axum,
# benches/load_server_actix.rs for actix-web), counted by valgrind's callgrind: unlike
# requests/s, the count does not depend on what else the machine is doing, so it resolves the
# differences of a few percent that benches/load.sh cannot on a shared machine.
#
#   benches/instructions.sh                      # both frameworks, 500 requests x 3 rounds per case
#   benches/instructions.sh --framework actix    # one of them
#   benches/instructions.sh --requests N --rounds R
#   benches/instructions.sh --keep DIR           # also keep each case's callgrind dump in DIR,
#                                                # as DIR/FRAMEWORK.N.CASE.out (compare two with
#                                                # callgrind_annotate --inclusive=no)
#
# Each case sends its requests over one keep-alive connection with curl, after 50 requests of
# warm-up, and reads the server's user-space instructions (the kernel's TCP work is not
# counted; on loopback it is about half of a request's CPU time). Prints the median per case
# and, for each comparison, the difference. Needs valgrind and curl (installed with apt-get
# when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

requests=500
rounds=3
framework=both
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --framework) framework="$2"; shift ;;
    --requests) requests="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --keep) keep="$2"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "instructions.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
case "$framework" in
  both) frameworks=(axum actix) ;;
  axum | actix) frameworks=("$framework") ;;
  *) echo "instructions.sh: --framework must be axum, actix or both" >&2; exit 2 ;;
esac

die() { echo "instructions.sh: $*" >&2; exit 1; }
if [ -n "$keep" ]; then
  case "$keep" in /*) ;; *) keep="$OLDPWD/$keep" ;; esac # relative to where it was called
  mkdir -p "$keep"
fi
if ! command -v valgrind >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind curl >&2 \
    || die "could not install valgrind and curl"
fi

work=$(mktemp -d)
vpid=""
cleanup() {
  [ -n "$vpid" ] && { kill "$vpid" 2>/dev/null || true; wait "$vpid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

for fw in "${frameworks[@]}"; do
  bench=load_server
  [ "$fw" = actix ] && bench=load_server_actix
  exe=$(cargo bench --bench "$bench" --features "$fw" --no-run --message-format=json-render-diagnostics \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
  [ -x "$exe" ] || die "could not build $bench"

  out="$work/$fw"
  mkdir -p "$out"
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$exe" --port 0 >"$out/stdout" 2>"$out/stderr" &
  vpid=$!
  for _ in $(seq 300); do grep -q listening "$out/stdout" 2>/dev/null && break; sleep 0.2; done
  base="http://$(sed -n 's/^listening on //p' "$out/stdout")"
  [ "$base" != "http://" ] || die "the $fw server did not start under valgrind"
  etag() { curl -sS -D - -o /dev/null "$base$1" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p'; }
  etag_v=$(etag /annotated/1)
  etag_h=$(etag /annotated_hashed/1)

  dump=0
  # run <case> <path> [curl arguments]
  run() {
    local name=$1 path=$2
    shift 2
    local urls=() i
    for ((i = 0; i < requests; i++)); do urls+=("$base$path"); done
    curl -sS "$@" "${urls[@]:0:50}" >/dev/null
    callgrind_control -z "$vpid" >/dev/null 2>&1
    curl -sS "$@" "${urls[@]}" >/dev/null
    callgrind_control -d "$name" "$vpid" >/dev/null 2>&1
    dump=$((dump + 1))
    local file="$out/cg.out.$dump" total=""
    for _ in $(seq 100); do
      total=$(grep -m1 '^summary:\|^totals:' "$file" 2>/dev/null | awk '{ print $2 }') || true
      [ -n "$total" ] && break
      sleep 0.1
    done
    [ -n "$total" ] || die "no callgrind dump for $fw $name"
    echo "$name $((total / requests))" >>"$out/results"
    [ -z "$keep" ] || cp "$file" "$keep/$fw.$dump.$name.out"
  }
  for ((r = 0; r < rounds; r++)); do
    run plain_200 /plain/1
    run annotated_200 /annotated/1
    run annotated_304 /annotated/1 -H "If-None-Match: $etag_v"
    run plain_hashed_200 /plain_hashed/1
    run annotated_hashed_200 /annotated_hashed/1
    run annotated_hashed_304 /annotated_hashed/1 -H "If-None-Match: $etag_h"
    run bare_get /bare/trivial
    run required_get /required/trivial
    run bare_put /bare/trivial -X PUT -H 'If-Match: "1"'
    run required_put /required/trivial -X PUT -H 'If-Match: "1"'
    if [ "$fw" = axum ]; then
      run noop_get /noop/trivial
      run noop_put /noop/trivial -X PUT -H 'If-Match: "1"'
    fi
  done
  kill "$vpid" 2>/dev/null || true
  wait "$vpid" 2>/dev/null || true
  vpid=""

  echo "$fw: user-space instructions per request, median of $rounds rounds of $requests requests"
  awk '
    { v[$1] = v[$1] " " $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
    function median(s,   a, k, i, j, t) {
      k = split(s, a, " ")
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    END {
      for (i = 1; i <= n; i++) { m[order[i]] = median(v[order[i]]); printf "  %-22s %8d\n", order[i], m[order[i]] }
      split("annotated_200:plain_200 annotated_hashed_200:plain_hashed_200 annotated_304:annotated_200 annotated_hashed_304:annotated_hashed_200 required_get:bare_get required_put:bare_put noop_get:bare_get noop_put:bare_put required_get:noop_get required_put:noop_put", pairs, " ")
      for (i = 1; i <= 10; i++) {
        split(pairs[i], ab, ":")
        if (!(ab[1] in m) || !(ab[2] in m)) continue
        printf "  %-22s vs %-18s %+7d (%+.1f%%)\n", ab[1], ab[2], m[ab[1]] - m[ab[2]], (m[ab[1]] - m[ab[2]]) * 100 / m[ab[2]]
      }
    }' "$out/results"
done
